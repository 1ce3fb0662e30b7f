//! Rules for policies, interpretations and pages.

use super::{Checker, each};
use crate::diagnostic::{Code, Position};
use crate::model::Dataset;
use crate::model::kind::RecordKind;

/// Links, references and dates of Markdown documents.
pub(super) fn check_documents(dataset: &Dataset, checker: &mut Checker) {
    for (file, policy) in each(&dataset.policies) {
        let meta = &policy.meta;
        checker.link(file, meta.source_url.as_ref());
        for attachment in &meta.attachments {
            checker.link(file, Some(&attachment.url));
        }
        for id in &meta.supersedes {
            checker.reference(file, RecordKind::Policy, id);
        }
        if let Some(effective) = &meta.effective
            && effective.value < meta.issued.value
        {
            checker.diagnostics.report(
                Code::DateOrder,
                file,
                Position::of(effective),
                format!(
                    "the policy takes effect on {} before it was issued on {}",
                    effective.value, meta.issued.value
                ),
                "check both dates against the document",
            );
        }
    }
    for (file, interpretation) in each(&dataset.interpretations) {
        checker.reference(file, RecordKind::Policy, &interpretation.meta.policy);
        checker.link(file, interpretation.meta.source_url.as_ref());
    }
}
