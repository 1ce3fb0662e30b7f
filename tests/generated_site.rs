//! `greenproc gen`, run as the real binary: a synthetic site passes `check` with no
//! problem and builds, and the build reports every stage with `--timings`.

use std::path::Path;
use std::process::{Command, Output};

fn greenproc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_greenproc"))
        .args(args)
        .output()
        .expect("start greenproc")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

#[test]
fn a_generated_site_passes_check_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let out = greenproc(&["gen", "--records", "200", "--out", path(&site)]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let check = greenproc(&["check", "--root", path(&site), "--deny-warnings"]);
    let said = text(&check.stdout) + &text(&check.stderr);
    assert!(check.status.success(), "{said}");
    assert!(said.contains("check：未发现问题"), "{said}");

    let public = dir.path().join("public");
    let build = greenproc(&[
        "build",
        "--root",
        path(&site),
        "--output",
        path(&public),
        "--timings",
    ]);
    let (stdout, stderr) = (text(&build.stdout), text(&build.stderr));
    assert!(build.status.success(), "{stdout}{stderr}");
    // 200 records, plus the site configuration and the taxonomy and standard files.
    assert!(stdout.starts_with("build：20"), "{stdout}");
    for stage in [
        "load", "validate", "derive", "exports", "render", "search", "sitemap", "write",
    ] {
        let line = format!("timing: {stage} ");
        assert!(stderr.contains(&line), "no {stage} in:\n{stderr}");
    }
    assert!(stderr.contains("pages/s"), "{stderr}");

    // Every generated project has its page, and the open data lists them all.
    let projects = std::fs::read_dir(site.join("data/projects"))
        .unwrap()
        .count();
    assert_eq!(projects, 20);
    let listed = std::fs::read_dir(public.join("projects"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("index.json").is_file())
        .count();
    assert_eq!(listed, projects);
    let csv = csv::Reader::from_path(public.join("data/projects.csv")).unwrap();
    assert_eq!(csv.into_records().count(), projects, "a row per project");

    // Large downloads also come gzipped: the copy holds the same bytes, and the DCAT
    // catalog lists it with its compression.
    let gzipped: Vec<std::path::PathBuf> = walkdir::WalkDir::new(public.join("data"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "gz"))
        .collect();
    assert!(!gzipped.is_empty(), "no large download was gzipped");
    let catalog = std::fs::read_to_string(public.join("data/dcat.jsonld")).unwrap();
    for gz in gzipped {
        let original = std::fs::read(gz.with_extension("")).unwrap();
        assert!(original.len() >= 256 * 1024, "{}", gz.display());
        let mut unpacked = Vec::new();
        let file = std::fs::File::open(&gz).unwrap();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(file), &mut unpacked).unwrap();
        assert!(unpacked == original, "{} differs", gz.display());
        let name = gz.file_name().unwrap().to_str().unwrap();
        assert!(catalog.contains(name), "{name} not in the catalog");
    }
    assert!(catalog.contains("dcat:compressFormat"));
}
