//! Tests of the exports on `tests/fixtures/export`, a small valid site of every record
//! kind.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;

use super::csv::BOM;
use super::*;
use crate::site_paths::record_page;
use crate::yaml::{parse_yaml, split_front_matter};

const FIXTURE: &str = "tests/fixtures/export";
const BASE: &str = "https://example.org/zibo/";

/// [`BASE`], parsed.
fn base() -> BaseUrl {
    BaseUrl::parse(BASE).expect("BASE is an address")
}

/// The fixture, loaded and checked once for every test.
fn fixture() -> &'static Dataset {
    static DATASET: OnceLock<Dataset> = OnceLock::new();
    DATASET.get_or_init(|| {
        let (dataset, diagnostics) = crate::check_site(Path::new(FIXTURE));
        assert!(
            diagnostics.error_count() == 0,
            "the export fixture must be valid: {diagnostics:?}"
        );
        dataset
    })
}

/// The fixture's derived lookups and figures, without a git history.
fn derived() -> &'static Derived<'static> {
    static DERIVED: OnceLock<Derived<'static>> = OnceLock::new();
    DERIVED.get_or_init(|| Derived::with_history(fixture(), None, Default::default()))
}

/// The fixture's aggregates.
fn aggregates() -> &'static Aggregates<'static> {
    static AGGREGATES: OnceLock<Aggregates<'static>> = OnceLock::new();
    AGGREGATES.get_or_init(|| Aggregates::new(fixture(), derived()))
}

/// The fixture's exports by path.
fn exports() -> &'static HashMap<String, Vec<u8>> {
    static FILES: OnceLock<HashMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let pages = [
            "".to_owned(),
            "projects/zd-school-2023/".to_owned(),
            "pages/关于/".to_owned(),
        ];
        let exports = render_exports(fixture(), derived(), aggregates(), &base(), true)
            .expect("the fixture exports");
        let sitemap = sitemap(&base(), &pages);
        exports
            .files
            .into_iter()
            .chain(exports.twins)
            .chain(sitemap)
            .map(|f| (f.path, f.bytes))
            .collect()
    })
}

fn file(path: &str) -> &'static [u8] {
    exports()
        .get(path)
        .unwrap_or_else(|| panic!("no export `{path}`"))
}

fn json_file(path: &str) -> Value {
    serde_json::from_slice(file(path)).expect("valid JSON")
}

#[test]
fn definitions_parse_and_their_keys_resolve() {
    let defs = tables::definitions().unwrap();
    assert!(defs.datasets.len() >= 10);
    for d in &defs.datasets {
        assert!(
            d.fields.iter().any(|f| f.name == d.primary_key[0]),
            "{}",
            d.name
        );
        assert!(!d.title.is_empty() && d.fields.iter().all(|f| !f.label.is_empty()));
    }
}

#[test]
fn csv_files_start_with_a_bom_and_hold_one_row_per_record() {
    let d = fixture();
    let taxonomy = &d.taxonomy.as_ref().unwrap().record;
    let assessment = crate::derive::Assessment::new(d, d.as_of());
    let statistics = crate::derive::Statistics::new(d, &assessment, d.as_of());
    let expected = [
        ("categories", taxonomy.categories.len()),
        ("projects", d.projects.len()),
        (
            "project_materials",
            d.projects.iter().map(|p| p.record.materials.len()).sum(),
        ),
        ("products", d.products.len()),
        (
            "product_indicators",
            d.products.iter().map(|p| p.record.indicators.len()).sum(),
        ),
        ("organizations", d.orgs.len()),
        (
            "credit_evaluations",
            d.orgs.iter().map(|o| o.record.credit.len()).sum(),
        ),
        ("policies", d.policies.len()),
        ("inspections", d.inspections.len()),
        ("events", d.events.len()),
        // The aggregates: as many rows as the derive stage has figures.
        (
            "project_compliance",
            assessment.projects.iter().map(|p| p.rules.len()).sum(),
        ),
        ("project_green_shares", 3 * d.projects.len()),
        (
            "stats_groups",
            1 + statistics
                .groups
                .iter()
                .map(|(_, g)| g.len())
                .sum::<usize>(),
        ),
        (
            "stats_categories",
            statistics
                .city
                .categories
                .values()
                .map(|c| c.quantities.len())
                .sum(),
        ),
        ("stats_years", statistics.years.len()),
    ];
    assert_eq!(
        expected.len(),
        tables::definitions().unwrap().datasets.len()
    );
    for (name, count) in expected {
        assert!(
            count > 0,
            "the fixture has no {name}: the test would prove nothing"
        );
        let bytes = file(&format!("data/{name}.csv"));
        assert!(bytes.starts_with(BOM), "{name}.csv has no byte-order mark");
        let mut reader = ::csv::Reader::from_reader(&bytes[BOM.len()..]);
        assert_eq!(reader.records().count(), count, "rows of {name}.csv");
        let rows = json_file(&format!("data/{name}.json"));
        assert_eq!(rows.as_array().unwrap().len(), count, "rows of {name}.json");
    }
}

