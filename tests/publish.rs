//! `greenproc publish` (issue 21): to a folder always, and to a real S3-compatible
//! server (s3s-fs, started on the loopback address) with the `s3-server` feature.
//!
//! One sequence for both: the first publish sends everything; a one-record edit sends
//! exactly the files whose bytes changed; a removed record's files go, after the new
//! ones are in; a publish that fails part way leaves the previous manifest and a site
//! whose every page finds what it links to; the next publish completes it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::assert_success;
use crate::incremental::Site;

/// Reads the bytes published at a path of the site, if any.
type Reader = Box<dyn Fn(&str) -> Option<Vec<u8>>>;

/// Where a test publishes, and how it reads back what is there.
pub(crate) struct Target {
    /// The `publish` argument.
    pub(crate) to: String,
    /// Environment for `publish` (credentials, endpoint).
    pub(crate) env: Vec<(&'static str, String)>,
    /// The bytes published at a path of the site, if any.
    pub(crate) get: Reader,
}

impl Target {
    fn publish(&self, site: &Site, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_greenproc"))
            .arg("publish")
            .arg(&self.to)
            .arg("--root")
            .arg(&site.root)
            .arg("--output")
            .arg(&site.output)
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("greenproc runs")
    }

    /// The files a dry run says it would send and remove.
    fn would(&self, site: &Site) -> (BTreeSet<String>, BTreeSet<String>) {
        let out = self.publish(site, &["--dry-run"]);
        assert_success(&out);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let listed = |sign: &str| -> BTreeSet<String> {
            stdout
                .lines()
                .filter_map(|l| l.strip_prefix(sign))
                .map(str::to_owned)
                .collect()
        };
        (listed("+ "), listed("- "))
    }
}

/// The files of a manifest, by path, with their hashes.
fn listed(manifest: &[u8]) -> BTreeMap<String, String> {
    let json: serde_json::Value = serde_json::from_slice(manifest).unwrap();
    json["files"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, entry)| (path.clone(), entry["sha256"].as_str().unwrap().to_owned()))
        .collect()
}

fn local_manifest(site: &Site) -> Vec<u8> {
    fs::read(site.output.join(".greenproc-manifest.json")).unwrap()
}

/// Every page published, among `pages`, finds every file of the site it links to:
/// `known` is what the site has or had.
fn assert_whole(target: &Target, pages: &BTreeSet<String>, known: &BTreeSet<String>) {
    let mut links = BTreeSet::new();
    for page in pages.iter().filter(|p| p.ends_with(".html")) {
        let Some(html) = (target.get)(page) else {
            continue;
        };
        let html = String::from_utf8_lossy(&html).into_owned();
        for attribute in ["href=\"/", "src=\"/"] {
            for part in html.split(attribute).skip(1) {
                let link = part.split(['"', '#', '?']).next().unwrap_or_default();
                let file = if link.is_empty() || link.ends_with('/') {
                    format!("{link}index.html")
                } else {
                    link.to_owned()
                };
                if known.contains(&file) {
                    links.insert((page.clone(), file));
                }
            }
        }
    }
    assert!(links.len() > 100, "{} links", links.len());
    let files: BTreeSet<&String> = links.iter().map(|(_, file)| file).collect();
    let missing: Vec<&&String> = files.iter().filter(|f| (target.get)(f).is_none()).collect();
    assert!(missing.is_empty(), "linked but not published: {missing:?}");
}

