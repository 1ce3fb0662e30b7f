//! The properties the fuzz targets check on every input. `tests/fuzz_corpus.rs` in the
//! main package includes this file too, so that `cargo test` replays the committed
//! corpus and every past finding through the same checks, on the stable toolchain and
//! without libFuzzer.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use greenproc::diagnostic::{Diagnostic, Diagnostics, display_path, source_lines};
use greenproc::load::decode;
use greenproc::model::{Dataset, Sourced};
use greenproc::render::markdown::{MarkdownRenderer, PageIds};
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
        match validate_with(
            &mut dataset,
            usize::from(selector) % FILES.len(),
            file,
            &text,
        ) {
            Ok(diagnostics) => diagnostics,
            Err(d) => return assert_inside(&d, &text),
        }
    };
    let shown = display_path(file);
    for d in diagnostics.into_sorted() {
        if d.file == shown {
            assert_inside(&d, &text);
        }
    }
}

/// Parses `text` as record kind `kind`, validates the base site with it, and takes it
/// out again before returning (also before any assertion can fail).
fn validate_with(
    dataset: &mut Dataset,
    kind: usize,
    file: &Path,
    text: &str,
) -> Result<Diagnostics, Diagnostic> {
    Ok(match kind {
        0 => replace(dataset, |d| &mut d.config, file, parse_record(file, text)?),
        1 => replace(
            dataset,
            |d| &mut d.taxonomy,
            file,
            parse_record(file, text)?,
        ),
        2 => add(
            dataset,
            |d| &mut d.editions,
            file,
            parse_record(file, text)?,
        ),
        3 => add(
            dataset,
            |d| &mut d.projects,
            file,
            parse_record(file, text)?,
        ),
        4 => add(
            dataset,
            |d| &mut d.products,
            file,
            parse_record(file, text)?,
        ),
        5 => add(dataset, |d| &mut d.orgs, file, parse_record(file, text)?),
        6 => add(
            dataset,
            |d| &mut d.inspections,
            file,
            parse_record(file, text)?,
        ),
        7 => add(dataset, |d| &mut d.events, file, parse_record(file, text)?),
        8 => add(
            dataset,
            |d| &mut d.policies,
            file,
            parse_document(file, text)?,
        ),
        9 => add(
            dataset,
            |d| &mut d.interpretations,
            file,
            parse_document(file, text)?,
        ),
        _ => add(dataset, |d| &mut d.pages, file, parse_document(file, text)?),
    })
}

fn add<T>(
    dataset: &mut Dataset,
    list: fn(&mut Dataset) -> &mut Vec<Sourced<T>>,
    file: &Path,
    record: T,
) -> Diagnostics {
    list(dataset).push(Sourced {
        file: file.to_path_buf(),
        record,
    });
    let mut diagnostics = Diagnostics::default();
    greenproc::validate::validate(dataset, &mut diagnostics);
    list(dataset).pop();
    diagnostics
}

fn replace<T>(
    dataset: &mut Dataset,
    slot: fn(&mut Dataset) -> &mut Option<Sourced<T>>,
    file: &Path,
    record: T,
) -> Diagnostics {
    let original = slot(dataset).replace(Sourced {
        file: file.to_path_buf(),
        record,
    });
    let mut diagnostics = Diagnostics::default();
    greenproc::validate::validate(dataset, &mut diagnostics);
    *slot(dataset) = original;
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

/// Renders `data` as Markdown, twice into one page and once more alone, under the
/// base paths `/` and `/zibo/`. Properties: no script, event handler, style, foreign
/// image, code-running link, or tag and attribute outside the allow-list; ids unique
/// on the page and never one the templates use; the same input gives the same HTML.
pub fn markdown(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
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
