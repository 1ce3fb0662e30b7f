//! Province sites (issue 20): member cities built with greenproc and served over HTTP
//! on the loopback address; the province fetches, verifies and merges them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::http::StaticServer;
use crate::common::{assert_success, build, files};

fn greenproc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_greenproc"))
        .args(args)
        .env("GREENPROC_LANG", "zh")
        .output()
        .expect("greenproc runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Generates the city `name` (`code`) of about `records` records in `work`, and
/// builds it into `served/<code>/`.
fn city(work: &Path, served: &Path, name: &str, code: &str, records: usize) {
    let site = work.join(format!("site-{code}"));
    let generated = greenproc(&[
        "gen",
        "--records",
        &records.to_string(),
        "--out",
        site.to_str().unwrap(),
        "--city",
        name,
        "--admin-code",
        code,
    ]);
    assert_success(&generated);
    assert_success(&build(&site, &served.join(code), &[]));
}

/// Writes a province site at `root` with `members` (city, code, package address).
fn province(root: &Path, members: &[(&str, &str, String)]) {
    let mut yaml = String::from(
        "title: 示例省绿色建材试点数据公开平台\nprovince: 山东省\nadmin_code: \"370000\"\n\
         publisher: {name: 示例省财政厅, credit_code: \"11370000000000019R\", contact: sample@example.org}\n\
         license: {name: CC BY 4.0, url: \"https://creativecommons.org/licenses/by/4.0/\"}\n\
         base_url: \"https://example.org/province/\"\nfictional: true\nmembers:\n",
    );
    for (name, code, package) in members {
        yaml.push_str(&format!(
            "  - {{city: {name}, admin_code: \"{code}\", package: \"{package}\"}}\n"
        ));
    }
    std::fs::create_dir_all(root.join("data")).unwrap();
    std::fs::write(root.join("data/site.yaml"), yaml).unwrap();
}

fn fetch(root: &Path) -> String {
    let output = greenproc(&["fetch", "--root", root.to_str().unwrap()]);
    assert_success(&output);
    text(&output)
}

/// The rows of a published CSV, by column name.
fn rows(file: &Path) -> Vec<BTreeMap<String, String>> {
    let bytes = std::fs::read(file).unwrap();
    let mut reader = csv::Reader::from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn fen(money: &str) -> i64 {
    let (yuan, cents) = money.split_once('.').unwrap_or((money, "0"));
    yuan.parse::<i64>().unwrap() * 100 + format!("{cents:0<2}").parse::<i64>().unwrap()
}

const CITIES: [(&str, &str, usize); 3] = [
    ("济南市", "370100", 90),
    ("青岛市", "370200", 70),
    ("烟台市", "370600", 60),
];

struct Setup {
    _dir: tempfile::TempDir,
    served: PathBuf,
    root: PathBuf,
    server: StaticServer,
}

/// The three cities built and served, and a province site listing them (and `extra`).
fn setup(extra: &[(&str, &str, String)]) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let served = dir.path().join("served");
    for (name, code, records) in CITIES {
        city(dir.path(), &served, name, code, records);
    }
    let server = StaticServer::start(served.clone());
    let mut members: Vec<(&str, &str, String)> = CITIES
        .iter()
        .map(|(name, code, _)| {
            (
                *name,
                *code,
                format!("{}{code}/data/datapackage.json", server.url),
            )
        })
        .collect();
    members.extend(extra.iter().cloned());
    let root = dir.path().join("province");
    province(&root, &members);
    Setup {
        served,
        root,
        server,
        _dir: dir,
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn three_cities_served_over_http_make_one_province() {
    let s = setup(&[]);
    let fetched = fetch(&s.root);
    for (name, _, _) in CITIES {
        assert!(
            fetched.contains(&format!("fetch：{name}：已更新（读取 7 个文件")),
            "{fetched}"
        );
    }
    // Fetched again, an unchanged city is asked only whether its descriptor changed.
    let again = fetch(&s.root);
    assert!(again.contains("fetch：济南市：数据没有变化"), "{again}");
    assert_eq!(s.server.not_modified("/370100/data/datapackage.json"), 1);
    assert_eq!(s.server.requests("/370100/data/projects.csv"), 1);
    let out = s.root.join("public");
    assert_success(&build(&s.root, &out, &[]));

    // A supplier in two cities: one page, both cities on it.
    let mut cities_of: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    let mut name_in: BTreeMap<(String, &str), String> = BTreeMap::new();
    let mut code_of: BTreeMap<(&str, String), String> = BTreeMap::new();
    for (name, code, _) in CITIES {
        for org in rows(&s.served.join(code).join("data/organizations.csv")) {
            cities_of
                .entry(org["credit_code"].clone())
                .or_default()
                .insert(name);
            name_in.insert((org["credit_code"].clone(), name), org["name"].clone());
            code_of.insert((name, org["id"].clone()), org["credit_code"].clone());
        }
    }
    let (shared, in_cities) = cities_of
        .iter()
        .find(|(_, cities)| cities.len() >= 2)
        .expect("the generated cities share a supplier");
    let page = read(&out.join(format!("orgs/{}/index.html", shared.to_lowercase())));
    for city in in_cities {
        assert!(
            page.contains(&format!(">{city}</h2>")),
            "{city} on the page"
        );
        let local = &name_in[&(shared.clone(), *city)];
        assert!(page.contains(local.as_str()), "{local} on the page");
    }
    let listed = page.matches("<section class=\"city-listing\"").count();
    assert_eq!(listed, in_cities.len(), "one section per city, no more");

    // A product listed by two cities: one catalog entry naming both.
    let mut listings: BTreeMap<(String, String), BTreeSet<&str>> = BTreeMap::new();
    for (name, code, _) in CITIES {
        for product in rows(&s.served.join(code).join("data/products.csv")) {
            let maker = code_of[&(name, product["manufacturer"].clone())].clone();
            listings
                .entry((maker, product["model"].clone()))
                .or_default()
                .insert(name);
        }
    }
    let ((maker, model), cities) = listings
        .iter()
        .find(|(_, c)| c.len() >= 2)
        .expect("the generated cities list one product alike");
    let catalog = rows(&out.join("data/catalog.csv"));
    assert_eq!(catalog.len(), listings.len(), "one catalog row per product");
    let entry: Vec<_> = catalog
        .iter()
        .filter(|r| &r["manufacturer_code"] == maker && &r["model"] == model)
        .collect();
    assert_eq!(entry.len(), 1, "one entry for {maker} {model}");
    let named: BTreeSet<&str> = entry[0]["cities"].split(';').collect();
    assert_eq!(&named, cities);

    // Province totals are the sums of the cities' published figures.
    let mut projects = 0;
    let mut awarded = 0;
    let province_rows = rows(&out.join("data/cities.csv"));
    for (name, code, _) in CITIES {
        let stats = rows(&s.served.join(code).join("data/stats_groups.csv"));
        let row = stats.iter().find(|r| r["dimension"] == "city").unwrap();
        let mine = province_rows.iter().find(|r| r["city"] == name).unwrap();
        for field in ["projects", "covered", "budget", "awarded", "met", "not_met"] {
            assert_eq!(mine[field], row[field], "{name} {field}");
        }
        projects += row["projects"].parse::<u64>().unwrap();
        awarded += fen(&row["awarded"]);
    }
    let home = read(&out.join("index.html"));
    let total = &home[home.find("id=\"row-total\"").unwrap()..];
    assert!(
        total.contains(&format!(">{projects}</td>")),
        "total projects {projects}"
    );
    assert!(
        total.contains(&format!("value=\"{}.{:02}\"", awarded / 100, awarded % 100)),
        "total awarded {awarded}"
    );
    // Every city links to its own site; nothing of it is copied.
    assert!(!out.join("projects").exists());

    // The merged OCDS releases: every city's, each keeping its own ocid prefix.
    let mut expected: Vec<String> = Vec::new();
    for (_, code, _) in CITIES {
        let lines = read(&s.served.join(code).join("data/ocds/releases.jsonl"));
        assert!(
            lines
                .lines()
                .all(|l| l.contains(&format!("\"ocid\":\"ocds-{code}-")))
        );
        expected.extend(lines.lines().map(str::to_owned));
    }
    let merged = read(&out.join("data/ocds/releases.jsonl"));
    assert_eq!(
        merged.lines().map(str::to_owned).collect::<Vec<_>>(),
        expected
    );
    let package: serde_json::Value =
        serde_json::from_str(&read(&out.join("data/ocds/release-package.json"))).unwrap();
    assert_eq!(
        package["releases"].as_array().unwrap().len(),
        expected.len()
    );
    assert_eq!(package["publisher"]["name"], "示例省财政厅");

    // The catalog gives every download's size and SHA-256, and they are the files'.
    let dcat: serde_json::Value =
        serde_json::from_str(&read(&out.join("data/dcat.jsonld"))).unwrap();
    let mut described = 0;
    for dataset in dcat["dcat:dataset"].as_array().unwrap() {
        for d in dataset["dcat:distribution"].as_array().unwrap() {
            let url = d["@id"].as_str().unwrap();
            let path = url.strip_prefix("https://example.org/province/").unwrap();
            let bytes = std::fs::read(out.join(path)).unwrap();
            assert_eq!(
                d["dcat:byteSize"]["@value"],
                bytes.len().to_string(),
                "{path}"
            );
            let sum = &d["spdx:checksum"]["spdx:checksumValue"]["@value"];
            assert_eq!(sum.as_str().unwrap(), sha256_hex(&bytes), "{path}");
            described += 1;
        }
    }
    assert_eq!(described, 8, "six tables, the releases and their package");
}

/// Every file of the city's copies under the province root, with its bytes.
fn copies(root: &Path, code: &str) -> BTreeMap<String, Vec<u8>> {
    let mut copies = files(&root.join(".greenproc/cities").join(code));
    copies.remove("status.json");
    copies
}

fn city_row<'a>(home: &'a str, code: &str) -> &'a str {
    let start = home.find(&format!("data-city=\"{code}\"")).unwrap();
    let end = home[start..].find("</tr>").unwrap();
    &home[start..start + end]
}

#[test]
fn a_city_that_fails_keeps_its_last_good_copy_and_the_overview_says_why() {
    // A port nobody listens on: the city cannot be reached.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!(
        "http://{}/data/datapackage.json",
        dead.local_addr().unwrap()
    );
    drop(dead);
    let s = setup(&[("威海市", "371000", dead_url)]);
    let first = fetch(&s.root);
    assert!(
        first.contains("fetch：威海市：未能读取，该市暂无数据：无法读取 datapackage.json"),
        "{first}"
    );
    let out = s.root.join("public");
    assert_success(&build(&s.root, &out, &[]));
    let home = read(&out.join("index.html"));
    let row = city_row(&home, "371000");
    assert!(row.contains("data-state=\"missing\""), "{row}");
    assert!(
        row.contains("起未能获取该市数据：无法读取 datapackage.json"),
        "{row}"
    );

    // 青岛 publishes a package of a format version this greenproc does not know.
    let package = s.served.join("370200/data/datapackage.json");
    let good = read(&package);
    let before = copies(&s.root, "370200");
    let projects_before = city_row(&home, "370200").to_owned();
    std::fs::write(
        &package,
        good.replace("\"x_greenproc_format\": 1", "\"x_greenproc_format\": 99"),
    )
    .unwrap();
    let refused = fetch(&s.root);
    assert!(
        refused.contains("fetch：青岛市：未更新，继续使用上一份通过核验的数据：数据包声明的格式版本（x_greenproc_format: 99）"),
        "{refused}"
    );
    assert_eq!(copies(&s.root, "370200"), before, "the copy is untouched");
    assert_success(&build(&s.root, &out, &[]));
    let home = read(&out.join("index.html"));
    let row = city_row(&home, "370200");
    assert!(row.contains("data-state=\"stale\""), "{row}");
    assert!(row.contains("格式版本（99）不是本站支持的版本"), "{row}");
    assert!(row.contains("本站显示的是该市"), "{row}");
    // The figures shown are the last good copy's.
    let figures = |r: &str| {
        r[r.find("</td>").unwrap()..]
            .split("<p class=\"city-note\"")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        figures(row).split("</td>").skip(1).collect::<Vec<_>>(),
        figures(&projects_before)
            .split("</td>")
            .skip(1)
            .collect::<Vec<_>>()
    );

    // A new descriptor whose file is not the one it declares (a city caught half-way
    // through publishing).
    let projects_csv = s.served.join("370200/data/projects.csv");
    let original = std::fs::read(&projects_csv).unwrap();
    let elsewhere = good.replace(&sha256_hex(&original), &sha256_hex(b"another file"));
    assert_ne!(elsewhere, good);
    std::fs::write(&package, &elsewhere).unwrap();
    let refused = fetch(&s.root);
    assert!(
        refused.contains("projects.csv 的大小或 SHA-256 校验值与数据包声明的不一致"),
        "{refused}"
    );
    assert_eq!(copies(&s.root, "370200"), before);

    // A value that breaks the definition, with a hash that matches.
    let text = String::from_utf8(original.clone()).unwrap();
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].trim_start_matches('\u{feff}').split(',').collect();
    let budget = header.iter().position(|h| *h == "budget").unwrap();
    let mut cells: Vec<String> = lines[3].split(',').map(str::to_owned).collect();
    cells[budget] = "一百万".to_owned();
    lines[3] = cells.join(",");
    let broken = lines.join("\r\n");
    std::fs::write(&projects_csv, &broken).unwrap();
    let digest = sha256_hex(broken.as_bytes());
    let declared = good
        .replace(
            &format!("\"bytes\": {},", original.len()),
            &format!("\"bytes\": {},", broken.len()),
        )
        .replace(&sha256_hex(&original), &digest);
    std::fs::write(&package, declared).unwrap();
    let refused = fetch(&s.root);
    assert!(
        refused.contains("projects.csv 第 4 行 budget：值的类型不对"),
        "{refused}"
    );
    assert_eq!(copies(&s.root, "370200"), before);

    // The city publishes a changed package: only the changed files are read again.
    std::fs::write(&package, &good).unwrap();
    std::fs::write(&projects_csv, &original).unwrap();
    let site = s.root.parent().unwrap().join("site-370200");
    let first_project = walkdir::WalkDir::new(site.join("data/projects"))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .find(|e| e.file_type().is_file())
        .unwrap();
    std::fs::remove_file(first_project.path()).unwrap();
    assert_success(&build(&site, &s.served.join("370200"), &[]));
    let orgs_requests = s.server.requests("/370200/data/organizations.csv");
    let updated = fetch(&s.root);
    assert!(updated.contains("fetch：青岛市：已更新"), "{updated}");
    assert!(
        !updated.contains("fetch：青岛市：已更新（读取 7 个文件"),
        "{updated}"
    );
    assert!(updated.contains("fetch：济南市：数据没有变化"), "{updated}");
    assert_eq!(
        s.server.requests("/370200/data/organizations.csv"),
        orgs_requests,
        "an unchanged file is not read again"
    );
    assert_success(&build(&s.root, &out, &[]));
    let home = read(&out.join("index.html"));
    let row = city_row(&home, "370200");
    assert!(row.contains("data-state=\"current\""), "{row}");
    let stats = rows(&s.served.join("370200/data/stats_groups.csv"));
    let projects = &stats.iter().find(|r| r["dimension"] == "city").unwrap()["projects"];
    assert!(row.contains(&format!(">{projects}</td>")), "{row}");
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn check_reports_the_province_configuration_and_cities_without_a_copy() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    province(
        root,
        &[
            (
                "济南市",
                "370100",
                "https://example.org/jinan/data/datapackage.json".to_owned(),
            ),
            (
                "杭州市",
                "330100",
                "https://example.org/hz/data/datapackage.json".to_owned(),
            ),
            (
                "济南市",
                "370100",
                "ftp://example.org/data/datapackage.json".to_owned(),
            ),
        ],
    );
    // A theme that does not compile would stop the build: check reports it.
    let templates = root.join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("province_home.html"), "{% if %}\n").unwrap();
    let output = greenproc(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let list: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, u64)> = list
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(
        found.contains(&("E0211".to_owned(), 10)),
        "杭州 is not in the province: {found:?}"
    );
    assert!(
        found.contains(&("E0201".to_owned(), 11)),
        "济南 twice: {found:?}"
    );
    assert!(
        found.contains(&("E0211".to_owned(), 11)),
        "ftp is no package address: {found:?}"
    );
    assert!(
        found.contains(&("W0306".to_owned(), 9)),
        "no copy yet: {found:?}"
    );
    assert!(
        found.iter().any(|(code, _)| code == "E0213"),
        "the broken theme: {found:?}"
    );
    let message = list
        .iter()
        .find(|d| d["code"] == "W0306")
        .and_then(|d| d["message"].as_str())
        .unwrap();
    assert_eq!(message, "还没有济南市的数据副本");
    // The preview is a city's; a province is told what to run instead.
    let served = greenproc(&["serve", "--root", root.to_str().unwrap()]);
    assert_eq!(served.status.code(), Some(2));
    assert!(
        text(&served).contains("greenproc build --fetch"),
        "{}",
        text(&served)
    );
    // A build refuses the configuration as check does, and writes nothing.
    let refused = build(root, &root.join("public"), &[]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(!root.join("public").exists());
}

