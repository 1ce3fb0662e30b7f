//! Internal addresses. Every page lives at a clean path (`projects/<id>/`, written to
//! `projects/<id>/index.html`), and every link is the site's base path followed by
//! that clean path, so the site works at a domain's root or under a sub-path such as
//! `https://example.org/zibo/`.

use std::fmt;

/// The base path links start with: `/`, or `/zibo/` for a site under a sub-path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Urls {
    base: String,
}

/// A base URL that cannot serve as the site's address.
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

/// The site's absolute address, which the feed, sitemap, OCDS and QR codes need:
/// `--base-url` when it is one; a bare path (`/zibo/`) keeps the scheme and host of
/// `site.yaml`'s `base_url`.
pub fn absolute_base(configured: Option<&str>, flag: Option<&str>) -> String {
    let configured = configured.unwrap_or("https://example.org/");
    match flag {
        Some(url) if url.contains("://") => url.to_owned(),
        Some(path) => {
            let origin_end = configured
                .find("://")
                .and_then(|i| configured[i + 3..].find('/').map(|j| i + 3 + j))
                .unwrap_or(configured.len());
            format!(
                "{}/{}",
                &configured[..origin_end],
                path.trim_start_matches('/')
            )
        }
        None => configured.to_owned(),
    }
}

impl Urls {
    /// The base path of `base_url`, which may be a full address
    /// (`https://example.org/zibo/`) or a path (`/zibo/`). Only the path matters:
    /// pages link to each other by absolute path, never to a host.
    pub fn new(base_url: &str) -> Result<Urls, BadBaseUrl> {
        let bad = || BadBaseUrl(base_url.to_owned());
        let path = match base_url.split_once("://") {
            Some((scheme, rest)) if scheme == "https" || scheme == "http" => {
                let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
                if host.is_empty() {
                    return Err(bad());
                }
                path
            }
            Some(_) => return Err(bad()),
            None => base_url.strip_prefix('/').ok_or_else(bad)?,
        };
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let safe = |s: &&str| {
            *s != "."
                && *s != ".."
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
        };
        if !segments.iter().all(safe) {
            return Err(bad());
        }
        let mut base = String::from("/");
        for segment in segments {
            base.push_str(segment);
            base.push('/');
        }
        Ok(Urls { base })
    }

    /// The base path, starting and ending with `/`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The link to a clean path given without its leading slash, e.g.
    /// `projects/zb-001/` → `/zibo/projects/zb-001/`.
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }

    /// A link written by an editor in Markdown: a site-absolute path (`/projects/`)
    /// gets the base path; anything else is left as written. `//host` and `/\host`
    /// are other hosts (browsers read `\` as `/` and skip tabs and line breaks), not
    /// paths.
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
    fn absolute_base_keeps_the_configured_host_for_a_path() {
        let configured = Some("https://example.org/zibo/");
        assert_eq!(absolute_base(configured, None), "https://example.org/zibo/");
        assert_eq!(
            absolute_base(configured, Some("/jinan/")),
            "https://example.org/jinan/"
        );
        assert_eq!(
            absolute_base(configured, Some("https://a.test/")),
            "https://a.test/"
        );
    }

    #[test]
    fn base_path_comes_from_the_url_path() {
        assert_eq!(
            Urls::new("https://example.org/zibo/").unwrap().base(),
            "/zibo/"
        );
        assert_eq!(
            Urls::new("https://example.org/zibo").unwrap().base(),
            "/zibo/"
        );
        assert_eq!(Urls::new("https://example.org").unwrap().base(), "/");
        assert_eq!(Urls::new("/").unwrap().base(), "/");
        assert_eq!(
            Urls::new("/a/b/").unwrap().href("/projects/x/"),
            "/a/b/projects/x/"
        );
        for bad in [
            "ftp://x/",
            "https:///a/",
            "/../x/",
            "zibo",
            "/a b/",
            "/a\"/",
        ] {
            assert!(Urls::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_site_paths_get_the_base_path() {
        let urls = Urls::new("/zibo/").unwrap();
        assert_eq!(
            urls.rewrite_authored("/projects/").as_deref(),
            Some("/zibo/projects/")
        );
        for other in [
            "//x.test/",
            "/\\x.test/",
            "/\t/x.test/",
            "https://x.test/",
            "a/b",
        ] {
            assert_eq!(urls.rewrite_authored(other), None, "{other:?}");
        }
    }

    #[test]
    fn clean_paths_map_to_index_files() {
        assert_eq!(file_for(""), "index.html");
        assert_eq!(file_for("projects/x/"), "projects/x/index.html");
        assert_eq!(file_for("404.html"), "404.html");
    }
}
