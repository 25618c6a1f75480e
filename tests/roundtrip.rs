//! Property: for random packets, dissect(build(p)) rebuilds the same bytes,
//! every field the user set reads back with the same value, and every
//! computed checksum verifies.

use packsmith::layers::{arp::ARP, ether::ETHER, icmp::ICMP, ipv4, raw::RAW, tcp::TCP, udp::UDP};
use packsmith::packet::verify::{checksums, Status};
use packsmith::packet::{Input, Layer, LayerDef, Packet, Value};
use proptest::prelude::*;

type Spec = (&'static LayerDef, Vec<(&'static str, Input)>);

fn int(v: u64) -> Input {
    Input::Int(i128::from(v))
}

fn ip_option() -> impl Strategy<Value = Input> {
    prop_oneof![
        Just(Input::Packet(Packet::of(&ipv4::NOP))),
        prop::collection::vec(any::<u32>(), 0..4).prop_map(|r| {
            let mut l = Layer::new(&ipv4::RR);
            let routers = r
                .into_iter()
                .map(|a| Input::Str(std::net::Ipv4Addr::from(a).to_string()))
                .collect();
            l.set_input("routers", Input::List(routers))
                .expect("routers");
            Input::Packet(Packet::from_layer(l))
        }),
        (any::<u32>(), 0u64..2).prop_map(|(ts, flg)| {
            let mut l = Layer::new(&ipv4::TIMESTAMP);
            l.set_input("timestamp", int(u64::from(ts))).expect("ts");
            l.set_input("flg", int(flg)).expect("flg");
            Input::Packet(Packet::from_layer(l))
        }),
        any::<u16>().prop_map(|a| {
            let mut l = Layer::new(&ipv4::ROUTER_ALERT);
            l.set_input("alert", int(u64::from(a))).expect("alert");
            Input::Packet(Packet::from_layer(l))
        }),
    ]
}

fn ip(quoted: bool) -> impl Strategy<Value = Spec> {
    (
        any::<u8>(),
        any::<u16>(),
        0u64..4,
        1u8..=255,
        any::<u32>(),
        any::<u32>(),
        prop::collection::vec(ip_option(), 0..3),
    )
        .prop_map(move |(tos, id, flags, ttl, src, dst, opts)| {
            let mut f = vec![
                ("tos", int(u64::from(tos))),
                ("id", int(u64::from(id))),
                ("flags", int(flags & 2)),
                ("ttl", int(u64::from(ttl))),
                ("src", Input::Str(std::net::Ipv4Addr::from(src).to_string())),
                ("dst", Input::Str(std::net::Ipv4Addr::from(dst).to_string())),
            ];
            if !opts.is_empty() && !quoted {
                f.push(("options", Input::List(opts)));
            }
            (&ipv4::IP, f)
        })
}

fn icmp_plain() -> impl Strategy<Value = Spec> {
    (
        prop::sample::select(vec![0u64, 8, 13, 14, 15, 16, 17, 18, 9, 10, 30, 40, 42]),
        any::<u8>(),
        any::<u16>(),
        any::<u16>(),
        any::<u32>(),
    )
        .prop_map(|(ty, code, id, seq, v)| {
            let mut f = vec![("type", int(ty)), ("code", int(u64::from(code)))];
            if matches!(ty, 0 | 8 | 13..=18) {
                f.push(("id", int(u64::from(id))));
                f.push(("seq", int(u64::from(seq))));
            }
            if matches!(ty, 13 | 14) {
                for k in ["ts_ori", "ts_rx", "ts_tx"] {
                    f.push((k, int(u64::from(v % 86_400_000))));
                }
            }
            if matches!(ty, 17 | 18) {
                f.push(("addr_mask", int(u64::from(v))));
            }
            (&ICMP, f)
        })
}

fn icmp_error() -> impl Strategy<Value = Spec> {
    (
        prop::sample::select(vec![3u64, 4, 5, 11, 12]),
        0u64..16,
        any::<u16>(),
        any::<u8>(),
    )
        .prop_map(|(ty, code, mtu, ptr)| {
            let mut f = vec![("type", int(ty)), ("code", int(code))];
            match ty {
                3 => f.push(("nexthopmtu", int(u64::from(mtu)))),
                5 => f.push(("gw", int(u64::from(mtu) << 8))),
                12 => f.push(("ptr", int(u64::from(ptr)))),
                _ => {}
            }
            (&ICMP, f)
        })
}

fn udp() -> impl Strategy<Value = Spec> {
    (any::<u16>(), any::<u16>()).prop_map(|(s, d)| {
        (
            &UDP,
            vec![("sport", int(u64::from(s))), ("dport", int(u64::from(d)))],
        )
    })
}

