//! Entry points shared by the fuzz targets (`fuzz/`) and the stable
//! randomized tests (`tests/never_panic.rs`), so both exercise the same code.

use crate::packet::{show, Packet};

/// Dissects `data` as every bottom layer, displays and rebuilds the result.
/// Panics only if dissection loses bytes (a dissected packet must rebuild to
/// exactly the bytes it came from). Empty input is the exception: it gives the
/// first layer with every field unset, which builds its defaults (Scapy's
/// `bytes(Ether(b""))` is 14 bytes too).
pub fn dissect_everything(data: &[u8]) {
    for first in [
        &crate::layers::ether::ETHER,
        &crate::layers::ipv4::IP,
        &crate::layers::ipv6::IPV6_LAYER,
    ] {
        let p = Packet::dissect(first, data);
        let _ = show::summary(&p);
        let _ = show::show(&p);
        let _ = show::repr(&p);
        let _ = show::command(&p);
        let _ = crate::packet::json::to_json(&p, &[]);
        let rebuilt = p.build();
        if data.is_empty() {
            assert_eq!(p.layers.len(), 1, "an empty input is one default layer");
            continue;
        }
        assert_eq!(
            rebuilt,
            data,
            "dissect/build round trip lost bytes for {}",
            show::summary(&p)
        );
        let _ = show::show2(&p);
        let opts = crate::packet::matching::MatchOpts::default();
        let _ = crate::packet::matching::hashret(&p, &opts);
        let _ = crate::packet::matching::answers(&p, &p, &opts);
    }
}

/// Tokenizes and parses `src`; any error is fine, a panic is a bug.
pub fn parse_everything(src: &str) {
    let _ = crate::lang::lexer::tokenize(src, 0);
    let _ = crate::lang::parser::parse_program(src, 0);
}

/// Reads `data` as a capture file: every record, dissected and summarised.
/// Any error is fine (it must name a byte offset inside the input); a panic,
/// an offset past the end, or endless records are bugs.
pub fn read_capture_everything(data: &[u8]) {
    let src: Box<dyn std::io::Read> = Box::new(std::io::Cursor::new(data.to_vec()));
    let mut r = match crate::capture::Reader::new(src, "fuzz.pcap") {
        Ok(r) => r,
        Err(e) => {
            assert!(e.offset.is_none_or(|o| o <= data.len() as u64), "{e}");
            return;
        }
    };
    let mut n = 0usize;
    while let Some(rec) = r.next_wire() {
        match rec {
            Ok(w) => {
                n += 1;
                // each record costs at least 12 bytes of header in any format
                assert!(
                    n <= data.len() / 12 + 1,
                    "more records than the input can hold"
                );
                let p = w.packet();
                let _ = show::summary(&p);
                let _ = show::repr(&p);
            }
            Err(e) => {
                assert!(
                    e.offset.is_none_or(|o| o <= data.len() as u64),
                    "error offset past the end: {e}"
                );
                break;
            }
        }
    }
}
