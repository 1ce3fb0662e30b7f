//! `greenproc build` end to end: the real binary on fixture sites copied into temporary
//! folders. Every built page is walked for broken internal links and anchors and for
//! anything loaded from another host.

use crate::common;
use crate::common::{assert_success, build, files};

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_greenproc");
const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// Copies the mini fixture into a fresh temporary folder (outside any git repository,
/// so that the as-of date comes from the data and snapshots stay stable).
fn mini_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&Path::new(MANIFEST).join("tests/fixtures/mini"), dir.path());
    dir
}

/// Gives the site at `root` its own `page.html` template, overriding the default
/// theme's.
fn override_page_template(root: &Path, template: &str) {
    let templates = root.join("themes/default/templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(templates.join("page.html"), template).unwrap();
}

/// The values of `attribute="..."` in `html`, with the entities Tera writes decoded.
fn attribute_values(html: &str, attribute: &str) -> Vec<String> {
    let needle = format!(" {attribute}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&needle) {
        rest = &rest[start + needle.len()..];
        let end = rest.find('"').expect("attribute closes");
        values.push(unescape(&rest[..end]));
        rest = &rest[end..];
    }
    values
}

fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The opening tags named `tag` in `html`.
fn tags<'h>(html: &'h str, tag: &str) -> Vec<&'h str> {
    let needle = format!("<{tag}");
    html.match_indices(&needle)
        .filter(|(i, _)| {
            let next = html.as_bytes().get(i + needle.len()).copied();
            matches!(next, Some(b' ' | b'>' | b'/'))
        })
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap_or(0) + 1])
        .collect()
}

fn is_external(url: &str) -> bool {
    url.starts_with("//") || url.contains(':')
}

