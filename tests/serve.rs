//! `greenproc serve`: the real binary on a copy of the mini fixture site, polled over
//! HTTP with a small client on `TcpStream`. Nothing is timed but the generous limits
//! of the polls.

use crate::common;
use crate::common::git as git_helper;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
const BIN: &str = env!("CARGO_BIN_EXE_greenproc");
const PROJECT: &str = "data/projects/zd-school-2023.yaml";
const PROJECT_PAGE: &str = "/projects/zd-school-2023/";
const NAME: &str = "张店区示例实验学校教学楼新建工程";

/// A running `greenproc serve` with what it printed so far; killed when dropped.
struct Served {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    root: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Collects a child's output in the background.
fn collect(stream: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            let mut sink = sink.lock().unwrap();
            sink.push_str(&line);
            sink.push('\n');
        }
    });
    text
}

/// Starts serve on a copy of the mini site, on a port the system picks, and waits for
/// the first build.
fn serve() -> Served {
    serve_with(|_| {})
}

/// [`serve`] after `prepare` has had the copied site's folder.
fn serve_with(prepare: impl FnOnce(&Path)) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    common::copy_dir(&Path::new(MANIFEST).join("tests/fixtures/mini"), &root);
    prepare(&root);
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        // The preview's folder goes in the test's temporary folder.
        .env("TMPDIR", &tmp)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = collect(child.stdout.take().unwrap());
    let stderr = collect(child.stderr.take().unwrap());
    let mut served = Served {
        child,
        port: 0,
        stdout,
        stderr,
        root,
        _dir: dir,
    };
    wait_for("the address line", || {
        let out = served.stdout.lock().unwrap();
        let port = out
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok());
        port.map(|p| served.port = p).is_some()
    });
    wait_for("the first build", || {
        let status = served.status();
        status["ok"] == true
    });
    served
}

impl Served {
    fn get(&self, path: &str) -> (u16, String, String) {
        get(self.port, path)
    }

    fn status(&self) -> serde_json::Value {
        let (code, _, body) = self.get("/__greenproc/status");
        assert_eq!(code, 200);
        serde_json::from_str(&body).unwrap()
    }

