//! The preview's HTTP server: the built files, with the live-reload script added to
//! every HTML page, and the endpoints under `/__greenproc/` that the script uses.
//!
//! The script and the overlay's styles are files served from the site's own origin,
//! so the pages keep working under the theme's strict Content-Security-Policy, which
//! the server sends with every response, as a host that honours `_headers` would.
//! Rebuilds reach the browser as Server-Sent Events: one long response per open page,
//! which the browser reconnects by itself when the server restarts.

use std::fs;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use serde::Serialize;
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

/// Where the preview's own files live; no page of a site can have this path, as ids
/// are lowercase letters, digits and hyphens.
const PREFIX: &str = "/__greenproc/";

/// The live-reload script.
const SCRIPT: &str = include_str!("livereload.js");

/// The overlay's styles.
const OVERLAY_CSS: &str = include_str!("overlay.css");

/// How often an idle event stream gets a comment, to notice closed pages.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// Threads answering requests; event streams get threads of their own.
const WORKERS: usize = 4;

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
    /// When it did not: the problems as `greenproc check` prints them.
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
pub(super) fn bind(address: IpAddr, port: u16, chosen: bool) -> Result<Server, BindError> {
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
        match Server::http(at) {
            Ok(server) => return Ok(server),
            // tiny_http's error is a boxed trait object: its text is what it says.
            Err(e) => {
                last.address = at;
                last.reason = e.to_string();
            }
        }
    }
    Err(last)
}

/// Answers requests on worker threads until the process ends.
pub(super) fn run(server: Server, shared: Arc<Shared>) {
    let server = Arc::new(server);
    for _ in 0..WORKERS {
        let server = Arc::clone(&server);
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                handle(request, &shared);
            }
        });
    }
}

fn handle(request: Request, shared: &Arc<Shared>) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(Response::empty(StatusCode(405)));
        return;
    }
    let url = request.url();
    let path = url.split(['?', '#']).next().unwrap_or("/").to_owned();
    match path.strip_prefix(PREFIX) {
        Some("livereload.js") => respond(request, 200, "text/javascript", SCRIPT.into(), &[]),
        Some("overlay.css") => respond(request, 200, "text/css", OVERLAY_CSS.into(), &[]),
        Some("status") => {
            let json = serde_json::to_vec(&shared.status()).unwrap_or_default();
            respond(request, 200, "application/json", json, &[]);
        }
        Some("events") => {
            let shared = Arc::clone(shared);
            std::thread::spawn(move || events(request, &shared));
        }
        Some(_) => respond(request, 404, "text/plain", b"not found".to_vec(), &[]),
        None => file(request, &path, shared),
    }
}

/// Serves a built file, the folder's `index.html`, a redirect to the folder's address
/// with its slash, or the site's 404 page.
fn file(request: Request, path: &str, shared: &Shared) {
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
        respond(request, 400, "text/plain", b"bad path".to_vec(), &headers);
        return;
    }
    let target = dir.join(relative);
    if target.is_dir() && !relative.is_empty() && !relative.ends_with('/') {
        let location = Header::from_bytes("Location", format!("{path}/")).ok();
        let response = Response::empty(StatusCode(301)).with_header(no_store());
        let _ = request.respond(match location {
            Some(location) => response.with_header(location),
            None => response,
        });
        return;
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
    respond(request, status, kind, body, &headers);
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
fn site_headers(dir: &Path) -> Vec<Header> {
    let Ok(text) = fs::read_to_string(dir.join("_headers")) else {
        return Vec::new();
    };
    let mut headers = Vec::new();
    let mut in_all = false;
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            in_all = line.trim() == "/*";
            continue;
        }
        if in_all
            && let Some((name, value)) = line.trim().split_once(':')
            && let Ok(header) = Header::from_bytes(name.trim(), value.trim())
        {
            headers.push(header);
        }
    }
    headers
}

fn no_store() -> Header {
    Header::from_bytes("Cache-Control", "no-store").expect("a valid header")
}

fn respond(request: Request, status: u16, kind: &str, body: Vec<u8>, headers: &[Header]) {
    let mut response = Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(no_store());
    if let Ok(header) = Header::from_bytes("Content-Type", kind) {
        response.add_header(header);
    }
    for header in headers {
        response.add_header(header.clone());
    }
    let _ = request.respond(response);
}

/// Streams the rebuild state as Server-Sent Events: the current state at once, then
/// every change, until the page goes away.
fn events(request: Request, shared: &Shared) {
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if writer.write_all(head.as_bytes()).is_err() {
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
        if writer.write_all(message.as_bytes()).is_err() || writer.flush().is_err() {
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
    fn script_goes_before_the_last_body_end() {
        let html = with_script(b"<p>x</p></body></html>".to_vec(), 3);
        let text = String::from_utf8(html).unwrap();
        assert_eq!(
            text,
            "<p>x</p><script src=\"/__greenproc/livereload.js\" data-generation=\"3\"></script></body></html>"
        );
    }
}
