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
//! 3. [`derive`] computes once what no single record holds: lookups by id, reverse
//!    references, current stages, certificate status on the as-of date;
//! 4. [`export`] writes the open-data files (and an inventory of them for the data
//!    portal);
//! 5. [`render`] turns records into pages through the theme's Tera templates;
//! 6. [`write`] stages the files beside the output folder and swaps them in, with a
//!    [`manifest`] of them.
//!
//! [`build`] runs the six stages for `greenproc build`, the sitemap after the pages,
//! rendering again only what changed since the previous output;
//! [`serve`] keeps their results in memory for the editors' preview and reruns only
//! what an edit affects. [`history`] reads the site's git repository in-process: each
//! record's history for the derive stage, and the field-level comparison behind
//! `greenproc diff`. [`import`] runs the way back: a spreadsheet's rows into the
//! record files, changed in place and checked by the first two stages before anything
//! is written.
//!
//! `docs/DESIGN.md` maps the stages in more detail.

pub mod build;
pub mod derive;
pub mod diagnostic;
pub mod export;
pub mod history;
pub mod import;
pub mod load;
pub mod manifest;
pub mod messages;
pub mod model;
pub mod path_safety;
pub mod province;
pub mod publish;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod site_paths;
pub mod suggest;
pub mod synthetic;
pub mod validate;
pub mod write;
pub mod xml;
pub mod yaml;

use std::path::Path;

use diagnostic::Diagnostics;
use model::Dataset;

/// Loads and validates a site: the work of `greenproc check`, and the first half of
/// every build.
pub fn check_site(root: &Path) -> (Dataset, Diagnostics) {
    check_site_with(root, &mut || {})
}

/// [`check_site`], calling `loaded` between loading and validating: a build times and
/// reports the two apart.
pub fn check_site_with(root: &Path, loaded: &mut dyn FnMut()) -> (Dataset, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let dataset = load::load_site(root, &mut diagnostics);
    loaded();
    validate::validate(&dataset, &mut diagnostics);
    validate::theme::check_theme(root, &dataset, &mut diagnostics);
    (dataset, diagnostics)
}