#[test]
fn csv_writes_money_with_two_decimals_and_lists_with_semicolons() {
    let bytes = file("data/projects.csv");
    let mut reader = ::csv::Reader::from_reader(&bytes[BOM.len()..]);
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[column("id")] == "zd-school-2023")
        .unwrap();
    assert_eq!(&row[column("budget")], "45000000.00");
    assert_eq!(&row[column("award_amount")], "43800000.50");
    assert_eq!(
        &row[column("url")],
        "https://example.org/zibo/projects/zd-school-2023/"
    );
    let policies = String::from_utf8(file("data/policies.csv").to_vec()).unwrap();
    assert!(policies.contains(",zb-pilot-2022,"), "supersedes list");
}

#[test]
fn sqlite_keys_hold_and_counts_match() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("greenproc.sqlite");
    std::fs::write(&path, file("data/greenproc.sqlite")).unwrap();
    let db = rusqlite::Connection::open(&path).unwrap();
    let problems: Vec<String> = db
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |row| row.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(problems.is_empty(), "foreign keys broken in {problems:?}");
    let count = |table: &str| -> usize {
        let n: i64 = db
            .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
                r.get(0)
            })
            .unwrap();
        usize::try_from(n).unwrap()
    };
    // Filtering by a referenced record uses an index.
    let plan: String = db
        .query_row(
            "EXPLAIN QUERY PLAN SELECT * FROM products WHERE manufacturer = 'x'",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("USING INDEX"), "{plan}");
    let d = fixture();
    assert_eq!(count("projects"), d.projects.len());
    assert_eq!(count("organizations"), d.orgs.len());
    let fen: i64 = db
        .query_row(
            "SELECT budget_fen FROM projects WHERE id = 'zd-school-2023'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fen, 4_500_000_000);
    let fields: i64 = db
        .query_row(
            "SELECT count(*) FROM meta_fields WHERE dataset = 'projects'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let defs = tables::definitions().unwrap();
    let projects = defs.datasets.iter().find(|d| d.name == "projects").unwrap();
    assert_eq!(usize::try_from(fields).unwrap(), projects.fields.len());
}

#[test]
fn json_twins_match_their_yaml_sources() {
    let d = fixture();
    let mut checked = 0;
    // Every record with a section has a twin; content pages have none.
    let twinned = d.records().filter(|r| r.kind.info().section.is_some());
    for record in twinned {
        let text = std::fs::read_to_string(Path::new(FIXTURE).join(record.file)).unwrap();
        let yaml: Value = match split_front_matter(&text) {
            Some((front, body)) => {
                let mut yaml: Value = parse_yaml(front).unwrap();
                yaml["body"] = body.into();
                yaml
            }
            None => parse_yaml(&text).unwrap(),
        };
        let page = record_page(record.kind, &record.id.value);
        let twin = json_file(&format!("{page}index.json"));
        assert_same_record(&yaml, &twin, &record.file.display().to_string());
        checked += 1;
    }
    assert!(checked >= 10);
}

/// The twin holds every value of the source; fields the source leaves out may appear
/// only with their empty default. Numbers compare by value (YAML `30` is the model's
/// `30.0`).
fn assert_same_record(source: &Value, twin: &Value, at: &str) {
    match (source, twin) {
        (Value::Number(a), Value::Number(b)) => {
            assert_eq!(a.as_f64(), b.as_f64(), "{at}");
        }
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let other = b
                    .get(key)
                    .unwrap_or_else(|| panic!("{at}.{key} is missing from the twin"));
                assert_same_record(value, other, &format!("{at}.{key}"));
            }
            for (key, value) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
                // A product's listing status defaults to `listed`.
                let default = is_empty_default(value) || (key == "status" && value == "listed");
                assert!(default, "{at}.{key} = {value} is not in the source");
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{at}");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                assert_same_record(x, y, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(source, twin, "{at}"),
    }
}

