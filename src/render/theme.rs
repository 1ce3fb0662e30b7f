//! Themes: Tera templates, the visitor-facing strings, and static assets.
//!
//! The default theme (`themes/default/`) is compiled into the binary, so a site
//! without a `themes/` folder still builds. A site overrides single files by placing
//! them under `<root>/themes/<name>/` (name from `site.yaml`'s `theme`, else
//! `default`): a template of the same name replaces the default one, strings merge
//! key by key, assets are added or replaced, and a `headers` file replaces the HTTP
//! headers published as `_headers`. Nothing has to be copied wholesale.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::sync::{Arc, RwLock};

use serde_json::Value;

use super::format::file_size;
use super::strings::Strings;
use crate::model::SiteFile;
use crate::site_paths::BaseUrl;

/// Language of the strings file; every visitor-facing text comes from it. A second
/// language adds `strings.<lang>.yaml` and a way to choose it.
pub const LANGUAGE: &str = "zh-CN";

// `TEMPLATES` and `ASSETS`: every file of the default theme's folders (build.rs).
include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// The default theme's strings.
const STRINGS: &str = include_str!("../../themes/default/strings.zh-CN.yaml");

/// The default theme's HTTP headers file, published as `_headers`.
pub const DEFAULT_HEADERS: &[u8] = include_bytes!("../../themes/default/headers");

/// A problem with a theme's files.
#[derive(Debug)]
pub struct ThemeError(String);

impl fmt::Display for ThemeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ThemeError {}

/// What the address filters need of the site being rendered.
#[derive(Default)]
struct Addresses {
    /// The site's address, which paths on the site get.
    base: Option<BaseUrl>,
    /// The type and size of each document of `files/`, by its path from the root.
    notes: HashMap<String, String>,
}

/// A loaded theme: default files with the site's overrides applied.
pub struct Theme {
    /// The templates, autoescaping `.html`.
    pub tera: tera::Tera,
    /// The strings.
    pub strings: Strings,
    /// Static files to publish under `assets/`, by file name, in name order.
    pub assets: BTreeMap<String, Vec<u8>>,
    /// Each asset's fingerprinted path by its name, which pages link to (see
    /// [`crate::site_paths::fingerprinted_asset`]).
    pub asset_paths: BTreeMap<String, String>,
    /// HTTP headers for the host, in Netlify and Cloudflare Pages `_headers` format.
    pub headers: Vec<u8>,
    /// What the `href` and `file_note` filters read, set for each site rendered.
    addresses: Arc<RwLock<Addresses>>,
}

/// The default theme's strings: the labels `greenproc diff` names fields and values
/// with, as the pages do.
pub fn default_strings() -> Strings {
    let tree = parse_strings(STRINGS, "the default theme's strings").expect("built in");
    Strings::new(tree).expect("the default theme has every string")
}

impl Theme {
    /// Loads the default theme and the overrides in `<root>/themes/<name>/`.
    pub fn load(root: &Path, name: Option<&str>) -> Result<Theme, ThemeError> {
        let name = name.unwrap_or("default");
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(ThemeError(format!(
                "theme name `{name}` in data/site.yaml: use letters, digits, - and _ only"
            )));
        }
        let override_file = format!("strings.{LANGUAGE}.yaml");
        let theme_dir = Path::new("themes").join(name);
        for part in ["templates", "assets", "headers", override_file.as_str()] {
            if let Some(link) = crate::path_safety::symlink_on_the_way(root, &theme_dir.join(part))
            {
                return Err(ThemeError(format!(
                    "{} is a symbolic link; links are not followed, so that the build never reads outside the site: put the files themselves there",
                    crate::diagnostic::display_path(&link)
                )));
            }
        }
        let folder = root.join(&theme_dir);
        let mut templates: BTreeMap<String, String> = TEMPLATES
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect();
        for (file, bytes) in read_folder(&folder.join("templates"))? {
            if file.ends_with(".html") {
                let text = String::from_utf8(bytes).map_err(|_| {
                    ThemeError(format!("themes/{name}/templates/{file} is not UTF-8 text"))
                })?;
                templates.insert(file, text);
            }
        }
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html"]);
        tera.register_filter("external", external);
        let addresses = Arc::new(RwLock::new(Addresses::default()));
        register_address_filters(&mut tera, &addresses);
        tera.add_raw_templates(templates.iter())
            .map_err(|e| ThemeError(format!("a template does not compile:\n{e}")))?;

        let mut strings = parse_strings(STRINGS, "the default theme's strings")?;
        let path = folder.join(&override_file);
        if path.is_file() {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                ThemeError(format!("cannot read themes/{name}/{override_file}: {e}"))
            })?;
            let site = parse_strings(&text, &format!("themes/{name}/{override_file}"))?;
            merge(&mut strings, site);
        }
        // A site's file only overrides, so a string missing after the merge is missing
        // from the default theme, or replaced by a list or a map.
        let strings = Strings::new(strings).map_err(|missing| {
            ThemeError(format!(
                "the theme's strings lack {missing}: give each a text in themes/{name}/{override_file}"
            ))
        })?;

        let mut assets: BTreeMap<String, Vec<u8>> = ASSETS
            .iter()
            .map(|(n, b)| ((*n).to_owned(), b.to_vec()))
            .collect();
        assets.extend(read_folder(&folder.join("assets"))?);
        let headers_file = folder.join("headers");
        let headers = if headers_file.is_file() {
            std::fs::read(&headers_file)
                .map_err(|e| ThemeError(format!("cannot read themes/{name}/headers: {e}")))?
        } else {
            DEFAULT_HEADERS.to_vec()
        };
        let asset_paths = assets
            .iter()
            .map(|(name, bytes)| {
                let path = crate::site_paths::fingerprinted_asset(name, bytes);
                (name.clone(), path)
            })
            .collect();
        Ok(Theme {
            tera,
            strings,
            assets,
            asset_paths,
            headers,
            addresses,
        })
    }

    /// Points the address filters at the site at `base` with the documents `files`.
    pub fn set_addresses(&self, base: &BaseUrl, files: &[SiteFile]) {
        let note = self.strings.text(&["meta", "file_note"]);
        let notes = files
            .iter()
            .map(|f| {
                let kind = f.extension().to_ascii_uppercase();
                let text = note
                    .replace("{type}", &kind)
                    .replace("{size}", &file_size(f.size));
                (format!("/{}", f.path), text)
            })
            .collect();
        *self.addresses.write().unwrap_or_else(|e| e.into_inner()) = Addresses {
            base: Some(base.clone()),
            notes,
        };
    }
}

