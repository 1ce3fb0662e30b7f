//! Builds Pagefind and elasticlunr-rs indexes of the benchmark documents and reports
//! build time, total size and what a first query downloads, gzip-compressed.
//!
//! Input: `target/search-bench/<n>/docs.jsonl` from `cargo bench --bench search`.
//! Pagefind writes its bundle to `target/search-bench/<n>/pagefind/` so that the
//! browser harness can measure a real query's transfer.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Deserialize;

#[derive(Deserialize)]
struct Doc {
    kind: String,
    title: String,
    path: String,
    codes: Vec<String>,
    related: Vec<String>,
    body: Vec<String>,
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip in memory").len()
}

fn read_docs(dir: &Path) -> Vec<Doc> {
    let text = std::fs::read_to_string(dir.join("docs.jsonl"))
        .expect("run `cargo bench --bench search` first to write docs.jsonl");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("doc parses"))
        .collect()
}

fn elasticlunr(docs: &[Doc]) {
    let started = Instant::now();
    let lang = Box::new(elasticlunr::lang::Chinese::new());
    let mut index = elasticlunr::Index::with_language(lang, ["title", "body"]);
    for (i, d) in docs.iter().enumerate() {
        let title = format!("{} {}", d.title, d.codes.join(" "));
        let body = format!("{} {}", d.related.join(" "), d.body.join(" "));
        index.add_doc(&i.to_string(), [title, body]);
    }
    let json = serde_json::to_vec(&index).expect("index serializes");
    let secs = started.elapsed().as_secs_f64();
    let gz = gzip_len(&json);
    println!(
        "| elasticlunr-rs (zh) | {} | {secs:.2} | 1 | {:.2} | {:.2} | {:.1} (whole index) | 0 |",
        docs.len(),
        json.len() as f64 / 1e6,
        gz as f64 / 1e6,
        gz as f64 / 1024.0
    );
}

async fn pagefind(docs: &[Doc], out: &Path) {
    let started = Instant::now();
    let options = pagefind::options::PagefindServiceConfig::builder()
        .force_language("zh-cn".to_string())
        .build();
    let mut index = pagefind::api::PagefindIndex::new(Some(options)).expect("options are valid");
    for d in docs {
        let content = format!(
            "{} {} {} {}",
            d.title,
            d.codes.join(" "),
            d.related.join(" "),
            d.body.join(" ")
        );
        let meta = BTreeMap::from([("title".to_owned(), d.title.clone())]);
        let filters = BTreeMap::from([("kind".to_owned(), vec![d.kind.clone()])]);
        index
            .add_custom_record(
                format!("/{}", d.path),
                content,
                "zh-cn".to_owned(),
                Some(meta),
                Some(filters),
                None,
            )
            .await
            .expect("record indexes");
    }
    let files = index.get_files().await.expect("files");
    let secs = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(out);
    let mut total = 0;
    let mut total_gz = 0;
    let mut first = 0;
    let (mut chunks, mut chunk_bytes, mut fragments, mut fragment_bytes) = (0, 0, 0, 0);
    for f in &files {
        let path = out.join(&f.filename);
        std::fs::create_dir_all(path.parent().expect("in a folder")).expect("mkdir");
        std::fs::write(&path, &f.contents).expect("write");
        total += f.contents.len();
        // Pagefind's index, fragment and meta files are gzipped already.
        let gz = if f
            .filename
            .extension()
            .is_some_and(|e| e == "js" || e == "json" || e == "css")
        {
            gzip_len(&f.contents)
        } else {
            f.contents.len()
        };
        total_gz += gz;
        let name = f.filename.to_string_lossy();
        if name.ends_with(".pf_index") {
            chunks += 1;
            chunk_bytes += gz;
        } else if name.ends_with(".pf_fragment") {
            fragments += 1;
            fragment_bytes += gz;
        } else if name == "pagefind.js"
            || name == "pagefind-entry.json"
            || name.ends_with(".pf_meta")
            || name.starts_with("wasm.")
        {
            first += gz;
        }
    }
    // A first query: the loader, the wasm for the language, the entry and meta
    // files, one index chunk and the five fragments Pagefind shows first.
    let average = |bytes: usize, n: usize| if n == 0 { 0 } else { bytes / n };
    let first = first + average(chunk_bytes, chunks) + 5 * average(fragment_bytes, fragments);
    println!(
        "| Pagefind 1.6 (library) | {} | {secs:.2} | {} | {:.2} | {:.2} | {:.1} (estimate: loader + wasm + meta + 1 chunk + 5 fragments) | {:.1} |",
        docs.len(),
        files.len(),
        total as f64 / 1e6,
        total_gz as f64 / 1e6,
        first as f64 / 1024.0,
        (average(chunk_bytes, chunks) + 5 * average(fragment_bytes, fragments)) as f64 / 1024.0,
    );
}

#[tokio::main]
async fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/search-bench");
    let mut sizes: Vec<String> = std::env::args().skip(1).collect();
    if sizes.is_empty() {
        sizes = vec!["1000".into(), "10000".into(), "100000".into()];
    }
    println!(
        "| engine | records | build s | files | MB | MB gz | first query KB gz | later query KB gz |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for n in sizes {
        let dir = root.join(&n);
        let docs = read_docs(&dir);
        elasticlunr(&docs);
        pagefind(&docs, &dir.join("pagefind")).await;
    }
}
