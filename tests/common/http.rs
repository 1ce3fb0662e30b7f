//! A static file server on the loopback address, for the province's fetch tests: it
//! serves the files under a folder with an ETag (a hash of the bytes), answers `304`
//! to an `If-None-Match` that names the current one, closes every connection after
//! one response, and counts the requests for each path and the `304`s.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A running server; it stops with the test process.
pub(crate) struct StaticServer {
    /// `http://127.0.0.1:<port>/`.
    pub(crate) url: String,
    requests: Arc<Mutex<BTreeMap<String, usize>>>,
    not_modified: Arc<Mutex<BTreeMap<String, usize>>>,
}

impl StaticServer {
    /// Serves `root` until the process ends.
    pub(crate) fn start(root: PathBuf) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let requests: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
        let not_modified: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
        let counted = Arc::clone(&requests);
        let unchanged = Arc::clone(&not_modified);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let mut if_none_match = None;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                        break;
                    }
                    if let Some((name, value)) = header.split_once(':')
                        && name.eq_ignore_ascii_case("if-none-match")
                    {
                        if_none_match = Some(value.trim().to_owned());
                    }
                }
                let path = line.split(' ').nth(1).unwrap_or("/").to_owned();
                *counted.lock().unwrap().entry(path.clone()).or_default() += 1;
                let relative = path.trim_start_matches('/');
                let file = root.join(relative);
                let safe = !relative.split('/').any(|s| s == "..");
                let response = match std::fs::read(&file) {
                    Ok(bytes) if safe && file.is_file() => {
                        let etag = format!("\"{:016x}\"", fnv(&bytes));
                        if if_none_match.as_deref() == Some(etag.as_str()) {
                            *unchanged.lock().unwrap().entry(path.clone()).or_default() += 1;
                            format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n")
                                .into_bytes()
                        } else {
                            let mut r = format!(
                                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nETag: {etag}\r\nConnection: close\r\n\r\n",
                                bytes.len()
                            )
                            .into_bytes();
                            r.extend(bytes);
                            r
                        }
                    }
                    _ => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = stream.write_all(&response);
            }
        });
        StaticServer {
            url,
            requests,
            not_modified,
        }
    }

    /// How many times `path` was answered `304 Not Modified`.
    pub(crate) fn not_modified(&self, path: &str) -> usize {
        self.not_modified
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// How many times `path` (`/a/data/projects.csv`) was asked for.
    pub(crate) fn requests(&self, path: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

/// FNV-1a over the bytes: an ETag needs only to change with them.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
