//! `sitemap.xml` of the page paths the build wrote, and `robots.txt` pointing to it.
//! Past the protocol's 50,000 addresses per file, `sitemap.xml` becomes an index of
//! `sitemap-<n>.xml` files.

use super::ExportFile;
use crate::site_paths::BaseUrl;
use crate::xml::escape;

/// Most addresses in one sitemap file (the sitemaps.org protocol limit).
const MAX_URLS: usize = 50_000;

/// `sitemap.xml`, and its parts when there are more pages than one file may list.
pub(super) fn write(base: &BaseUrl, page_paths: &[String]) -> Vec<ExportFile> {
    let mut urls: Vec<String> = page_paths
        .iter()
        .map(|p| base.url(&percent_encode(p)))
        .collect();
    urls.sort();
    urls.dedup();
    if urls.len() <= MAX_URLS {
        return vec![urlset("sitemap.xml", &urls)];
    }
    let parts: Vec<ExportFile> = urls
        .chunks(MAX_URLS)
        .enumerate()
        .map(|(i, chunk)| urlset(&format!("sitemap-{}.xml", i + 1), chunk))
        .collect();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for part in &parts {
        index.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            escape(&base.url(&part.path))
        ));
    }
    index.push_str("</sitemapindex>\n");
    let mut files = parts;
    files.push(ExportFile {
        path: "sitemap.xml".to_owned(),
        bytes: index.into_bytes(),
    });
    files
}

fn urlset(path: &str, urls: &[String]) -> ExportFile {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        xml.push_str(&format!("  <url><loc>{}</loc></url>\n", escape(url)));
    }
    xml.push_str("</urlset>\n");
    ExportFile {
        path: path.to_owned(),
        bytes: xml.into_bytes(),
    }
}

/// `robots.txt`: everything may be crawled; the sitemap is named.
pub(super) fn robots(base: &BaseUrl) -> ExportFile {
    ExportFile {
        path: "robots.txt".to_owned(),
        bytes: format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            base.url("sitemap.xml")
        )
        .into_bytes(),
    }
}

/// Percent-encodes a path for a sitemap, which must hold ASCII addresses only:
/// UTF-8 bytes of anything but unreserved characters and `/`.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(percent_encode("pages/关于/"), "pages/%E5%85%B3%E4%BA%8E/");
        assert_eq!(percent_encode("a b&c/"), "a%20b%26c/");
        assert_eq!(percent_encode("projects/zb-001/"), "projects/zb-001/");
    }
}