fn is_empty_default(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.values().all(is_empty_default),
        Value::Number(_) | Value::Bool(true) => false,
    }
}

#[test]
fn exports_are_byte_identical_across_runs() {
    let all = || {
        let exports = render_exports(fixture(), derived(), aggregates(), &base(), true).unwrap();
        exports
            .files
            .into_iter()
            .chain(exports.twins)
            .collect::<Vec<_>>()
    };
    let (first, second) = (all(), all());
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.path, b.path);
        assert!(a.bytes == b.bytes, "{} differs between runs", a.path);
    }
    let mut paths: Vec<&str> = first.iter().map(|f| f.path.as_str()).collect();
    paths.dedup();
    assert_eq!(paths.len(), first.len(), "two exports share a path");
}

#[test]
fn ocds_releases_follow_the_lifecycle() {
    let package = json_file("data/ocds/release-package.json");
    let releases = package["releases"].as_array().unwrap();
    let school: Vec<&Value> = releases
        .iter()
        .filter(|r| r["ocid"] == "ocds-abc123-zd-school-2023")
        .collect();
    let tags: Vec<&str> = school
        .iter()
        .map(|r| r["tag"][0].as_str().unwrap())
        .collect();
    assert_eq!(
        tags,
        [
            "planning",
            "planning",
            "tender",
            "award",
            "contract",
            "implementation",
            "implementation",
            "implementation"
        ]
    );
    let award = school.iter().find(|r| r["tag"][0] == "award").unwrap();
    assert_eq!(
        award["awards"][0]["value"],
        serde_json::json!({ "amount": 43800000.5, "currency": "CNY" })
    );
    let supplier = &award["parties"].as_array().unwrap()[1];
    assert_eq!(supplier["identifier"]["scheme"], "CN-USCI");
    assert_eq!(
        supplier["roles"],
        serde_json::json!(["tenderer", "supplier"])
    );

    let records = json_file("data/ocds/record-package.json");
    let records = records["records"].as_array().unwrap();
    assert_eq!(records.len(), fixture().projects.len());
    let record = records
        .iter()
        .find(|r| r["ocid"] == "ocds-abc123-zd-school-2023")
        .unwrap();
    assert_eq!(record["releases"].as_array().unwrap().len(), school.len());
    assert_eq!(
        record["compiledRelease"]["tag"],
        serde_json::json!(["compiled"])
    );
    assert_eq!(
        record["compiledRelease"]["contracts"][0]["status"],
        "terminated"
    );
}

