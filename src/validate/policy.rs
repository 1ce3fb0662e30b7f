//! Rules for policies.

use super::{Checker, each};
use crate::diagnostic::{Code, Position};
use crate::model::Dataset;
use crate::text;

/// A policy takes effect on or after the day it was issued.
pub(super) fn check_policies(dataset: &Dataset, checker: &mut Checker) {
    for (file, policy) in each(&dataset.policies) {
        let meta = &policy.meta;
        if let Some(effective) = &meta.effective
            && effective.value < meta.issued.value
        {
            checker.diagnostics.report(
                Code::DateOrder,
                file,
                Position::of(effective),
                text!(
                    "validate.policy.dates",
                    effective = effective.value.to_string(),
                    issued = meta.issued.value.to_string(),
                ),
                text!("validate.policy.dates_hint"),
            );
        }
    }
}
