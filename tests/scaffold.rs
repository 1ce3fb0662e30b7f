//! `greenproc init` and `greenproc new`, run as the real binary in temporary folders:
//! a new site passes `check` as written; a new record fails `check` at its first
//! empty required field, passes once the required fields are filled, and validates
//! against its JSON Schema.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use greenproc::model::kind::{KINDS, RecordKind};
use greenproc::schema::schema_of;
use serde_json::Value;

use crate::common::schema::{is_valid, problems};

/// Runs the binary with `args`.
fn greenproc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_greenproc"))
        .args(args)
        .output()
        .expect("start greenproc")
}

fn exit(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A new site for Jinan in a temporary folder.
fn new_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let out = greenproc(&[
        "init",
        path(&site),
        "--city",
        "\u{6d4e}\u{5357}\u{5e02}",
        "--admin-code",
        "370100",
    ]);
    assert_eq!(exit(&out), 0, "{}", text(&out.stderr));
    dir
}

fn site(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("site")
}

fn path(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temporary path")
}

/// `check --format json` of a site: exit code and diagnostics.
fn check(root: &Path) -> (i32, Vec<Value>) {
    let out = greenproc(&[
        "check",
        "--root",
        path(root),
        "--format",
        "json",
        "--deny-warnings",
    ]);
    let list: Value = serde_json::from_slice(&out.stdout).expect("JSON diagnostics");
    (exit(&out), list.as_array().unwrap().clone())
}

/// `new <kind> <id>` in a site, with extra arguments.
fn new(root: &Path, kind: &str, id: &str, extra: &[&str]) -> Output {
    let mut args = vec!["new", kind, id, "--root", path(root)];
    args.extend_from_slice(extra);
    greenproc(&args)
}

/// Where `new` puts each kind, and what an editor would write into its required fields.
struct Case {
    kind: &'static str,
    id: &'static str,
    extra: &'static [&'static str],
    file: &'static str,
    fill: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        kind: "project",
        id: "test-project",
        extra: &[],
        file: "data/projects/test-project.yaml",
        fill: &[
            ("name", "Test project"),
            ("code", "2509-370102-04-01-000009"),
            ("district", "example-district-a"),
            ("type", "office"),
            ("funding", "government-investment"),
            ("owner", "example-owner"),
            ("procurement.method", "open-tender"),
            ("procurement.budget", "1000000"),
            ("lifecycle.date", "2025-09-01"),
        ],
    },
    Case {
        kind: "product",
        id: "test-product",
        extra: &["--category", "masonry"],
        file: "data/catalog/envelope-concrete/masonry/test-product.yaml",
        fill: &[
            ("name", "Test block"),
            ("manufacturer", "example-manufacturer"),
            ("listed", "2025-09-05"),
            ("certificate.number", "TEST-2025-0001"),
            ("certificate.grade", "one-star"),
            ("certificate.body", "example-certifier"),
            ("certificate.issued", "2025-09-01"),
            ("certificate.expires", "2030-08-31"),
        ],
    },
    Case {
        kind: "org",
        id: "test-org",
        extra: &[],
        file: "data/orgs/test-org.yaml",
        fill: &[
            ("name", "Test company"),
            ("credit_code", "\"91370102000000094C\""),
            ("roles", "[supervisor]"),
        ],
    },
    Case {
        kind: "inspection",
        id: "test-inspection",
        extra: &[],
        file: "data/inspections/test-inspection.yaml",
        fill: &[
            ("title", "Test inspection"),
            ("date", "2025-09-02"),
            ("inspector", "example-finance-bureau"),
            ("kind", "certificate-check"),
            ("products", "[example-concrete-c30]"),
            ("result", "pass"),
        ],
    },
    Case {
        kind: "event",
        id: "test-event",
        extra: &[],
        file: "data/events/test-event.yaml",
        fill: &[
            ("title", "Test event"),
            ("date", "2025-09-03"),
            ("place", "Test hall"),
            ("organizer", "example-finance-bureau"),
        ],
    },
    Case {
        kind: "policy",
        id: "test-policy",
        extra: &[],
        file: "content/policies/test-policy.md",
        fill: &[
            ("title", "Test policy"),
            ("issuer", "Test bureau"),
            ("level", "provincial"),
            ("issued", "2025-09-04"),
            ("status", "in-force"),
        ],
    },
    Case {
        kind: "interpretation",
        id: "test-interpretation",
        extra: &[],
        file: "content/interpretations/test-interpretation.md",
        fill: &[
            ("title", "Test interpretation"),
            ("policy", "example-standard-2025"),
            ("author", "Test bureau"),
            ("date", "2025-09-05"),
        ],
    },
    Case {
        kind: "page",
        id: "test-page",
        extra: &[],
        file: "content/pages/test-page.md",
        fill: &[("title", "Test page")],
    },
    Case {
        kind: "edition",
        id: "2027",
        extra: &[],
        file: "data/standards/2027.yaml",
        fill: &[
            ("title", "Test edition"),
            ("effective_from", "2027-01-01"),
            ("categories.category", "ready-mixed-concrete"),
            ("categories.class", "mandatory"),
        ],
    },
];