/// Walks every HTML page of a built site: each internal link (`href`, `src`) must
/// point at a file of the site under `base` and, with a fragment, at an id on that
/// page; nothing may load from another host. Returns the problems found.
fn check_site(site: &BTreeMap<String, Vec<u8>>, base: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (path, bytes) in site {
        if path.ends_with(".html") {
            let html = std::str::from_utf8(bytes).unwrap();
            let mut seen = BTreeSet::new();
            for id in attribute_values(html, "id") {
                if !seen.insert(id.clone()) {
                    problems.push(format!("{path}: duplicate id `{id}`"));
                }
            }
            ids.insert(path, seen);
        }
    }
    for (path, bytes) in site {
        if path.ends_with(".css") {
            let css = std::str::from_utf8(bytes).unwrap();
            if css.contains("@import") || css.contains("url(http") || css.contains("url(//") {
                problems.push(format!("{path}: the stylesheet loads from elsewhere"));
            }
        }
        if !path.ends_with(".html") {
            continue;
        }
        let html = std::str::from_utf8(bytes).unwrap();
        for tag in [
            "script", "img", "iframe", "audio", "video", "source", "embed", "object",
        ] {
            for t in tags(html, tag) {
                for url in attribute_values(t, "src")
                    .iter()
                    .chain(&attribute_values(t, "data"))
                {
                    if is_external(url) {
                        problems.push(format!("{path}: <{tag}> loads {url} from another host"));
                    }
                }
            }
        }
        for t in tags(html, "link") {
            for url in attribute_values(t, "href") {
                if is_external(&url) {
                    problems.push(format!("{path}: <link> loads {url} from another host"));
                }
            }
        }
        if html.contains("<style") || html.contains(" style=\"") {
            problems.push(format!("{path}: inline style (the CSP to come forbids it)"));
        }
        // JSON-LD is data, never executed, and `script-src 'self'` allows it.
        let inline =
            |t: &&str| !t.contains(" src=\"") && !t.contains("type=\"application/ld+json\"");
        if tags(html, "script").iter().any(inline) {
            problems.push(format!("{path}: inline script"));
        }
        let links = attribute_values(html, "href")
            .into_iter()
            .chain(attribute_values(html, "src"))
            .chain(attribute_values(html, "action"));
        for link in links {
            if is_external(&link) {
                continue;
            }
            let (target, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let file = if target.is_empty() {
                path.clone()
            } else if let Some(inside) = target.strip_prefix(base) {
                if inside.is_empty() || inside.ends_with('/') {
                    format!("{inside}index.html")
                } else {
                    inside.to_owned()
                }
            } else {
                problems.push(format!(
                    "{path}: link `{link}` escapes the base path {base}"
                ));
                continue;
            };
            // The search page arrives with issue 4; the form may point at it already.
            if file == "search/index.html" {
                continue;
            }
            if !site.contains_key(&file) {
                problems.push(format!("{path}: broken link `{link}`"));
            } else if !fragment.is_empty()
                && !ids
                    .get(file.as_str())
                    .is_some_and(|set| set.contains(fragment))
            {
                problems.push(format!("{path}: link `{link}` names a missing anchor"));
            }
        }
    }
    problems
}

fn assert_clean(site: &BTreeMap<String, Vec<u8>>, base: &str) {
    let problems = check_site(site, base);
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Each record of the site at `root` has its page in `site`.
fn assert_page_per_record(root: &Path, site: &BTreeMap<String, Vec<u8>>) {
    let kinds = [
        ("data/projects", "projects"),
        ("data/catalog", "products"),
        ("data/orgs", "orgs"),
        ("data/inspections", "inspections"),
        ("data/events", "events"),
        ("content/policies", "policies"),
        ("content/interpretations", "interpretations"),
    ];
    let mut count = 0;
    for (folder, section) in kinds {
        for id in common::record_ids(&root.join(folder)) {
            let page = format!("{section}/{id}/index.html");
            assert!(site.contains_key(&page), "no page {page}");
            count += 1;
        }
    }
    for id in common::record_ids(&root.join("content/pages")) {
        assert!(
            site.contains_key(&format!("{id}/index.html")),
            "no page for {id}"
        );
    }
    assert!(count > 0);
}

#[test]
fn sample_site_has_a_page_per_record_and_no_broken_links() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    let root = Path::new(MANIFEST);
    assert_success(&build(root, &output, &["--base-url", "/"]));
    let site = files(&output);
    assert_page_per_record(root, &site);
    assert_clean(&site, "/");
    // A summary says so once, in the theme's notice, not again in its text.
    for (path, bytes) in site.iter().filter(|(p, _)| p.starts_with("policies/")) {
        let html = String::from_utf8_lossy(bytes);
        assert!(html.matches("不是官方").count() <= 1, "{path}");
    }
    assert_one_actual_share(&site, &output);
    // A manufacturer's products that share a name are told apart by their models.
    let org = String::from_utf8(site["orgs/bobeng-thermal/index.html"].clone()).unwrap();
    for model in ["BB-LSQ200", "BB-LSQ130", "BB-LSQ65"] {
        assert!(
            org.contains(&format!("<td data-label=\"型号规格\">{model}</td>")),
            "{model}"
        );
    }
}

/// The text of the element after each `data-actual="green_material_ratio"` in `html`,
/// with any label before the figure dropped.
fn shown_actual_shares(html: &str) -> Vec<String> {
    html.split("data-actual=\"green_material_ratio\"")
        .skip(1)
        .map(|rest| {
            let text = &rest[rest.find('>').unwrap() + 1..];
            let text = &text[..text.find('<').unwrap()];
            text.rsplit(' ').next().unwrap().to_owned()
        })
        .collect()
}

/// Every sample project's actual green-material share reads the same on its page, in
/// the project list, on its 公示牌, in `projects.csv` and in the SQLite bundle.
fn assert_one_actual_share(site: &BTreeMap<String, Vec<u8>>, output: &Path) {
    let page = |path: &str| String::from_utf8(site[path].clone()).unwrap();
    let as_shown = |ratio: Option<f64>| match ratio {
        // Pages round to one decimal and drop a trailing `.0`.
        Some(r) => format!("{}%", (r * 10.0).round() / 10.0),
        None => "—".to_owned(),
    };
    let db = rusqlite::Connection::open(output.join("data/greenproc.sqlite")).unwrap();
    let mut csv = csv::Reader::from_path(output.join("data/projects.csv")).unwrap();
    let headers = csv.headers().unwrap().clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .unwrap()
    };
    let (id_column, share_column) = (column("id"), column("actual_green_material_ratio"));
    let list = page("projects/index.html");
    let mut checked = 0;
    for row in csv.records() {
        let row = row.unwrap();
        let id = &row[id_column];
        let from_csv = Some(&row[share_column])
            .filter(|v| !v.is_empty())
            .map(|v| v.parse::<f64>().unwrap());
        let from_sqlite: Option<f64> = db
            .query_row(
                "SELECT actual_green_material_ratio FROM projects WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(from_csv, from_sqlite, "{id}: CSV and SQLite");
        let expected = as_shown(from_csv);
        assert_eq!(
            shown_actual_shares(&page(&format!("projects/{id}/index.html"))),
            std::slice::from_ref(&expected),
            "{id}: project page"
        );
        let link = format!("href=\"/projects/{id}/\"");
        let list_row = list.split("<tr ").find(|r| r.contains(&link)).unwrap();
        assert_eq!(
            shown_actual_shares(list_row),
            std::slice::from_ref(&expected),
            "{id}: list"
        );
        // The 公示牌 leaves an unknown share out rather than print a dash.
        let notice = shown_actual_shares(&page(&format!("projects/{id}/notice/index.html")));
        let on_notice: Vec<String> = from_csv.map(|_| expected).into_iter().collect();
        assert_eq!(notice, on_notice, "{id}: 公示牌");
        checked += 1;
    }
    assert!(checked > 20, "{checked} projects");
}

#[test]
fn mini_site_has_a_page_per_record_and_no_broken_links() {
    let root = mini_site();
    let output = root.path().join("public");
    let run = build(root.path(), &output, &["--base-url", "/"]);
    assert_success(&run);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.starts_with("build："), "{stdout}");
    let site = files(&output);
    assert_page_per_record(root.path(), &site);
    assert_clean(&site, "/");
    assert!(site.contains_key("404.html"));
    assert!(site.contains_key(".greenproc-output"));
}

