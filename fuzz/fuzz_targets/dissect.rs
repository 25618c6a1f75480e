#![no_main]
//! Dissects arbitrary bytes as Ethernet, IPv4 and IPv6, shows and rebuilds the
//! result: nothing may panic, and a dissected packet must rebuild to the same
//! bytes it came from.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    packsmith::fuzzing::dissect_everything(data);
});
