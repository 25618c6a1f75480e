//! Reference vectors: the exact bytes Scapy 2.8 builds for each expression,
//! implicit packet sets in Scapy's order, and Scapy's summaries of the
//! dissected bytes. `build.tsv`/`sets.tsv` are the project's shared vectors;
//! `extra_*.tsv` were generated with the real Scapy by scripts/gen-vectors.py.

use packsmith::lang::{self, value::Value, Interp};
use packsmith::packet::{show, Packet};

fn vectors(name: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

/// Evaluates `code` and returns the value left in `r`.
fn eval(code: &str) -> Value {
    let mut interp = Interp::new(vec![], std::rc::Rc::new(packsmith::net::Offline));
    match lang::run_source(&mut interp, "<vector>", code) {
        Ok(()) => interp.globals.get("r").expect("r is set"),
        Err(e) => panic!("{code}\n{}", lang::render_error(&e, false)),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The second-wave vectors of layers that belong to the next issue (802.1Q,
/// DNS, ICMP extensions): not built yet, and counted so none slips by.
fn later_layer(expr: &str) -> bool {
    ["Dot1Q(", "DNS(", "ICMPExtension_"]
        .iter()
        .any(|m| expr.contains(m))
}

fn check_build(file: &str) -> usize {
    let mut n = 0;
    for v in vectors(file).into_iter().filter(|v| !later_layer(&v[0])) {
        let (expr, want) = (&v[0], &v[1]);
        match &eval(&format!("r = bytes({expr}).hex()")) {
            Value::Str(got) => assert_eq!(&**got, want, "\n  expr: {expr}"),
            other => panic!("{expr}: not a string: {}", other.type_name()),
        }
        n += 1;
    }
    n
}

fn check_sets(file: &str) -> usize {
    let mut n = 0;
    for v in vectors(file).into_iter().filter(|v| !later_layer(&v[0])) {
        let (expr, count, hexes) = (&v[0], &v[1], &v[2]);
        let got = eval(&format!("r = ','.join(bytes(p).hex() for p in {expr})"));
        assert_eq!(
            packsmith::lang::repr::to_str(&got),
            *hexes,
            "\n  set: {expr}"
        );
        let c = eval(&format!("r = len(list({expr}))"));
        assert_eq!(c.as_int(), count.parse::<i64>().ok(), "\n  count: {expr}");
        n += 1;
    }
    n
}

#[test]
fn shared_build_vectors() {
    assert_eq!(check_build("build.tsv"), 55);
}

#[test]
fn shared_set_vectors() {
    assert_eq!(check_sets("sets.tsv"), 11);
}

#[test]
fn shared_ipv6_build_vectors() {
    // 35 lines, of which 7 are Dot1Q, DNS and ICMP extension ones
    assert_eq!(check_build("build2.tsv"), 28);
}

#[test]
fn shared_ipv6_set_vectors() {
    // 6 lines, of which 2 are Dot1Q and DNS ones
    assert_eq!(check_sets("sets2.tsv"), 4);
}

#[test]
fn scapy_generated_build_vectors() {
    assert!(check_build("extra_build.tsv") > 150);
}

#[test]
fn scapy_generated_set_vectors() {
    assert!(check_sets("extra_sets.tsv") > 20);
}

/// Where packsmith's summary deliberately differs from Scapy's.
fn summary_differs_on_purpose(expr: &str, scapy: &str) -> bool {
    // no DNS or IPv6 layers; names from the IANA registry Scapy lacks
    scapy.contains("DNS")
        || scapy.contains("7878:")
        || ["type=6)", "type=9)", "type=41)", "type=42)", "type=43)", "type=253)", "type=254)", "code=8)", "code=2, ptr=1"]
            .iter()
            .any(|m| expr.contains(m))
        // Scapy splits a UDP length below 8 with a negative slice
        || expr.contains("UDP(len=4)")
}

#[test]
fn dissection_matches_scapy_and_rebuilds_exactly() {
    colored::control::set_override(false);
    for file in ["build.tsv", "extra_build.tsv", "build2.tsv"] {
        for v in vectors(file).into_iter().filter(|v| !later_layer(&v[0])) {
            let (expr, bytes, want) = (&v[0], unhex(&v[1]), &v[2]);
            let first = match eval(&format!("r = type({expr})")) {
                Value::Layer(d, _) => d,
                other => panic!("{expr}: {}", other.type_name()),
            };
            let d = Packet::dissect(first, &bytes);
            assert_eq!(hex(&d.build()), v[1], "rebuild of dissected {expr}");
            let got = show::summary(&d);
            if !summary_differs_on_purpose(expr, want) {
                assert_eq!(&got, want, "\n  summary of {expr}");
            }
        }
    }
}

#[test]
fn vector_copies_match_the_shared_originals() {
    let shared = format!("{}/../shared/vectors", env!("CARGO_MANIFEST_DIR"));
    if !std::path::Path::new(&shared).exists() {
        eprintln!("skipped: {shared} is not beside this checkout");
        return;
    }
    for f in [
        "build.tsv",
        "sets.tsv",
        "build2.tsv",
        "sets2.tsv",
        "scapy_display.txt",
    ] {
        let a = std::fs::read(format!("{shared}/{f}")).expect("shared vector");
        let b = std::fs::read(format!("{}/tests/vectors/{f}", env!("CARGO_MANIFEST_DIR")))
            .expect("copy");
        assert!(
            a == b,
            "tests/vectors/{f} differs from ../shared/vectors/{f}"
        );
    }
}

/// RSS in bytes (Linux), for checking that set iteration is lazy.
fn rss() -> usize {
    let s = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    s.split_whitespace()
        .nth(1)
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(0)
        * 4096
}

#[test]
fn slash8_set_is_lazy() {
    let p = match &eval("r = IP(src=\"198.18.0.1\", dst=\"198.18.0.0/8\")/ICMP()") {
        Value::Packet(p) => p.snapshot(),
        _ => unreachable!(),
    };
    assert_eq!(p.count(), 1 << 24);
    // random access does not iterate
    let last = p.nth_of_set((1 << 24) - 1).expect("last packet");
    assert_eq!(hex(&last.build()[16..20]), "c6ffffff");
    let before = rss();
    let mut n = 0u64;
    for q in p.iter_set().take(300_000) {
        n += q.build().len() as u64;
    }
    assert_eq!(n, 300_000 * 28);
    let grown = rss().saturating_sub(before);
    assert!(grown < 16 << 20, "iterating grew RSS by {grown} bytes");
}

/// More IPv6 packets, checked against what Scapy 2.8 printed for them: the
/// bytes and summary it builds, and the summary and `repr` of those bytes
/// dissected (RFC 5952 addresses, `[ a, b ]` address lists, option packets
/// with `_OTypeField`'s policy text, phantom `autopad`/`extpad`/`ext`), and
/// the `repr` of the packet as constructed.
#[test]
fn ipv6_build_summary_and_repr_match_scapy() {
    colored::control::set_override(false);
    let mut n = 0;
    for v in vectors("ipv6_display_scapy28.tsv")
        .into_iter()
        .filter(|v| !v[0].starts_with('#'))
    {
        let (expr, want_hex, want_sum, want_dsum, want_repr) = (&v[0], &v[1], &v[2], &v[3], &v[4]);
        match &eval(&format!(
            "p = {expr}\nr = bytes(p).hex() + '|' + p.summary()"
        )) {
            Value::Str(got) => assert_eq!(&**got, &format!("{want_hex}|{want_sum}"), "\n  {expr}"),
            other => panic!("{expr}: {}", other.type_name()),
        }
        let first = match eval(&format!("r = type({expr})")) {
            Value::Layer(d, _) => d,
            other => panic!("{expr}: {}", other.type_name()),
        };
        let d = Packet::dissect(first, &unhex(want_hex));
        assert_eq!(&show::summary(&d), want_dsum, "\n  dissected {expr}");
        // Scapy dissects a Redirected Header's packet and chains MLDv2
        // records into each other; packsmith keeps the first as bytes and
        // the second as a flat list
        let redirected = expr.contains("ICMPv6NDOptRedirectedHdr(pkt=");
        if !redirected && !expr.contains("), ICMPv6MLDMultAddrRec(") {
            assert_eq!(&show::repr(&d), want_repr, "\n  repr of dissected {expr}");
        }
        // Scapy's constructed Segment Routing header lists its default
        // address as if it had been set
        if !redirected && !expr.contains("IPv6ExtHdrSegmentRouting()") {
            match &eval(&format!("r = repr({expr})")) {
                Value::Str(got) => assert_eq!(&**got, &v[5], "\n  repr of {expr}"),
                other => panic!("{expr}: {}", other.type_name()),
            }
        }
        n += 1;
    }
    assert_eq!(n, 76);
}

/// Packets cut short, as capture snap lengths and ICMP quotes cut them:
/// each dissects to the layers Scapy 2.8 finds in the same bytes (a quoted
/// TCP header may end after `seq`; any other layer cut inside is Raw).
#[test]
fn truncated_packets_dissect_as_scapy_does() {
    colored::control::set_override(false);
    let mut n = 0;
    for v in vectors("truncated_scapy28.tsv")
        .into_iter()
        .filter(|v| !v[0].starts_with('#'))
    {
        let bytes = unhex(&v[0]);
        let first = if bytes.first().is_some_and(|b| b >> 4 == 4) {
            &packsmith::layers::ipv4::IP
        } else {
            &packsmith::layers::ipv6::IPV6_LAYER
        };
        let d = Packet::dissect(first, &bytes);
        assert_eq!(show::summary(&d), v[1], "\n  {}", v[0]);
        n += 1;
    }
    assert_eq!(n, 304);
}