#[test]
fn a_sub_path_base_url_keeps_every_link_under_it() {
    let root = mini_site();
    let output = root.path().join("public");
    let base_url = ["--base-url", "https://example.org/zibo/"];
    assert_success(&build(root.path(), &output, &base_url));
    let site = files(&output);
    assert_clean(&site, "/zibo/");
    let html = std::str::from_utf8(&site["policies/zb-pilot-2025/index.html"]).unwrap();
    // Links written in Markdown as /projects/ get the base path too.
    assert!(html.contains("href=\"/zibo/projects/\""), "{html}");
}

#[test]
fn two_builds_are_byte_identical() {
    let root = mini_site();
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    assert_success(&build(root.path(), &a, &[]));
    assert_success(&build(root.path(), &b, &[]));
    assert!(files(&a) == files(&b), "the two builds differ");
}

#[test]
fn an_invalid_file_fails_the_build_and_keeps_the_previous_output() {
    let root = mini_site();
    let output = root.path().join("public");
    assert_success(&build(root.path(), &output, &[]));
    let before = files(&output);
    fs::write(
        root.path().join("data/projects/broken.yaml"),
        "id: broken\nname: [unclosed\n",
    )
    .unwrap();
    let run = build(root.path(), &output, &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("data/projects/broken.yaml"), "{stderr}");
    assert!(files(&output) == before, "the previous output changed");
    assert_eq!(staging_folders(&output), Vec::<PathBuf>::new());
}

