//! Capture throughput over a 1,000,000-packet pcap file of
//! Ether/IP/ICMP echo requests with a 56-byte payload (98 bytes a packet,
//! the ICMP id/seq counting up): writing through `capture::Writer` (built per
//! packet, or from bytes built ahead) and reading back through
//! `capture::Reader` (records only, dissected as the language's
//! `rdpcap`/`PcapReader` do, and with a summary line as `packsmith read`
//! prints). Throughput is in packets.
//!
//! `PACKSMITH_CAPTURE_FILE=path` keeps the file the read benchmarks use at
//! `path` (scripts/bench-capture.sh hands it to Scapy and tshark).

use criterion::{black_box, criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use packsmith::capture::{Frame, Reader, WriteOptions, Writer};
use packsmith::layers::{ether::ETHER, icmp::ICMP, ipv4::IP, raw::RAW};
use packsmith::packet::{show, Input, Layer, Packet, Timestamp};
use std::time::Duration;

const PACKETS: u64 = 1_000_000;
const PAYLOAD: usize = 56;

/// The template every packet is made from; `number` picks id and seq.
fn template() -> Packet {
    let mut ether = Layer::new(&ETHER);
    ether
        .set_input("dst", Input::Str("02:00:00:00:00:02".into()))
        .expect("dst");
    ether
        .set_input("src", Input::Str("02:00:00:00:00:01".into()))
        .expect("src");
    let mut ip = Layer::new(&IP);
    ip.set_input("src", Input::Str("198.18.0.1".into()))
        .expect("src");
    ip.set_input("dst", Input::Str("198.19.0.1".into()))
        .expect("dst");
    let icmp = Layer::new(&ICMP);
    let mut raw = Layer::new(&RAW);
    let load: Vec<u8> = (0..PAYLOAD as u8).collect();
    raw.set_input("load", Input::Bytes(load)).expect("load");
    Packet {
        layers: vec![ether, ip, icmp, raw],
        ..Packet::default()
    }
}

/// Sets packet `n`'s ICMP id and seq (seq wraps every 65,536 packets).
fn number(p: &mut Packet, n: u64) {
    let icmp = &mut p.layers[2];
    icmp.set_input("id", Input::Int(i128::from(n >> 16)))
        .expect("id");
    icmp.set_input("seq", Input::Int(i128::from(n & 0xffff)))
        .expect("seq");
}

/// Packet `n`'s time: one every millisecond from a fixed start.
fn time(n: u64) -> Timestamp {
    Timestamp {
        secs: 1_700_000_000 + (n / 1000) as i64,
        nanos: (n % 1000) as u32 * 1_000_000,
    }
}

/// Builds each packet and writes it.
fn build_and_write(path: &str) {
    let mut w = Writer::create(path, &WriteOptions::default()).expect("create");
    let mut p = template();
    let mut buf = Vec::with_capacity(128);
    for n in 0..PACKETS {
        number(&mut p, n);
        buf.clear();
        packsmith::packet::build::build_into(&p, &mut buf);
        w.write(&Frame {
            data: &buf,
            first: &ETHER,
            time: time(n),
            orig_len: None,
            comment: None,
        })
        .expect("write");
    }
    w.close().expect("close");
}

/// Every packet's bytes, back to back (they are all the same length).
fn prebuilt() -> (Vec<u8>, usize) {
    let mut p = template();
    let len = p.build().len();
    let mut all = Vec::with_capacity(len * PACKETS as usize);
    for n in 0..PACKETS {
        number(&mut p, n);
        packsmith::packet::build::build_into(&p, &mut all);
    }
    assert_eq!(all.len(), len * PACKETS as usize);
    (all, len)
}

fn write_prebuilt(path: &str, all: &[u8], len: usize) {
    let mut w = Writer::create(path, &WriteOptions::default()).expect("create");
    for (n, data) in all.chunks_exact(len).enumerate() {
        w.write(&Frame {
            data,
            first: &ETHER,
            time: time(n as u64),
            orig_len: None,
            comment: None,
        })
        .expect("write");
    }
    w.close().expect("close");
}

/// Reads every record without dissecting it; returns the bytes seen.
fn read_records(path: &str) -> usize {
    let mut r = Reader::open(path).expect("open");
    let mut bytes = 0;
    while let Some(rec) = r.next_record() {
        bytes += rec.expect("record").data.len();
    }
    bytes
}

/// Reads and fully dissects every packet, as `rdpcap`/`PcapReader` do.
fn read_dissect(path: &str) -> usize {
    let mut layers = 0;
    for w in Reader::open(path).expect("open") {
        layers += black_box(w.expect("packet").packet()).layers.len();
    }
    layers
}

/// Reads, dissects and formats each packet's summary line, the work of
/// `packsmith read FILE` without the output.
fn read_summary(path: &str) -> usize {
    let mut chars = 0;
    for w in Reader::open(path).expect("open") {
        chars += show::summary(&w.expect("packet").packet()).len();
    }
    chars
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let kept = std::env::var("PACKSMITH_CAPTURE_FILE").ok();
    let input = kept
        .clone()
        .unwrap_or_else(|| dir.path().join("input.pcap").to_string_lossy().into_owned());
    let output = dir
        .path()
        .join("output.pcap")
        .to_string_lossy()
        .into_owned();

    // the file the read benchmarks use, checked once
    build_and_write(&input);
    let (all, len) = prebuilt();
    assert_eq!(read_records(&input), all.len(), "{input} holds other bytes");
    assert_eq!(read_dissect(&input), 4 * PACKETS as usize);

    let mut g = c.benchmark_group("capture_1m");
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements(PACKETS));
    g.bench_function("build_and_write", |b| b.iter(|| build_and_write(&output)));
    g.bench_function("write_prebuilt", |b| {
        b.iter(|| write_prebuilt(&output, black_box(&all), len))
    });
    drop(all);
    g.bench_function("read_records", |b| b.iter(|| read_records(&input)));
    g.bench_function("read_dissect", |b| b.iter(|| read_dissect(&input)));
    g.bench_function("read_dissect_summary", |b| b.iter(|| read_summary(&input)));
    g.finish();
    if let Some(path) = kept {
        eprintln!("kept {path}");
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
