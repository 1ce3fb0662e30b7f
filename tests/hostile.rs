//! The hostile fixture (`tests/fixtures/hostile`): every text field and Markdown body
//! carries script, attribute-breaking, `javascript:`/`data:` link and template
//! payloads. The real binary builds it and every page's markup is scanned, tag by
//! tag, for anything a payload could have smuggled in.

mod common;

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_greenproc");
const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// One start tag: lower-cased name and attributes (names lower-cased, values as
/// written, entities left alone).
struct StartTag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// The start tags of `html` as a browser's tokenizer would see them: text never
/// holds a raw `<` followed by a letter (the renderer escapes it), so every such `<`
/// opens a tag; the contents of `script` and `style` are raw text up to their end
/// tag and are skipped; comments are skipped.
fn start_tags(html: &str) -> Vec<StartTag> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        i += offset + 1;
        if html[i..].starts_with("!--") {
            i += html[i..].find("-->").map_or(html.len() - i, |end| end + 3);
            continue;
        }
        if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_end = i + html[i..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or(html.len() - i);
        let name = html[i..name_end].to_ascii_lowercase();
        i = name_end;
        let mut attributes = Vec::new();
        loop {
            while bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
            {
                i += 1;
            }
            match bytes.get(i) {
                None => break,
                Some(b'>') => {
                    i += 1;
                    break;
                }
                _ => {}
            }
            let attr_end = i + html[i..]
                .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '=' || c == '/')
                .unwrap_or(html.len() - i);
            let attr = html[i..attr_end].to_ascii_lowercase();
            i = attr_end;
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                let quote = bytes.get(i).copied();
                if quote == Some(b'"') || quote == Some(b'\'') {
                    let q = quote.unwrap() as char;
                    let end = i + 1 + html[i + 1..].find(q).unwrap_or(html.len() - i - 1);
                    value = html[i + 1..end].to_owned();
                    i = (end + 1).min(html.len());
                } else {
                    let end = i + html[i..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(html.len() - i);
                    value = html[i..end].to_owned();
                    i = end;
                }
            }
            attributes.push((attr, value));
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i += html[i..]
                .to_ascii_lowercase()
                .find(&close)
                .unwrap_or(html.len() - i);
        }
        found.push(StartTag { name, attributes });
    }
    found
}

/// What in `html` a payload could have put there: scripts other than the theme's
/// own files and JSON-LD, event-handler attributes, `javascript:`/`data:` links.
fn problems(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in start_tags(html) {
        let attr = |name: &str| {
            tag.attributes
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        if tag.name == "script" {
            let own_file = attr("src").is_some_and(|src| src.contains("/assets/"));
            let json_ld = attr("type") == Some("application/ld+json");
            if !own_file && !json_ld {
                found.push(format!("<script> {:?}", tag.attributes));
            }
        }
        for (name, value) in &tag.attributes {
            if name.starts_with("on") {
                found.push(format!("<{} {name}=…>", tag.name));
            }
            let value = value.trim_start().to_ascii_lowercase();
            let linking = matches!(name.as_str(), "href" | "src" | "action" | "formaction");
            if linking && (value.starts_with("javascript:") || value.starts_with("data:")) {
                found.push(format!("<{} {name}={value:?}>", tag.name));
            }
        }
    }
    found
}

#[test]
fn the_scanner_sees_what_it_looks_for() {
    let bad = r#"<p>x</p><script>alert(1)</script><img src=x onerror=alert(2)>
        <a HREF=" JavaScript:alert(4)">a</a><svg onload='alert(3)'>"#;
    assert_eq!(problems(bad).len(), 4, "{:?}", problems(bad));
    let good = r#"<script src="/x/assets/site.js" defer></script>
        <script type="application/ld+json">{"a":"<script>alert(1)<\/script>"}</script>
        <p title="&quot; onmouseover=&quot;alert(6)">&lt;img src=x onerror=alert(2)&gt;</p>"#;
    assert_eq!(problems(good), Vec::<String>::new());
}

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
        found.extend(problems(&html).into_iter().map(|p| format!("{name}: {p}")));
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
