//! The packet model through its Rust API (the language has its own vector tests).

use packsmith::layers::{ether::ETHER, icmp::ICMP, ipv4::IP, raw::RAW, udp::UDP};
use packsmith::packet::{show, Input, Layer, LayerDef, Packet};

fn layer(def: &'static LayerDef, fields: &[(&str, Input)]) -> Packet {
    let mut l = Layer::new(def);
    for (k, v) in fields {
        l.set_input(k, v.clone()).expect("valid field");
    }
    Packet::from_layer(l)
}

fn s(x: &str) -> Input {
    Input::Str(x.into())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn ip() -> Packet {
    layer(&IP, &[("src", s("198.18.0.1")), ("dst", s("198.18.1.2"))])
}

#[test]
fn ip_icmp_builds_like_scapy() {
    colored::control::set_override(false);
    let p = ip().div(&layer(&ICMP, &[]));
    assert_eq!(
        hex(&p.build()),
        "4500001c000100004001edb8c6120001c61201020800f7ff00000000"
    );
    assert_eq!(
        show::summary(&Packet::dissect(&IP, &p.build())),
        "IP / ICMP 198.18.0.1 > 198.18.1.2 echo-request 0"
    );
}

#[test]
fn udp_in_icmp_error_round_trips() {
    colored::control::set_override(false);
    let h = "45000038000100004001ed9cc6120001c612010203038a3e000000004500001c000100004011eda8c6120102c61200019c40829a000853db";
    let d = Packet::dissect(&IP, &unhex(h));
    assert_eq!(
        show::summary(&d),
        "IP / ICMP 198.18.0.1 > 198.18.1.2 dest-unreach port-unreachable / IPerror / UDPerror"
    );
    assert_eq!(hex(&d.build()), h);
    let built = ip()
        .div(&layer(
            &ICMP,
            &[("type", Input::Int(3)), ("code", Input::Int(3))],
        ))
        .div(&layer(
            &IP,
            &[("src", s("198.18.1.2")), ("dst", s("198.18.0.1"))],
        ))
        .div(&layer(
            &UDP,
            &[("sport", Input::Int(40000)), ("dport", Input::Int(33434))],
        ));
    assert_eq!(hex(&built.build()), h);
}

#[test]
fn ether_payload_type_and_raw() {
    colored::control::set_override(false);
    let p = layer(
        &ETHER,
        &[
            ("src", s("02:00:00:00:00:01")),
            ("dst", s("02:00:00:00:00:02")),
        ],
    )
    .div(&layer(&RAW, &[("load", Input::Bytes(vec![0xaa, 0xbb]))]));
    assert_eq!(hex(&p.build()), "0200000000020200000000019000aabb");
    assert_eq!(
        show::summary(&Packet::dissect(&ETHER, &p.build())),
        "02:00:00:00:00:01 > 02:00:00:00:00:02 (0x9000) / Raw"
    );
}
