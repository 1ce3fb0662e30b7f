//! A static file server on the loopback address, for the province's fetch tests: it
//! serves the files under a folder, closes every connection after one response, and
//! counts the requests for each path.

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
}

impl StaticServer {
    /// Serves `root` until the process ends.
    pub(crate) fn start(root: PathBuf) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let requests: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
        let counted = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                        break;
                    }
                }
                let path = line.split(' ').nth(1).unwrap_or("/").to_owned();
                *counted.lock().unwrap().entry(path.clone()).or_default() += 1;
                let relative = path.trim_start_matches('/');
                let file = root.join(relative);
                let safe = !relative.split('/').any(|s| s == "..");
                let response = match std::fs::read(&file) {
                    Ok(bytes) if safe && file.is_file() => {
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            bytes.len()
                        )
                        .into_bytes();
                        r.extend(bytes);
                        r
                    }
                    _ => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = stream.write_all(&response);
            }
        });
        StaticServer { url, requests }
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
