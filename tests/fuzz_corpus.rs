//! Replays the committed fuzz corpus (`fuzz/corpus/`) and every input a fuzzer ever
//! found a problem with (`fuzz/regressions/`) through the fuzz targets' own property
//! checks, so that `cargo test` guards them on the stable toolchain without libFuzzer.

/// The fuzz targets' property checks. The fuzz crate's own source, included as it is:
/// its items are public for the fuzz targets, and it brings its own copy of the HTML
/// scanner that `common` also holds.
#[path = "../fuzz/src/lib.rs"]
#[allow(unreachable_pub, clippy::duplicate_mod)]
mod oracles;

/// Runs `check` on every input of `target`; there must be some.
fn replay(target: &str, check: fn(&[u8])) {
    let inputs = oracles::inputs(target);
    assert!(
        inputs.len() > 10,
        "only {} inputs for {target}",
        inputs.len()
    );
    for input in inputs {
        let bytes = std::fs::read(&input).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&bytes));
        assert!(outcome.is_ok(), "{} fails its properties", input.display());
    }
}

#[test]
fn the_loader_corpus_keeps_its_properties() {
    replay("load", oracles::load);
}

#[test]
fn the_markdown_corpus_keeps_its_properties() {
    replay("markdown", oracles::markdown);
}

#[test]
fn the_search_corpus_keeps_its_properties() {
    replay("search", oracles::search);
}

#[test]
fn the_export_corpus_keeps_its_properties() {
    replay("export", oracles::export);
}

#[test]
fn the_serve_corpus_keeps_its_properties() {
    replay("serve", oracles::serve);
}
