#![no_main]
//! Reads arbitrary bytes as a pcap or pcapng file and dissects every record:
//! nothing may panic, error offsets stay inside the input, and the reader
//! never invents more records than the bytes can hold.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    packsmith::fuzzing::read_capture_everything(data);
});
