//! Hostile input never panics: the fuzz targets' entry points run here on
//! stable Rust over the regression corpus, every truncation and many
//! mutations of the reference packets and of the sample captures, random
//! bytes, and random programs.
//! (`fuzz/` holds the coverage-guided cargo-fuzz targets for the same code.)

use packsmith::fuzzing::{dissect_everything, parse_everything, read_capture_everything};
use proptest::prelude::*;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn vector_packets() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for f in ["build.tsv", "extra_build.tsv"] {
        let text =
            std::fs::read_to_string(format!("{}/tests/vectors/{f}", env!("CARGO_MANIFEST_DIR")))
                .expect("vectors");
        for line in text.lines() {
            if let Some(h) = line.split('\t').nth(1) {
                out.push(unhex(h));
            }
        }
    }
    out
}

#[test]
fn regression_corpus() {
    let dir = format!("{}/tests/corpus/dissect", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("corpus dir") {
        let data = std::fs::read(e.expect("entry").path()).expect("corpus file");
        dissect_everything(&data);
        n += 1;
    }
    assert!(n > 0, "no regression inputs in {dir}");
}

#[test]
fn every_truncation_of_every_vector() {
    for p in vector_packets() {
        for cut in 0..=p.len() {
            dissect_everything(&p[..cut]);
        }
    }
}

#[test]
fn byte_mutations_of_every_vector() {
    // each byte set to values that make length, type and offset fields lie
    for p in vector_packets().into_iter().filter(|p| p.len() <= 80) {
        for i in 0..p.len() {
            for v in [0x00u8, 0x01, 0x05, 0x0f, 0x45, 0x7f, 0x80, 0xff] {
                let mut q = p.clone();
                q[i] = v;
                dissect_everything(&q);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn random_bytes(data in prop::collection::vec(any::<u8>(), 0..200)) {
        dissect_everything(&data);
    }

    #[test]
    fn random_ipv4_headers(body in prop::collection::vec(any::<u8>(), 0..120), ihl in 0u8..16, proto in prop::sample::select(vec![1u8, 4, 6, 17, 0])) {
        let mut d = vec![0x40 | ihl, 0, 0, 40, 0, 1, 0, 0, 64, proto, 0, 0, 198, 18, 0, 1, 198, 18, 1, 2];
        d.extend(body);
        dissect_everything(&d);
    }
}

fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "IP", "ICMP", "(", ")", "[", "]", "{", "}", ":", ",", "=", "==", "/", "*", "**", "-", "+",
        "not", "and", "if", "else", "for", "in", "lambda", "def", "x", "1", "0x", "\"s", "'",
        "f'{", "}'", "\\", "\n", "    ", "try", "except", "print", ".", "ttl", "#", "b'\\x", "1e",
        "_", "@", "yield", "return", ";", "\t",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn random_programs_parse_or_fail_cleanly(toks in prop::collection::vec(token(), 0..40)) {
        parse_everything(&toks.concat());
    }

    #[test]
    fn random_text_parses_or_fails_cleanly(s in "\\PC{0,80}") {
        parse_everything(&s);
    }
}

/// The sample captures (pcap) plus a pcapng made from them.
fn capture_files() -> Vec<Vec<u8>> {
    let dir = format!("{}/samples", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).expect("samples dir") {
        let path = e.expect("entry").path();
        if path
            .extension()
            .is_some_and(|x| x == "pcap" || x == "pcapng")
        {
            out.push(std::fs::read(&path).expect("sample capture"));
        }
    }
    assert!(!out.is_empty(), "no sample captures in {dir}");
    out
}

#[test]
fn capture_regression_corpus() {
    let dir = format!("{}/tests/corpus/pcap", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("corpus dir") {
        let data = std::fs::read(e.expect("entry").path()).expect("corpus file");
        read_capture_everything(&data);
        n += 1;
    }
    assert!(n > 0, "no regression inputs in {dir}");
}

#[test]
fn every_truncation_and_byte_mutation_of_the_sample_captures() {
    for f in capture_files() {
        for cut in 0..=f.len() {
            read_capture_everything(&f[..cut]);
        }
        // headers (file and first records) are where lies do harm
        for i in 0..f.len().min(160) {
            for v in [0x00u8, 0x01, 0x7f, 0x80, 0xff] {
                let mut g = f.clone();
                g[i] = v;
                read_capture_everything(&g);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn random_bytes_after_a_capture_magic(
        magic in prop::sample::select(vec![
            vec![0xd4u8, 0xc3, 0xb2, 0xa1], vec![0xa1, 0xb2, 0xc3, 0xd4],
            vec![0x4d, 0x3c, 0xb2, 0xa1], vec![0x0a, 0x0d, 0x0d, 0x0a],
        ]),
        rest in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut d = magic;
        d.extend(rest);
        read_capture_everything(&d);
    }
}