#[test]
fn a_foreign_folder_is_never_replaced() {
    let root = mini_site();
    let output = root.path().join("documents");
    fs::create_dir(&output).unwrap();
    fs::write(output.join("thesis.txt"), "mine").unwrap();
    let run = build(root.path(), &output, &[]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        fs::read_to_string(output.join("thesis.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_bad_base_url_is_a_usage_error() {
    let root = mini_site();
    let run = build(
        root.path(),
        &root.path().join("public"),
        &["--base-url", "ftp://x/"],
    );
    assert_eq!(run.status.code(), Some(2));
}

#[test]
fn a_base_url_the_build_cannot_use_fails_check_first() {
    let root = mini_site();
    let config = root.path().join("data/site.yaml");
    let text = fs::read_to_string(&config).unwrap();
    let line = text.lines().find(|l| l.starts_with("base_url:")).unwrap();
    let bad = text.replace(line, "base_url: \"https://example.org/my site/\"");
    fs::write(&config, bad).unwrap();
    let check = Command::new(BIN)
        .args(["check", "--root"])
        .arg(root.path())
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    let report = String::from_utf8_lossy(&check.stderr);
    assert!(report.contains("https://example.org/my site/"), "{report}");
    assert!(report.contains("data/site.yaml"), "{report}");
    let output = root.path().join("public");
    assert!(!build(root.path(), &output, &[]).status.success());
    assert!(!output.exists());
}

#[test]
fn a_line_break_in_chinese_yaml_text_is_no_space_on_the_page() {
    let root = mini_site();
    let file = root.path().join("data/inspections/insp-2025-001.yaml");
    let text = fs::read_to_string(&file).unwrap();
    let multi_line = "findings: |\n  抽查证书均在\n  有效期内。\n  Latin words\n  stay apart.";
    fs::write(
        &file,
        text.replace("findings: 抽查证书均在有效期内。", multi_line),
    )
    .unwrap();
    let output = root.path().join("public");
    assert_success(&build(root.path(), &output, &[]));
    let page = fs::read_to_string(output.join("inspections/insp-2025-001/index.html")).unwrap();
    assert!(page.contains("抽查证书均在有效期内。"), "{page}");
    assert!(page.contains("Latin words\nstay apart."), "{page}");
}

#[test]
fn suspended_products_are_not_counted_as_valid_certified_products() {
    let root = mini_site();
    let file = root
        .path()
        .join("data/catalog/waterproof/zd-sbs-membrane.yaml");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("{}status: suspended\n", text)).unwrap();
    let output = root.path().join("public");
    assert_success(&build(root.path(), &output, &[]));
    let home = fs::read_to_string(output.join("index.html")).unwrap();
    let valid = "<span class=\"figure-value\">2<small>";
    let label = "<span class=\"figure-label\">有效认证产品</span>";
    let figure = home.split("<li>").find(|li| li.contains(label)).unwrap();
    assert!(figure.contains(valid), "{figure}");
}

#[test]
fn every_page_has_the_theme_s_icon() {
    let root = mini_site();
    let output = root.path().join("public");
    assert_success(&build(root.path(), &output, &[]));
    let icon = fs::read_to_string(output.join("assets/favicon.svg")).unwrap();
    assert!(icon.starts_with("<svg"), "{icon}");
    // Linked under a name with its content's hash, so that it may be cached for long.
    let fingerprinted: Vec<String> = fs::read_dir(output.join("assets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("favicon.") && n != "favicon.svg")
        .collect();
    assert_eq!(fingerprinted.len(), 1, "{fingerprinted:?}");
    let named = &fingerprinted[0];
    assert_eq!(
        fs::read_to_string(output.join("assets").join(named)).unwrap(),
        icon
    );
    let link = format!("<link rel=\"icon\" type=\"image/svg+xml\" href=\"/zibo/assets/{named}\">");
    // Every page: a page without the link makes the browser ask for /favicon.ico.
    let notice = "projects/zd-school-2023/notice/index.html";
    for page in [
        "index.html",
        "projects/index.html",
        "about/index.html",
        notice,
    ] {
        let html = fs::read_to_string(output.join(page)).unwrap();
        assert!(html.contains(&link), "{page}");
    }
}

#[test]
fn a_site_theme_overrides_one_template() {
    let root = mini_site();
    override_page_template(
        root.path(),
        "{% extends \"base.html\" %}{% block content %}<p>custom {{ page.title }}</p>{% endblock content %}",
    );
    let output = root.path().join("public");
    assert_success(&build(root.path(), &output, &[]));
    let about = fs::read_to_string(output.join("about/index.html")).unwrap();
    assert!(about.contains("<p>custom 关于本站</p>"), "{about}");
    assert!(
        about.contains("/zibo/assets/site."),
        "the default base layout still applies"
    );
}

/// The `<main>` element of a page: what differs between page kinds.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a main element");
    let end = html.find("</main>").expect("main closes") + "</main>".len();
    &html[start..end]
}

#[test]
fn snapshots_of_one_page_per_kind() {
    let root = mini_site();
    let output = root.path().join("public");
    assert_success(&build(root.path(), &output, &[]));
    let page = |path: &str| fs::read_to_string(output.join(path)).unwrap();
    insta::assert_snapshot!("home_full", page("index.html"));
    let kinds = [
        ("projects", "projects/index.html"),
        ("projects_filter", "projects/district/zhangdian/index.html"),
        ("project", "projects/zd-school-2023/index.html"),
        ("catalog", "catalog/index.html"),
        ("category", "catalog/ready-mixed-concrete/index.html"),
        ("product", "products/zd-c30-concrete/index.html"),
        ("orgs", "orgs/index.html"),
        ("org", "orgs/lz-build-group/index.html"),
        ("policies", "policies/index.html"),
        ("policy", "policies/zb-pilot-2025/index.html"),
        (
            "interpretation",
            "interpretations/zb-pilot-2025-qa/index.html",
        ),
        ("event", "events/match-2024-spring/index.html"),
        ("inspection", "inspections/insp-2025-001/index.html"),
        ("standard", "standards/2025/index.html"),
        ("page", "about/index.html"),
        ("data_index", "data/index.html"),
        ("dataset", "data/projects/index.html"),
        ("not_found", "404.html"),
    ];
    for (name, path) in kinds {
        insta::assert_snapshot!(name, main_of(&page(path)));
    }
}

/// Record pages of the kinds schema.org has a type for carry it as JSON-LD, with
/// absolute addresses; the others carry none.
#[test]
fn record_pages_describe_themselves_in_schema_org() {
    let root = mini_site();
    let output = root.path().join("public");
    assert_success(&build(root.path(), &output, &[]));
    let json_ld = |path: &str| -> Option<serde_json::Value> {
        let html = fs::read_to_string(output.join(path)).unwrap();
        let open = "<script type=\"application/ld+json\">";
        let start = html.find(open)? + open.len();
        let end = start + html[start..].find("</script>").unwrap();
        Some(serde_json::from_str(&html[start..end]).expect("JSON-LD parses"))
    };
    for (path, kind, name_key) in [
        ("products/zd-c30-concrete/index.html", "Product", "name"),
        ("orgs/lz-build-group/index.html", "Organization", "name"),
        ("policies/zb-pilot-2025/index.html", "Legislation", "name"),
        (
            "interpretations/zb-pilot-2025-qa/index.html",
            "Article",
            "headline",
        ),
        ("events/match-2024-spring/index.html", "Event", "name"),
    ] {
        let ld = json_ld(path).unwrap_or_else(|| panic!("{path}: no JSON-LD"));
        assert_eq!(ld["@context"], "https://schema.org", "{path}");
        assert_eq!(ld["@type"], kind, "{path}");
        assert!(
            ld[name_key].as_str().is_some_and(|n| !n.is_empty()),
            "{path}"
        );
        let url = ld["url"].as_str().unwrap();
        assert!(
            url.starts_with("https://") && url.ends_with(&path.replace("index.html", "")),
            "{path}: {url}"
        );
    }
    let org = json_ld("orgs/lz-build-group/index.html").unwrap();
    assert_eq!(org["identifier"]["propertyID"], "CN-USCI");
    let product = json_ld("products/zd-c30-concrete/index.html").unwrap();
    assert_eq!(product["manufacturer"]["@type"], "Organization");
    for path in [
        "projects/zd-school-2023/index.html",
        "inspections/insp-2025-001/index.html",
    ] {
        assert!(json_ld(path).is_none(), "{path}");
    }
}

/// A policy's body may be longer than an Excel cell holds (32,767 characters): the
/// build still succeeds, the CSV keeps the whole text, and the XLSX is written (its
/// cell cut with a mark, tested in `export::xlsx`).
#[test]
fn a_hundred_thousand_character_policy_builds() {
    let root = mini_site();
    let source = root.path().join("content/policies/zb-pilot-2025.md");
    let text = fs::read_to_string(&source).unwrap();
    let body = "本条为测试用的长正文。".repeat(10_000);
    assert_eq!(body.chars().count(), 110_000);
    let front = &text[..text.rfind("---").unwrap() + 3];
    fs::write(&source, format!("{front}\n{body}\n")).unwrap();
    let output = root.path().join("public");
    assert_success(&build(root.path(), &output, &[]));
    let csv = fs::read_to_string(output.join("data/policies.csv")).unwrap();
    assert!(csv.contains(&body), "the CSV keeps the whole body");
    assert!(
        fs::metadata(output.join("data/policies.xlsx"))
            .unwrap()
            .len()
            > 1000
    );
}

/// The staging folders beside `output`, left by builds (`.public.tmp-…`), and anything
/// else whose name starts with a dot and the output's name.
fn staging_folders(output: &Path) -> Vec<PathBuf> {
    let prefix = format!(".{}", output.file_name().unwrap().to_string_lossy());
    let mut found: Vec<PathBuf> = fs::read_dir(output.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&prefix)
        })
        .collect();
    found.sort();
    found
}

#[test]
fn staging_folders_of_killed_builds_are_removed_and_running_ones_kept() {
    let root = mini_site();
    let output = root.path().join("public");
    // Process ids above the kernel's limit never run; this test's process does.
    let running = root
        .path()
        .join(format!(".public.tmp-{}", std::process::id()));
    for folder in [
        root.path().join(".public.tmp-4194305/projects"),
        root.path().join(".public.old-4194306/projects"),
        running.clone(),
    ] {
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("index.html"), "half").unwrap();
    }
    assert_success(&build(root.path(), &output, &[]));
    assert_eq!(staging_folders(&output), vec![running]);
}

