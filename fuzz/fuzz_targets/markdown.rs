//! Fuzzes Markdown to sanitized HTML. See `greenproc_fuzz::markdown` for the
//! properties checked.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    greenproc_fuzz::markdown(data);
});