/// The sequence of edits and publishes, on `target`; `removed` is called with the
/// folder of a record once its files were removed.
pub(crate) fn publish_sequence(target: &Target, removed: &dyn Fn(&str)) {
    let mut site = Site::sample();
    assert_success(&crate::common::build(&site.root, &site.output, &[]));

    // First publish: everything.
    let first = local_manifest(&site);
    let (send, remove) = target.would(&site);
    assert_eq!(send.len(), listed(&first).len());
    assert!(remove.is_empty());
    let out = target.publish(&site, &[]);
    assert_success(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!("上传 {} 个文件", send.len())),
        "{said}"
    );
    assert_eq!(
        (target.get)(".greenproc-manifest.json"),
        Some(first.clone())
    );
    assert_eq!(
        (target.get)("index.html"),
        Some(fs::read(site.output.join("index.html")).unwrap())
    );

    // One product renamed: exactly the files whose bytes changed.
    let product = "data/catalog/envelope-concrete/admixture/jianke-expansion.yaml";
    site.replace(
        product,
        "name: 混凝土膨胀剂",
        "name: 混凝土膨胀剂（改进型）",
    );
    site.build_and_compare();
    let second = local_manifest(&site);
    let (old, new) = (listed(&first), listed(&second));
    let changed: BTreeSet<String> = new
        .iter()
        .filter(|(path, sha)| old.get(*path) != Some(*sha))
        .map(|(path, _)| path.clone())
        .collect();
    let (send, remove) = target.would(&site);
    assert_eq!(send, changed);
    assert!(remove.is_empty());
    assert!(
        send.len() * 10 < new.len(),
        "{} of {}",
        send.len(),
        new.len()
    );
    assert!(send.contains("products/jianke-expansion/index.html"));
    assert_success(&target.publish(&site, &[]));
    let page = (target.get)("products/jianke-expansion/index.html").unwrap();
    assert!(String::from_utf8_lossy(&page).contains("混凝土膨胀剂（改进型）"));
    assert_eq!(
        target.would(&site).0.len(),
        0,
        "a second publish sends nothing"
    );

    // A product added, then removed: its files go once the rest is in.
    let added = "data/catalog/envelope-concrete/admixture/jianke-expansion-2.yaml";
    fs::copy(site.path(product), site.path(added)).unwrap();
    site.replace(added, "id: jianke-expansion", "id: jianke-expansion-2");
    site.replace(added, "model: JK-UEA", "model: JK-UEA-2");
    site.build_and_compare();
    assert_success(&target.publish(&site, &[]));
    assert!((target.get)("products/jianke-expansion-2/index.json").is_some());
    fs::remove_file(site.path(added)).unwrap();
    site.build_and_compare();
    let (_, remove) = target.would(&site);
    let gone: BTreeSet<String> = ["index.html", "index.json"]
        .iter()
        .map(|f| format!("products/jianke-expansion-2/{f}"))
        .collect();
    assert_eq!(remove, gone);
    assert_success(&target.publish(&site, &[]));
    for path in &gone {
        assert_eq!((target.get)(path), None, "{path}");
    }
    removed("products/jianke-expansion-2");

    // A publish that fails half way through the pages: the previous manifest stays,
    // and every page there, old or new, finds what it links to.
    let before = (target.get)(".greenproc-manifest.json").unwrap();
    fs::copy(site.path(product), site.path(added)).unwrap();
    site.replace(added, "id: jianke-expansion", "id: jianke-expansion-2");
    site.replace(added, "model: JK-UEA", "model: JK-UEA-2");
    site.replace(product, "（改进型）", "");
    site.build_and_compare();
    let (send, _) = target.would(&site);
    // Among the pages that change: the new ones come in first.
    let published = listed(&before);
    let pages: Vec<&String> = send
        .iter()
        .filter(|p| p.ends_with(".html") && published.contains_key(*p))
        .collect();
    assert!(pages.len() > 4, "{pages:?}");
    let broken = pages[pages.len() / 2].clone();
    // A page that cannot be read: a folder where the file was.
    let file = site.output.join(&broken);
    fs::remove_file(&file).unwrap();
    fs::create_dir(&file).unwrap();
    let failed = target.publish(&site, &[]);
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("publish：失败") && stderr.contains(&broken),
        "{stderr}"
    );
    assert_eq!(
        (target.get)(".greenproc-manifest.json"),
        Some(before.clone())
    );
    let known: BTreeSet<String> = listed(&before)
        .into_keys()
        .chain(listed(&local_manifest(&site)).into_keys())
        .collect();
    assert_whole(target, &known, &known);

    // Built again, the next publish completes it.
    assert_success(&crate::common::build(&site.root, &site.output, &["--full"]));
    assert_success(&target.publish(&site, &[]));
    let now = local_manifest(&site);
    assert_eq!((target.get)(".greenproc-manifest.json"), Some(now.clone()));
    let all: BTreeSet<String> = listed(&now).into_keys().collect();
    assert_whole(target, &all, &all);
    assert_eq!(target.would(&site), (BTreeSet::new(), BTreeSet::new()));
}

#[test]
fn publishing_to_a_folder_sends_what_changed_and_never_breaks_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("www");
    let read = root.clone();
    let target = Target {
        to: root.display().to_string(),
        env: Vec::new(),
        get: Box::new(move |path| fs::read(read.join(path)).ok()),
    };
    // The removed record's folder goes with its files.
    publish_sequence(&target, &|folder| {
        assert!(!root.join(folder).exists(), "{folder}")
    });
}

#[test]
fn publish_refuses_an_output_that_was_not_built_and_bad_destinations() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = Command::new(env!("CARGO_BIN_EXE_greenproc"))
            .arg("publish")
            .args(args)
            .arg("--root")
            .arg(dir.path())
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let target = dir.path().join("www").display().to_string();
    let said = run(&[&target], &[]);
    assert!(said.contains("请先运行 `greenproc build`"), "{said}");
    let said = run(&["s3://bucket/site"], &[]);
    assert!(said.contains("AWS_ACCESS_KEY_ID"), "{said}");
    let said = run(
        &["s3://bucket/site"],
        &[
            ("AWS_ACCESS_KEY_ID", "k"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
            ("AWS_ENDPOINT_URL", "not a url"),
        ],
    );
    assert!(said.contains("发布目标有误"), "{said}");
    assert!(!Path::new(&target).join("index.html").exists());
}

