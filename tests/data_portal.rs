//! The data portal end to end: the real binary builds the mini fixture under a sub-path
//! base URL, and the portal's pages are checked against the files they describe. The
//! link walk of `tests/build.rs` covers the portal's links and anchors as well.

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_greenproc");
const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
const BASE_URL: &str = "https://example.org/zibo/";
const BASE_PATH: &str = "/zibo/";

/// The mini fixture built once for every test: its output files by relative path.
fn site() -> &'static BTreeMap<String, Vec<u8>> {
    static SITE: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    SITE.get_or_init(|| {
        // Outside any git repository, so that nothing depends on the checkout.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        common::copy_dir(&Path::new(MANIFEST).join("tests/fixtures/mini"), &root);
        let output = dir.path().join("public");
        let run = Command::new(BIN)
            .arg("build")
            .arg("--root")
            .arg(&root)
            .arg("--output")
            .arg(&output)
            .args(["--base-url", BASE_URL])
            .output()
            .expect("greenproc runs");
        assert!(
            run.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        crate::common::files(&output)
    })
}

fn page(path: &str) -> &'static str {
    let bytes = site().get(path).unwrap_or_else(|| panic!("no file {path}"));
    std::str::from_utf8(bytes).unwrap()
}

/// The dataset names `data.json` lists with a page of their own.
fn dataset_names() -> Vec<String> {
    let catalog: Value = serde_json::from_slice(&site()["data.json"]).unwrap();
    let names: Vec<String> = catalog["dataset"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| {
            let page = d["landingPage"].as_str()?;
            let name = page.strip_prefix(&format!("{BASE_URL}data/"))?;
            name.strip_suffix('/').map(str::to_owned)
        })
        .collect();
    assert!(names.len() >= 10, "{names:?}");
    names
}

/// The file behind an address of the site (absolute, or a path under the base path),
/// and its fragment.
fn target(url: &str) -> (String, &str) {
    let inside = url
        .strip_prefix(BASE_URL)
        .or_else(|| url.strip_prefix(BASE_PATH))
        .unwrap_or_else(|| panic!("{url} is not under the site's address"));
    let (path, fragment) = inside.split_once('#').unwrap_or((inside, ""));
    let file = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    };
    (file, fragment)
}

fn assert_resolves(url: &str) {
    let (file, fragment) = target(url);
    assert!(site().contains_key(&file), "{url}: no file {file}");
    if !fragment.is_empty() {
        let id = format!(" id=\"{fragment}\"");
        assert!(page(&file).contains(&id), "{url}: no anchor in {file}");
    }
}

/// The text of the one `<dd>` following the `<dt>` labelled `label`.
fn fact<'h>(html: &'h str, label: &str) -> &'h str {
    let start = html
        .find(&format!("<dt>{label}</dt><dd>"))
        .unwrap_or_else(|| panic!("no fact {label}"))
        + label.len()
        + "<dt></dt><dd>".len();
    let end = start + html[start..].find("</dd>").unwrap();
    &html[start..end]
}

fn json_ld(html: &str) -> Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD block") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("JSON-LD parses")
}

#[test]
fn the_index_lists_every_dataset_and_bundle() {
    let index = page("data/index.html");
    for name in dataset_names() {
        let href = format!("href=\"{BASE_PATH}data/{name}/\"");
        assert!(index.contains(&href), "the index does not link {name}");
        let csv = format!("href=\"{BASE_PATH}data/{name}.csv\"");
        assert!(index.contains(&csv), "the index does not offer {name}.csv");
    }
    for bundle in ["sqlite", "datapackage", "ocds", "oc4ids"] {
        assert!(index.contains(&format!(" id=\"{bundle}\"")), "{bundle}");
    }
    assert!(index.contains(&format!("href=\"{BASE_PATH}data/greenproc.sqlite\"")));
    // Descriptions are plain text: no Markdown marks shown as they are.
    assert!(!index.contains('`'), "a backtick on the data portal");
    let home = page("index.html");
    assert!(home.contains(&format!("href=\"{BASE_PATH}data/\"")));
}

