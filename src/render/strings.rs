//! The theme's strings: one tree of maps with text leaves per language, which the
//! templates read whole (as `t`) and Rust reads by path. Every path Rust reads is
//! declared in [`rust_paths`] and checked when the theme loads, so that a missing
//! string stops the build with its name instead of leaving a label empty; the tests,
//! which render every page, fail on a path read but not declared.

use std::sync::OnceLock;

use serde_json::Value;

use crate::derive::CertStatus;
use crate::derive::compliance::{Reason, Verdict};
use crate::history::Action;
use crate::model::activity::InspectionResult;
use crate::model::document::PolicyLevel;
use crate::model::kind::{Home, KINDS};
use crate::model::org::Role;
use crate::model::product::ListingStatus;
use crate::model::project::{ProjectType, StageKind};
use crate::model::value::Stars;
use crate::render::format::MONEY_UNITS;

/// The strings of a loaded theme.
#[derive(Debug)]
pub struct Strings {
    tree: Value,
}

/// Paths of one text each that Rust reads.
const FIXED: &[&[&str]] = &[
    &["data_portal", "title"],
    &["chart", "count"],
    &["chart", "segment"],
    &["feed", "policy_issued"],
    &["feed", "project_reached"],
    &["feed", "subtitle"],
    &["history", "fields_separator"],
    &["history", "follow_title"],
    &["meta", "table"],
    &["meta", "file_note"],
    &["province", "chart_summary"],
    &["province", "coverage_chart"],
    &["province", "green_chart"],
    &["province", "stale_note"],
    &["province", "missing_note"],
    &["province", "field"],
    &["province", "no_version"],
    &["province", "lookup", "title"],
    &["province", "catalog", "title"],
    &["province", "stats", "title"],
    &["province", "data", "title"],
    &["province", "refusal", "unreachable"],
    &["province", "refusal", "not_a_package"],
    &["province", "refusal", "unknown_format"],
    &["province", "refusal", "missing_resource"],
    &["province", "refusal", "too_large"],
    &["province", "refusal", "hash_mismatch"],
    &["province", "refusal", "invalid"],
    &["province", "row_problem", "header"],
    &["province", "row_problem", "malformed"],
    &["province", "row_problem", "required"],
    &["province", "row_problem", "type"],
    &["province", "row_problem", "unknown_code"],
    &["province", "row_problem", "duplicate_key"],
    &["province", "row_problem", "broken_reference"],
    &["province", "row_problem", "credit_code"],
    &["publication_policy", "title"],
    &["search", "title"],
    &["stats", "actual_legend"],
    &["stats", "categories_chart"],
    &["stats", "categories_summary"],
    &["stats", "category_districts_chart"],
    &["stats", "category_summary"],
    &["stats", "coverage_years_chart"],
    &["stats", "district_summary"],
    &["stats", "districts_chart"],
    &["stats", "districts_summary"],
    &["stats", "green"],
    &["stats", "no_data"],
    &["stats", "other"],
    &["stats", "progress_chart"],
    &["stats", "progress_summary"],
    &["stats", "separator"],
    &["stats", "stages_chart"],
    &["stats", "stages_summary"],
    &["stats", "target_legend", "ahead"],
    &["stats", "target_legend", "empty"],
    &["stats", "target_legend", "met"],
    &["stats", "target_legend", "not_met"],
    &["stats", "target_status", "ahead"],
    &["stats", "target_status", "empty"],
    &["stats", "target_status", "met"],
    &["stats", "target_status", "not_met"],
    &["stats", "title"],
    &["stats", "year_end"],
    &["stats", "year_item"],
    &["stats", "year_item_so_far"],
    &["updates", "page"],
    &["updates", "title"],
];

/// Every path Rust reads: [`FIXED`], and each group keyed by the keys of an enum or
/// of the record kinds (`nav` by their list pages). Made once: the debug builds'
/// check in [`Strings::text`] asks on every read.
pub fn rust_paths() -> &'static [Vec<&'static str>] {
    static PATHS: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
    PATHS.get_or_init(declared_paths)
}

