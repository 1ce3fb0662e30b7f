//! Embeds files listed from their folders, so that a new template, asset or example
//! file is a file added, not a line in the Rust code:
//! - the default theme, every file of `themes/default/templates/` and
//!   `themes/default/assets/` (`default_theme.rs`);
//! - the example site `greenproc init` writes, every file below
//!   `src/scaffold/templates/site/` at its path in the new site (`init_site.rs`).

use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut theme = String::new();
    for (name, folder, macro_name, kind) in [
        (
            "TEMPLATES",
            "themes/default/templates",
            "include_str",
            "&str",
        ),
        ("ASSETS", "themes/default/assets", "include_bytes", "&[u8]"),
    ] {
        // The theme's folders are flat: a file's name is its key.
        let files = files_below(&root, folder, false);
        theme.push_str(&table(name, folder, macro_name, kind, &files));
    }
    fs::write(out.join("default_theme.rs"), theme).expect("OUT_DIR is writable");

    let folder = "src/scaffold/templates/site";
    let files = files_below(&root, folder, true);
    let site = table("SITE_FILES", folder, "include_str", "&str", &files);
    fs::write(out.join("init_site.rs"), site).expect("OUT_DIR is writable");
}

/// The files below `folder` (at any depth when `deep`), sorted, as (name relative to
/// the folder with `/` separators, full path). A name segment starting `dot_` is
/// written with a leading dot instead: a template's `.gitignore` kept as such would be
/// read by this repository's git.
fn files_below(root: &Path, folder: &str, deep: bool) -> Vec<(String, PathBuf)> {
    println!("cargo::rerun-if-changed={folder}");
    let mut files = Vec::new();
    let mut pending = vec![(root.join(folder), String::new())];
    while let Some((dir, prefix)) = pending.pop() {
        let entries =
            fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries.filter_map(|entry| entry.ok()) {
            let Ok(file_name) = entry.file_name().into_string() else {
                continue;
            };
            if file_name.starts_with('.') {
                continue;
            }
            let name = match file_name.strip_prefix("dot_") {
                Some(rest) => format!("{prefix}.{rest}"),
                None => format!("{prefix}{file_name}"),
            };
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_file() {
                files.push((name, entry.path()));
            } else if deep && file_type.is_dir() {
                pending.push((entry.path(), format!("{name}/")));
            }
        }
    }
    files.sort();
    files
}

/// A `const` table of `(name, contents)` pairs, the contents included by `macro_name`.
fn table(
    name: &str,
    folder: &str,
    macro_name: &str,
    kind: &str,
    files: &[(String, PathBuf)],
) -> String {
    let mut code =
        format!("/// The files of `{folder}/`, by name.\nconst {name}: &[(&str, {kind})] = &[\n");
    for (file, path) in files {
        code.push_str(&format!(
            "    ({file:?}, {macro_name}!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    code
}
