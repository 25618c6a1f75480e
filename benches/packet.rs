//! Build and dissect throughput: IP/ICMP and IPv6/ICMPv6 echo with an 8-byte
//! payload, built from scratch (construct + build) and dissected.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use packsmith::layers::{icmp::ICMP, icmpv6, ipv4::IP, ipv6::IPV6_LAYER, raw::RAW};
use packsmith::packet::{Input, Layer, LayerDef, Packet};

/// One layer with its fields set from caller input, as the language does.
fn layer(def: &'static LayerDef, fields: Vec<(&str, Input)>) -> Layer {
    let mut l = Layer::new(def);
    for (name, v) in fields {
        l.set_input(name, v).expect(name);
    }
    l
}

fn stack(layers: Vec<Layer>) -> Packet {
    Packet {
        layers,
        ..Packet::default()
    }
}

fn construct() -> Packet {
    stack(vec![
        layer(
            &IP,
            vec![
                ("src", Input::Str("198.18.0.1".into())),
                ("dst", Input::Str("198.19.0.1".into())),
            ],
        ),
        layer(
            &ICMP,
            vec![("id", Input::Int(0x1234)), ("seq", Input::Int(7))],
        ),
        layer(&RAW, vec![("load", Input::Bytes(b"12345678".to_vec()))]),
    ])
}

fn construct6() -> Packet {
    stack(vec![
        layer(
            &IPV6_LAYER,
            vec![
                ("src", Input::Str("2001:2::1".into())),
                ("dst", Input::Str("2001:2:0:100::1".into())),
            ],
        ),
        layer(
            &icmpv6::ECHO_REQUEST,
            vec![
                ("id", Input::Int(0x1234)),
                ("seq", Input::Int(7)),
                ("data", Input::Bytes(b"12345678".to_vec())),
            ],
        ),
    ])
}

fn bench6(c: &mut Criterion) {
    let mut g = c.benchmark_group("ipv6_icmpv6_8");
    g.throughput(Throughput::Elements(1));
    g.bench_function("construct_and_build", |b| {
        b.iter(|| black_box(construct6()).build())
    });
    let bytes = construct6().build();
    g.bench_function("dissect", |b| {
        b.iter(|| Packet::dissect(&IPV6_LAYER, black_box(&bytes)))
    });
    g.finish();
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

criterion_group!(benches, bench, bench6);
criterion_main!(benches);