/// Registers the filters of addresses that data gives: `href`, the address a link
/// takes (a web or mail address as written, a path on this site with the base path,
/// anything else nothing, so that a `javascript:` value never becomes a link); and
/// `file_note`, the type and size of a document of `files/` (`PDF, 1.2 KB`), empty for
/// any other address.
fn register_address_filters(tera: &mut tera::Tera, addresses: &Arc<RwLock<Addresses>>) {
    let read = Arc::clone(addresses);
    tera.register_filter(
        "href",
        move |url: &tera::Value, _: tera::Kwargs, _: &tera::State| -> String {
            let url = url.as_str().unwrap_or_default().trim();
            let addresses = read.read().unwrap_or_else(|e| e.into_inner());
            addresses
                .base
                .as_ref()
                .and_then(|base| base.rewrite_authored(url))
                .unwrap_or_else(|| external_address(url))
        },
    );
    let read = Arc::clone(addresses);
    tera.register_filter(
        "file_note",
        move |url: &tera::Value, _: tera::Kwargs, _: &tera::State| -> String {
            let url = url.as_str().unwrap_or_default().trim();
            let path = url.split(['?', '#']).next().unwrap_or_default();
            let addresses = read.read().unwrap_or_else(|e| e.into_inner());
            addresses.notes.get(path).cloned().unwrap_or_default()
        },
    );
}

/// Tera filter `external`: the address when it is a web or mail address, else an
/// empty string (also for an absent value), so that a data value like
/// `javascript:` never becomes a link.
fn external(url: &tera::Value, _: tera::Kwargs, _: &tera::State) -> String {
    external_address(url.as_str().unwrap_or_default())
}

/// `url` when it is a web or mail address, else an empty string.
fn external_address(url: &str) -> String {
    let lower = url.trim_start().to_ascii_lowercase();
    let allowed = ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme));
    if allowed {
        url.trim().to_owned()
    } else {
        String::new()
    }
}

/// The regular files directly in `folder` (none when it does not exist), skipping
/// hidden files and names that are not plain, safe file names.
fn read_folder(folder: &Path) -> Result<Vec<(String, Vec<u8>)>, ThemeError> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let plain = !name.starts_with('.')
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        // Symbolic links are not followed, as for data files.
        let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
        if plain && is_file {
            let bytes = std::fs::read(entry.path())
                .map_err(|e| ThemeError(format!("cannot read {}: {e}", entry.path().display())))?;
            files.push((name, bytes));
        }
    }
    files.sort();
    Ok(files)
}

fn parse_strings(text: &str, what: &str) -> Result<Value, ThemeError> {
    crate::yaml::parse_yaml::<Value>(text)
        .map_err(|e| ThemeError(format!("{what} are not valid YAML: {e}")))
}

/// Merges `other` into `base`: maps key by key, anything else replaced.
fn merge(base: &mut Value, other: Value) {
    match (base, other) {
        (Value::Object(base), Value::Object(other)) => {
            for (key, value) in other {
                match base.get_mut(&key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, other) => *base = other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_theme_loads_and_has_its_strings() {
        let dir = tempfile::tempdir().unwrap();
        let theme = Theme::load(dir.path(), None).unwrap();
        assert!(theme.strings.tree()["site"]["fictional"].is_string());
        assert!(theme.assets.contains_key("site.css"));
        assert!(Theme::load(dir.path(), Some("../x")).is_err());
    }

    #[test]
    fn a_site_overrides_one_template_and_one_string() {
        let dir = tempfile::tempdir().unwrap();
        let theme = dir.path().join("themes/civic");
        std::fs::create_dir_all(theme.join("templates")).unwrap();
        std::fs::write(theme.join("templates/404.html"), "override").unwrap();
        std::fs::write(theme.join("strings.zh-CN.yaml"), "nav:\n  home: 首页X\n").unwrap();
        let theme = Theme::load(dir.path(), Some("civic")).unwrap();
        let html = theme
            .tera
            .render("404.html", &tera::Context::new())
            .unwrap();
        assert_eq!(html, "override");
        assert_eq!(theme.strings.tree()["nav"]["home"], "首页X");
        assert_eq!(theme.strings.text(&["nav", "projects"]), "试点项目");
    }

    #[test]
    fn a_site_replaces_the_headers_file() {
        let dir = tempfile::tempdir().unwrap();
        let default = Theme::load(dir.path(), None).unwrap();
        assert!(
            String::from_utf8(default.headers)
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
        let folder = dir.path().join("themes/civic");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("headers"), "/*\n  X-Frame-Options: DENY\n").unwrap();
        let theme = Theme::load(dir.path(), Some("civic")).unwrap();
        assert_eq!(theme.headers, b"/*\n  X-Frame-Options: DENY\n");
    }
}
