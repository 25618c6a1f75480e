use super::*;
use crate::layers::{ether::ETHER, ipv4::IP};
use crate::packet::Timestamp;

fn ip_packet(n: u8) -> Vec<u8> {
    let mut p = vec![
        0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0, 198, 18, 0, 1, 198, 19, 0, n, 8, 0, 0, 0, 0, 0, 0,
        n,
    ];
    let c = crate::wire::checksum(&p[..20]);
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p
}

fn ether_packet(n: u8) -> Vec<u8> {
    let mut p = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0];
    p.extend(ip_packet(n));
    p
}

fn write_all(path: &str, opts: &WriteOptions, frames: &[Frame]) -> Result<(), Error> {
    let mut w = Writer::create(path, opts)?;
    for f in frames {
        w.write(f)?;
    }
    w.close()
}

/// (link type, bytes, time, comment) of one record read back.
type Rec = (u32, Vec<u8>, Timestamp, Option<String>);

fn read_all(path: &str) -> (Vec<Rec>, Option<Error>) {
    let mut r = match Reader::open(path) {
        Ok(r) => r,
        Err(e) => return (Vec::new(), Some(e)),
    };
    let mut out = Vec::new();
    while let Some(rec) = r.next_record() {
        match rec {
            Ok(rec) => out.push((rec.linktype, rec.data.to_vec(), rec.time, rec.comment)),
            Err(e) => return (out, Some(e)),
        }
    }
    (out, None)
}

fn frame<'a>(data: &'a [u8], first: &'static crate::packet::LayerDef, t: i64) -> Frame<'a> {
    Frame {
        data,
        first,
        time: Timestamp {
            secs: 1_700_000_000 + t,
            nanos: 123_456_789,
        },
        orig_len: None,
        comment: None,
    }
}

#[test]
fn pcap_round_trip_keeps_bytes_and_microseconds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pcap");
    let path = path.to_str().unwrap();
    let a = ether_packet(1);
    let b = ether_packet(2);
    let micro = WriteOptions {
        nano: Some(false),
        ..WriteOptions::default()
    };
    write_all(path, &micro, &[frame(&a, &ETHER, 0), frame(&b, &ETHER, 1)]).unwrap();
    let (got, err) = read_all(path);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].0, 1);
    assert_eq!(got[0].1, a);
    assert_eq!(got[1].1, b);
    assert_eq!(got[0].2.nanos, 123_456_000);
    assert_eq!(got[1].2.secs, 1_700_000_001);
}

#[test]
fn nanosecond_pcap_and_pcapng_keep_nanoseconds() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["n.pcap", "n.pcapng"] {
        let path = dir.path().join(name);
        let path = path.to_str().unwrap();
        let a = ip_packet(1);
        let opts = WriteOptions {
            nano: Some(true),
            ..WriteOptions::default()
        };
        write_all(path, &opts, &[frame(&a, &IP, 0)]).unwrap();
        let (got, err) = read_all(path);
        assert!(err.is_none(), "{name}: {err:?}");
        assert_eq!(got[0].0, 228, "{name}");
        assert_eq!(got[0].2.nanos, 123_456_789, "{name}");
    }
}

#[test]
fn pcapng_mixes_link_types_and_keeps_comments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.pcapng");
    let path = path.to_str().unwrap();
    let a = ether_packet(1);
    let b = ip_packet(2);
    let mut fb = frame(&b, &IP, 1);
    fb.comment = Some("answer to #1, rtt 0.231 ms");
    write_all(path, &WriteOptions::default(), &[frame(&a, &ETHER, 0), fb]).unwrap();
    let (got, err) = read_all(path);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), [1, 228]);
    assert_eq!(got[1].3.as_deref(), Some("answer to #1, rtt 0.231 ms"));
    // pcapng keeps nanoseconds unless asked not to
    assert_eq!(got[1].2.nanos, 123_456_789);
}

#[test]
fn unset_nano_follows_the_first_packet_and_warns_on_lost_digits() {
    let dir = tempfile::tempdir().unwrap();
    let a = ether_packet(1);
    // first packet in nanoseconds: a nanosecond pcap
    let path = dir.path().join("n.pcap");
    let path = path.to_str().unwrap();
    write_all(path, &WriteOptions::default(), &[frame(&a, &ETHER, 0)]).unwrap();
    assert_eq!(read_all(path).0[0].2.nanos, 123_456_789);
    // first packet in microseconds: a microsecond pcap, and one warning
    // when a later packet's nanoseconds cannot be kept
    let path = dir.path().join("u.pcap");
    let path = path.to_str().unwrap();
    let mut first = frame(&a, &ETHER, 0);
    first.time.nanos = 123_456_000;
    let mut w = Writer::create(path, &WriteOptions::default()).unwrap();
    w.write(&first).unwrap();
    w.write(&frame(&a, &ETHER, 1)).unwrap();
    w.write(&frame(&a, &ETHER, 2)).unwrap();
    let warnings = w.take_warnings();
    w.close().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("packet #2") && warnings[0].contains("nano=True"));
    let (got, _) = read_all(path);
    assert_eq!(got[1].2.nanos, 123_456_000);
}

