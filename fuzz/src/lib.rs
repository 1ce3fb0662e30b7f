//! The properties the fuzz targets check on every input. `tests/fuzz_corpus.rs` in the
//! main package includes this file too, so that `cargo test` replays the committed
//! corpus and every past finding through the same checks, on the stable toolchain and
//! without libFuzzer.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use greenproc::derive::{Aggregates, Derived};
use greenproc::diagnostic::{Diagnostic, Diagnostics, display_path, source_lines};
use greenproc::export::render_exports;
use greenproc::load::decode;
use greenproc::model::{Dataset, Sourced};
use greenproc::render::markdown::{MarkdownRenderer, PageIds, scan};
use greenproc::search::query::{Filters, Index};
use greenproc::serve::http::answer_offline;
use greenproc::site_paths::BaseUrl;
use greenproc::yaml::{parse_document, parse_record};

// Its page scope serves tests/hostile.rs; the targets check fragments only.
#[allow(dead_code)]
#[path = "../../tests/common/html.rs"]
mod html;

/// The file a fuzzed record is loaded as, chosen by the input's first byte. The two
/// fixed files replace the fixture's own; the others join the records of their kind.
const FILES: [&str; 11] = [
    "data/site.yaml",
    "data/standards/categories.yaml",
    "data/standards/fuzz.yaml",
    "data/projects/fuzz.yaml",
    "data/catalog/fuzz.yaml",
    "data/orgs/fuzz.yaml",
    "data/inspections/fuzz.yaml",
    "data/events/fuzz.yaml",
    "content/policies/fuzz.md",
    "content/interpretations/fuzz.md",
    "content/pages/fuzz.md",
];

/// Ids the theme's templates use on every page; Markdown must never repeat them.
const TEMPLATE_IDS: [&str; 4] = ["main", "top", "site-nav", "search-q"];

/// The repository root, whether this file is compiled in the fuzz package or included
/// by the main package's tests.
fn repository() -> &'static Path {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    if manifest.ends_with("fuzz") {
        manifest.parent().unwrap_or(manifest)
    } else {
        manifest
    }
}

/// The small valid site of `tests/fixtures/check/base`, loaded once: a fuzzed record
/// joins it, so that its references resolve and cross-record rules run on it.
fn base() -> &'static Mutex<Dataset> {
    static BASE: OnceLock<Mutex<Dataset>> = OnceLock::new();
    BASE.get_or_init(|| {
        let root = repository().join("tests/fixtures/check/base");
        let mut diagnostics = Diagnostics::default();
        let dataset = greenproc::load::load_site(&root, &mut diagnostics);
        assert_eq!(
            diagnostics.error_count(),
            0,
            "the base fixture loads cleanly"
        );
        Mutex::new(dataset)
    })
}

/// Loads `data[1..]` as a file of the kind `data[0]` picks, then validates it with the
/// base site. Properties: nothing panics; every diagnostic about the file points at a
/// line and column inside it (or at the whole file).
pub fn load(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let file = Path::new(FILES[usize::from(selector) % FILES.len()]);
    let text = match decode(file, bytes.to_vec()) {
        Ok(text) => text,
        Err(d) => return assert_inside(&d, &String::from_utf8_lossy(bytes)),
    };
    let diagnostics = {
        let mut dataset = base().lock().unwrap_or_else(PoisonError::into_inner);
        let kind = usize::from(selector) % FILES.len();
        match with_record(&mut dataset, kind, file, &text, validated) {
            Ok(diagnostics) => diagnostics,
            Err(found) => return found.iter().for_each(|d| assert_inside(d, &text)),
        }
    };
    let shown = display_path(file);
    for d in diagnostics.into_sorted() {
        if d.file == shown {
            assert_inside(&d, &text);
        }
    }
}

/// Parses `text` as record kind `kind`, runs `work` on the base site with it, and
/// takes it out again before returning (also before any assertion can fail).
fn with_record<R>(
    dataset: &mut Dataset,
    kind: usize,
    file: &Path,
    text: &str,
    work: impl FnOnce(&Dataset) -> R,
) -> Result<R, Vec<Diagnostic>> {
    Ok(match kind {
        0 => replace(
            dataset,
            |d| &mut d.config,
            file,
            parse_record(file, text)?,
            work,
        ),
        1 => replace(
            dataset,
            |d| &mut d.taxonomy,
            file,
            parse_record(file, text)?,
            work,
        ),
        2 => add(
            dataset,
            |d| &mut d.editions,
            file,
            parse_record(file, text)?,
            work,
        ),
        3 => add(
            dataset,
            |d| &mut d.projects,
            file,
            parse_record(file, text)?,
            work,
        ),
        4 => add(
            dataset,
            |d| &mut d.products,
            file,
            parse_record(file, text)?,
            work,
        ),
        5 => add(
            dataset,
            |d| &mut d.orgs,
            file,
            parse_record(file, text)?,
            work,
        ),
        6 => add(
            dataset,
            |d| &mut d.inspections,
            file,
            parse_record(file, text)?,
            work,
        ),
        7 => add(
            dataset,
            |d| &mut d.events,
            file,
            parse_record(file, text)?,
            work,
        ),
        8 => add(
            dataset,
            |d| &mut d.policies,
            file,
            parse_document(file, text)?,
            work,
        ),
        9 => add(
            dataset,
            |d| &mut d.interpretations,
            file,
            parse_document(file, text)?,
            work,
        ),
        _ => add(
            dataset,
            |d| &mut d.pages,
            file,
            parse_document(file, text)?,
            work,
        ),
    })
}