#[test]
fn oc4ids_metrics_carry_targets_and_actuals() {
    let package = json_file("data/oc4ids/project-package.json");
    let project = package["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "oc4ids-abc123-zd-school-2023")
        .unwrap();
    let metric = project["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "green-material-ratio")
        .unwrap();
    let measures: Vec<f64> = metric["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["measure"].as_f64().unwrap())
        .collect();
    // The actual observation is the share computed from the material lines (the
    // project reports 68.5, which the lines overrule), as on every page.
    assert_eq!(measures[0], 65.0);
    assert!((measures[1] - 90.880_432).abs() < 1e-5, "{measures:?}");
    assert_eq!(
        project["contractingProcesses"][0]["id"],
        "ocds-abc123-zd-school-2023"
    );
}

#[test]
fn sitemap_robots_and_catalog_are_well_formed() {
    let sitemap = String::from_utf8(file("sitemap.xml").to_vec()).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/zibo/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/zibo/pages/%E5%85%B3%E4%BA%8E/</loc>"));
    let robots = String::from_utf8(file("robots.txt").to_vec()).unwrap();
    assert!(robots.contains("Sitemap: https://example.org/zibo/sitemap.xml"));

    // Project Open Data's field names for harvesters, without claiming POD 1.1,
    // which only a US federal agency can meet.
    let catalog = json_file("data.json");
    assert!(catalog.get("conformsTo").is_none());
    let first = &catalog["dataset"][0]["distribution"][0];
    assert_eq!(
        first["downloadURL"],
        "https://example.org/zibo/data/categories.csv"
    );
}

#[test]
fn the_inventory_describes_the_files_written() {
    let inventory = render_exports(fixture(), derived(), aggregates(), &base(), true)
        .unwrap()
        .inventory;
    let as_of = fixture().as_of().unwrap();
    let defs = tables::definitions().unwrap();
    assert_eq!(inventory.datasets.len(), defs.datasets.len());
    for d in &inventory.datasets {
        let csv = file(&format!("data/{}.csv", d.def.name));
        let rows = ::csv::Reader::from_reader(&csv[BOM.len()..])
            .records()
            .count();
        assert_eq!(d.records, rows, "{}", d.def.name);
        // A certificate's expiry or a contract's end lies ahead: never a last change.
        assert!(d.modified <= as_of, "{}: {}", d.def.name, d.modified);
        assert_eq!(d.downloads.len(), 3);
    }
    let bundles: Vec<&str> = inventory.bundles.iter().map(|b| b.name).collect();
    assert_eq!(bundles, ["sqlite", "datapackage", "ocds", "oc4ids"]);
    for download in inventory
        .datasets
        .iter()
        .flat_map(|d| &d.downloads)
        .chain(inventory.bundles.iter().flat_map(|b| &b.downloads))
    {
        assert_eq!(download.bytes, file(&download.path).len() as u64);
        assert_eq!(download.url, format!("{BASE}{}", download.path));
    }
    let catalog = json_file("data.json");
    assert_eq!(
        catalog["dataset"][1]["landingPage"],
        "https://example.org/zibo/data/projects/"
    );
    assert_eq!(
        catalog["dataset"][1]["identifier"],
        catalog["dataset"][1]["landingPage"]
    );
}

#[test]
fn xlsx_workbooks_are_zip_files() {
    assert!(file("data/projects.xlsx").starts_with(b"PK\x03\x04"));
}

/// Writes the exports of the sample site (the repository's own `data/` and
/// `content/`) into `target/export-sample/`, for `.ci/conformance.sh` before the build
/// writes them itself: `cargo test --lib export::tests::dump -- --ignored`.
#[test]
#[ignore = "writes files; run on demand"]
fn dump_sample_exports() {
    let (dataset, diagnostics) = crate::check_site(Path::new("."));
    assert!(diagnostics.error_count() == 0, "the sample site has errors");
    let base = dataset
        .config
        .as_ref()
        .map(|c| BaseUrl::parse(&c.record.base_url.value))
        .unwrap()
        .unwrap();
    let out = Path::new("target/export-sample");
    let derived = Derived::with_history(&dataset, None, Default::default());
    let aggregates = Aggregates::new(&dataset, &derived);
    let exports = render_exports(&dataset, &derived, &aggregates, &base, true).unwrap();
    for f in exports
        .files
        .into_iter()
        .chain(exports.twins)
        .chain(sitemap(&base, &[String::new()]))
    {
        let path = out.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, f.bytes).unwrap();
    }
}

/// Every material line is an item of its project's contract (the award's before a
/// contract, the tender's before an award), once in each release package's history:
/// a release repeats no items an earlier release of the same section published; the green items' amounts add up, category by category, to the
/// green amounts the statistics pages show; and every document has a type from the
/// OCDS codelist.
#[test]
fn ocds_items_are_the_material_lines_and_every_document_has_a_type() {
    let records = json_file("data/ocds/record-package.json");
    let mut green: std::collections::BTreeMap<String, f64> = Default::default();
    let mut lines = 0;
    for record in records["records"].as_array().unwrap() {
        let compiled = &record["compiledRelease"];
        // Each section that published the lines keeps them, as the OCDS merge does;
        // they are the same lines, and the latest section (the contract's) counts.
        let holders: Vec<&Vec<Value>> = [
            &compiled["contracts"][0]["items"],
            &compiled["awards"][0]["items"],
            &compiled["tender"]["items"],
        ]
        .into_iter()
        .filter_map(Value::as_array)
        .collect();
        for other in &holders[1.min(holders.len())..] {
            assert_eq!(*other, holders[0], "{}", record["ocid"]);
        }
        for item in holders.first().into_iter().copied().flatten() {
            lines += 1;
            assert_eq!(item["classification"]["scheme"], ocds::CATEGORY_SCHEME);
            let status = &item["additionalClassifications"][0];
            assert_eq!(status["scheme"], ocds::GREEN_SCHEME);
            if status["id"] == "green" {
                let amount = item["quantity"].as_f64().unwrap()
                    * item["unit"]["value"]["amount"].as_f64().unwrap();
                let category = item["classification"]["id"].as_str().unwrap();
                *green.entry(category.to_owned()).or_default() += amount;
            }
        }
        let mut documents = Vec::new();
        collect_documents(compiled, &mut documents);
        for document in documents {
            let kind = document["documentType"].as_str().unwrap_or_default();
            assert!(DOCUMENT_TYPES.contains(&kind), "{document}");
        }
    }
    // Every project with material lines has reached its tender in the fixture, so the
    // items cover every line the statistics count.
    let material_lines: usize = fixture()
        .projects
        .iter()
        .map(|p| p.record.materials.len())
        .sum();
    assert_eq!(lines, material_lines);
    assert!(lines > 0);
    // In the release package, a section's items appear in its first release only.
    let package = json_file("data/ocds/release-package.json");
    let mut published: std::collections::BTreeMap<(String, &str), usize> = Default::default();
    for release in package["releases"].as_array().unwrap() {
        let ocid = release["ocid"].as_str().unwrap().to_owned();
        for (section, items) in [
            ("tender", &release["tender"]["items"]),
            ("awards", &release["awards"][0]["items"]),
            ("contracts", &release["contracts"][0]["items"]),
        ] {
            if items.is_array() {
                *published.entry((ocid.clone(), section)).or_default() += 1;
            }
        }
    }
    assert!(!published.is_empty());
    assert!(published.values().all(|&n| n == 1), "{published:?}");
    let stats = &aggregates().statistics.city.categories;
    for (category, totals) in stats {
        let listed = green.get(*category).copied().unwrap_or_default();
        assert!(
            (listed - totals.green.yuan_f64()).abs() < 0.01 * totals.lines as f64,
            "{category}: items {listed}, statistics {}",
            totals.green.yuan_f64()
        );
    }
}

/// The document types of the OCDS 1.1 codelist (`documentType.csv`).
const DOCUMENT_TYPES: [&str; 41] = [
    "plannedProcurementNotice",
    "tenderNotice",
    "awardNotice",
    "contractNotice",
    "completionCertificate",
    "procurementPlan",
    "biddingDocuments",
    "technicalSpecifications",
    "evaluationCriteria",
    "evaluationReports",
    "contractDraft",
    "contractSigned",
    "contractArrangements",
    "contractSchedule",
    "physicalProgressReport",
    "financialProgressReport",
    "finalAudit",
    "hearingNotice",
    "marketStudies",
    "eligibilityCriteria",
    "clarifications",
    "shortlistedFirms",
    "environmentalImpact",
    "assetAndLiabilityAssessment",
    "riskProvisions",
    "winningBid",
    "complaints",
    "contractAnnexe",
    "contractGuarantees",
    "subContract",
    "needsAssessment",
    "feasibilityStudy",
    "projectPlan",
    "billOfQuantity",
    "bidders",
    "conflictOfInterest",
    "debarments",
    "illustration",
    "submissionDocuments",
    "contractSummary",
    "cancellationDetails",
];

/// Every object in `value` that has a `documents` list, its documents.
fn collect_documents<'v>(value: &'v Value, out: &mut Vec<&'v Value>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "documents" {
                    out.extend(child.as_array().into_iter().flatten());
                } else {
                    collect_documents(child, out);
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| collect_documents(v, out)),
        _ => {}
    }
}

