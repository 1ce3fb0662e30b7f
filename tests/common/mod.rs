//! Helpers shared by the integration tests.

pub(crate) mod git;
pub(crate) mod html;
pub(crate) mod http;
pub(crate) mod schema;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

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

/// Every file under `dir`, by relative path with `/` separators.
pub(crate) fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap();
                let key = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                found.insert(key, fs::read(&path).unwrap());
            }
        }
    }
    found
}

/// Runs `greenproc build` of the site at `root` into `output`, with `args`.
pub(crate) fn build(root: &Path, output: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_greenproc"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .args(args)
        .output()
        .expect("greenproc runs")
}

/// Fails the test, showing what the build printed, unless the build succeeded.
pub(crate) fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "build failed ({:?}):\n{}{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
