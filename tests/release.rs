//! What city sites install: the CI templates pin this version of greenproc and check
//! the download against the release's checksums before running it.

use std::path::Path;

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn ci_templates_pin_this_release_and_verify_its_checksum() {
    let pin = format!("GREENPROC_VERSION: v{}", env!("CARGO_PKG_VERSION"));
    for name in ["github-actions.yml", "gitea-actions.yml", "gitlab-ci.yml"] {
        let text = std::fs::read_to_string(Path::new(MANIFEST).join("docs/ci").join(name)).unwrap();
        assert!(text.contains(&pin), "docs/ci/{name} does not pin `{pin}`");
        let downloads = text
            .matches("\"$GREENPROC_DOWNLOAD/$GREENPROC_VERSION/$archive\"")
            .count();
        let verified = text
            .matches("grep \" $archive\\$\" SHA256SUMS | sha256sum -c -")
            .count();
        assert!(downloads > 0, "docs/ci/{name} downloads no release");
        assert_eq!(
            downloads, verified,
            "docs/ci/{name}: a download without its checksum check"
        );
    }
}

#[test]
fn init_writes_the_same_ci_templates() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let init = std::process::Command::new(env!("CARGO_BIN_EXE_greenproc"))
        .args(["init", "--city", "湖州市", "--admin-code", "330500"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(init.status.success(), "{init:?}");
    for (written, template) in [
        (".github/workflows/greenproc.yml", "github-actions.yml"),
        (".gitlab-ci.yml", "gitlab-ci.yml"),
    ] {
        let written = std::fs::read_to_string(site.join(written)).unwrap();
        let template =
            std::fs::read_to_string(Path::new(MANIFEST).join("docs/ci").join(template)).unwrap();
        assert_eq!(written, template);
    }
}
