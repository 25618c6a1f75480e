//! Build and dissect throughput for the issue-3 targets: IP/ICMP with an
//! 8-byte payload, built from scratch (construct + build) and dissected.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use packsmith::layers::{icmp::ICMP, ipv4::IP, raw::RAW};
use packsmith::packet::{Input, Layer, Packet};

fn construct() -> Packet {
    let mut ip = Layer::new(&IP);
    ip.set_input("src", Input::Str("198.18.0.1".into()))
        .expect("src");
    ip.set_input("dst", Input::Str("198.19.0.1".into()))
        .expect("dst");
    let mut icmp = Layer::new(&ICMP);
    icmp.set_input("id", Input::Int(0x1234)).expect("id");
    icmp.set_input("seq", Input::Int(7)).expect("seq");
    let mut raw = Layer::new(&RAW);
    raw.set_input("load", Input::Bytes(b"12345678".to_vec()))
        .expect("load");
    Packet {
        layers: vec![ip, icmp, raw],
        ..Packet::default()
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("ip_icmp_8");
    g.throughput(Throughput::Elements(1));
    g.bench_function("construct_and_build", |b| {
        b.iter(|| black_box(construct()).build())
    });
    let p = construct();
    g.bench_function("build", |b| b.iter(|| black_box(&p).build()));
    let bytes = p.build();
    g.bench_function("dissect", |b| {
        b.iter(|| Packet::dissect(&IP, black_box(&bytes)))
    });
    let mut out = Vec::with_capacity(64);
    g.bench_function("build_into_reused_buffer", |b| {
        b.iter(|| {
            out.clear();
            packsmith::packet::build::build_into(black_box(&p), &mut out);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
