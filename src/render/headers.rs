//! The theme's HTTP headers file (`_headers`, the format of Netlify and Cloudflare
//! Pages), read for what a page must carry itself: GitHub Pages, GitLab Pages and a
//! plain folder on a web server ignore `_headers`, so every page also states its
//! Content-Security-Policy in a `<meta http-equiv>`, as far as a meta policy can.

/// Directives a policy in `<meta>` cannot carry: browsers ignore them there (and warn).
const HEADER_ONLY: &[&str] = &["frame-ancestors", "report-uri", "report-to", "sandbox"];

/// The headers that the headers file gives every path (`/*`), by name and value,
/// in file order.
pub fn for_every_path(headers: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(headers);
    let mut for_all = false;
    let mut found = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(char::is_whitespace) {
            for_all = line.trim() == "/*";
            continue;
        }
        if let Some((name, value)) = line.trim().split_once(':')
            && for_all
        {
            found.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    found
}

/// The Content-Security-Policy that the headers file gives every path (`/*`).
pub fn site_policy(headers: &[u8]) -> Option<String> {
    for_every_path(headers)
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-security-policy"))
        .map(|(_, value)| value)
}

/// `policy` without the directives that only a header can carry.
pub fn meta_policy(policy: &str) -> String {
    policy
        .split(';')
        .map(str::trim)
        .filter(|directive| {
            let name = directive.split_whitespace().next().unwrap_or_default();
            !directive.is_empty() && !HEADER_ONLY.contains(&name.to_ascii_lowercase().as_str())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meta_policy_is_the_headers_policy_for_every_path_less_what_meta_cannot_say() {
        let headers = b"# comment\n/data/*\n  Content-Security-Policy: default-src *\n/*\n  X-Frame-Options: DENY\n  Content-Security-Policy: default-src 'self'; frame-ancestors 'none'; form-action 'self'\n";
        let policy = site_policy(headers).unwrap();
        assert_eq!(
            policy,
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
        );
        assert_eq!(
            meta_policy(&policy),
            "default-src 'self'; form-action 'self'"
        );
        assert_eq!(site_policy(b"/*\n  X-Frame-Options: DENY\n"), None);
    }
}
