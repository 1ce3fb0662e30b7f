//! The preview's HTTP server: the built files, with the live-reload script added to
//! every HTML page, and the endpoints under `/__greenproc/` that the script uses.
//!
//! The script and the overlay's styles are files served from the site's own origin,
//! so the pages keep working under the theme's strict Content-Security-Policy, which
//! the server sends with every response, as a host that honours `_headers` would.
//! Rebuilds reach the browser as Server-Sent Events: one long response per open page,
//! which the browser reconnects by itself when the server restarts.
//!
//! A small HTTP/1.1 server of its own, one request per connection, because the preview
//! runs on machines shared with other users and other web pages:
//! - it answers only requests addressed to its own address or a loopback name, so a
//!   page on another site cannot reach it through DNS rebinding (its status carries
//!   excerpts of the site's files);
//! - it holds at most [`MAX_CONNECTIONS`] connections, of which [`MAX_STREAMS`] event
//!   streams, each on a thread, and refuses the next with `503` at once;
//! - a request's head is read within [`READ_TIMEOUT`] and [`MAX_HEAD_BYTES`].

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use serde::Serialize;

/// Where the preview's own files live; no page of a site can have this path, as ids
/// are lowercase letters, digits and hyphens.
const PREFIX: &str = "/__greenproc/";

/// The live-reload script.
const SCRIPT: &str = include_str!("livereload.js");

/// The overlay's styles.
const OVERLAY_CSS: &str = include_str!("overlay.css");

/// How often an idle event stream gets a comment, to notice closed pages.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// Open connections at most, event streams included: a browser opens six per host,
/// so this serves a dozen tabs, and a page that opens thousands gets refusals instead
/// of a thread each.
pub(super) const MAX_CONNECTIONS: usize = 64;

/// Open event streams at most (one per open page), so that streams never take every
/// connection and pages still load.
pub(super) const MAX_STREAMS: usize = 32;

/// How long a client may take to send a request's head, or to take an answer.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest request head read; a browser's is a few hundred bytes.
const MAX_HEAD_BYTES: u64 = 16 * 1024;

/// What the HTTP threads share with the rebuild loop.
pub(super) struct Shared {
    /// The folder being served.
    pub(super) served: Arc<RwLock<PathBuf>>,
    /// The latest rebuild's state.
    pub(super) status: Mutex<Status>,
    /// Signalled when `status` changes.
    pub(super) changed: Condvar,
}

/// The state of the latest rebuild, as `/__greenproc/status` and the event stream
/// give it to the browser.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct Status {
    /// Counts published rebuild steps and failed rebuilds.
    pub(super) generation: u64,
    /// Whether the latest rebuild succeeded.
    pub(super) ok: bool,
    /// When it did not: one line saying so, with the counts of errors and warnings.
    pub(super) heading: Option<String>,
    /// And the problems as `greenproc check` prints them.
    pub(super) diagnostics: Option<String>,
    /// Addresses of the pages the latest step changed; `None` when too many to list
    /// (every open page reloads).
    pub(super) changed: Option<Vec<String>>,
    /// HTML pages the latest step rendered.
    pub(super) pages: usize,
    /// Files it wrote or removed.
    pub(super) files: usize,
    /// Its wall time in milliseconds, from the first file read.
    pub(super) millis: u64,
}

impl Shared {
    /// Publishes a new state to every open page.
    pub(super) fn publish(&self, update: impl FnOnce(&mut Status)) {
        let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        status.generation += 1;
        update(&mut status);
        self.changed.notify_all();
    }

    fn status(&self) -> Status {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Why no port could be listened on: the last address tried and what the system said.
#[derive(Debug)]
pub struct BindError {
    address: SocketAddr,
    /// The port was the user's choice, so no other was tried.
    chosen: bool,
    reason: String,
}

impl std::fmt::Display for BindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot listen on {}: {}", self.address, self.reason)?;
        if self.chosen {
            f.write_str("; is another server using it? choose another port with --port")
        } else {
            f.write_str(" (and the next nine ports); choose a free port with --port")
        }
    }
}

