//! greenproc's integration tests, as one test binary: each module drives the real
//! `greenproc` binary, or the library, on fixture sites in temporary folders. One
//! binary links the crate and its dependencies once, where fourteen did it fourteen
//! times, and runs every test on all cores at once.

mod common;

mod annotations;
mod build;
mod check;
mod data_portal;
mod fuzz_corpus;
mod generated_site;
mod history;
mod hostile;
mod import;
mod incremental;
mod lists;
mod pathological;
mod paths;
mod properties;
mod province;
mod publish;
mod release;
mod scaffold;
mod schema;
mod serve;
mod stats;
