//! The site's URL scheme: the clean path of every record's page and list page,
//! relative to the site root, from the kinds table; the file each path is written to;
//! and the site's address ([`BaseUrl`]), parsed once, that makes paths links and
//! absolute addresses. Pages, JSON twins, search results, feeds, open data, history
//! and the preview all ask here, so that links and files line up.

use std::fmt;

use crate::model::kind::{RecordKind, Target};

/// The clean path of the page of the record `id` of `kind`: `<section>/<id>/`, or
/// `<id>/` for content pages, which have no section.
pub fn record_page(kind: RecordKind, id: &str) -> String {
    match kind.info().section {
        Some(section) => page_path(section, id),
        None => format!("{id}/"),
    }
}

/// The clean path of a page in a section, e.g. `projects/zb-001/`.
pub fn page_path(section: &str, id: &str) -> String {
    format!("{section}/{id}/")
}

/// The clean path of the page listing every record of `kind`, `<list>/`, or the home
/// page's, `""`, for the kinds it stands for (see [`crate::model::kind::KindInfo::list`]).
pub fn list_page(kind: RecordKind) -> String {
    kind.info()
        .list
        .map_or_else(String::new, |list| format!("{list}/"))
}

/// The clean path of the list of `kind`'s records filtered to `value` of `dimension`,
/// e.g. `projects/district/zhangdian/`.
pub fn filtered_list_page(kind: RecordKind, dimension: &str, value: &str) -> String {
    format!("{}{dimension}/{value}/", list_page(kind))
}

/// The clean path of page `page` (from 1) of `kind`'s list filtered to `filters`
/// (dimension and value, in the list's order of dimensions): `projects/`,
/// `projects/page/2/`, `projects/district/zhangdian/type/school/page/3/`. The material
/// categories' pages are the product list's category filter, so a product selection
/// with a category starts at the category's page: `catalog/tiles/status/listed/`.
pub fn list_selection_page(kind: RecordKind, filters: &[(&str, &str)], page: usize) -> String {
    let mut path = list_page(kind);
    let mut rest = filters;
    if kind == RecordKind::Product
        && let [("category", id), others @ ..] = filters
    {
        path = category_page(id);
        rest = others;
    }
    for (dimension, value) in rest {
        path.push_str(&format!("{dimension}/{value}/"));
    }
    if page > 1 {
        path.push_str(&format!("page/{page}/"));
    }
    path
}

/// The folders a list keeps beside the pages of the records under it: `page/` for
/// its later pages, `list/` for the explorer's files, and one per filter with pages of
/// its own. The ids of `target` (the records under the list, or the material
/// categories, whose pages sit in the catalog's folder) must not take these names.
pub fn list_folders(target: Target) -> &'static [&'static str] {
    match target {
        Target::Record(RecordKind::Project) => &[
            "page", "list", "district", "type", "stage", "stars", "verdict",
        ],
        Target::Record(RecordKind::Org) => &["page", "list", "role", "district"],
        Target::Record(RecordKind::Policy) => &["level", "status", "year"],
        Target::Category => &["page", "list"],
        _ => &[],
    }
}

/// The folder of the files the list explorer of `kind` reads (`projects/list/`): its
/// `meta.json`, the rank files of sortable columns and the row shards.
pub fn list_data(kind: RecordKind) -> String {
    format!("{}list/", list_page(kind))
}

/// Whether `path` is a record page under a section (`<section>/<id>/`), which has a
/// JSON twin beside it.
pub fn is_record_page(path: &str) -> bool {
    let mut parts = path.trim_end_matches('/').split('/');
    let (Some(section), Some(_id), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    RecordKind::of_section(section).is_some()
}

/// Hex digits of an asset's content hash in its fingerprinted name.
const FINGERPRINT_DIGITS: usize = 10;

/// The path of a theme asset under a name that changes with its content
/// (`assets/site.3f2a9c1b04.css` for `site.css` holding `bytes`): pages link to it, so
/// a browser or CDN may keep it for a year and still never serve an old style sheet
/// with a new page.
pub fn fingerprinted_asset(name: &str, bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let digest = crate::export::hex(&sha2::Sha256::digest(bytes));
    let hash = &digest[..FINGERPRINT_DIGITS];
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => format!("assets/{stem}.{hash}.{extension}"),
        _ => format!("assets/{name}.{hash}"),
    }
}