#[test]
fn a_build_killed_at_any_point_leaves_the_old_or_the_new_output_whole() {
    let root = mini_site();
    let output = root.path().join("public");
    assert_success(&build(root.path(), &output, &[]));
    let old = files(&output);
    let pristine = tempfile::tempdir().unwrap();
    common::copy_dir(&output, pristine.path());
    let site = root.path().join("data/site.yaml");
    let text = fs::read_to_string(&site).unwrap();
    fs::write(&site, text.replacen("title: ", "title: 新", 1)).unwrap();
    let started = std::time::Instant::now();
    let fresh = tempfile::tempdir().unwrap();
    assert_success(&build(root.path(), &fresh.path().join("public"), &[]));
    let new = files(&fresh.path().join("public"));
    assert_ne!(old, new);
    let whole_build = started.elapsed();
    let mut outcomes = BTreeSet::new();
    for step in 0..12 {
        let mut child = Command::new(BIN)
            .arg("build")
            .arg("--root")
            .arg(root.path())
            .arg("--output")
            .arg(&output)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole_build * step / 10);
        // SIGKILL: nothing of the build runs after it.
        let _ = child.kill();
        let _ = child.wait();
        let now = files(&output);
        let outcome = if now == old {
            "old"
        } else if now == new {
            "new"
        } else {
            panic!("killed after {step}/10 of a build: the output is neither whole site")
        };
        outcomes.insert(outcome);
        if outcome == "new" {
            // Back to the old site for the next trial.
            fs::remove_dir_all(&output).unwrap();
            common::copy_dir(pristine.path(), &output);
        }
    }
    assert!(outcomes.contains("old"), "{outcomes:?}");
    assert_success(&build(root.path(), &output, &[]));
    assert_eq!(files(&output), new);
    assert_eq!(staging_folders(&output), Vec::<PathBuf>::new());
}

