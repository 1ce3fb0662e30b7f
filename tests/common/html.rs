//! A scanner for what a payload could smuggle into generated HTML, shared by the
//! hostile-site test (whole pages), the property tests and the fuzz targets (Markdown
//! fragments). The fuzz crate includes it with `#[path]`.

/// One start tag: lower-cased name and attributes (names lower-cased, values as
/// written, entities left alone).
pub(crate) struct StartTag {
    pub(crate) name: String,
    pub(crate) attributes: Vec<(String, String)>,
}

/// What the markup is, which decides the scripts it may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// A whole page: the theme's own script files and JSON-LD data are allowed.
    Page,
    /// Sanitized Markdown: no script at all, only the tags and attributes the
    /// sanitizer allows, and images only from this site.
    Fragment,
}

/// The start tags of `html` as a browser's tokenizer would see them: text never
/// holds a raw `<` followed by a letter (the renderer escapes it), so every such `<`
/// opens a tag; the contents of `script` and `style` are raw text up to their end
/// tag and are skipped; comments are skipped.
pub(crate) fn start_tags(html: &str) -> Vec<StartTag> {
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

/// Whether a browser would resolve `url` to another host: a scheme, or a path that
/// starts with two slashes or backslashes in any mix (browsers read `\` as `/` in
/// web addresses, and skip tabs and newlines inside them).
fn leaves_the_host(url: &str) -> bool {
    let url: String = url
        .replace("&#9;", "")
        .replace("&#10;", "")
        .replace("&#13;", "")
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let url = url.trim_start_matches(|c: char| c <= ' ');
    let mut leading = url.chars().take_while(|c| matches!(c, '/' | '\\'));
    let two_slashes = leading.next().is_some() && leading.next().is_some();
    let scheme = url
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains(['/', '\\', '?', '#']));
    two_slashes || scheme
}

/// What in `html` a payload could have put there: scripts (in a page, other than the
/// theme's own files and JSON-LD), event-handler and style attributes,
/// `javascript:`/`data:`/`vbscript:` links; in a fragment also tags and attributes
/// outside the sanitizer's allow-list and images from another host.
pub(crate) fn problems(html: &str, scope: Scope) -> Vec<String> {
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
            if scope == Scope::Fragment || (!own_file && !json_ld) {
                found.push(format!("<script> {:?}", tag.attributes));
            }
        }
        if scope == Scope::Fragment
            && tag.name != "script"
            && !greenproc::render::markdown::ALLOWED_TAGS.contains(&tag.name.as_str())
        {
            found.push(format!("<{}> is not an allowed tag", tag.name));
        }
        for (name, value) in &tag.attributes {
            if name.starts_with("on") {
                found.push(format!("<{} {name}=…>", tag.name));
            }
            if scope == Scope::Fragment && name == "style" {
                found.push(format!("<{} style=…>", tag.name));
            }
            // As a browser's URL parser reads it: tabs and line breaks dropped
            // anywhere, control characters and spaces trimmed from the start.
            let lower: String = value
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect::<String>()
                .trim_start_matches(|c: char| c <= ' ')
                .to_ascii_lowercase();
            let linking = matches!(name.as_str(), "href" | "src" | "action" | "formaction");
            let runs_code = ["javascript:", "data:", "vbscript:"]
                .iter()
                .any(|scheme| lower.starts_with(scheme));
            if linking && runs_code {
                found.push(format!("<{} {name}={value:?}>", tag.name));
            }
            if scope == Scope::Fragment && name == "src" && leaves_the_host(value) {
                found.push(format!(
                    "<{} src={value:?}> loads from another host",
                    tag.name
                ));
            }
        }
    }
    found
}

#[test]
fn the_scanner_sees_what_it_looks_for() {
    let bad = r#"<p>x</p><script>alert(1)</script><img src=x onerror=alert(2)>
        <a HREF=" JavaScript:alert(4)">a</a><svg onload='alert(3)'>"#;
    assert_eq!(problems(bad, Scope::Page).len(), 4);
    let good = r#"<script src="/x/assets/site.js" defer></script>
        <script type="application/ld+json">{"a":"<script>alert(1)<\/script>"}</script>
        <p title="&quot; onmouseover=&quot;alert(6)">&lt;img src=x onerror=alert(2)&gt;</p>"#;
    assert_eq!(problems(good, Scope::Page), Vec::<String>::new());
    // Two scripts, the svg tag and its handler, a style attribute, five foreign images.
    let fragment = r#"<script src="/x/assets/site.js"></script><svg onload=x></svg>
        <script type="application/ld+json">{}</script><p style="color:red">
        <img src="https://a.test/x.png"><img src="/\a.test/x.png"><img src="\/a.test">
        <img src="/&#9;/a.test/x.png"><img src="/assets/a.png"><img src="a:b/../c.png">"#;
    let found = problems(fragment, Scope::Fragment);
    assert_eq!(found.len(), 10, "{found:?}");
}