/// Whether `path`, whose content has the SHA-256 `sha256` (lower-case hex), is a
/// fingerprinted asset (see [`fingerprinted_asset`]): its name carries that very hash,
/// so a site's own asset whose name merely has ten hex digits in it
/// (`banner.2024120100.png`) is not taken for one.
pub fn is_fingerprinted_asset(path: &str, sha256: &str) -> bool {
    let Some(name) = path.strip_prefix("assets/").filter(|n| !n.contains('/')) else {
        return false;
    };
    let Some(hash) = sha256.get(..FINGERPRINT_DIGITS) else {
        return false;
    };
    name.split('.').skip(1).any(|part| part == hash)
}

/// The clean path of a material category's page in the catalog.
pub fn category_page(id: &str) -> String {
    page_path("catalog", id)
}

/// The site's address, checked once: its absolute form, which feeds, the sitemap, the
/// open data and QR codes carry, and its path, which every link starts with, so that
/// the site works at a domain's root or under a sub-path such as
/// `https://example.org/zibo/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    /// `scheme://host/path/`, ending with `/`.
    absolute: String,
    /// Where the path starts in `absolute`.
    path_start: usize,
}

/// An address that cannot serve as the site's.
#[derive(Debug, PartialEq, Eq)]
pub struct BadBaseUrl(String);

impl fmt::Display for BadBaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` cannot be the base URL: give an address like https://example.org/ or https://example.org/zibo/ (letters, digits and - _ . ~ in the path)",
            self.0
        )
    }
}

impl std::error::Error for BadBaseUrl {}

impl BaseUrl {
    /// The address `site.yaml` configures, or `--base-url` instead: a full address, or
    /// a bare path (`/zibo/`) that keeps the configured scheme and host.
    pub fn new(configured: Option<&str>, flag: Option<&str>) -> Result<BaseUrl, BadBaseUrl> {
        let configured = configured.unwrap_or("https://example.org/");
        match flag {
            Some(url) if url.contains("://") => BaseUrl::parse(url),
            Some(path) => {
                let origin_end = configured
                    .find("://")
                    .and_then(|i| configured[i + 3..].find('/').map(|j| i + 3 + j))
                    .unwrap_or(configured.len());
                let url = format!(
                    "{}/{}",
                    &configured[..origin_end],
                    path.trim_start_matches('/')
                );
                // A path that does not start with `/` is not one.
                if !path.starts_with('/') {
                    return Err(BadBaseUrl(path.to_owned()));
                }
                BaseUrl::parse(&url).map_err(|_| BadBaseUrl(path.to_owned()))
            }
            None => BaseUrl::parse(configured),
        }
    }

    /// An absolute `http(s)://host/path` address; the path's segments may hold
    /// letters, digits and `-_.~`, and a missing final `/` is added.
    pub fn parse(url: &str) -> Result<BaseUrl, BadBaseUrl> {
        let bad = || BadBaseUrl(url.to_owned());
        let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
        if scheme != "https" && scheme != "http" {
            return Err(bad());
        }
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let odd_host = |c: char| c.is_whitespace() || c.is_control() || "\\\"<>'`".contains(c);
        if host.is_empty() || host.contains(odd_host) {
            return Err(bad());
        }
        let safe = |s: &&str| {
            *s != "."
                && *s != ".."
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
        };
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if !segments.iter().all(safe) {
            return Err(bad());
        }
        let mut absolute = format!("{scheme}://{host}/");
        let path_start = absolute.len() - 1;
        for segment in segments {
            absolute.push_str(segment);
            absolute.push('/');
        }
        Ok(BaseUrl {
            absolute,
            path_start,
        })
    }

    /// The absolute address, ending with `/`.
    pub fn absolute(&self) -> &str {
        &self.absolute
    }

    /// The path, starting and ending with `/`.
    pub fn path(&self) -> &str {
        &self.absolute[self.path_start..]
    }

    /// The link to a clean path given without its leading slash, e.g.
    /// `projects/zb-001/` → `/zibo/projects/zb-001/`.
    pub fn href(&self, clean: &str) -> String {
        format!("{}{}", self.path(), clean.trim_start_matches('/'))
    }

    /// The absolute address of a clean path, e.g. `projects/zb-001/` →
    /// `https://example.org/zibo/projects/zb-001/`.
    pub fn url(&self, clean: &str) -> String {
        format!("{}{}", self.absolute, clean.trim_start_matches('/'))
    }

    /// A link written by an editor: a site-absolute path (`/projects/`) gets the base
    /// path; anything else is left as written (`None`). `//host` and `/\host` are
    /// other hosts (browsers read `\` as `/` and skip tabs and line breaks), not paths.
    pub fn rewrite_authored(&self, link: &str) -> Option<String> {
        let rest = link.strip_prefix('/')?;
        let rest = rest.trim_start_matches(['\t', '\n', '\r']);
        (!rest.starts_with(['/', '\\'])).then(|| self.href(link))
    }
}