fn tcp_option() -> impl Strategy<Value = Input> {
    prop_oneof![
        Just(Input::Tuple(vec![Input::Str("NOP".into()), Input::None])),
        any::<u16>().prop_map(|m| Input::Tuple(vec![Input::Str("MSS".into()), int(u64::from(m))])),
        (0u64..15).prop_map(|w| Input::Tuple(vec![Input::Str("WScale".into()), int(w)])),
        Just(Input::Tuple(vec![
            Input::Str("SAckOK".into()),
            Input::Bytes(vec![])
        ])),
        (any::<u32>(), any::<u32>()).prop_map(|(a, b)| {
            Input::Tuple(vec![
                Input::Str("Timestamp".into()),
                Input::Tuple(vec![int(u64::from(a)), int(u64::from(b))]),
            ])
        }),
    ]
}

fn tcp() -> impl Strategy<Value = Spec> {
    (
        any::<u16>(),
        any::<u16>(),
        any::<u32>(),
        any::<u32>(),
        0u64..512,
        any::<u16>(),
        prop::collection::vec(tcp_option(), 0..4),
    )
        .prop_map(|(s, d, seq, ack, flags, win, opts)| {
            let mut f = vec![
                ("sport", int(u64::from(s))),
                ("dport", int(u64::from(d))),
                ("seq", int(u64::from(seq))),
                ("ack", int(u64::from(ack))),
                ("flags", int(flags)),
                ("window", int(u64::from(win))),
            ];
            if !opts.is_empty() {
                f.push(("options", Input::List(opts)));
            }
            (&TCP, f)
        })
}

fn raw() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(any::<u8>(), 0..48).prop_map(|b| {
        if b.is_empty() {
            vec![]
        } else {
            vec![(&RAW as &'static LayerDef, vec![("load", Input::Bytes(b))])]
        }
    })
}

fn mac(v: u64) -> Input {
    Input::Int(i128::from(v & 0xffff_ffff_ffff))
}

fn stack() -> impl Strategy<Value = Vec<Spec>> {
    let transport = prop_oneof![
        (icmp_plain(), raw()).prop_map(|(a, r)| [vec![a], r].concat()),
        (udp(), raw()).prop_map(|(a, r)| [vec![a], r].concat()),
        (tcp(), raw()).prop_map(|(a, r)| [vec![a], r].concat()),
        (
            icmp_error(),
            ip(true),
            prop_oneof![udp(), tcp(), icmp_plain()]
        )
            .prop_map(|(e, q, t)| vec![e, q, t]),
    ];
    let l3 = (ip(false), transport)
        .prop_map(|(i, t)| [vec![i], t].concat())
        .boxed();
    prop_oneof![
        l3.clone(),
        (any::<u64>(), any::<u64>(), l3).prop_map(|(s, d, rest)| {
            [
                vec![(
                    &ETHER as &'static LayerDef,
                    vec![("src", mac(s)), ("dst", mac(d))],
                )],
                rest,
            ]
            .concat()
        }),
        (any::<u64>(), any::<u32>(), any::<u32>(), 1u64..3).prop_map(|(m, ps, pd, op)| {
            vec![
                (&ETHER as &'static LayerDef, vec![("src", mac(m))]),
                (
                    &ARP,
                    vec![
                        ("op", int(op)),
                        ("hwsrc", mac(m)),
                        ("psrc", int(u64::from(ps))),
                        ("pdst", int(u64::from(pd))),
                    ],
                ),
            ]
        }),
    ]
}

fn make(spec: &[Spec]) -> Packet {
    let mut p = Packet::new();
    for (def, fields) in spec {
        let mut l = Layer::new(def);
        for (k, v) in fields {
            l.set_input(k, v.clone())
                .unwrap_or_else(|e| panic!("{}.{k}: {e}", def.name));
        }
        p.layers.push(l);
    }
    p
}

/// A field value with option-list padding (end-of-list entries) removed and
/// option sub-layers compared by their own built bytes.
fn semantic(v: Option<&Value>) -> Option<Value> {
    match v? {
        Value::Options(opts) => {
            let bytes: Vec<u8> = opts
                .iter()
                .filter(|o| !std::ptr::eq(o.def, &ipv4::EOL))
                .flat_map(|o| Packet::from_layer(o.clone()).build())
                .collect();
            Some(Value::Bytes(bytes))
        }
        Value::Tlvs(t) => Some(Value::Tlvs(
            t.iter().filter(|o| o.kind != 0).cloned().collect(),
        )),
        other => Some(other.clone()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn dissect_of_build_round_trips(spec in stack()) {
        let p = make(&spec);
        let bytes = p.build();
        let d = Packet::dissect(p.layers[0].def, &bytes);
        prop_assert_eq!(d.build(), bytes.clone());
        // the fields the user set read back unchanged
        for (i, (l, dl)) in p.layers.iter().zip(&d.layers).enumerate() {
            if !std::ptr::eq(l.def, dl.def) {
                break;
            }
            for fi in l.set_fields() {
                if dl.present(fi) {
                    prop_assert_eq!(semantic(l.get(fi)), semantic(dl.get(fi)), "layer {} {} field {}", i, l.def.name, l.def.fields[fi].name);
                }
            }
        }
        // computed checksums verify
        for r in checksums(&d) {
            prop_assert!(!matches!(r.status, Status::Bad { .. }), "{:?} in {}", r, packsmith::packet::show::summary(&d));
        }
    }
}