#[test]
fn classic_pcap_refuses_mixed_first_layers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.pcap");
    let path = path.to_str().unwrap();
    let a = ether_packet(1);
    let b = ip_packet(2);
    let e = write_all(
        path,
        &WriteOptions::default(),
        &[frame(&a, &ETHER, 0), frame(&b, &IP, 1)],
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unwritable);
    assert!(e.message.contains("packet #2 starts with IP"), "{e}");
    assert!(e.message.contains(".pcapng"), "{e}");
    // what was written before stays readable
    let (got, err) = read_all(path);
    assert!(err.is_none());
    assert_eq!(got.len(), 1);
}

#[test]
fn explicit_linktype_must_fit_the_packets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lt.pcap");
    let path = path.to_str().unwrap();
    let b = ip_packet(2);
    let raw101 = WriteOptions {
        linktype: Some(101),
        ..WriteOptions::default()
    };
    write_all(path, &raw101, &[frame(&b, &IP, 0)]).unwrap();
    assert_eq!(read_all(path).0[0].0, 101);
    let eth = WriteOptions {
        linktype: Some(1),
        ..WriteOptions::default()
    };
    let e = write_all(path, &eth, &[frame(&b, &IP, 0)]).unwrap_err();
    assert!(e.message.contains("starts with IP"), "{e}");
}

#[test]
fn truncated_file_gives_packets_before_and_the_offset() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["t.pcap", "t.pcapng"] {
        let path = dir.path().join(name);
        let path = path.to_str().unwrap();
        let frames: Vec<Vec<u8>> = (0..5).map(ether_packet).collect();
        let fr: Vec<Frame> = frames.iter().map(|d| frame(d, &ETHER, 0)).collect();
        write_all(path, &WriteOptions::default(), &fr).unwrap();
        let full = std::fs::read(path).unwrap();
        std::fs::write(path, &full[..full.len() - 7]).unwrap();
        let (got, err) = read_all(path);
        assert_eq!(got.len(), 4, "{name}");
        let err = err.expect("an error");
        assert_eq!(err.kind, ErrorKind::Damaged);
        let off = err.offset.expect("offset");
        assert!(off > 0 && off < full.len() as u64, "{name}: {off}");
        assert!(err.message.contains("packet #5"), "{name}: {err}");
        assert!(err.message.contains(&format!("byte offset {off}")), "{err}");
    }
}

#[test]
fn wrong_magic_says_what_the_file_seems_to_be() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[u8], &str)] = &[
        (b"\x1f\x8b\x08\x00rest", "gzip"),
        (b"hello, world\n", "text"),
        (b"{\"a\": 1}", "JSON"),
        (b"", "empty"),
        (
            b"\x00\x01\x02\x03\x04",
            "binary data starting with 00 01 02 03",
        ),
    ];
    for (i, (content, what)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("x{i}"));
        std::fs::write(&path, content).unwrap();
        let e = Reader::open(path.to_str().unwrap()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotCapture);
        assert!(e.message.contains("not a pcap or pcapng file"), "{e}");
        assert!(e.message.contains(what), "{e}");
    }
    let e = Reader::open(dir.path().join("missing").to_str().unwrap()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[test]
fn append_continues_a_file_and_refuses_damaged_ones() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["ap.pcap", "ap.pcapng"] {
        let path = dir.path().join(name);
        let path = path.to_str().unwrap();
        let a = ether_packet(1);
        let opts = WriteOptions {
            append: true,
            nano: Some(true),
            ..WriteOptions::default()
        };
        write_all(path, &opts, &[frame(&a, &ETHER, 0)]).unwrap();
        write_all(path, &opts, &[frame(&a, &ETHER, 1), frame(&a, &ETHER, 2)]).unwrap();
        let (got, err) = read_all(path);
        assert!(err.is_none(), "{name}: {err:?}");
        assert_eq!(got.len(), 3, "{name}");
        assert_eq!(got[2].2.secs, 1_700_000_002);
        let full = std::fs::read(path).unwrap();
        std::fs::write(path, &full[..full.len() - 3]).unwrap();
        let e = Writer::create(path, &opts).err().expect("refused");
        assert!(e.message.starts_with("cannot append"), "{e}");
    }
}

#[test]
fn empty_pcap_still_has_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.pcap");
    let path = path.to_str().unwrap();
    write_all(path, &WriteOptions::default(), &[]).unwrap();
    assert_eq!(std::fs::metadata(path).unwrap().len(), 24);
    let r = Reader::open(path).unwrap();
    assert_eq!(r.linktype(), Some(1));
}