/// Writes each value after its empty key, as an editor would; panics on a required
/// field the case does not know, so that a new required field in a form is noticed.
fn fill(case: &Case, form: &str) -> String {
    let mut lines: Vec<String> = form.lines().map(str::to_owned).collect();
    for blank in greenproc::scaffold::blanks(form) {
        let value = case
            .fill
            .iter()
            .find(|(field, _)| *field == blank.field)
            .unwrap_or_else(|| panic!("{}: no value for `{}`", case.kind, blank.field))
            .1;
        let key = blank.field.rsplit('.').next().unwrap();
        let line = &mut lines[blank.line - 1];
        *line = line.replacen(&format!("{key}:"), &format!("{key}: {value}"), 1);
    }
    lines.join("\n") + "\n"
}

/// The YAML of a file as JSON: the whole file, or a Markdown document's front matter.
fn yaml_value(file: &str, text: &str) -> Value {
    let yaml = if file.ends_with(".md") {
        greenproc::yaml::split_front_matter(text).unwrap().0
    } else {
        text
    };
    greenproc::yaml::parse_yaml(yaml).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The schema published as `schema/<name>.json`.
fn schema_by_name(name: &str) -> serde_json::Value {
    let info = KINDS.iter().find(|info| info.name == name).unwrap();
    schema_of(info.kind)
}

/// The schema name of the file at `relative`.
fn kind_of_file(relative: &str) -> &'static str {
    RecordKind::of(Path::new(relative)).unwrap().info().name
}

#[test]
fn a_new_site_passes_check_and_builds() {
    let dir = new_site();
    let root = site(&dir);
    let (code, list) = check(&root);
    assert_eq!(code, 0, "{list:#?}");
    assert!(list.is_empty(), "{list:#?}");
    for file in [
        "data/site.yaml",
        "data/standards/categories.yaml",
        "data/standards/2025.yaml",
        "content/pages/about.md",
        "schema/project.json",
        ".gitignore",
        "README.md",
        ".vscode/settings.json",
    ] {
        assert!(root.join(file).is_file(), "{file} missing");
    }
    let gitignore = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert!(gitignore.lines().any(|l| l == "/public/"));
    let site_yaml = std::fs::read_to_string(root.join("data/site.yaml")).unwrap();
    assert!(site_yaml.contains("admin_code: \"370100\""));
    assert!(site_yaml.contains("code: \"370102\""));
    let out = greenproc(&["build", "--root", path(&root)]);
    assert_eq!(exit(&out), 0, "{}", text(&out.stderr));
    assert!(root.join("public/index.html").is_file());
}

#[test]
fn init_without_a_city_writes_placeholders_that_pass_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = greenproc(&["init", path(dir.path())]);
    assert_eq!(exit(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("占位符"),
        "{}",
        text(&out.stdout)
    );
    let (code, list) = check(dir.path());
    assert_eq!(code, 0, "{list:#?}");
}