fn add<T, R>(
    dataset: &mut Dataset,
    list: fn(&mut Dataset) -> &mut Vec<Sourced<T>>,
    file: &Path,
    record: T,
    work: impl FnOnce(&Dataset) -> R,
) -> R {
    list(dataset).push(Sourced::new(file, record, ""));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(dataset)));
    list(dataset).pop();
    result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn replace<T, R>(
    dataset: &mut Dataset,
    slot: fn(&mut Dataset) -> &mut Option<Sourced<T>>,
    file: &Path,
    record: T,
    work: impl FnOnce(&Dataset) -> R,
) -> R {
    let original = slot(dataset).replace(Sourced::new(file, record, ""));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(dataset)));
    *slot(dataset) = original;
    result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The diagnostics `check` gives the dataset.
fn validated(dataset: &Dataset) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    greenproc::validate::validate(dataset, &mut diagnostics);
    diagnostics
}

/// A diagnostic points at the whole file (line and column 0), or at a line of the
/// file and a column within that line or just after its end.
fn assert_inside(d: &Diagnostic, text: &str) {
    if d.line == 0 {
        assert_eq!(d.column, 0, "whole-file diagnostic with a column: {d:?}");
        return;
    }
    let lines: Vec<&str> = source_lines(text).collect();
    let line = usize::try_from(d.line).unwrap_or(usize::MAX);
    assert!(
        line <= lines.len(),
        "line {} of a file with {} lines: {d:?}",
        d.line,
        lines.len()
    );
    let width = lines[line - 1].chars().count() as u64;
    assert!(
        (1..=width + 1).contains(&d.column),
        "column {} of a line of {width} characters: {d:?}",
        d.column
    );
}

/// The longest a fuzz input (at most 16 KB) may take to render: the benchmark renders
/// the worst shapes at 1 MB in a tenth of that.
const RENDER_LIMIT: Duration = Duration::from_secs(1);

/// Renders `data` as Markdown, twice into one page and once more alone, under the
/// base paths `/` and `/zibo/`, if `check`'s limits on its structure let it through.
/// Properties: where a limit is passed lies inside the text; rendering takes less than
/// [`RENDER_LIMIT`]; no script, event handler, style, foreign image, code-running link,
/// or tag and attribute outside the allow-list; ids unique on the page and never one
/// the templates use; the same input gives the same HTML.
pub fn markdown(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Some(excess) = scan(&text).excess {
        assert!(
            excess.offset <= text.len() && text.is_char_boundary(excess.offset),
            "{excess:?} outside the text"
        );
        return;
    }
    let started = Instant::now();
    for base in ["https://example.org/", "https://example.org/zibo/"] {
        let base = BaseUrl::parse(base).unwrap_or_else(|e| panic!("{e}"));
        let renderer = MarkdownRenderer::new(&base, "表格");
        let mut ids = PageIds::new();
        let first = renderer.render(&text, &mut ids);
        let second = renderer.render(&text, &mut ids);
        let page = format!("{first}{second}");
        let problems = html::problems(&page, html::Scope::Fragment);
        assert!(problems.is_empty(), "{problems:?} in {page}");
        let mut seen: Vec<String> = TEMPLATE_IDS.iter().map(|s| (*s).to_owned()).collect();
        for tag in html::start_tags(&page) {
            for (name, value) in tag.attributes {
                if name == "id" {
                    assert!(!seen.contains(&value), "id {value:?} twice in {page}");
                    seen.push(value);
                }
            }
        }
        assert_eq!(
            renderer.render(&text, &mut PageIds::new()),
            first,
            "not deterministic"
        );
    }
    assert!(
        started.elapsed() < RENDER_LIMIT * 6,
        "six renders of {} bytes took {:?}",
        text.len(),
        started.elapsed()
    );
}

/// Splits an input into a record (the first byte picks its kind) and, after the first
/// NUL byte, a second part.
fn record_and_rest(data: &[u8]) -> Option<(usize, &'static Path, &[u8], &[u8])> {
    let (&selector, rest) = data.split_first()?;
    let kind = usize::from(selector) % FILES.len();
    let (record, tail) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    Some((kind, Path::new(FILES[kind]), record, tail))
}