#[test]
fn raw_bytes_default_to_ethernet_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pcap");
    let path = path.to_str().unwrap();
    let a = ether_packet(1);
    let mut w = Writer::create(path, &WriteOptions::default()).unwrap();
    w.write(&frame(&a, crate::layers::raw(), 0)).unwrap();
    let warnings = w.take_warnings();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("raw bytes"), "{warnings:?}");
    w.close().unwrap();
    assert_eq!(read_all(path).0[0].0, 1);
}

/// A pcapng block: type, total length, body, total length (little-endian).
fn ng_block(ty: u32, body: &[u8]) -> Vec<u8> {
    let len = (12 + body.len()) as u32;
    let mut b = ty.to_le_bytes().to_vec();
    b.extend(len.to_le_bytes());
    b.extend(body);
    b.extend(len.to_le_bytes());
    b
}

fn ng_shb(magic: u32) -> Vec<u8> {
    let mut body = magic.to_le_bytes().to_vec();
    body.extend([1, 0, 0, 0]);
    body.extend((-1i64).to_le_bytes());
    ng_block(0x0a0d_0d0a, &body)
}

/// An Ethernet interface with the given options (already encoded).
fn ng_idb(options: &[u8]) -> Vec<u8> {
    let mut body = vec![1, 0, 0, 0, 0, 0, 0, 0];
    body.extend(options);
    ng_block(1, &body)
}

fn ng_epb(iface: u32, data: &[u8], orig: u32) -> Vec<u8> {
    let mut body = Vec::new();
    for v in [iface, 0, 1_000_000, data.len() as u32, orig] {
        body.extend(v.to_le_bytes());
    }
    body.extend(data);
    body.resize(body.len().div_ceil(4) * 4, 0);
    ng_block(6, &body)
}

/// Every packet and the warnings of reading `bytes` as a file.
fn read_with_warnings(name: &str, bytes: &[u8]) -> (usize, Vec<String>, Option<Error>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    let mut r = match Reader::open(&path.to_string_lossy()) {
        Ok(r) => r,
        Err(e) => return (0, Vec::new(), Some(e)),
    };
    let (mut n, mut err) = (0, None);
    while let Some(rec) = r.next_record() {
        match rec {
            Ok(_) => n += 1,
            Err(e) => err = Some(e),
        }
    }
    (n, r.take_warnings(), err)
}

#[test]
fn original_length_below_captured_length_is_read_with_one_warning() {
    let p = ether_packet(1);
    let mut pcap = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
    pcap.extend([0; 8]);
    pcap.extend(65535u32.to_le_bytes());
    pcap.extend(1u32.to_le_bytes());
    for orig in [p.len() as u32, 10, 11, p.len() as u32] {
        for v in [1u32, 0, p.len() as u32, orig] {
            pcap.extend(v.to_le_bytes());
        }
        pcap.extend(&p);
    }
    let (n, w, err) = read_with_warnings("orig.pcap", &pcap);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(n, 4);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("packet #2") && w[0].contains("10 bytes on the wire"),
        "{w:?}"
    );

    let mut ng = ng_shb(0x1a2b_3c4d);
    ng.extend(ng_idb(&[]));
    for orig in [p.len() as u32, 10, 11, p.len() as u32] {
        ng.extend(ng_epb(0, &p, orig));
    }
    let (n, w, err) = read_with_warnings("orig.pcapng", &ng);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(n, 4);
    assert_eq!(w.len(), 1, "{w:?}");
}

#[test]
fn bad_tsresol_and_statistics_of_an_unknown_interface_are_read_past() {
    let p = ether_packet(2);
    let mut ng = ng_shb(0x1a2b_3c4d);
    // if_tsresol 0x7f (10^-127), then the end of options
    ng.extend(ng_idb(&[9, 0, 1, 0, 0x7f, 0, 0, 0, 0, 0, 0, 0]));
    ng.extend(ng_epb(0, &p, p.len() as u32));
    let mut isb = 5u32.to_le_bytes().to_vec();
    isb.extend([0; 8]);
    ng.extend(ng_block(5, &isb));
    ng.extend(ng_epb(0, &p, p.len() as u32));
    let (n, w, err) = read_with_warnings("tsresol.pcapng", &ng);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(n, 2, "{w:?}");
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].contains("if_tsresol 0x7f"), "{w:?}");
    assert!(w[1].contains("statistics of interface 5"), "{w:?}");
}

#[test]
fn bad_section_byte_order_magic_names_the_offset() {
    let mut ng = ng_shb(0x1122_3344);
    ng.extend(ng_idb(&[]));
    let (_, _, err) = read_with_warnings("magic.pcapng", &ng);
    let e = err.expect("an error");
    let msg = e.to_string();
    assert!(
        msg.contains("byte offset 8") && msg.contains("magic"),
        "{msg}"
    );
}