/// The same sequence against s3s-fs, an S3-compatible server from crates.io, on the
/// loopback address: signed requests, and the headers each object is served with.
#[cfg(feature = "s3-server")]
mod s3 {
    use std::process::{Child, Stdio};
    use std::time::{Duration, Instant};

    use rusty_s3::actions::GetObject;
    use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

    use super::*;

    const KEY: &str = "greenproc-test";
    const SECRET: &str = "greenproc-test-secret";

    /// s3s-fs serving a folder, stopped when dropped.
    struct Server {
        child: Child,
        port: u16,
        _data: tempfile::TempDir,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn start(bucket: &str) -> Server {
        let program = std::env::var("S3S_FS").unwrap_or_else(|_| "s3s-fs".to_owned());
        let data = tempfile::tempdir().unwrap();
        fs::create_dir(data.path().join(bucket)).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&program)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", KEY, "--secret-key", SECRET])
            .arg(data.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start `{program}` ({e}): `cargo install s3s-fs --features binary`, and set S3S_FS to it")
            });
        let server = Server {
            child,
            port,
            _data: data,
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "s3s-fs did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// An object's status, headers and bytes, by a signed GET.
    fn get(port: u16, key: &str) -> (u16, String, String, Vec<u8>) {
        let endpoint = format!("http://127.0.0.1:{port}").parse().unwrap();
        let bucket = Bucket::new(endpoint, UrlStyle::Path, "site", "us-east-1").unwrap();
        let credentials = Credentials::new(KEY, SECRET);
        let url = GetObject::new(&bucket, Some(&credentials), key).sign(Duration::from_secs(60));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let response = agent.get(url.as_str()).call().unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let (content_type, cache_control) = (header("content-type"), header("cache-control"));
        let status = response.status().as_u16();
        let body = response.into_body().read_to_vec().unwrap();
        (status, content_type, cache_control, body)
    }

    #[test]
    fn publishing_to_an_s3_bucket_sends_what_changed_and_never_breaks_a_link() {
        let server = start("site");
        let port = server.port;
        let target = Target {
            to: "s3://site/city/".to_owned(),
            env: vec![
                ("AWS_ACCESS_KEY_ID", KEY.to_owned()),
                ("AWS_SECRET_ACCESS_KEY", SECRET.to_owned()),
                ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
                ("AWS_REGION", "us-east-1".to_owned()),
            ],
            get: Box::new(move |path| {
                let (status, _, _, body) = get(port, &format!("city/{path}"));
                assert!(matches!(status, 200 | 404), "{path}: {status}");
                (status == 200).then_some(body)
            }),
        };
        publish_sequence(&target, &|_| {});
        // The style sheet the pages link to has its content's hash in its name.
        let (_, _, _, home) = get(port, "city/index.html");
        let home = String::from_utf8(home).unwrap();
        let css = home
            .split("href=\"/")
            .find(|p| p.starts_with("assets/site."))
            .unwrap();
        let css = css.split('"').next().unwrap();
        let (status, got_type, got_cache, _) = get(port, &format!("city/{css}"));
        assert_eq!(status, 200, "{css}");
        assert_eq!(got_type, "text/css; charset=utf-8");
        assert_eq!(got_cache, "public, max-age=31536000, immutable");
        for (path, content_type, cache_control) in [
            (
                "index.html",
                "text/html; charset=utf-8",
                "public, max-age=300",
            ),
            (
                "data/projects.csv",
                "text/csv; charset=utf-8",
                "public, max-age=300",
            ),
            (
                "data/greenproc.sqlite.gz",
                "application/gzip",
                "public, max-age=300",
            ),
            (
                "assets/site.css",
                "text/css; charset=utf-8",
                "public, max-age=300",
            ),
            (".greenproc-manifest.json", "application/json", "no-cache"),
        ] {
            let (status, got_type, got_cache, _) = get(port, &format!("city/{path}"));
            assert_eq!(status, 200, "{path}");
            assert_eq!(
                (got_type.as_str(), got_cache.as_str()),
                (content_type, cache_control),
                "{path}"
            );
        }

        // Wrong keys: refused, and nothing of them in the message.
        let mut wrong = target.env.clone();
        wrong[1].1 = "not-the-secret".to_owned();
        let refused = Target {
            to: target.to.clone(),
            env: wrong,
            get: Box::new(|_| None),
        };
        let site = Site::sample();
        assert_success(&crate::common::build(&site.root, &site.output, &[]));
        let out = refused.publish(&site, &[]);
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("服务器拒绝（HTTP 403"), "{stderr}");
        assert!(
            !stderr.contains("not-the-secret") && !stderr.contains("X-Amz"),
            "{stderr}"
        );
    }
}
