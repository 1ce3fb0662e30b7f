//! The site's theme, reviewed as the code it is: a template that does not compile is
//! an error here, as it would stop the build; and a site's override that weakens the
//! security headers, or makes pages load anything from another host, is a warning,
//! since the site must load nothing from elsewhere and merge requests that change a
//! theme are easy to read as mere data.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostics, Position};
use crate::messages::Text;
use crate::model::Dataset;
use crate::render::headers::{for_every_path, site_policy};
use crate::render::theme::{DEFAULT_HEADERS, Theme};

/// Sources that let a policy reach past the site's own files, or run inline code.
const WEAK_SOURCES: &[&str] = &["*", "'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"];

/// Loads the theme the site at `root` names, and reviews what the site's own theme
/// files change about the security headers and where pages load files from.
pub fn check_theme(root: &Path, dataset: &Dataset, diagnostics: &mut Diagnostics) {
    let Some(config) = &dataset.config else {
        return;
    };
    let name = config.record.theme.as_ref().map(|t| t.value.as_str());
    check_named_theme(root, name, diagnostics);
}

/// [`check_theme`] of the theme `name` (the default when `None`): a province's,
/// whose configuration is not a city's.
pub fn check_named_theme(root: &Path, name: Option<&str>, diagnostics: &mut Diagnostics) {
    let folder = Path::new("themes").join(name.unwrap_or("default"));
    if let Err(e) = Theme::load(root, name) {
        for (message, place) in theme_errors(&e.to_string()) {
            // At the site's own template when it has one; else the theme as a whole,
            // naming the default theme's template.
            let (file, position, message) = match place {
                Some((template, line, column))
                    if root
                        .join(&folder)
                        .join("templates")
                        .join(&template)
                        .is_file() =>
                {
                    let position = Position {
                        line,
                        column,
                        length: 1,
                    };
                    let message = crate::text!("validate.theme.broken", error = message);
                    (folder.join("templates").join(template), position, message)
                }
                Some((template, line, _)) => (
                    folder.clone(),
                    Position::FILE,
                    crate::text!(
                        "validate.theme.broken_in_template",
                        error = message,
                        template = template,
                        line = line
                    ),
                ),
                None => (
                    folder.clone(),
                    Position::FILE,
                    crate::text!("validate.theme.broken", error = message),
                ),
            };
            diagnostics.report(
                Code::ThemeBroken,
                &file,
                position,
                message,
                Text::new("validate.theme.broken_hint"),
            );
        }
        return;
    }
    let headers = folder.join("headers");
    if let Ok(bytes) = std::fs::read(root.join(&headers)) {
        check_headers(&headers, &bytes, diagnostics);
    }
    for file in theme_files(root, &folder) {
        if let Ok(text) = std::fs::read_to_string(root.join(&file)) {
            check_loads(&file, &text, diagnostics);
        }
    }
}

/// A template, line and column.
type Place = (String, u64, u64);

/// The errors in a theme's report: each message, and the template, line and column
/// it names (Tera's `--> page.html:3:12`), if it does. A report without Tera's
/// `error:` lines is one message, its first line.
fn theme_errors(report: &str) -> Vec<(String, Option<Place>)> {
    let mut errors: Vec<(String, Option<Place>)> = Vec::new();
    for line in report.lines() {
        if let Some(message) = line.strip_prefix("error: ") {
            errors.push((message.to_owned(), None));
        } else if let Some(place) = line.trim_start().strip_prefix("--> ")
            && let Some(last) = errors.last_mut()
            && last.1.is_none()
        {
            let mut parts = place.rsplitn(3, ':');
            let (column, line, template) = (parts.next(), parts.next(), parts.next());
            if let (Some(column), Some(line), Some(template)) = (column, line, template) {
                let number = |s: &str| s.trim().parse::<u64>().ok();
                if let (Some(line), Some(column)) = (number(line), number(column)) {
                    last.1 = Some((template.trim().to_owned(), line, column));
                }
            }
        }
    }
    if errors.is_empty() {
        errors.push((report.lines().next().unwrap_or_default().to_owned(), None));
    }
    errors
}

/// The site's template and asset files of the theme in `folder`, relative to `root`.
fn theme_files(root: &Path, folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for part in ["templates", "assets"] {
        let Ok(entries) = std::fs::read_dir(root.join(folder).join(part)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let is_text = [".html", ".css", ".js", ".svg"]
                .iter()
                .any(|ext| name.to_string_lossy().ends_with(ext));
            if is_text && entry.file_type().is_ok_and(|t| t.is_file()) {
                files.push(folder.join(part).join(name));
            }
        }
    }
    files.sort();
    files
}

