//! `respond`: answers ICMP echo (8), timestamp (13, with real milliseconds
//! since midnight UTC), information (15) and address-mask (17) requests sent
//! to the addresses it owns, at layer 2 on one interface. Linux itself never
//! answers address-mask requests; this makes the RFC 950 layout testable.

use super::Sink;
use crate::layers::{ether::ETHER, icmp::ICMP, ipv4::IP};
use crate::net::{NetError, Network, SendOptions, SniffOptions};
use crate::packet::{Layer, Packet, Timestamp, Value};
use std::net::Ipv4Addr;

#[derive(Clone, Debug)]
pub struct Options {
    pub iface: String,
    /// Networks whose addresses we answer for.
    pub owns: Vec<(u32, u8)>,
    /// Request types to answer (8, 13, 15, 17).
    pub types: Vec<u64>,
    /// The mask given in address-mask replies.
    pub mask: Ipv4Addr,
    /// Stop after this many answers.
    pub count: Option<u64>,
    pub timeout: Option<f64>,
}

fn owned(o: &Options, a: u32) -> bool {
    o.owns.iter().any(|&(base, p)| {
        let m = if p == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(p))
        };
        a & m == base & m
    })
}

/// The answer to `req` (an Ether/IP/ICMP frame), if it is ours to answer.
pub fn answer(o: &Options, req: &Packet) -> Option<Packet> {
    let eth = req.layers.first().filter(|l| std::ptr::eq(l.def, &ETHER))?;
    let ip = req.layers.get(1).filter(|l| std::ptr::eq(l.def, &IP))?;
    let icmp = req.layers.get(2).filter(|l| std::ptr::eq(l.def, &ICMP))?;
    let ty = icmp.int(crate::layers::icmp::TYPE);
    let dst = ip.int(crate::layers::ipv4::DST) as u32;
    if !o.types.contains(&ty) || !owned(o, dst) {
        return None;
    }
    let mut e = Layer::new(&ETHER);
    e.set(0, Value::Int(eth.int(1)));
    e.set(1, Value::Int(eth.int(0)));
    let mut rip = Layer::new(&IP);
    rip.set(crate::layers::ipv4::SRC, Value::Int(u64::from(dst)));
    rip.set(
        crate::layers::ipv4::DST,
        Value::Int(ip.int(crate::layers::ipv4::SRC)),
    );
    let mut r = Layer::new(&ICMP);
    r.set(crate::layers::icmp::TYPE, Value::Int(ty + 1));
    r.set(
        crate::layers::icmp::ID,
        Value::Int(icmp.int(crate::layers::icmp::ID)),
    );
    r.set(
        crate::layers::icmp::SEQ,
        Value::Int(icmp.int(crate::layers::icmp::SEQ)),
    );
    let mut layers = vec![e, rip];
    match ty {
        13 => {
            let now = Timestamp::now();
            let ms =
                ((now.secs.rem_euclid(86_400)) * 1000 + i64::from(now.nanos / 1_000_000)) as u64;
            r.set(
                crate::layers::icmp::TS_ORI,
                Value::Int(icmp.int(crate::layers::icmp::TS_ORI)),
            );
            r.set(crate::layers::icmp::TS_RX, Value::Int(ms));
            r.set(crate::layers::icmp::TS_TX, Value::Int(ms));
            layers.push(r);
        }
        17 => {
            r.set(
                crate::layers::icmp::ADDR_MASK,
                Value::Int(u64::from(u32::from(o.mask))),
            );
            layers.push(r);
        }
        _ => {
            layers.push(r);
            // echo and information replies carry the request's data back
            layers.extend(
                req.layers[3..]
                    .iter()
                    .filter(|l| l.def.name == "Raw")
                    .cloned(),
            );
        }
    }
    Some(Packet {
        layers,
        ..Packet::default()
    })
}

fn type_name(t: u64) -> &'static str {
    crate::layers::icmp::type_name(t).unwrap_or("icmp")
}