/// Binds `address:port`. When `port` was not chosen by the user and is taken, tries the
/// next ten ports.
pub(super) fn bind(address: IpAddr, port: u16, chosen: bool) -> Result<TcpListener, BindError> {
    let tries = if chosen || port == 0 { 1 } else { 10 };
    let mut last = BindError {
        address: SocketAddr::new(address, port),
        chosen,
        reason: "no port left".to_owned(),
    };
    for offset in 0..tries {
        let Some(port) = port.checked_add(offset) else {
            break;
        };
        let at = SocketAddr::new(address, port);
        match TcpListener::bind(at) {
            Ok(listener) => return Ok(listener),
            Err(e) => {
                last.address = at;
                last.reason = e.to_string();
            }
        }
    }
    Err(last)
}

/// Counts what is open of a kind, and gives a place back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    /// A place among `limit`, or `None` when all are taken.
    fn take(count: &Arc<AtomicUsize>, limit: usize) -> Option<Slot> {
        count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(Arc::clone(count)))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What the connection threads share besides the rebuild state.
struct Server {
    shared: Arc<Shared>,
    /// The address listened on, which requests must be addressed to.
    bound: IpAddr,
    streams: Arc<AtomicUsize>,
}

/// Accepts connections on a thread of its own until the process ends.
pub(super) fn run(listener: TcpListener, shared: Arc<Shared>) {
    let bound = listener
        .local_addr()
        .map_or(IpAddr::from([127, 0, 0, 1]), |a| a.ip());
    let server = Arc::new(Server {
        shared,
        bound,
        streams: Arc::new(AtomicUsize::new(0)),
    });
    let open = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
            let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
            let Some(slot) = Slot::take(&open, MAX_CONNECTIONS) else {
                // Answered on this thread: a refusal is short, and the timeout
                // bounds a client that does not read it.
                let mut stream = stream;
                refuse(&mut stream, "too many connections to the preview");
                continue;
            };
            let server = Arc::clone(&server);
            std::thread::spawn(move || {
                let _slot = slot;
                server.connection(stream);
            });
        }
    });
}

/// The `503` answer to a client over a limit.
fn refuse(stream: &mut TcpStream, why: &str) {
    let body = format!("{why}; close some preview pages and reload\n");
    let _ = Answer::new(503, "text/plain; charset=utf-8", body.into_bytes()).send(stream, false);
}

/// One request: what the server needs of it.
struct Request {
    method: String,
    path: String,
    host: Option<String>,
}

impl Request {
    /// Reads a request's head; `None` when it is not HTTP, too long or too slow.
    fn read(source: impl Read) -> Option<Request> {
        let mut reader = BufReader::new(source.take(MAX_HEAD_BYTES));
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let mut parts = line.split_whitespace();
        let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
        if !version.starts_with("HTTP/1.") {
            return None;
        }
        let mut request = Request {
            method: method.to_owned(),
            path: target.split(['?', '#']).next().unwrap_or("/").to_owned(),
            host: None,
        };
        loop {
            line.clear();
            if reader.read_line(&mut line).ok()? == 0 || !line.ends_with('\n') {
                return None;
            }
            let header = line.trim_end();
            if header.is_empty() {
                return Some(request);
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("host")
            {
                request.host = Some(value.trim().to_owned());
            }
        }
    }
}

/// What a request gets.
enum Reply {
    /// An answer, sent without its body to a `HEAD` request.
    Answer(Answer, bool),
    /// The event stream, which holds the connection.
    Events,
}

impl Server {
    fn connection(&self, mut stream: TcpStream) {
        match self.reply(Request::read(&stream)) {
            Reply::Events => match Slot::take(&self.streams, MAX_STREAMS) {
                Some(_slot) => events(stream, &self.shared),
                None => refuse(&mut stream, "too many preview pages are open"),
            },
            Reply::Answer(answer, head_only) => {
                let _ = answer.send(&mut stream, head_only);
            }
        }
    }

