//! Embeds the default theme: every file of `themes/default/templates/` and
//! `themes/default/assets/`, listed from the folders, so that a new template or asset
//! is a file added, not a line in the Rust code.

use std::fs;
use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut code = String::new();
    for (name, folder, macro_name, kind) in [
        (
            "TEMPLATES",
            "themes/default/templates",
            "include_str",
            "&str",
        ),
        ("ASSETS", "themes/default/assets", "include_bytes", "&[u8]"),
    ] {
        println!("cargo::rerun-if-changed={folder}");
        let dir = Path::new(&root).join(folder);
        let mut files: Vec<String> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|file| !file.starts_with('.'))
            .collect();
        files.sort();
        code.push_str(&format!(
            "/// The default theme's `{folder}/`, by file name.\nconst {name}: &[(&str, {kind})] = &[\n"
        ));
        for file in files {
            let path = dir.join(&file);
            code.push_str(&format!(
                "    ({file:?}, {macro_name}!({:?})),\n",
                path.display().to_string()
            ));
        }
        code.push_str("];\n");
    }
    fs::write(Path::new(&out).join("default_theme.rs"), code).expect("OUT_DIR is writable");
}