/// Answers until `count` answers, the timeout, or Ctrl-C. Returns how many.
pub fn run(net: &dyn Network, o: &Options, sink: Sink) -> Result<u64, NetError> {
    let mut answered = 0u64;
    let mut failure: Option<NetError> = None;
    let sniff = SniffOptions {
        iface: Some(o.iface.clone()),
        timeout: o.timeout,
        filter: None,
    };
    sink(&format!(
        "answering {} on {} for {}",
        o.types
            .iter()
            .map(|t| type_name(*t))
            .collect::<Vec<_>>()
            .join(", "),
        o.iface,
        o.owns
            .iter()
            .map(|(b, p)| format!("{}/{p}", Ipv4Addr::from(*b)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let send_opts = SendOptions {
        iface: Some(o.iface.clone()),
        layer2: true,
        ..SendOptions::default()
    };
    net.sniff(&sniff, &mut |w| {
        let req = w.packet();
        let Some(reply) = answer(o, &req) else {
            return true;
        };
        let from = Ipv4Addr::from(req.layers[1].int(crate::layers::ipv4::SRC) as u32);
        let to = Ipv4Addr::from(req.layers[1].int(crate::layers::ipv4::DST) as u32);
        let ty = req.layers[2].int(0);
        if let Err(e) = net.send(&mut std::iter::once(reply), &send_opts) {
            failure = Some(e);
            return false;
        }
        answered += 1;
        sink(&format!("answered {} from {from} for {to}", type_name(ty)));
        o.count.is_none_or(|c| answered < c)
    })?;
    crate::sys::clear_interrupt();
    match failure {
        Some(e) => Err(e),
        None => Ok(answered),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::Input;

    fn request(ty: i128, dst: &str) -> Packet {
        let mut e = Layer::new(&ETHER);
        e.set_input("src", Input::Str("02:00:00:00:00:01".into()))
            .unwrap();
        e.set_input("dst", Input::Str("02:00:00:00:00:02".into()))
            .unwrap();
        let mut ip = Layer::new(&IP);
        ip.set_input("src", Input::Str("198.18.0.1".into()))
            .unwrap();
        ip.set_input("dst", Input::Str(dst.into())).unwrap();
        let mut icmp = Layer::new(&ICMP);
        icmp.set_input("type", Input::Int(ty)).unwrap();
        icmp.set_input("id", Input::Int(9)).unwrap();
        icmp.set_input("seq", Input::Int(4)).unwrap();
        let p = Packet {
            layers: vec![e, ip, icmp],
            ..Packet::default()
        };
        Packet::dissect(&ETHER, &p.build())
    }

    fn opts() -> Options {
        Options {
            iface: "x".into(),
            owns: vec![(u32::from(Ipv4Addr::new(198, 19, 0, 0)), 16)],
            types: vec![8, 13, 15, 17],
            mask: Ipv4Addr::new(255, 255, 0, 0),
            count: None,
            timeout: None,
        }
    }

    #[test]
    fn answers_mask_and_timestamp_requests_for_owned_addresses() {
        let r = answer(&opts(), &request(17, "198.19.5.5")).expect("answered");
        let d = Packet::dissect(&ETHER, &r.build());
        assert_eq!(
            crate::packet::show::summary(&d),
            "Ether / IP / ICMP 198.19.5.5 > 198.18.0.1 address-mask-reply 0"
        );
        assert_eq!(d.layers[2].int(crate::layers::icmp::ADDR_MASK), 0xffff_0000);
        assert_eq!(
            d.layers[0].int(0),
            0x0200_0000_0001,
            "back to the requester's MAC"
        );
        let r = answer(&opts(), &request(13, "198.19.5.5")).expect("answered");
        let d = Packet::dissect(&ETHER, &r.build());
        assert_eq!(d.layers[2].int(0), 14);
        assert!(d.layers[2].int(crate::layers::icmp::TS_RX) < 86_400_000);
        assert!(
            answer(&opts(), &request(17, "198.18.5.5")).is_none(),
            "not ours"
        );
        assert!(
            answer(&opts(), &request(0, "198.19.5.5")).is_none(),
            "not a request"
        );
    }
}
