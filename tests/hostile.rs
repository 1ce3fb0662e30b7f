//! The hostile fixture (`tests/fixtures/hostile`): every text field and Markdown body
//! carries script, attribute-breaking, `javascript:`/`data:` link and template
//! payloads. The real binary builds it and every page's markup is scanned, tag by
//! tag, for anything a payload could have smuggled in.

use crate::common;
use crate::common::html;

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_greenproc");
const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn hostile_site_builds_with_headers_and_no_payload_becomes_markup() {
    let root = tempfile::tempdir().unwrap();
    common::copy_dir(
        &Path::new(MANIFEST).join("tests/fixtures/hostile"),
        root.path(),
    );
    let check = Command::new(BIN)
        .args(["check", "--root"])
        .arg(root.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "check failed:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let output = root.path().join("out");
    let build = Command::new(BIN)
        .args(["build", "--root"])
        .arg(root.path())
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );

    // The hosts' headers file carries the policy the browser tests hold pages to.
    let headers = std::fs::read_to_string(output.join("_headers")).unwrap();
    assert!(
        headers.lines().any(|line| line.trim()
            == "Content-Security-Policy: default-src 'self'; script-src 'self'; \
                style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
                frame-ancestors 'none'"),
        "_headers lacks the CSP:\n{headers}"
    );

    let mut pages = 0;
    let mut literal_templates = 0;
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&output) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let name = entry.path().strip_prefix(&output).unwrap().display();
        found.extend(
            html::problems(&html, html::Scope::Page)
                .into_iter()
                .map(|p| format!("{name}: {p}")),
        );
        // The payload puts `{% raw %}` right after `{{ 7*7 }}`: wherever the one
        // survives, the other must too, never evaluated to 49.
        let raw = html.matches("{% raw %}").count();
        let literal = html.matches("{{ 7*7 }}").count();
        if literal < raw || html.contains("49 {% raw %}") {
            found.push(format!("{name}: template syntax evaluated"));
        }
        literal_templates += literal;
    }
    assert!(pages > 50, "only {pages} pages built");
    assert!(literal_templates > 0, "no page shows the template payload");
    assert!(
        found.is_empty(),
        "payloads got through:\n{}",
        found.join("\n")
    );
}