fn declared_paths() -> Vec<Vec<&'static str>> {
    let keyed = |group: &[&'static str], keys: &[&'static str]| -> Vec<Vec<&'static str>> {
        keys.iter()
            .map(|key| group.iter().copied().chain([*key]).collect())
            .collect()
    };
    let stages = StageKind::ALL.map(StageKind::key);
    let kinds: Vec<&str> = KINDS.iter().map(|info| info.key).collect();
    // Search lists a result for every record of the kinds of many records, and for
    // every material category.
    let search_kinds: Vec<&str> = KINDS
        .iter()
        .filter(|info| matches!(info.home, Home::Folder(_)))
        .map(|info| info.key)
        .chain(["category"])
        .collect();
    let mut paths: Vec<Vec<&str>> = FIXED.iter().map(|path| path.to_vec()).collect();
    paths.extend(keyed(&["stage"], &stages));
    paths.extend(keyed(&["stars"], &Stars::ALL.map(Stars::key)));
    paths.extend(keyed(
        &["project_type"],
        &ProjectType::ALL.map(ProjectType::key),
    ));
    paths.extend(keyed(&["role"], &Role::ALL.map(Role::key)));
    paths.extend(keyed(
        &["policy_level"],
        &PolicyLevel::ALL.map(PolicyLevel::key),
    ));
    paths.extend(keyed(
        &["inspection_result"],
        &InspectionResult::ALL.map(InspectionResult::key),
    ));
    paths.extend(keyed(
        &["verdict", "reasons"],
        &Reason::ALL.map(Reason::key),
    ));
    // The list explorer's facets name their values from these (`render::list`).
    paths.extend(keyed(&["verdict"], &Verdict::ALL.map(Verdict::key)));
    paths.extend(keyed(
        &["listing"],
        &ListingStatus::ALL.map(ListingStatus::key),
    ));
    paths.extend(keyed(&["cert_status"], &CertStatus::ALL.map(|s| s.key())));
    let actions = Action::ALL.each_ref().map(Action::key);
    paths.extend(keyed(&["history", "action"], &actions));
    paths.extend(keyed(&["history", "kind"], &kinds));
    paths.extend(keyed(&["search_kind"], &search_kinds));
    let lists: Vec<&str> = KINDS.iter().filter_map(|info| info.list).collect();
    paths.extend(keyed(&["nav"], &lists));
    paths.extend(keyed(&["units"], &MONEY_UNITS));
    paths
}

impl Strings {
    /// The strings of `tree`, or the paths of [`rust_paths`] it lacks.
    pub(super) fn new(tree: Value) -> Result<Strings, String> {
        let missing: Vec<String> = rust_paths()
            .iter()
            .filter(|path| lookup(&tree, path).is_none())
            .map(|path| format!("`{}`", path.join(".")))
            .collect();
        if missing.is_empty() {
            Ok(Strings { tree })
        } else {
            Err(missing.join(", "))
        }
    }

    /// The whole tree, for the templates.
    pub fn tree(&self) -> &Value {
        &self.tree
    }

    /// The text at `path`, one of [`rust_paths`].
    pub fn text(&self, path: &[&str]) -> &str {
        debug_assert!(
            rust_paths().iter().any(|declared| declared == path),
            "the theme string `{}` is read but not declared in rust_paths",
            path.join(".")
        );
        lookup(&self.tree, path).unwrap_or_default()
    }

    /// The text at `path` where the theme may leave it out, for lookups with a
    /// fallback of their own (a field's label falls back to the field's path).
    pub fn optional(&self, path: &[&str]) -> Option<&str> {
        lookup(&self.tree, path)
    }
}

/// The text leaf at `path`, when there is one.
fn lookup<'v>(tree: &'v Value, path: &[&str]) -> Option<&'v str> {
    path.iter()
        .try_fold(tree, |value, key| value.get(*key))?
        .as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_rust_reads_is_in_the_default_strings() {
        let dir = tempfile::tempdir().unwrap();
        let theme = super::super::theme::Theme::load(dir.path(), None).unwrap();
        for path in rust_paths() {
            assert!(
                !theme.strings.text(path).is_empty(),
                "{} is empty",
                path.join(".")
            );
        }
    }

    #[test]
    fn a_theme_without_a_string_rust_reads_is_refused_with_its_path() {
        let mut tree = serde_json::json!({ "nav": { "catalog": "目录" } });
        let missing = Strings::new(tree.clone()).unwrap_err();
        assert!(missing.contains("`nav.projects`"), "{missing}");
        assert!(missing.contains("`stage.approval`"), "{missing}");
        assert!(!missing.contains("`nav.catalog`"), "{missing}");
        for path in rust_paths() {
            let mut node = &mut tree;
            for key in path {
                node = node
                    .as_object_mut()
                    .unwrap()
                    .entry(key.to_string())
                    .or_insert(serde_json::json!({}));
            }
            *node = "x".into();
        }
        assert!(Strings::new(tree).is_ok());
    }
}