#[cfg(unix)]
#[test]
fn an_old_output_that_cannot_be_removed_is_a_warning_after_a_true_swap() {
    use std::os::unix::fs::PermissionsExt;
    let root = mini_site();
    let output = root.path().join("public");
    assert_success(&build(root.path(), &output, &[]));
    let locked = output.join("projects");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).unwrap();
    let site = root.path().join("data/site.yaml");
    let text = fs::read_to_string(&site).unwrap();
    fs::write(&site, text.replacen("title: ", "title: 新", 1)).unwrap();
    let run = build(root.path(), &output, &[]);
    // The new site is in place, so the build succeeded, whatever is left beside it.
    assert_success(&run);
    let home = fs::read_to_string(output.join("index.html")).unwrap();
    assert!(home.contains("<title>新"), "the new output is in place");
    let stderr = String::from_utf8_lossy(&run.stderr);
    let leftovers = staging_folders(&output);
    for folder in &leftovers {
        // Unlocked again, so that the temporary folder can be cleaned.
        let _ = fs::set_permissions(folder.join("projects"), fs::Permissions::from_mode(0o755));
    }
    // Root removes a read-only folder all the same; anyone else gets the warning.
    if leftovers.is_empty() {
        assert!(!stderr.contains("could not be removed"), "{stderr}");
    } else {
        assert!(
            stderr.contains("warning: the new site is in")
                && stderr.contains("could not be removed"),
            "{stderr}"
        );
        assert!(!stderr.contains("failed"), "{stderr}");
    }
}

