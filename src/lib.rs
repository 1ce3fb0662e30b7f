//! greenproc turns a git repository of YAML records and Markdown documents about a
//! city's "government procurement supports green building materials" pilot into a
//! static public website.
//!
//! The crate is a pipeline, one module per stage:
//!
//! 1. [`load`] walks `data/` and `content/` and parses each file into a typed record
//!    from [`model`], keeping file, line and column;
//! 2. [`validate`] checks every rule that crosses fields and records and reports all
//!    problems at once as [`diagnostic::Diagnostic`]s;
//!
//! `docs/DESIGN.md` maps the stages in more detail.

pub mod diagnostic;
pub mod load;
pub mod model;
pub mod schema;
pub mod synthetic;
pub mod validate;

use std::path::Path;

use diagnostic::Diagnostics;
use model::Dataset;

/// Loads and validates a site: the work of `greenproc check`, and the first half of
/// every build.
pub fn check_site(root: &Path) -> (Dataset, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let dataset = load::load_site(root, &mut diagnostics);
    validate::validate(&dataset, &mut diagnostics);
    (dataset, diagnostics)
}
