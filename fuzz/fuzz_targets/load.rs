//! Fuzzes the loader and the validator: the first byte picks a record kind, the rest
//! is that record's file. See `greenproc_fuzz::load` for the properties checked.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    greenproc_fuzz::load(data);
});