#[test]
fn a_template_that_never_ends_stops_the_build_naming_it() {
    let root = mini_site();
    override_page_template(
        root.path(),
        "{% extends \"base.html\" %}{% block content %}{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}{% endblock content %}",
    );
    let output = root.path().join("public");
    let run = build(root.path(), &output, &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    // Either page of the template, whichever a worker took first.
    assert!(
        ["/about/", "/guide/"]
            .iter()
            .any(|page| stderr.contains(&format!(
                "the template `page.html` has taken more than 10 s on the page {page}"
            ))),
        "{stderr}"
    );
    assert!(!output.exists(), "no output without a whole build");
}

#[test]
fn documents_are_published_as_they_are_and_linked_with_type_and_size() {
    let root = mini_site();
    let output = root.path().join("public");
    assert_success(&build(
        root.path(),
        &output,
        &["--base-url", "https://example.org/zibo/"],
    ));
    let source = fs::read(root.path().join("files/standard-2022.pdf")).unwrap();
    assert_eq!(
        fs::read(output.join("files/standard-2022.pdf")).unwrap(),
        source
    );
    let policy = fs::read_to_string(output.join("policies/zb-pilot-2022/index.html")).unwrap();
    let size = format!(
        "{:.1} KB",
        (source.len() as f64 / 1024.0 * 10.0).ceil() / 10.0
    );
    assert!(
        policy.contains(&format!(
            "<a href=\"/zibo/files/standard-2022.pdf\">附件：需求标准（2022年版）</a> <span class=\"muted file-note\">（PDF，{size}）</span>"
        )),
        "{policy}"
    );
}