#[test]
fn each_record_count_is_the_csv_row_count() {
    for name in dataset_names() {
        let bytes = &site()[&format!("data/{name}.csv")];
        let rows = csv::Reader::from_reader(&bytes[..]).records().count();
        let html = page(&format!("data/{name}/index.html"));
        let shown: usize = fact(html, "记录数")
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{name}: no count"));
        assert_eq!(shown, rows, "{name}");
        // The index shows the same count.
        let index = page("data/index.html");
        let row = &index[index.find(&format!("<code>{name}</code>")).unwrap()..];
        let cell = format!("<td class=\"num\" data-label=\"记录数\">{rows}</td>");
        assert!(row[..row.find("</tr>").unwrap()].contains(&cell), "{name}");
    }
}

#[test]
fn each_dataset_page_has_its_dictionary_license_and_sizes() {
    let package: Value = serde_json::from_slice(&site()["data/datapackage.json"]).unwrap();
    for resource in package["resources"].as_array().unwrap() {
        let name = resource["name"].as_str().unwrap();
        let html = page(&format!("data/{name}/index.html"));
        for field in resource["schema"]["fields"].as_array().unwrap() {
            let id = format!("<tr id=\"field-{}\">", field["name"].as_str().unwrap());
            assert!(html.contains(&id), "{name}: no row {id}");
        }
        assert!(fact(html, "数据许可").contains("CC BY 4.0"), "{name}");
        let modified = fact(html, "最近更新");
        assert!(
            modified.contains("<time datetime=\"20"),
            "{name}: {modified}"
        );
        for ext in ["csv", "json", "xlsx"] {
            let file = format!("data/{name}.{ext}");
            let kb = site()[&file].len() as f64 / 1024.0;
            let shown = format!("<code>{name}.{ext}</code> <span class=\"muted\">");
            let at = html
                .find(&shown)
                .unwrap_or_else(|| panic!("{file} not offered"));
            let size: f64 = html[at + shown.len()..]
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap();
            assert!((size - kb).abs() < 0.11, "{file}: {size} KB shown, {kb} KB");
        }
    }
    let projects = page("data/projects/index.html");
    // Code lists show their labels; foreign keys link to the referenced field.
    assert!(projects.contains("<code>hospital</code></dt><dd>医院</dd>"));
    assert!(projects.contains(&format!("href=\"{BASE_PATH}data/organizations/#field-id\"")));
}