#[test]
fn the_sample_province_builds_from_the_sample_city_and_two_generated_ones() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    // As in the README: the city into public/, then the province beside it.
    assert_success(&build(repo, &dir.path().join("public"), &[]));
    let root = dir.path().join("sample-province");
    for part in ["data", "cities"] {
        crate::common::copy_dir(&repo.join("sample-province").join(part), &root.join(part));
    }
    let out = root.join("public");
    let built = build(&root, &out, &["--fetch"]);
    assert_success(&built);
    let said = text(&built);
    assert!(said.contains("3 个试点城市（3 个有数据）"), "{said}");
    assert!(!said.contains("警告"), "{said}");
    let home = read(&out.join("index.html"));
    assert_eq!(home.matches("data-state=\"current\"").count(), 3);
    assert!(home.contains("示例数据"), "the fictional banner");
    // The same copies build the same site, byte for byte.
    let again = root.join("again");
    assert_success(&build(&root, &again, &[]));
    let (first, second) = (files(&out), files(&again));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    assert!(first == second, "two builds differ");
    assert!(first.contains_key("sitemap.xml"));
}

#[test]
fn the_provinces_own_policies_are_published_and_found() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("province");
    province(
        &root,
        &[(
            "济南市",
            "370100",
            "https://example.org/jinan/data/datapackage.json".to_owned(),
        )],
    );
    let policies = root.join("content/policies");
    std::fs::create_dir_all(&policies).unwrap();
    std::fs::write(
        policies.join("sd-2024-notice.md"),
        "---\nid: sd-2024-notice\ntitle: 关于统一公开试点数据的通知\nnumber: 示例财采〔2024〕3号\nissuer: 示例省财政厅\nlevel: provincial\nissued: 2024-03-15\neffective: 2024-04-01\nstatus: in-force\n---\n正文。\n",
    )
    .unwrap();
    let out = root.join("public");
    assert_success(&build(&root, &out, &[]));
    let page = read(&out.join("policies/sd-2024-notice/index.html"));
    assert!(page.contains("关于统一公开试点数据的通知"));
    // The province's navigation, with its policies in it.
    assert!(page.contains("一码通查"));
    let home = read(&out.join("index.html"));
    assert!(
        home.contains("href=\"/province/policies/\""),
        "policies in the menu"
    );
    let chunks: String = std::fs::read_dir(out.join("search/index/d"))
        .unwrap()
        .map(|e| read(&e.unwrap().path()))
        .collect();
    assert!(
        chunks.contains("关于统一公开试点数据的通知"),
        "the policy is in the search index"
    );
    // A broken document stops check and build as on a city's site.
    std::fs::write(policies.join("broken.md"), "---\nid: broken\n---\n").unwrap();
    let checked = greenproc(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(1));
    assert!(text(&checked).contains("E0103"), "{}", text(&checked));
}

#[test]
fn init_makes_a_province_site_that_checks_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("province");
    let made = greenproc(&["init", root.to_str().unwrap(), "--admin-code", "440000"]);
    assert_success(&made);
    let yaml = read(&root.join("data/site.yaml"));
    assert!(yaml.contains("province: 广东省"), "{yaml}");
    assert!(yaml.contains("admin_code: \"440100\""), "{yaml}");
    // Its one example city has no copy yet: a warning, not an error, and a site that
    // says so.
    let checked = greenproc(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked));
    assert!(text(&checked).contains("W0306"));
    let out = root.join("public");
    assert_success(&build(&root, &out, &[]));
    let home = read(&out.join("index.html"));
    assert!(home.contains("data-state=\"missing\""));
}