    /// Changes a file as many editors save: a new file renamed over the old one, so
    /// that the server never reads it half written.
    fn edit(&self, file: &str, change: impl FnOnce(String) -> String) {
        let path = self.root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let part = path.with_extension("yaml.part");
        std::fs::write(&part, change(text)).unwrap();
        std::fs::rename(&part, &path).unwrap();
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

/// Sends `request` (the request line and headers) to the server, for reading its
/// answer within 20 seconds.
fn send(port: u16, request: &str) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(stream, "{request}\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    stream
}

/// GET `path`: status code, lowercased head, body.
fn get(port: u16, path: &str) -> (u16, String, String) {
    let mut stream = send(port, &format!("GET {path} HTTP/1.1\r\nConnection: close"));
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let code = head.split(' ').nth(1).unwrap().parse().unwrap();
    (code, head.to_lowercase(), body.to_owned())
}

/// Polls `done` until it holds, for at most 20 seconds.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The first event of the live-reload stream.
fn first_event(port: u16) -> String {
    let stream = send(port, "GET /__greenproc/events HTTP/1.1");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if let Some(data) = line.strip_prefix("data: ") {
            return data.to_owned();
        }
    }
}

#[test]
fn serves_pages_with_the_live_reload_script_under_the_sites_csp() {
    let served = serve();
    let (code, head, body) = served.get("/");
    assert_eq!(code, 200);
    assert!(
        body.contains("<script src=\"/__greenproc/livereload.js\""),
        "{body}"
    );
    assert!(
        head.contains("content-security-policy: default-src 'self'; script-src 'self'"),
        "{head}"
    );
    let (code, head, script) = served.get("/__greenproc/livereload.js");
    assert_eq!(code, 200);
    assert!(head.contains("content-type: text/javascript"), "{head}");
    assert!(script.contains("new EventSource(\"/__greenproc/events\")"));
    let (code, _, css) = served.get("/__greenproc/overlay.css");
    assert_eq!(code, 200);
    assert!(css.contains("#greenproc-overlay"));
    // A folder's address without its slash redirects, unknown pages are the 404 page.
    let (code, head, _) = served.get("/projects");
    assert_eq!(code, 301);
    assert!(head.contains("location: /projects/"), "{head}");
    let (code, _, _) = served.get("/projects/no-such-project/");
    assert_eq!(code, 404);
    // The preview is in <test folder>/tmp/greenproc-serve-<random>/site-1: the site's
    // own files are three folders up, and must not be reachable.
    let (code, _, body) = served.get("/../../../site/data/site.yaml");
    assert_eq!(code, 400, "{body}");
    // Nothing is written into the site.
    assert!(!served.root.join("public").exists());
}

#[test]
fn an_edit_of_a_project_updates_its_page_its_neighbours_and_the_lists() {
    let served = serve();
    let renamed = "张店区示例实验学校教学楼改扩建工程";
    served.edit(PROJECT, |text| text.replace(NAME, renamed));
    wait_for("the renamed project page", || {
        served.get(PROJECT_PAGE).2.contains(renamed)
    });
    // An organization named in the project lists it: its page follows.
    wait_for("the owner's page", || {
        served.get("/orgs/zb-public-works/").2.contains(renamed)
    });
    // The lists come in the second step.
    wait_for("the project list", || {
        served.get("/projects/").2.contains(renamed)
    });
    wait_for("the filter page", || {
        served
            .get("/projects/district/zhangdian/")
            .2
            .contains(renamed)
    });
    // The home page's latest changes and the statistics are derived for the second
    // step only.
    wait_for("the home page's latest changes", || {
        served.get("/").2.contains(renamed)
    });
    wait_for("the district's statistics", || {
        served
            .get("/stats/districts/zhangdian/")
            .2
            .contains(renamed)
    });
}

#[test]
fn history_is_read_again_when_a_commit_is_made_while_serving() {
    let first = "2025-03-01T10:00:00+08:00";
    let served = serve_with(|root| {
        git_helper::git(root, &["init", "-q", "-b", "main"], first);
        git_helper::git(root, &["add", "-A"], first);
        git_helper::git(root, &["commit", "-q", "-m", "首次发布样例数据"], first);
    });
    wait_for("the first commit in the project's history", || {
        served.get(PROJECT_PAGE).2.contains("首次发布样例数据")
    });
    // An edit that is not committed changes the page, not its history.
    let renamed = "张店区示例实验学校教学楼改扩建工程";
    served.edit(PROJECT, |text| text.replace(NAME, renamed));
    wait_for("the renamed project page", || {
        served.get(PROJECT_PAGE).2.contains(renamed)
    });
    let second = "2025-03-02T10:00:00+08:00";
    git_helper::git(
        &served.root,
        &["commit", "-q", "-a", "-m", "项目更名"],
        second,
    );
    // A commit touches no watched file; the next edit finds the new commit.
    let again = "张店区示例实验学校教学楼扩建工程";
    served.edit(PROJECT, |text| text.replace(renamed, again));
    wait_for("the second commit in the project's history", || {
        let page = served.get(PROJECT_PAGE).2;
        page.contains(again) && page.contains("项目更名")
    });
}

#[test]
fn an_edit_renders_only_the_pages_it_affects() {
    let served = serve();
    let file = "content/interpretations/zb-pilot-2025-qa.md";
    let title = "《试点实施方案（2025年修订）》政策解读（修订稿）";
    served.edit(file, |text| {
        text.replace("《试点实施方案（2025年修订）》政策解读（示例）", title)
    });
    wait_for("the interpretation's page", || {
        served
            .get("/interpretations/zb-pilot-2025-qa/")
            .2
            .contains(title)
    });
    // The policy's page lists its interpretations by title.
    wait_for("the policy's page", || {
        served.get("/policies/zb-pilot-2025/").2.contains(title)
    });
    // The pages are served as soon as they are in the tree; the summary follows.
    wait_for("the rebuild summary", || {
        served.stdout().contains("serve：重建 ")
    });
    let out = served.stdout();
    let rebuilt: usize = out
        .split("serve：重建 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no rebuild summary in {out}"));
    // The two pages and nothing else of the site's thirty-odd record pages.
    assert_eq!(rebuilt, 2, "{out}");
}