/// The bidding period, the bidders named and the number of bids reach the OCDS
/// tender once the award is public, the bidders as parties; the CSV has them too.
#[test]
fn ocds_tenders_have_their_period_and_bidders() {
    let records = json_file("data/ocds/record-package.json");
    let record = records["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ocid"].as_str().unwrap().ends_with("zd-school-2023"))
        .unwrap();
    let tender = &record["compiledRelease"]["tender"];
    assert_eq!(
        tender["tenderPeriod"]["startDate"],
        "2023-04-10T00:00:00+08:00"
    );
    assert_eq!(
        tender["tenderPeriod"]["endDate"],
        "2023-05-08T00:00:00+08:00"
    );
    assert_eq!(tender["numberOfTenderers"], 3);
    let tenderers: Vec<&str> = tender["tenderers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tenderers.len(), 2);
    let parties = record["compiledRelease"]["parties"].as_array().unwrap();
    let bidders = parties
        .iter()
        .filter(|p| {
            p["roles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "tenderer")
        })
        .count();
    assert_eq!(bidders, 2);
    // Before the award, the bidders are not yet public.
    let releases = json_file("data/ocds/release-package.json");
    let tender_release = releases["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"].as_str().unwrap().ends_with("zd-school-2023-tender"))
        .unwrap();
    assert!(tender_release["tender"]["tenderers"].is_null());
    assert!(!tender_release["tender"]["tenderPeriod"].is_null());
    let csv = String::from_utf8(file("data/projects.csv").to_vec()).unwrap();
    assert!(
        csv.contains("2023-04-10,2023-05-08,lz-build-group;zd-materials,3,"),
        "{csv}"
    );
}