    /// The reply to `request`, `None` when it could not be read.
    fn reply(&self, request: Option<Request>) -> Reply {
        let Some(request) = request else {
            return Reply::Answer(
                Answer::new(400, "text/plain", b"bad request\n".to_vec()),
                false,
            );
        };
        let head_only = request.method == "HEAD";
        if request.method != "GET" && !head_only {
            let answer = Answer::new(405, "text/plain", b"only GET and HEAD\n".to_vec());
            return Reply::Answer(answer, false);
        }
        if !host_allowed(request.host.as_deref(), self.bound) {
            let body = format!(
                "greenproc serve answers requests addressed to {} or localhost only\n",
                self.bound
            );
            let answer = Answer::new(403, "text/plain; charset=utf-8", body.into_bytes());
            return Reply::Answer(answer, head_only);
        }
        let answer = match request.path.strip_prefix(PREFIX) {
            Some("livereload.js") => Answer::new(200, "text/javascript", SCRIPT.into()),
            Some("overlay.css") => Answer::new(200, "text/css", OVERLAY_CSS.into()),
            Some("status") => {
                let json = serde_json::to_vec(&self.shared.status()).unwrap_or_default();
                Answer::new(200, "application/json", json)
            }
            Some("events") => return Reply::Events,
            Some(_) => Answer::new(404, "text/plain", b"not found".to_vec()),
            None => file(&request.path, &self.shared),
        };
        Reply::Answer(answer, head_only)
    }
}

/// How the preview, listening on 127.0.0.1 and serving the folder `served`, answers the
/// request whose bytes are `request`: the status, and where a redirect points. The
/// whole of the request handling but the sockets, for the fuzz target.
pub fn answer_offline(request: &[u8], served: &Path) -> (u16, Option<String>) {
    let server = Server {
        shared: Arc::new(Shared {
            served: Arc::new(RwLock::new(served.to_path_buf())),
            status: Mutex::new(Status::default()),
            changed: Condvar::new(),
        }),
        bound: IpAddr::from([127, 0, 0, 1]),
        streams: Arc::new(AtomicUsize::new(0)),
    };
    match server.reply(Request::read(request)) {
        Reply::Events => (200, None),
        Reply::Answer(answer, _) => {
            let location = answer
                .headers
                .iter()
                .find(|(name, _)| name == "Location")
                .map(|(_, value)| value.clone());
            (answer.status, location)
        }
    }
}

/// Whether a request addressed to `host` (the `Host` header) is for this server: a
/// loopback name, or an address it listens on. A name that merely resolves to it is
/// not, since that is what DNS rebinding looks like.
fn host_allowed(host: Option<&str>, bound: IpAddr) -> bool {
    let Some(host) = host else { return false };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    let lower = name.to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        return true;
    }
    name.parse::<IpAddr>()
        .is_ok_and(|ip| ip == bound || ip.is_loopback() || bound.is_unspecified())
}

/// A response: status, media type, body and extra headers.
struct Answer {
    status: u16,
    kind: &'static str,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
}

impl Answer {
    fn new(status: u16, kind: &'static str, body: Vec<u8>) -> Answer {
        Answer {
            status,
            kind,
            body,
            headers: Vec::new(),
        }
    }

    /// Writes the answer, without its body for a `HEAD` request, and ends the
    /// connection.
    fn send(self, stream: &mut TcpStream, head_only: bool) -> std::io::Result<()> {
        let reason = match self.status {
            200 => "OK",
            301 => "Moved Permanently",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            _ => "Service Unavailable",
        };
        let mut head = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
            self.status,
            self.kind,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        if !head_only {
            stream.write_all(&self.body)?;
        }
        stream.flush()
    }
}