#[test]
fn json_ld_describes_each_dataset_with_downloads_that_exist() {
    for name in dataset_names() {
        let html = page(&format!("data/{name}/index.html"));
        let head = &html[..html.find("</head>").unwrap()];
        let ld = json_ld(head);
        assert_eq!(ld["@context"], "https://schema.org");
        assert_eq!(ld["@type"], "Dataset", "{name}");
        assert_eq!(ld["url"], format!("{BASE_URL}data/{name}/"));
        assert!(ld["name"].as_str().is_some_and(|n| !n.is_empty()));
        assert!(ld["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(ld["license"].as_str().unwrap().starts_with("https://"));
        assert!(ld["publisher"]["name"].is_string() && ld["creator"]["name"].is_string());
        assert!(ld["dateModified"].as_str().unwrap().len() == 10);
        let downloads = ld["distribution"].as_array().unwrap();
        assert_eq!(downloads.len(), 3, "{name}");
        for d in downloads {
            assert_eq!(d["@type"], "DataDownload");
            assert!(d["encodingFormat"].is_string());
            assert_resolves(d["contentUrl"].as_str().unwrap());
        }
        assert!(!ld["variableMeasured"].as_array().unwrap().is_empty());
    }
}

#[test]
fn catalog_landing_pages_and_downloads_resolve() {
    let catalog: Value = serde_json::from_slice(&site()["data.json"]).unwrap();
    assert!(catalog.get("conformsTo").is_none(), "it claims POD 1.1");
    for dataset in catalog["dataset"].as_array().unwrap() {
        for key in ["title", "description", "modified", "accessLevel", "license"] {
            assert!(dataset[key].is_string(), "{key} in {dataset}");
        }
        assert_eq!(dataset["identifier"], dataset["landingPage"]);
        assert_resolves(dataset["landingPage"].as_str().unwrap());
        for d in dataset["distribution"].as_array().unwrap() {
            assert_resolves(d["downloadURL"].as_str().unwrap());
        }
    }
}

/// The SHA-256 of `bytes` in lower-case hex.
fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The DCAT catalog: every dataset with its publisher, licence, frequency, time and
/// place; every distribution's size and checksum those of the file served; and every
/// download of the portal in it.
#[test]
fn the_dcat_catalog_lists_every_download_with_its_size_and_checksum() {
    let catalog: Value = serde_json::from_slice(&site()["data/dcat.jsonld"]).unwrap();
    assert_eq!(catalog["@type"], "dcat:Catalog");
    assert_eq!(catalog["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
    let mut listed = std::collections::BTreeSet::new();
    for dataset in catalog["dcat:dataset"].as_array().unwrap() {
        for key in [
            "dct:title",
            "dct:description",
            "dct:publisher",
            "dct:license",
            "dct:accrualPeriodicity",
            "dct:temporal",
            "dct:spatial",
            "dcat:landingPage",
        ] {
            assert!(!dataset[key].is_null(), "{key} in {}", dataset["@id"]);
        }
        assert_eq!(dataset["dct:temporal"]["dcat:endDate"]["@type"], "xsd:date");
        assert_resolves(dataset["dcat:landingPage"]["@id"].as_str().unwrap());
        for d in dataset["dcat:distribution"].as_array().unwrap() {
            let url = d["dcat:downloadURL"]["@id"].as_str().unwrap();
            let (file, _) = target(url);
            let bytes = &site()[&file];
            assert_eq!(
                d["dcat:byteSize"]["@value"],
                bytes.len().to_string(),
                "{file}"
            );
            assert_eq!(d["dcat:byteSize"]["@type"], "xsd:nonNegativeInteger");
            let checksum = &d["spdx:checksum"];
            assert_eq!(
                checksum["spdx:algorithm"]["@id"],
                "spdx:checksumAlgorithm_sha256"
            );
            assert_eq!(
                checksum["spdx:checksumValue"]["@value"],
                sha256(bytes),
                "{file}"
            );
            assert!(
                d["dcat:mediaType"]["@id"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://www.iana.org/assignments/media-types/"),
                "{d}"
            );
            listed.insert(file);
        }
    }
    // Every download of the data portal is in the catalog.
    let downloads: Vec<&String> = site()
        .keys()
        .filter(|f| f.starts_with("data/") && !f.ends_with(".html") && *f != "data/dcat.jsonld")
        .collect();
    assert!(downloads.len() > 20);
    for file in downloads {
        assert!(listed.contains(file), "{file} is not in the catalog");
    }
}

/// The OCDS and OC4IDS packages link the publication policy, which the portal links
/// too, and which states the site's own publisher, prefixes and licence.
#[test]
fn the_packages_link_a_publication_policy_that_states_the_sites_own_terms() {
    let mut linked = Vec::new();
    for file in [
        "data/ocds/release-package.json",
        "data/ocds/record-package.json",
        "data/oc4ids/project-package.json",
    ] {
        let package: Value = serde_json::from_slice(&site()[file]).unwrap();
        let url = package["publicationPolicy"].as_str().unwrap().to_owned();
        assert_resolves(&url);
        linked.push(url);
    }
    linked.dedup();
    assert_eq!(linked.len(), 1);
    let policy = page("data/publication-policy/index.html");
    for expected in ["ocds-abc123", "oc4ids-abc123", "CN-USCI", "CC BY 4.0"] {
        assert!(
            policy.contains(expected),
            "{expected} not on the policy page"
        );
    }
    assert!(!policy.contains('{'), "a placeholder was left unfilled");
    assert!(page("data/index.html").contains("data/publication-policy/\""));
}

/// The Data Package gives each CSV's size and SHA-256, as the Data Package standard
/// writes them, equal to the file's.
#[test]
fn the_data_package_gives_each_file_its_size_and_hash() {
    let package: Value = serde_json::from_slice(&site()["data/datapackage.json"]).unwrap();
    for resource in package["resources"].as_array().unwrap() {
        let file = format!("data/{}", resource["path"].as_str().unwrap());
        let bytes = &site()[&file];
        assert_eq!(resource["bytes"], bytes.len(), "{file}");
        assert_eq!(
            resource["hash"],
            format!("sha256:{}", sha256(bytes)),
            "{file}"
        );
    }
}

#[test]
fn the_portal_pages_are_in_the_navigation_and_the_sitemap() {
    let sitemap = page("sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>{BASE_URL}data/</loc>")));
    for name in dataset_names() {
        assert!(sitemap.contains(&format!("<loc>{BASE_URL}data/{name}/</loc>")));
        let html = page(&format!("data/{name}/index.html"));
        let current = format!("<a href=\"{BASE_PATH}data/\" aria-current=\"true\"");
        assert!(
            html.contains(&current),
            "{name}: 开放数据 is not highlighted"
        );
    }
}

/// A code's label reads the same in the downloads' code lists as on the pages: each
/// code list of the dataset declarations that a theme strings table covers uses that
/// table's labels (a rating's badge adds its letter: `A 守信` for `A`, `守信`).
#[test]
fn code_lists_label_each_code_as_the_pages_do() {
    let read = |path: &str| -> Value {
        serde_saphyr::from_str(&fs::read_to_string(Path::new(MANIFEST).join(path)).unwrap())
            .unwrap()
    };
    let datasets = read("src/export/datasets.yaml");
    let strings = read("themes/default/strings.zh-CN.yaml");
    let tables: Vec<(&String, &serde_json::Map<String, Value>)> = strings
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(name, v)| Some((name, v.as_object()?)))
        .collect();
    let mut compared = 0;
    let mut differ = Vec::new();
    for dataset in datasets["datasets"].as_array().unwrap() {
        for field in dataset["fields"].as_array().unwrap() {
            let Some(values) = field["values"].as_array() else {
                continue;
            };
            let codes: Vec<(&str, &str)> = values
                .iter()
                .map(|v| (v[0].as_str().unwrap(), v[1].as_str().unwrap()))
                .collect();
            for (name, table) in &tables {
                if codes.len() < 2 || !codes.iter().all(|(c, _)| table.contains_key(*c)) {
                    continue;
                }
                compared += 1;
                for (code, label) in &codes {
                    let page = table[*code].as_str().unwrap_or_default();
                    if page != *label && page != format!("{code} {label}") {
                        differ.push(format!(
                            "{}.{} {code}: {label} ≠ {name}: {page}",
                            dataset["name"], field["name"]
                        ));
                    }
                }
            }
        }
    }
    assert!(compared >= 5, "{compared} code lists compared");
    assert!(differ.is_empty(), "{differ:#?}");
}

/// Search engines pass over dataset descriptions under 50 characters: each says what
/// a row is and what it holds.
#[test]
fn every_dataset_is_described_in_at_least_fifty_characters() {
    let package: Value = serde_json::from_slice(&site()["data/datapackage.json"]).unwrap();
    let resources = package["resources"].as_array().unwrap();
    assert!(resources.len() >= 15, "{} resources", resources.len());
    let short: Vec<String> = resources
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap(),
                r["description"].as_str().unwrap(),
            )
        })
        .filter(|(_, d)| d.chars().count() < 50)
        .map(|(n, d)| format!("{n}: {d}"))
        .collect();
    assert!(short.is_empty(), "{short:#?}");
}