/// Runs `work` on the base site with the input's record in it, when the record loads
/// and the site then passes `check`, as a build requires.
fn with_valid_record(kind: usize, file: &Path, bytes: &[u8], work: impl FnOnce(&Dataset)) {
    let Ok(text) = decode(file, bytes.to_vec()) else {
        return;
    };
    let mut dataset = base().lock().unwrap_or_else(PoisonError::into_inner);
    let _ = with_record(&mut dataset, kind, file, &text, |dataset| {
        if validated(dataset).error_count() == 0 {
            work(dataset);
        }
    });
}

/// Builds the search index of the base site with the input's record, and runs the
/// rest of the input as a query. Properties: the index opens; the query reads only
/// files the index has; it finds no more hits than it counts, and every hit is a page
/// of the site.
pub fn search(data: &[u8]) {
    let Some((kind, file, record, query)) = record_and_rest(data) else {
        return;
    };
    let query = String::from_utf8_lossy(query);
    with_valid_record(kind, file, record, |dataset| {
        let derived = Derived::with_history(dataset, None, Default::default());
        let labels = |_: &str, key: &str| key.to_owned();
        let files = greenproc::search::build_index(dataset, &derived, &labels);
        let index = Index::new(&files);
        let outcome = index.search(&query, &Filters::default());
        assert!(outcome.hits.len() <= outcome.total, "{outcome:?}");
        for fetched in &outcome.fetched {
            let path = format!("search/index/{fetched}");
            assert!(
                files.iter().any(|(p, _)| *p == path),
                "{fetched} is no index file"
            );
        }
        for hit in &outcome.hits {
            assert!(
                hit.path.ends_with('/') && !hit.path.starts_with('/'),
                "{hit:?}"
            );
        }
    });
}

/// Produces every download of the base site with the input's record. Properties: the
/// exports succeed; every CSV reads back with one row per record of its table, and
/// no cell begins with what a spreadsheet runs as a formula (a leading `-` only in a
/// number); the SQLite database and the XLSX workbooks are the files they claim.
pub fn export(data: &[u8]) {
    let Some((kind, file, record, _)) = record_and_rest(data) else {
        return;
    };
    with_valid_record(kind, file, record, |dataset| {
        let derived = Derived::with_history(dataset, None, Default::default());
        let aggregates = Aggregates::new(dataset, &derived);
        let base = BaseUrl::parse("https://example.org/").unwrap_or_else(|e| panic!("{e}"));
        let exports = render_exports(dataset, &derived, &aggregates, &base, false)
            .unwrap_or_else(|e| panic!("the exports fail: {e}"));
        for file in &exports.files {
            let (path, bytes) = (file.path.as_str(), file.bytes.as_slice());
            if path.ends_with(".csv") {
                assert_spreadsheet_safe(path, bytes);
            } else if path.ends_with(".sqlite") {
                assert!(bytes.starts_with(b"SQLite format 3\0"), "{path}");
            } else if path.ends_with(".xlsx") {
                assert!(bytes.starts_with(b"PK\x03\x04"), "{path}");
            }
        }
    });
}

/// A CSV file reads back whole, and no cell would run as a formula in a spreadsheet.
fn assert_spreadsheet_safe(path: &str, bytes: &[u8]) {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let width = reader
        .headers()
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .len();
    for row in reader.records() {
        let row = row.unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(row.len(), width, "{path}: {row:?}");
        for cell in &row {
            let runs = cell.starts_with(['=', '+', '@', '\t', '\r'])
                || (cell.starts_with('-') && cell.parse::<f64>().is_err());
            assert!(!runs, "{path}: a spreadsheet would run {cell:?}");
        }
    }
}

/// Answers the input as an HTTP request to the preview, serving the fixture site's
/// folder. Properties: the status is one the preview gives; a redirect stays on the
/// preview's host (a path from its root, never `//` or a backslash).
pub fn serve(data: &[u8]) {
    let served = repository().join("tests/fixtures/mini");
    let (status, location) = answer_offline(data, &served);
    assert!(
        [200, 301, 400, 403, 404, 405].contains(&status),
        "status {status}"
    );
    if let Some(location) = location {
        assert_eq!(status, 301);
        assert!(
            location.starts_with('/') && !location.starts_with("//") && !location.contains('\\'),
            "redirect to {location:?}"
        );
    }
}

/// The corpus and regression inputs of a target, for replaying them in `cargo test`.
pub fn inputs(target: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in ["fuzz/corpus", "fuzz/regressions"] {
        let Ok(entries) = std::fs::read_dir(repository().join(folder).join(target)) else {
            continue;
        };
        files.extend(entries.flatten().map(|e| e.path()));
    }
    files.sort();
    files
}
