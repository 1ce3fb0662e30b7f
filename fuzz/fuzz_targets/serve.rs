//! Fuzzes the preview's request handling with raw request bytes. See
//! `greenproc_fuzz::serve` for the properties checked.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    greenproc_fuzz::serve(data);
});
