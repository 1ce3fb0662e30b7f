//! Ids: safe to use in URLs and file names, and unique within their kind.

use std::path::Path;

use rustc_hash::FxHashMap;

use super::Target;
use crate::diagnostic::{Code, Diagnostics, Position, display_path};
use crate::model::Sp;
use crate::path_safety::is_device_name;
use crate::site_paths::list_folders;

/// Longest id accepted; ids become path segments and must stay short.
const MAX_ID_LEN: usize = 100;

/// Whether `id` is lowercase ASCII letters, digits and inner hyphens, at most 100 long,
/// and not a Windows device name (`con`, `nul`, `com1`...), which cannot be a folder.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && !is_device_name(id)
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// The ids of one kind, each with the file and line where it was first seen.
pub(super) type Ids<'a> = FxHashMap<&'a str, (&'a Path, u64)>;

/// Gathers the ids of every kind, reporting unsafe and duplicate ones.
pub(super) struct Collector<'a, 'd> {
    diagnostics: &'d mut Diagnostics,
    first_seen: FxHashMap<Target, Ids<'a>>,
}

impl<'a, 'd> Collector<'a, 'd> {
    pub(super) fn new(diagnostics: &'d mut Diagnostics) -> Self {
        Collector {
            diagnostics,
            first_seen: FxHashMap::default(),
        }
    }

    /// Adds the ids of one file's list (districts, categories...).
    pub(super) fn add_all(
        &mut self,
        kind: Target,
        file: &'a Path,
        ids: impl Iterator<Item = &'a Sp<String>>,
    ) {
        for id in ids {
            self.add(kind, file, id);
        }
    }

    /// Makes room for `count` ids of `kind`. Sized once: growing a map of 60,000 ids
    /// step by step took most of validation's time, rehashing every id at each step.
    pub(super) fn reserve(&mut self, kind: Target, count: usize) {
        self.first_seen.entry(kind).or_default().reserve(count);
    }

    /// Adds one id, reporting it when unsafe or already taken.
    pub(super) fn add(&mut self, kind: Target, file: &'a Path, id: &'a Sp<String>) {
        if !is_safe_id(&id.value) {
            let message = if is_device_name(&id.value) {
                crate::text!(
                    "validate.ids.device_name",
                    kind = kind.noun(),
                    id = &id.value
                )
            } else {
                crate::text!(
                    "validate.ids.not_url_safe",
                    kind = kind.noun(),
                    id = &id.value
                )
            };
            self.diagnostics.report(
                Code::UnsafeId,
                file,
                Position::of(id),
                message,
                crate::text!(
                    "validate.ids.unsafe_hint",
                    example = suggest_id(&id.value, kind)
                ),
            );
        }
        if list_folders(kind).contains(&id.value.as_str()) {
            self.diagnostics.report(
                Code::UnsafeId,
                file,
                Position::of(id),
                crate::text!(
                    "validate.ids.list_folder",
                    kind = kind.noun(),
                    id = &id.value
                ),
                crate::text!(
                    "validate.ids.list_folder_hint",
                    names = list_folders(kind).join(", "),
                    id = &id.value
                ),
            );
        }
        let seen = self.first_seen.entry(kind).or_default();
        match seen.get(id.value.as_str()) {
            Some((first_file, first_line)) => self.diagnostics.report(
                Code::DuplicateId,
                file,
                Position::of(id),
                crate::text!("validate.ids.duplicate", kind = kind.noun(), id = &id.value),
                crate::text!(
                    "validate.ids.duplicate_hint",
                    file = display_path(first_file),
                    line = *first_line
                ),
            ),
            None => {
                seen.insert(&id.value, (file, id.referenced.line()));
            }
        }
    }

    /// The ids of each kind, with where each was first seen.
    pub(super) fn finish(self) -> FxHashMap<Target, Ids<'a>> {
        self.first_seen
    }
}

/// A safe id close to what the editor wrote, for the hint; when nothing of it is
/// usable (all Chinese, say), the kind's name and a number.
fn suggest_id(id: &str, kind: Target) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(MAX_ID_LEN).collect();
    if out.is_empty() {
        let stem = match kind {
            Target::Record(kind) => kind.info().name,
            Target::District => "district",
            Target::Zone => "zone",
            Target::Group => "group",
            Target::Category => "category",
        };
        format!("{stem}-01")
    } else if is_device_name(&out) {
        format!("{out}-1")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_ids() {
        assert!(is_safe_id("zd-hospital-2023"));
        for bad in [
            "", "-a", "a-", "A", "a_b", "a/b", "..", "中文", "a b", "con\0", "con", "nul", "com1",
            "lpt9",
        ] {
            assert!(!is_safe_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn suggestions_are_safe_and_name_no_city() {
        let project = Target::Record(crate::model::kind::RecordKind::Project);
        assert_eq!(
            suggest_id("Hospital_2023 East", project),
            "hospital-2023-east"
        );
        assert_eq!(suggest_id("医院", project), "project-01");
        assert_eq!(suggest_id("区县", Target::District), "district-01");
        assert_eq!(suggest_id("CON", project), "con-1");
    }
}