#[test]
fn every_file_init_writes_has_the_schema_line_of_its_kind() {
    let dir = new_site();
    let root = site(&dir);
    let mut checked = 0;
    for folder in ["data", "content"] {
        for entry in walkdir::WalkDir::new(root.join(folder)) {
            let entry = entry.unwrap();
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry.path().strip_prefix(&root).unwrap().to_str().unwrap();
            let kind = kind_of_file(relative);
            let text = std::fs::read_to_string(entry.path()).unwrap();
            assert_schema_line(&root, relative, &text, kind);
            let errors = problems(&schema_by_name(kind), &yaml_value(relative, &text));
            assert!(errors.is_empty(), "{relative}: {errors:#?}");
            checked += 1;
        }
    }
    assert_eq!(checked, 15);
}

/// The file's schema line points, relative to the file, at the site's schema of `kind`.
fn assert_schema_line(root: &Path, relative: &str, text: &str, kind: &str) {
    let line = if relative.ends_with(".md") {
        assert!(text.starts_with("---\n"), "{relative}");
        text.lines().nth(1)
    } else {
        text.lines().next()
    }
    .unwrap();
    let target = line
        .strip_prefix("# yaml-language-server: $schema=")
        .unwrap_or_else(|| panic!("{relative}: no schema line, found {line:?}"));
    assert!(target.ends_with(&format!("schema/{kind}.json")), "{line}");
    let folder = root.join(relative).parent().unwrap().to_path_buf();
    let resolved = folder.join(target).canonicalize().unwrap();
    assert_eq!(
        resolved,
        root.join(format!("schema/{kind}.json"))
            .canonicalize()
            .unwrap()
    );
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "keep me").unwrap();
    let out = greenproc(&["init", path(dir.path())]);
    assert_eq!(exit(&out), 1);
    assert!(
        text(&out.stderr).contains("not empty"),
        "{}",
        text(&out.stderr)
    );
    let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "init wrote into a non-empty folder");
}

#[test]
fn init_rejects_a_malformed_division_code_as_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("site");
    for bad in ["3701", "37010a", "3701000"] {
        let out = greenproc(&["init", path(&target), "--admin-code", bad]);
        assert_eq!(exit(&out), 2, "{bad}");
    }
    let out = greenproc(&["init", path(&target), "--city", "a: b"]);
    assert_eq!(exit(&out), 2);
    assert!(!target.exists());
}

#[test]
fn new_records_fail_check_until_filled_then_pass_and_match_their_schema() {
    let dir = new_site();
    let root = site(&dir);
    for case in CASES {
        let out = new(&root, case.kind, case.id, case.extra);
        assert_eq!(exit(&out), 0, "{}: {}", case.kind, text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains(&format!("已写入 {}", case.file)),
            "{stdout}"
        );
        let form = std::fs::read_to_string(root.join(case.file))
            .unwrap_or_else(|e| panic!("{}: {e}", case.file));
        assert!(
            !form.contains("{{"),
            "{}: unreplaced placeholder",
            case.file
        );
        let kind = kind_of_file(case.file);
        assert_eq!(kind, case.kind);
        assert_schema_line(&root, case.file, &form, kind);

        // The form is valid YAML, and `new` named every empty required field.
        yaml_value(case.file, &form);
        let blanks = greenproc::scaffold::blanks(&form);
        assert!(!blanks.is_empty(), "{}", case.kind);
        for blank in &blanks {
            assert!(
                stdout.contains(&format!("{}:{}  {}", case.file, blank.line, blank.field)),
                "{stdout}"
            );
        }

        // Unfilled, check fails at every empty field of the new file, in one run,
        // and the schema rejects it too.
        let (code, list) = check(&root);
        assert_eq!(code, 1, "{}", case.kind);
        let found: Vec<&serde_json::Value> =
            list.iter().filter(|d| d["file"] == case.file).collect();
        assert!(
            !found.is_empty(),
            "{}: no diagnostic for the new file",
            case.kind
        );
        for d in &found {
            assert!(d["code"] == "E0102" || d["code"] == "E0103", "{d}");
        }
        let lines: Vec<u64> = found.iter().map(|d| d["line"].as_u64().unwrap()).collect();
        let blank_lines: Vec<u64> = blanks.iter().map(|b| b.line as u64).collect();
        assert_eq!(lines, blank_lines, "{}: {found:#?}", case.kind);
        assert!(!is_valid(
            &schema_by_name(kind),
            &yaml_value(case.file, &form)
        ));

        // Filled, the whole site passes again.
        if case.kind == "edition" {
            // Editions may not overlap: the form's header says to close the previous one.
            let previous = root.join("data/standards/2025.yaml");
            let text = std::fs::read_to_string(&previous).unwrap();
            std::fs::write(&previous, text + "effective_until: 2026-12-31\n").unwrap();
        }
        let filled = fill(case, &form);
        std::fs::write(root.join(case.file), &filled).unwrap();
        let (code, list) = check(&root);
        assert_eq!(code, 0, "{}: {list:#?}\n{filled}", case.kind);
        let errors = problems(&schema_by_name(kind), &yaml_value(case.file, &filled));
        assert!(errors.is_empty(), "{}: {errors:#?}", case.kind);
    }
}

