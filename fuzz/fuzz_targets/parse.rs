#![no_main]
//! Parses arbitrary text as a packsmith program: errors are fine, panics are not.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        packsmith::fuzzing::parse_everything(s);
    }
});
