//! Stage 2, validate: every rule that a single field's type cannot express.

use crate::diagnostic::Diagnostics;
use crate::model::Dataset;

/// Checks `dataset` and reports every problem to `diagnostics`.
pub fn validate(_dataset: &Dataset, _diagnostics: &mut Diagnostics) {}
