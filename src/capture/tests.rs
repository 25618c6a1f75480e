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
    write_all(
        path,
        &WriteOptions::default(),
        &[frame(&a, &ETHER, 0), frame(&b, &ETHER, 1)],
    )
    .unwrap();
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
            nano: true,
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
            nano: true,
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