/// The file a clean path is written to: `projects/x/` → `projects/x/index.html`.
pub fn file_for(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_path_keeps_the_configured_host() {
        let configured = Some("https://example.org/zibo/");
        let absolute = |flag| {
            BaseUrl::new(configured, flag)
                .unwrap()
                .absolute()
                .to_owned()
        };
        assert_eq!(absolute(None), "https://example.org/zibo/");
        assert_eq!(absolute(Some("/jinan/")), "https://example.org/jinan/");
        assert_eq!(absolute(Some("https://a.test/")), "https://a.test/");
        assert!(BaseUrl::new(configured, Some("jinan")).is_err());
    }

    #[test]
    fn the_path_comes_from_the_address() {
        let path = |url| BaseUrl::parse(url).unwrap().path().to_owned();
        assert_eq!(path("https://example.org/zibo/"), "/zibo/");
        assert_eq!(path("https://example.org/zibo"), "/zibo/");
        assert_eq!(path("https://example.org"), "/");
        assert_eq!(path("http://127.0.0.1:8000/"), "/");
        let base = BaseUrl::parse("https://x.test/a/b/").unwrap();
        assert_eq!(base.href("/projects/x/"), "/a/b/projects/x/");
        assert_eq!(base.url("projects/x/"), "https://x.test/a/b/projects/x/");
        for bad in [
            "ftp://x/",
            "https:///a/",
            "https://x/../y/",
            "zibo",
            "/zibo/",
            "https://x/a b/",
            "https://x/a\"/",
            "https://a b/",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_site_paths_get_the_base_path() {
        let base = BaseUrl::parse("https://x.test/zibo/").unwrap();
        assert_eq!(
            base.rewrite_authored("/projects/").as_deref(),
            Some("/zibo/projects/")
        );
        for other in [
            "//x.test/",
            "/\\x.test/",
            "/\t/x.test/",
            "https://x.test/",
            "a/b",
        ] {
            assert_eq!(base.rewrite_authored(other), None, "{other:?}");
        }
    }

    #[test]
    fn list_pages_nest_their_selection_and_number() {
        let project = RecordKind::Project;
        assert_eq!(list_selection_page(project, &[], 1), "projects/");
        assert_eq!(list_selection_page(project, &[], 3), "projects/page/3/");
        assert_eq!(
            list_selection_page(project, &[("district", "zd"), ("type", "school")], 2),
            "projects/district/zd/type/school/page/2/"
        );
        let product = RecordKind::Product;
        assert_eq!(
            list_selection_page(product, &[("category", "tiles"), ("status", "listed")], 1),
            "catalog/tiles/status/listed/"
        );
        assert_eq!(
            list_selection_page(product, &[("status", "listed")], 1),
            "catalog/status/listed/"
        );
        assert_eq!(list_data(RecordKind::Org), "orgs/list/");
    }

    #[test]
    fn clean_paths_map_to_index_files() {
        assert_eq!(file_for(""), "index.html");
        assert_eq!(file_for("projects/x/"), "projects/x/index.html");
        assert_eq!(file_for("404.html"), "404.html");
    }
}