/// The JSON Lines file holds the release package's releases, one per line, the same
/// values in the same order.
#[test]
fn releases_as_json_lines_are_the_package_releases() {
    let package = json_file("data/ocds/release-package.json");
    let releases = package["releases"].as_array().unwrap();
    let text = std::str::from_utf8(file("data/ocds/releases.jsonl")).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert!(!lines.is_empty());
    assert_eq!(&lines, releases);
    assert!(text.ends_with('\n') && !text.contains("\n\n"));
}

/// Split past its limits, the release packages together hold the releases of the
/// unsplit package, in order; each record names the package file of each of its
/// releases, and every record package lists every release package.
#[test]
fn split_packages_together_equal_the_unsplit_one() {
    let site = Site::new(fixture(), &base()).unwrap();
    let packages = |items: usize| -> Vec<ExportFile> {
        let mut files = Vec::new();
        let limits = ocds::Limits {
            items,
            bytes: usize::MAX,
        };
        ocds::write_within(&site, &derived().assessment, limits, &mut |file| {
            files.push(file);
            Ok(())
        })
        .unwrap();
        files
    };
    let whole = packages(usize::MAX);
    let parts = packages(2);
    let json = |f: &ExportFile| -> Value { serde_json::from_slice(&f.bytes).unwrap() };
    let releases_of = |files: &[ExportFile]| -> Vec<Value> {
        files
            .iter()
            .filter(|f| f.path.contains("release-package"))
            .flat_map(|f| json(f)["releases"].as_array().unwrap().clone())
            .collect()
    };
    let release_files: Vec<&ExportFile> = parts
        .iter()
        .filter(|f| f.path.contains("release-package"))
        .collect();
    assert!(release_files.len() > 1, "nothing was split");
    assert_eq!(releases_of(&parts), releases_of(&whole));
    let urls: Vec<String> = release_files
        .iter()
        .map(|f| format!("{BASE}{}", f.path))
        .collect();
    for file in parts.iter().filter(|f| f.path.contains("record-package")) {
        let package = json(file);
        assert_eq!(package["packages"], serde_json::json!(urls));
        for record in package["records"].as_array().unwrap() {
            for release in record["releases"].as_array().unwrap() {
                let url = release["url"].as_str().unwrap();
                let (file_url, id) = url.split_once('#').unwrap();
                let holder = release_files
                    .iter()
                    .find(|f| format!("{BASE}{}", f.path) == file_url)
                    .unwrap_or_else(|| panic!("{url} names no package"));
                assert!(
                    json(holder)["releases"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|r| r["id"] == id),
                    "{url}"
                );
            }
        }
    }
}