#[test]
fn a_records_json_twin_follows_its_edits_and_its_deletion() {
    let served = serve();
    let file = "content/interpretations/zb-pilot-2025-qa.md";
    let twin = "/interpretations/zb-pilot-2025-qa/index.json";
    let title = "《试点实施方案（2025年修订）》政策解读（修订稿）";
    served.edit(file, |text| {
        text.replace("《试点实施方案（2025年修订）》政策解读（示例）", title)
    });
    wait_for("the interpretation's JSON twin", || {
        served.get(twin).2.contains(title)
    });
    // The second step redoes the open-data files but the twins: the others stay.
    wait_for("the second step", || {
        served.stdout().contains("serve：已更新")
    });
    let (code, _, body) = served.get("/projects/zd-school-2023/index.json");
    assert_eq!(code, 200);
    assert!(body.contains(NAME), "{body}");
    // And the files that go with a record's page, such as a project's feed.
    let (code, _, body) = served.get("/projects/zd-school-2023/feed.xml");
    assert_eq!(code, 200);
    assert!(body.contains(NAME), "{body}");
    std::fs::remove_file(served.root.join(file)).unwrap();
    wait_for("the deleted interpretation's page and twin to go", || {
        served.get("/interpretations/zb-pilot-2025-qa/").0 == 404 && served.get(twin).0 == 404
    });
    assert_eq!(served.get("/projects/zd-school-2023/index.json").0, 200);
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_reports_the_error() {
    let served = serve();
    served.edit(PROJECT, |text| format!("{text}  broken: [\n"));
    wait_for("the failed rebuild", || served.status()["ok"] == false);
    let status = served.status();
    let diagnostics = status["diagnostics"].as_str().unwrap();
    assert!(diagnostics.contains("错误[E0004]"), "{diagnostics}");
    // The overlay's heading counts the problems, in the editors' language.
    assert_eq!(
        status["heading"],
        "1 个错误，0 个警告；仍在显示上一次成功构建的网站"
    );
    // What the overlay shows: the heading over the problems as `check` prints them.
    let overlay = format!("{}\n\n{diagnostics}", status["heading"].as_str().unwrap());
    insta::assert_snapshot!("overlay", overlay);
    assert!(
        diagnostics.contains("--> data/projects/zd-school-2023.yaml:"),
        "{diagnostics}"
    );
    let event = first_event(served.port);
    assert!(event.contains("\"ok\":false"), "{event}");
    assert!(event.contains("zd-school-2023.yaml"), "{event}");
    wait_for("the error on stderr", || {
        served
            .stderr()
            .contains("--> data/projects/zd-school-2023.yaml:")
    });
    assert!(served.stderr().contains("仍在显示上一次成功构建的网站"));
    let (code, _, page) = served.get(PROJECT_PAGE);
    assert_eq!(code, 200);
    assert!(page.contains(NAME), "the last good page is served");

    let fixed = "张店区示例实验学校教学楼修缮工程";
    served.edit(PROJECT, |text| {
        text.replace("  broken: [\n", "").replace(NAME, fixed)
    });
    wait_for("the fixed page", || {
        served.get(PROJECT_PAGE).2.contains(fixed)
    });
    wait_for("the fixed status", || served.status()["ok"] == true);
    assert!(served.status()["diagnostics"].is_null());
    assert!(served.status()["heading"].is_null());
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let mut child = Command::new(BIN)
        .args(["serve", "--port", &port, "--root"])
        .arg(Path::new(MANIFEST).join("tests/fixtures/mini"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = collect(child.stderr.take().unwrap());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("serve kept running on a busy port");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(1));
    wait_for("the message", || stderr.lock().unwrap().contains("--port"));
    let stderr = stderr.lock().unwrap();
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}"))
            && stderr.contains("choose another port with --port"),
        "{stderr}"
    );
}

/// Sends `request` as it is and reads the whole answer.
fn raw(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn requests_addressed_to_another_host_are_refused() {
    let served = serve();
    // What a page on evil.example sees after rebinding its name to 127.0.0.1.
    let port = served.port;
    let answer = raw(
        port,
        &format!("GET /__greenproc/status HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n"),
    );
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(!answer.contains("generation"), "{answer}");
    let answer = raw(port, "GET / HTTP/1.1\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 403"), "no Host: {answer}");
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let answer = raw(
            port,
            &format!("GET /__greenproc/status HTTP/1.1\r\nHost: {host}\r\n\r\n"),
        );
        assert!(answer.starts_with("HTTP/1.1 200"), "{host}: {answer}");
    }
}

#[test]
fn a_path_with_two_leading_slashes_redirects_on_this_host() {
    let served = serve();
    let (code, head, _) = served.get("//projects");
    assert_eq!(code, 301);
    assert!(head.lines().any(|l| l == "location: /projects/"), "{head}");
    assert!(!head.contains("location: //"), "{head}");
}

#[test]
fn connections_and_event_streams_past_their_caps_are_refused_and_freed() {
    let served = serve();
    let port = served.port;
    // Every event stream the cap allows, each past its first event.
    let streams: Vec<BufReader<TcpStream>> = (0..32)
        .map(|_| {
            let mut reader = BufReader::new(send(port, "GET /__greenproc/events HTTP/1.1"));
            let mut line = String::new();
            while !line.starts_with("data: ") {
                line.clear();
                reader.read_line(&mut line).unwrap();
            }
            reader
        })
        .collect();
    let refused = raw(
        port,
        "GET /__greenproc/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    );
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(refused.contains("too many preview pages"), "{refused}");
    // Pages still load beside the streams.
    assert_eq!(served.get("/").0, 200);
    // Idle connections fill the rest; the next one is refused at once.
    let idle: Vec<TcpStream> = (0..32)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    wait_for("the refusal of a connection past the cap", || {
        raw(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").starts_with("HTTP/1.1 503")
    });
    drop(idle);
    drop(streams);
    wait_for("the connections to be freed", || served.get("/").0 == 200);
}

#[cfg(unix)]
#[test]
fn the_preview_folder_is_private_and_unpredictable() {
    use std::os::unix::fs::PermissionsExt;
    let served = serve();
    let tmp = served.root.parent().unwrap().join("tmp");
    let folders: Vec<PathBuf> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
    let name = folders[0].file_name().unwrap().to_str().unwrap();
    let digits = name.strip_prefix("greenproc-serve-").unwrap();
    assert_eq!(digits.len(), 16, "{name}");
    assert_ne!(digits, format!("{:016x}", served.child.id()), "{name}");
    let mode = std::fs::metadata(&folders[0]).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "{mode:o}");
}
