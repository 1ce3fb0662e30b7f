//! Search benchmark: builds the split index of synthetic sites of 1k, 10k and 100k
//! records and reports build time, index size and the gzip-compressed bytes that a
//! first and a later query fetch, scripts included.
//!
//! `cargo bench --bench search` runs the full sizes (sites are generated once into
//! `target/search-bench/<n>/site/` and reused); `cargo bench --bench search -- 5000`
//! picks sizes. Under `cargo test` (no `--bench` argument) it runs a 300-record smoke
//! pass, so CI keeps it compiling and working. Each size also writes `docs.jsonl`,
//! the same documents for `benches/search-compare` (Pagefind, elasticlunr), and the
//! index under `public/` for the browser timing in `tests/browser/bench.mjs`.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use flate2::Compression;
use flate2::write::GzEncoder;
use greenproc::search::query::{Filters, Index};
use greenproc::search::{self, records};

fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip in memory").len()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--bench");
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = if full {
            vec![1_000, 10_000, 100_000]
        } else {
            vec![300]
        };
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let script = std::fs::read(root.join("themes/default/assets/search.js")).unwrap_or_default();
    let script_gz = gzip_len(&script);
    println!("search.js: {} B, {script_gz} B gzip", script.len());
    println!();
    println!(
        "| records | build s | files | index MB | index MB gz | first query KB gz (max / median) | later query KB gz (max / median) |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for n in sizes {
        let dir = root.join("target/search-bench").join(n.to_string());
        bench(n, &dir, script_gz, full);
    }
}

fn bench(n: usize, dir: &Path, script_gz: usize, full: bool) {
    let site = dir.join("site");
    if !site.join("data/site.yaml").exists() {
        let _ = std::fs::remove_dir_all(&site);
        greenproc::synthetic::generate(n, &site).expect("synthetic site");
    }
    let (dataset, diagnostics) = greenproc::check_site(&site);
    assert_eq!(diagnostics.error_count(), 0, "the synthetic site is valid");
    let derived = greenproc::derive::Derived::with_history(&dataset, None, Default::default());
    let no_labels = |_: &str, key: &str| key.to_owned();
    let started = Instant::now();
    let files = search::build_index(&dataset, &derived, &no_labels);
    let build = started.elapsed().as_secs_f64();

    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let total_gz: usize = files.iter().map(|(_, b)| gzip_len(b)).sum();
    let gz: std::collections::HashMap<String, usize> = files
        .iter()
        .map(|(p, b)| {
            (
                p.trim_start_matches("search/index/").to_owned(),
                gzip_len(b),
            )
        })
        .collect();
    let index = Index::new(&files);
    let mut firsts = Vec::new();
    let mut laters = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for query in queries(&dataset) {
        let out = index.search(&query, &Filters::default());
        let cost = |skip: &HashSet<String>| -> usize {
            out.fetched
                .iter()
                .filter(|f| !skip.contains(*f))
                .map(|f| gz[f])
                .sum()
        };
        let first = script_gz + cost(&HashSet::new());
        let later = cost(&HashSet::from(["meta.json".to_owned()]));
        if full {
            eprintln!(
                "  {n:>6} {query:<24} {:>7} first {:>6.1} KB later {:>6.1} KB (cached session: {:>5.1} KB)",
                match out.redirect {
                    Some(_) => "→ page".to_owned(),
                    None => format!("{} hits", out.total),
                },
                first as f64 / 1024.0,
                later as f64 / 1024.0,
                cost(&seen) as f64 / 1024.0
            );
        }
        seen.extend(out.fetched.iter().cloned());
        firsts.push(first);
        laters.push(later);
    }
    let kb = |v: &mut Vec<usize>| {
        v.sort_unstable();
        format!(
            "{:.1} / {:.1}",
            v[v.len() - 1] as f64 / 1024.0,
            v[v.len() / 2] as f64 / 1024.0
        )
    };
    println!(
        "| {n} | {build:.2} | {} | {:.2} | {:.2} | {} | {} |",
        files.len(),
        total as f64 / 1e6,
        total_gz as f64 / 1e6,
        kb(&mut firsts),
        kb(&mut laters)
    );

    // The same documents and index for the comparison package and the browser.
    let docs = records::documents(&dataset, &derived, &no_labels);
    let mut jsonl = Vec::new();
    for doc in &docs {
        serde_json::to_writer(&mut jsonl, doc).expect("doc serializes");
        jsonl.push(b'\n');
    }
    std::fs::write(dir.join("docs.jsonl"), jsonl).expect("write docs.jsonl");
    let queries_json = serde_json::to_vec(&queries(&dataset)).expect("queries serialize");
    std::fs::write(dir.join("queries.json"), queries_json).expect("write queries.json");
    let public = dir.join("public");
    let _ = std::fs::remove_dir_all(&public);
    for (path, bytes) in &files {
        let target = public.join(path);
        std::fs::create_dir_all(target.parent().expect("index files are in folders"))
            .expect("mkdir");
        std::fs::write(target, bytes).expect("write index file");
    }
}

/// Queries a visitor would type: domain terms, places, codes, and pieces of real
/// titles from the generated data.
fn queries(dataset: &greenproc::model::Dataset) -> Vec<String> {
    let mut out: Vec<String> = [
        "预拌混凝土",
        "岩棉",
        "绿色建材",
        "学校",
        "张店区",
        "保温",
        "防水卷材",
        "医院 淄川",
        "建材有限公司",
        "C30",
        "2024",
        "桥",
        "政府采购",
    ]
    .map(str::to_owned)
    .to_vec();
    let middle = |s: &str, len: usize| -> String {
        let chars: Vec<char> = s.chars().collect();
        let start = chars.len().saturating_sub(len) / 2;
        chars[start..(start + len).min(chars.len())]
            .iter()
            .collect()
    };
    let projects = &dataset.projects;
    for p in [projects.first(), projects.get(projects.len() / 2)]
        .into_iter()
        .flatten()
    {
        out.push(middle(&p.record.name, 3));
        out.push(p.record.code.value.clone());
    }
    if let Some(o) = dataset.orgs.get(dataset.orgs.len() / 3) {
        out.push(middle(&o.record.name, 4));
        out.push(o.record.credit_code.value.clone());
    }
    if let Some(p) = dataset.products.get(dataset.products.len() / 2) {
        out.push(p.record.name.clone());
        out.push(p.record.certificate.number.value.clone());
    }
    let mut numbered = dataset
        .policies
        .iter()
        .filter_map(|p| p.record.meta.number.as_ref());
    if let Some(number) = numbered.next_back() {
        out.push(number.value.replace('〔', "[").replace('〕', "]"));
    }
    out
}
