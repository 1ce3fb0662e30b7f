//! Fuzzes the search index and its queries: the first byte picks a record kind, the
//! bytes up to a NUL are that record's file, the rest a query. See
//! `greenproc_fuzz::search` for the properties checked.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    greenproc_fuzz::search(data);
});
