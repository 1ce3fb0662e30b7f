//! Markdown benchmark: for each pathological shape (`greenproc::synthetic::markdown`)
//! at 10 KB, 100 KB and 1 MB (the file size limit), the time `check` takes to measure
//! the text and, when it passes, the time rendering takes, with nanoseconds per byte:
//! a row whose ns/B stays level as the size grows tenfold is linear.
//!
//! `cargo bench --bench markdown` runs every size (release build, best of three);
//! `cargo bench --bench markdown -- quotes divs` picks shapes. Under `cargo test
//! --benches` it runs 10 KB only, once.

use std::time::{Duration, Instant};

use greenproc::render::markdown::{MarkdownRenderer, PageIds, scan};
use greenproc::site_paths::BaseUrl;
use greenproc::synthetic::markdown::{SHAPES, text};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--bench");
    let chosen: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| SHAPES.contains(a))
        .collect();
    let shapes = if chosen.is_empty() {
        SHAPES.to_vec()
    } else {
        chosen
    };
    let sizes: &[usize] = if full {
        &[10_000, 100_000, 1_000_000]
    } else {
        &[10_000]
    };
    let runs = if full { 3 } else { 1 };
    let base = BaseUrl::parse("https://example.org/").expect("a valid address");
    let renderer = MarkdownRenderer::new(&base, "表格");
    println!(
        "| shape | bytes | check ms | check ns/B | outcome | render ms | render ns/B | HTML bytes |"
    );
    println!("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |");
    for shape in shapes {
        for &size in sizes {
            let text = text(shape, size).expect("a known shape");
            let (checked, verdict) = best_of(runs, || scan(&text).excess);
            let per_byte = |d: Duration| d.as_nanos() as f64 / text.len().max(1) as f64;
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            let row = format!(
                "| {shape} | {} | {:.2} | {:.1} |",
                text.len(),
                ms(checked),
                per_byte(checked)
            );
            match verdict {
                Some(excess) => println!(
                    "{row} refused: {:?} at byte {} | - | - | - |",
                    excess.limit, excess.offset
                ),
                None => {
                    let (rendered, html) =
                        best_of(runs, || renderer.render(&text, &mut PageIds::new()));
                    println!(
                        "{row} rendered | {:.2} | {:.1} | {} |",
                        ms(rendered),
                        per_byte(rendered),
                        html.len()
                    );
                }
            }
        }
    }
}

/// The shortest of `runs` timings of `work`, and its last result.
fn best_of<T>(runs: usize, mut work: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut result = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = work();
        best = best.min(start.elapsed());
        result = Some(value);
    }
    (best, result.expect("at least one run"))
}