/// Warns about each header of the default theme that `bytes` drops, and each source in
/// its Content-Security-Policy that reaches another host or allows inline code.
fn check_headers(file: &Path, bytes: &[u8], diagnostics: &mut Diagnostics) {
    let ours = for_every_path(bytes);
    let mut warn = |message: Text| {
        diagnostics.report(
            Code::ThemeWeakens,
            file,
            Position::FILE,
            message,
            Text::new("validate.theme.headers_hint"),
        );
    };
    for (name, _) in for_every_path(DEFAULT_HEADERS) {
        if !ours.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            warn(crate::text!("validate.theme.header_dropped", header = name));
        }
    }
    let Some(policy) = site_policy(bytes) else {
        return;
    };
    let default_policy = site_policy(DEFAULT_HEADERS).unwrap_or_default();
    let directives: Vec<Vec<&str>> = policy
        .split(';')
        .map(|d| d.split_whitespace().collect())
        .collect();
    for wanted in default_policy
        .split(';')
        .filter_map(|d| d.split_whitespace().next())
    {
        if !directives.iter().any(|d| d.first() == Some(&wanted)) {
            warn(crate::text!("validate.theme.csp_lacks", directive = wanted));
        }
    }
    for directive in &directives {
        let Some((name, sources)) = directive.split_first() else {
            continue;
        };
        for source in sources {
            let lower = source.to_ascii_lowercase();
            let keyword = lower.starts_with('\'') && !WEAK_SOURCES.contains(&lower.as_str());
            let local_data = lower == "data:" && matches!(*name, "img-src" | "font-src");
            if !(keyword || local_data) {
                warn(crate::text!(
                    "validate.theme.csp_allows",
                    source = *source,
                    directive = *name
                ));
            }
        }
    }
}

/// Warns about each place in a template, style sheet or script that loads a file from
/// another host: `src`, `srcset`, `poster`, `data` and `action` values, `<link href>`,
/// CSS `url()` and `@import`, that start with a scheme or `//`.
fn check_loads(file: &Path, text: &str, diagnostics: &mut Diagnostics) {
    const LOADING: &[&str] = &[
        "src=", "srcset=", "poster=", "data=", "action=", "url(", "@import",
    ];
    for (number, line) in text.lines().enumerate() {
        let lower = line.to_ascii_lowercase();
        let link_tag = lower.contains("<link");
        let mut found = None;
        for pattern in LOADING.iter().chain(link_tag.then_some(&"href=")) {
            for (at, _) in lower.match_indices(pattern) {
                let value = lower[at + pattern.len()..]
                    .trim_start_matches(|c: char| c.is_whitespace() || "\"'(".contains(c));
                let external = ["http:", "https:", "//", "ftp:"]
                    .iter()
                    .any(|p| value.starts_with(p));
                if external && found.is_none_or(|f| at < f) {
                    found = Some(at);
                }
            }
        }
        if let Some(at) = found {
            let column = line[..at].chars().count() as u64 + 1;
            diagnostics.report(
                Code::ThemeWeakens,
                file,
                Position {
                    line: number as u64 + 1,
                    column,
                    length: 1,
                },
                Text::new("validate.theme.external_load"),
                Text::new("validate.theme.external_load_hint"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings(run: impl FnOnce(&mut Diagnostics)) -> Vec<String> {
        let mut diagnostics = Diagnostics::default();
        run(&mut diagnostics);
        diagnostics
            .into_sorted()
            .into_iter()
            .map(|d| {
                let message = d.message.render(crate::messages::Lang::En);
                format!("{}:{} {message}", d.line, d.column)
            })
            .collect()
    }

    #[test]
    fn teras_report_becomes_one_message_per_error_with_its_place() {
        let report = "a template does not compile:\nerror: Unknown filter `hre`\n --> page.html:3:12\n  |\n3 | x\n\nerror: Unexpected end\n --> base.html:40:1\n";
        assert_eq!(
            theme_errors(report),
            vec![
                (
                    "Unknown filter `hre`".to_owned(),
                    Some(("page.html".to_owned(), 3, 12))
                ),
                (
                    "Unexpected end".to_owned(),
                    Some(("base.html".to_owned(), 40, 1))
                ),
            ]
        );
        assert_eq!(
            theme_errors("theme name `../x` in data/site.yaml: use letters"),
            vec![(
                "theme name `../x` in data/site.yaml: use letters".to_owned(),
                None
            )]
        );
    }

    #[test]
    fn the_default_headers_pass_and_weakened_ones_are_named() {
        let file = Path::new("themes/civic/headers");
        assert!(warnings(|d| check_headers(file, DEFAULT_HEADERS, d)).is_empty());
        let weak = b"/*\n  Content-Security-Policy: default-src 'self'; script-src * 'unsafe-inline'; img-src 'self' data:\n";
        let found = warnings(|d| check_headers(file, weak, d));
        for expected in [
            "drop `X-Frame-Options`",
            "lacks `object-src`",
            "allows `*` in `script-src`",
            "allows `'unsafe-inline'` in `script-src`",
        ] {
            assert!(
                found.iter().any(|w| w.contains(expected)),
                "{expected}: {found:?}"
            );
        }
        assert!(!found.iter().any(|w| w.contains("data:")), "{found:?}");
    }

    #[test]
    fn loads_from_other_hosts_are_found_and_links_are_not() {
        let file = Path::new("themes/civic/templates/base.html");
        let text = "<a href=\"https://gov.cn/\">政府网</a>\n<script src=\"https://cdn.example/x.js\"></script>\n<link rel=\"stylesheet\" href=\"//fonts.example/f.css\">\n<img src=\"{{ site.base }}assets/a.png\">\n";
        let found = warnings(|d| check_loads(file, text, d));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("2:9 "), "{found:?}");
        assert!(found[1].starts_with("3:24 "), "{found:?}");
        let css = "body { background: url( 'https://x.example/a.png') }\n@import url(local.css);\n";
        assert_eq!(warnings(|d| check_loads(file, css, d)).len(), 1);
    }
}