/// A built file, the folder's `index.html`, a redirect to the folder's address with
/// its slash, or the site's 404 page.
fn file(path: &str, shared: &Shared) -> Answer {
    let dir = shared
        .served
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let headers = site_headers(&dir);
    let relative = path.trim_start_matches('/');
    let safe = relative
        .split('/')
        .all(|s| s != ".." && s != "." && !s.contains(['\\', '\0', ':']));
    if !safe {
        let mut answer = Answer::new(400, "text/plain", b"bad path".to_vec());
        answer.headers = headers;
        return answer;
    }
    let target = dir.join(relative);
    if target.is_dir() && !relative.is_empty() && !relative.ends_with('/') {
        // From the path without its leading slashes: `//projects` would redirect to
        // `//projects/`, which a browser reads as the host `projects`.
        let mut answer = Answer::new(301, "text/plain", Vec::new());
        answer
            .headers
            .push(("Location".to_owned(), format!("/{relative}/")));
        return answer;
    }
    let file = if target.is_dir() {
        target.join("index.html")
    } else {
        target
    };
    let (status, file) = if file.is_file() {
        (200, file)
    } else {
        (404, dir.join("404.html"))
    };
    let kind = content_type(&file);
    let body = match fs::read(&file) {
        Ok(bytes) if kind.starts_with("text/html") => with_script(bytes, shared.status().generation),
        Ok(bytes) => bytes,
        // No site yet (the first build failed): a page that shows the overlay.
        Err(_) => with_script(
            b"<!doctype html><html><head><meta charset=\"utf-8\"><title>greenproc serve</title></head><body></body></html>".to_vec(),
            shared.status().generation,
        ),
    };
    let mut answer = Answer::new(status, kind, body);
    answer.headers = headers;
    answer
}

/// Adds the live-reload script before `</body>`, with the generation the page shows.
fn with_script(mut html: Vec<u8>, generation: u64) -> Vec<u8> {
    let tag =
        format!("<script src=\"{PREFIX}livereload.js\" data-generation=\"{generation}\"></script>");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

/// The headers the theme's `_headers` file gives every path (`/*`), which is the
/// only rule the default theme has.
fn site_headers(dir: &Path) -> Vec<(String, String)> {
    fs::read(dir.join("_headers"))
        .map(|bytes| crate::render::headers::for_every_path(&bytes))
        .unwrap_or_default()
}

/// Streams the rebuild state as Server-Sent Events: the current state at once, then
/// every change, until the page goes away.
fn events(mut stream: TcpStream, shared: &Shared) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut sent = None;
    loop {
        let status = {
            let status = shared.status.lock().unwrap_or_else(|e| e.into_inner());
            let (status, _) = shared
                .changed
                .wait_timeout_while(status, KEEPALIVE, |s| Some(s.generation) == sent)
                .unwrap_or_else(|e| e.into_inner());
            status.clone()
        };
        let message = if Some(status.generation) == sent {
            ": keepalive\n\n".to_owned()
        } else {
            sent = Some(status.generation);
            let json = serde_json::to_string(&status).unwrap_or_default();
            format!("data: {json}\n\n")
        };
        if stream.write_all(message.as_bytes()).is_err() || stream.flush().is_err() {
            return;
        }
    }
}

/// The media type of a file by its extension.
fn content_type(file: &Path) -> &'static str {
    match file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "sqlite" => "application/vnd.sqlite3",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_requests_addressed_to_the_server_or_a_loopback_name_are_answered() {
        let loopback = IpAddr::from([127, 0, 0, 1]);
        for host in [
            "127.0.0.1:1111",
            "localhost:1111",
            "LOCALHOST",
            "app.localhost",
            "[::1]:8",
            "127.0.0.1",
        ] {
            assert!(host_allowed(Some(host), loopback), "{host}");
        }
        for host in ["evil.example:1111", "127.0.0.1.nip.io", "10.0.0.5:1111", ""] {
            assert!(!host_allowed(Some(host), loopback), "{host}");
        }
        assert!(!host_allowed(None, loopback));
        let lan = IpAddr::from([192, 168, 1, 5]);
        assert!(host_allowed(Some("192.168.1.5:1111"), lan));
        assert!(!host_allowed(Some("preview.example:1111"), lan));
        let any = IpAddr::from([0, 0, 0, 0]);
        assert!(host_allowed(Some("192.168.1.5:1111"), any));
        assert!(!host_allowed(Some("preview.example"), any));
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let html = with_script(b"<p>x</p></body></html>".to_vec(), 3);
        let text = String::from_utf8(html).unwrap();
        assert_eq!(
            text,
            "<p>x</p><script src=\"/__greenproc/livereload.js\" data-generation=\"3\"></script></body></html>"
        );
    }
}
