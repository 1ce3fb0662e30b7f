//! The pathological Markdown corpus (`greenproc::synthetic::markdown`): each shape at
//! the file size limit, as a page of the mini site. `check` refuses a shape that
//! passes a limit on Markdown's structure with `E0212` and the line where it does;
//! every other shape builds, here at 64 KB, since the tests' unoptimized build renders
//! a megabyte of Markdown in minutes (a release build in a tenth of a second). How long
//! rendering takes against size is the Markdown benchmark's business
//! (`cargo bench --bench markdown`), not a timed test's.

use crate::common;

use std::path::Path;
use std::process::Command;

use greenproc::load::MAX_FILE_BYTES;
use greenproc::synthetic::markdown::{SHAPES, text};

/// The size at which the shapes that pass `check` are built.
const BUILT_BYTES: usize = 64 * 1024;

/// The shapes `check` refuses at the size limit, and why: nesting (quotations, lists,
/// tags) or the number of elements (a heading, a table row or an emphasis is one or
/// more each).
const REFUSED: &[&str] = &[
    "divs",
    "emphasis",
    "footnotes",
    "headings",
    "long-header-table",
    "nested-lists",
    "quotes",
    "reference-links",
    "same-slug-headings",
    "spans",
    "table",
    "unclosed-bold-tags",
];

#[test]
fn each_shape_at_the_size_limit_is_refused_with_its_line_or_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini"),
        &root,
    );
    let front = |shape: &str| format!("---\nid: p-{shape}\ntitle: {shape}\n---\n");
    for shape in SHAPES {
        let head = front(shape);
        let body = text(shape, MAX_FILE_BYTES as usize - head.len()).unwrap();
        let file = root.join(format!("content/pages/p-{shape}.md"));
        std::fs::write(&file, head + &body).unwrap();
    }
    let bin = env!("CARGO_BIN_EXE_greenproc");
    let check = Command::new(bin)
        .args(["check", "--format", "json", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let diagnostics: Vec<serde_json::Value> = serde_json::from_slice(&check.stdout).unwrap();
    let mut refused = Vec::new();
    for d in &diagnostics {
        assert_eq!(d["code"], "E0212", "{d}");
        assert!(d["line"].as_u64().unwrap() >= 5, "a line in the body: {d}");
        let file = d["file"].as_str().unwrap();
        let shape = file
            .strip_prefix("content/pages/p-")
            .and_then(|f| f.strip_suffix(".md"))
            .unwrap();
        refused.push(shape.to_owned());
        std::fs::remove_file(root.join(file)).unwrap();
    }
    refused.sort();
    let mut expected: Vec<&str> = REFUSED.to_vec();
    expected.sort();
    assert_eq!(refused, expected);
    for shape in SHAPES.iter().filter(|s| !REFUSED.contains(s)) {
        let head = front(shape);
        let body = text(shape, BUILT_BYTES - head.len()).unwrap();
        let file = root.join(format!("content/pages/p-{shape}.md"));
        std::fs::write(&file, head + &body).unwrap();
    }

    let out = dir.path().join("public");
    common::assert_success(&common::build(&root, &out, &["--quiet"]));
    for shape in SHAPES.iter().filter(|s| !REFUSED.contains(s)) {
        let page = out.join(format!("p-{shape}/index.html"));
        assert!(page.is_file(), "{shape}: no page");
    }
}