#[test]
fn forms_hold_every_field_of_their_record_type() {
    let dir = new_site();
    let root = site(&dir);
    for case in CASES {
        let out = new(&root, case.kind, case.id, case.extra);
        assert_eq!(exit(&out), 0, "{}", text(&out.stderr));
        let form = std::fs::read_to_string(root.join(case.file)).unwrap();
        let mut fields = Vec::new();
        property_names(&schema_by_name(case.kind), &mut fields);
        for field in fields {
            // Present as `field:`, commented out or not, at the start of a key.
            let present = form.lines().any(|line| {
                let key = line.trim_start_matches([' ', '#', '-']);
                key.starts_with(&format!("{field}:"))
            });
            assert!(present, "{}: the form lacks `{field}`", case.kind);
        }
    }
}

/// Every property name anywhere in a schema, nested types included.
fn property_names(schema: &Value, names: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                names.extend(properties.keys().cloned());
            }
            map.values().for_each(|v| property_names(v, names));
        }
        Value::Array(items) => items.iter().for_each(|v| property_names(v, names)),
        _ => {}
    }
}

#[test]
fn new_refuses_unsafe_ids_and_existing_files() {
    let dir = new_site();
    let root = site(&dir);
    for bad in ["Bad_Id", "../escape", "-lead", "trail-", "a/b", ""] {
        let out = new(&root, "project", bad, &[]);
        assert_eq!(exit(&out), 2, "{bad:?}: {}", text(&out.stderr));
    }
    assert!(!root.join("escape.yaml").exists());
    let existing = root.join("data/projects/example-school.yaml");
    let before = std::fs::read(&existing).unwrap();
    let out = new(&root, "project", "example-school", &[]);
    assert_eq!(exit(&out), 1);
    assert!(text(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read(&existing).unwrap(), before);
}

#[test]
fn new_product_needs_a_known_category() {
    let dir = new_site();
    let root = site(&dir);
    let out = new(&root, "product", "p", &[]);
    assert_eq!(exit(&out), 2, "no --category");
    let out = new(&root, "product", "p", &["--category", "masnry"]);
    assert_eq!(exit(&out), 1);
    assert!(
        text(&out.stderr).contains("did you mean `masonry`?"),
        "{}",
        text(&out.stderr)
    );
    let out = new(&root, "org", "o", &["--category", "masonry"]);
    assert_eq!(exit(&out), 2, "--category on another kind");
    let out = new(&root, "recipe", "r", &[]);
    assert_eq!(exit(&out), 2, "unknown kind");
}

#[test]
fn new_outside_a_site_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = new(dir.path(), "project", "p", &[]);
    assert_eq!(exit(&out), 1);
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn new_writes_the_schemas_a_site_lacks() {
    let dir = new_site();
    let root = site(&dir);
    std::fs::remove_dir_all(root.join("schema")).unwrap();
    let out = new(&root, "page", "guide", &[]);
    assert_eq!(exit(&out), 0);
    assert!(root.join("schema/page.json").is_file());
    assert!(
        text(&out.stdout).contains("JSON Schema 文件"),
        "{}",
        text(&out.stdout)
    );
}

/// What a city's site and its output may never hold: the sample city's name, its ids'
/// prefixes and its division code (`3703`, inside credit codes and project codes).
const ZIBO: &[&str] = &["淄博", "zibo", "zb-", "zd-", "3703"];

/// The text files of a folder, by path, for the search for another city's traces.
fn text_files(root: &Path) -> Vec<(PathBuf, String)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        // The build's own bookkeeping is hashes and sizes, which may spell anything.
        .filter(|e| {
            let bookkeeping = e.file_name().to_string_lossy().starts_with(".greenproc-");
            e.file_type().is_file()
                && !bookkeeping
                && !e.path().components().any(|c| c.as_os_str() == ".git")
        })
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((e.path().to_path_buf(), text))
        })
        .collect()
}

