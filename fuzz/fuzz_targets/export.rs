//! Fuzzes the downloads (CSV, JSON, XLSX, SQLite, OCDS, OC4IDS): the first byte picks a
//! record kind, the rest is that record's file. See `greenproc_fuzz::export` for the
//! properties checked.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    greenproc_fuzz::export(data);
});
