//! Helpers shared by the integration tests.

pub(crate) mod git;
pub(crate) mod html;

use std::path::Path;

/// Copies the folder `from` into `to` (created when missing), files and subfolders.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The `id:` of each record file under `folder` (first line `id: x` of YAML, or of
/// Markdown front matter).
pub(crate) fn record_ids(folder: &Path) -> Vec<String> {
    let mut ids = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return ids;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            ids.extend(record_ids(&path));
        } else if let Ok(text) = std::fs::read_to_string(&path)
            && let Some(id) = text.lines().find_map(|l| l.strip_prefix("id: "))
        {
            ids.push(id.trim().trim_matches('"').to_owned());
        }
    }
    ids
}