#[test]
fn three_cities_in_three_provinces_get_sites_with_nothing_of_zibo() {
    for (city, province, admin) in [
        ("济南市", "山东省", "370100"),
        ("湖州市", "浙江省", "330500"),
        ("佛山市", "广东省", "440600"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let out = greenproc(&[
            "init",
            path(&root),
            "--city",
            city,
            "--province",
            province,
            "--admin-code",
            admin,
        ]);
        assert_eq!(exit(&out), 0, "{city}: {}", text(&out.stderr));
        let credit_code =
            greenproc::validate::credit_code::complete(&format!("91{admin}00000009")).unwrap();
        for case in CASES {
            let out = new(&root, case.kind, case.id, case.extra);
            assert_eq!(exit(&out), 0, "{city} {}: {}", case.kind, text(&out.stderr));
            let form = std::fs::read_to_string(root.join(case.file)).unwrap();
            // The cases' codes are Jinan's; each city writes its own.
            let filled = fill(case, &form)
                .replace("2509-370102-", &format!("2509-{admin}-"))
                .replace("\"91370102000000094C\"", &format!("\"{credit_code}\""));
            if case.kind == "edition" {
                let previous = root.join("data/standards/2025.yaml");
                let text = std::fs::read_to_string(&previous).unwrap();
                std::fs::write(&previous, text + "effective_until: 2026-12-31\n").unwrap();
            }
            std::fs::write(root.join(case.file), filled).unwrap();
        }
        let (code, list) = check(&root);
        assert_eq!(code, 0, "{city}: {list:#?}");
        let output = dir.path().join("public");
        let out = greenproc(&["build", "--root", path(&root), "--output", path(&output)]);
        assert_eq!(exit(&out), 0, "{city}: {}", text(&out.stderr));
        // Checksums are hex digits that may spell `3703` by chance: not a trace.
        let files: Vec<(PathBuf, String)> = text_files(&root)
            .into_iter()
            .chain(text_files(&output))
            .map(|(file, text)| (file, without_checksums(&text)))
            .collect();
        assert!(files.len() > 100, "{city}: {} files", files.len());
        let shandong_codes = ["9137", "1137"];
        for (file, text) in &files {
            for trace in ZIBO {
                assert!(
                    !text.contains(trace),
                    "{city}: `{trace}` in {}",
                    file.display()
                );
            }
            if !admin.starts_with("37") {
                for prefix in shandong_codes {
                    assert!(
                        !text.contains(prefix),
                        "{city}: `{prefix}` in {}",
                        file.display()
                    );
                }
            }
        }
        let home = std::fs::read_to_string(output.join("index.html")).unwrap();
        assert!(home.contains(city), "{city}: the home page names the city");
    }
}

/// `text` with every run of 64 hex digits (a SHA-256) blanked.
fn without_checksums(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_hexdigit() {
            run.push(c);
            continue;
        }
        if run.len() != 64 {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}
