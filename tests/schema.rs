//! Every YAML file of the sample site validates against the JSON Schema published for
//! its kind, so editors' tools and `check` agree on what a valid file is.

use std::path::Path;

use greenproc::model::kind::{KINDS, RecordKind};
use greenproc::schema::schema_of;

use crate::common::schema::{is_valid, problems};

/// YAML text of a file: the whole file, or a Markdown document's front matter.
fn yaml_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    if path.extension().is_some_and(|e| e == "md") {
        greenproc::yaml::split_front_matter(&text)
            .expect("front matter")
            .0
            .to_owned()
    } else {
        text
    }
}

fn validate_tree(root: &Path) -> usize {
    let mut checked = 0;
    for folder in ["data", "content"] {
        for entry in walkdir::WalkDir::new(root.join(folder)).sort_by_file_name() {
            let entry = entry.unwrap();
            let relative = entry.path().strip_prefix(root).unwrap();
            let relative = relative.to_string_lossy().replace('\\', "/");
            let Some(kind) = RecordKind::of(Path::new(&relative)) else {
                continue;
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let value: serde_json::Value =
                greenproc::yaml::parse_yaml(&yaml_of(entry.path())).unwrap();
            let errors = problems(&schema_of(kind), &value);
            assert!(
                errors.is_empty(),
                "{relative} against {}.json: {errors:#?}",
                kind.info().name
            );
            checked += 1;
        }
    }
    checked
}

#[test]
fn sample_files_validate_against_their_schemas() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checked = validate_tree(root);
    assert!(checked > 100, "only {checked} sample files found");
}

#[test]
fn schemas_reject_what_check_rejects() {
    let project = schema_of(RecordKind::Project);
    let unknown_field = serde_json::json!({"id": "a", "colour": "red"});
    assert!(!is_valid(&project, &unknown_field));
    let org = schema_of(RecordKind::Org);
    let bad_role = serde_json::json!({
        "id": "a", "name": "n", "credit_code": "91350200776049653A", "roles": ["king"]
    });
    assert!(!is_valid(&org, &bad_role));
    let good = serde_json::json!({
        "id": "a", "name": "n", "credit_code": "91350200776049653A", "roles": ["manufacturer"]
    });
    assert!(is_valid(&org, &good), "{:?}", problems(&org, &good));
}

#[test]
fn the_build_publishes_every_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_greenproc"))
        .args(["build", "--root", "tests/fixtures/mini", "--output"])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success());
    for info in &KINDS {
        let file = format!("schema/{}.json", info.name);
        let text = std::fs::read_to_string(out.join(&file)).unwrap();
        let published: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(published, schema_of(info.kind), "{file}");
    }
}
