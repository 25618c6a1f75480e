//! An in-memory network for testing the engine without privileges: what is
//! sent goes to a responder function whose replies come back through the
//! receiver, after an optional delay.

use super::engine::{exchange, Ready, Unready};
use super::{
    NetError, Network, Rx, SendOptions, SendReport, SniffOptions, SrOptions, SrResult, Tx,
};
use crate::packet::{Packet, Timestamp, WirePacket};
use std::net::Ipv4Addr;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Computes the replies to one sent packet (attempt counts from 0 per probe bytes).
pub type Responder = Arc<dyn Fn(&[u8], usize) -> Vec<Vec<u8>> + Send + Sync>;

pub struct FakeTx {
    wire: Sender<(Vec<u8>, Timestamp)>,
    responder: Responder,
    attempts: Arc<Mutex<std::collections::HashMap<Vec<u8>, usize>>>,
    delay: Duration,
    /// Everything sent, for assertions.
    pub sent: Arc<Mutex<Vec<Vec<u8>>>>,
}

pub struct FakeRx {
    wire: Receiver<(Vec<u8>, Timestamp)>,
}

impl Tx for FakeTx {
    fn send(&mut self, bytes: &[u8], _dst: std::net::IpAddr) -> std::io::Result<()> {
        if let Ok(mut s) = self.sent.lock() {
            s.push(bytes.to_vec());
        }
        let attempt = {
            let mut a = self
                .attempts
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?;
            let n = a.entry(bytes.to_vec()).or_insert(0);
            *n += 1;
            *n - 1
        };
        for r in (self.responder)(bytes, attempt) {
            let (wire, delay) = (self.wire.clone(), self.delay);
            if delay.is_zero() {
                let _ = wire.send((r, Timestamp::now()));
            } else {
                std::thread::spawn(move || {
                    std::thread::sleep(delay);
                    let _ = wire.send((r, Timestamp::now()));
                });
            }
        }
        Ok(())
    }
}

impl Rx for FakeRx {
    fn recv(&mut self, wait: Duration) -> std::io::Result<Option<(Vec<u8>, Timestamp)>> {
        match self.wire.recv_timeout(wait) {
            Ok(x) => Ok(Some(x)),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => Ok(None),
        }
    }
}

/// A connected fake transmitter and receiver.
pub fn pair(responder: Responder, delay: Duration) -> (FakeTx, FakeRx) {
    let (tx, rx) = channel();
    (
        FakeTx {
            wire: tx,
            responder,
            attempts: Default::default(),
            delay,
            sent: Default::default(),
        },
        FakeRx { wire: rx },
    )
}

/// A `Network` over the fake wire (layer 3; sources must be set by the caller).
pub struct FakeNet {
    pub responder: Responder,
    pub delay: Duration,
}

impl Network for FakeNet {
    fn sr(
        &self,
        probes: &mut dyn Iterator<Item = Packet>,
        opts: &SrOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<SrResult, NetError> {
        let (mut tx, rx) = pair(self.responder.clone(), self.delay);
        let mut ready = probes.map(|p| {
            let dst = Ipv4Addr::from(
                p.layers
                    .first()
                    .map(|l| l.int(crate::layers::ipv4::DST) as u32)
                    .unwrap_or(0),
            );
            Ok::<Ready, Unready>(Ready {
                bytes: p.build(),
                dst: dst.into(),
            })
        });
        exchange(
            &mut tx,
            Box::new(rx),
            opts.first,
            &mut ready,
            opts,
            progress,
        )
    }
    fn send(
        &self,
        pkts: &mut dyn Iterator<Item = Packet>,
        opts: &SendOptions,
    ) -> Result<SendReport, NetError> {
        let (mut tx, _rx) = pair(self.responder.clone(), self.delay);
        let mut ready = pkts.map(|p| {
            Ok(Ready {
                bytes: p.build(),
                dst: Ipv4Addr::UNSPECIFIED.into(),
            })
        });
        super::send_loop(&mut tx, &mut ready, opts)
    }
    fn sniff(
        &self,
        _opts: &SniffOptions,
        _on: &mut dyn FnMut(WirePacket) -> bool,
    ) -> Result<usize, NetError> {
        Ok(0)
    }
}

/// A responder that behaves like a Linux host for IPv4: echo and timestamp
/// requests get replies, UDP gets port-unreachable quoting the datagram,
/// TTL 1 gets time-exceeded from `router`.
pub fn linux_like(router: Ipv4Addr) -> Responder {
    Arc::new(move |bytes: &[u8], _attempt| {
        use crate::layers::{icmp::ICMP, ipv4::IP};
        use crate::packet::{Layer, Value};
        let p = Packet::dissect(&IP, bytes);
        let Some(ip) = p.layers.first() else {
            return vec![];
        };
        let (src, dst) = (
            ip.int(crate::layers::ipv4::SRC),
            ip.int(crate::layers::ipv4::DST),
        );
        let mut rip = Layer::new(&IP);
        rip.set(crate::layers::ipv4::DST, Value::Int(u128::from(src)));
        let error = |ty: u64, code: u64, from: u64| {
            let mut rip = Layer::new(&IP);
            rip.set(crate::layers::ipv4::SRC, Value::Int(u128::from(from)));
            rip.set(crate::layers::ipv4::DST, Value::Int(u128::from(src)));
            let mut icmp = Layer::new(&ICMP);
            icmp.set(0, Value::Int(u128::from(ty)));
            icmp.set(1, Value::Int(u128::from(code)));
            let quote = &bytes[..bytes.len().min(28)];
            let mut layers = vec![rip, icmp];
            layers.extend(crate::packet::dissect::dissect_as(&IP, quote, true).layers);
            Packet {
                layers,
                ..Packet::default()
            }
            .build()
        };
        if ip.int(crate::layers::ipv4::TTL) <= 1 {
            return vec![error(11, 0, u64::from(u32::from(router)))];
        }
        rip.set(crate::layers::ipv4::SRC, Value::Int(u128::from(dst)));
        match p.layers.get(1).map(|l| l.def.name) {
            Some("ICMP") => {
                let q = &p.layers[1];
                let ty = q.int(0);
                let reply_ty = match ty {
                    8 => 0,
                    13 => 14,
                    _ => return vec![],
                };
                let mut r = q.clone();
                r.set(0, Value::Int(reply_ty));
                r.clear(2);
                let mut layers = vec![rip, r];
                layers.extend(p.layers[2..].iter().cloned());
                vec![Packet {
                    layers,
                    ..Packet::default()
                }
                .build()]
            }
            Some("UDP") => vec![error(3, 3, dst)],
            _ => vec![],
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{icmp::ICMP, ipv4::IP, udp::UDP};
    use crate::packet::{Input, Layer};

    fn probe(dst: &str, ttl: u64, l4: &str, id: u64, seq: u64) -> Packet {
        let mut ip = Layer::new(&IP);
        ip.set_input("src", Input::Str("198.18.0.1".into()))
            .unwrap();
        ip.set_input("dst", Input::Str(dst.into())).unwrap();
        ip.set_input("ttl", Input::Int(i128::from(ttl))).unwrap();
        let mut t = match l4 {
            "udp" => Layer::new(&UDP),
            _ => Layer::new(&ICMP),
        };
        if l4 == "udp" {
            t.set_input("sport", Input::Int(i128::from(id))).unwrap();
            t.set_input("dport", Input::Int(i128::from(seq))).unwrap();
        } else {
            t.set_input("id", Input::Int(i128::from(id))).unwrap();
            t.set_input("seq", Input::Int(i128::from(seq))).unwrap();
        }
        Packet {
            layers: vec![ip, t],
            ..Packet::default()
        }
    }

    fn run(net: &FakeNet, probes: Vec<Packet>, opts: SrOptions) -> SrResult {
        net.sr(&mut probes.into_iter(), &opts, &mut |_, _| {})
            .unwrap()
    }

    fn net() -> FakeNet {
        FakeNet {
            responder: linux_like(Ipv4Addr::new(198, 18, 255, 2)),
            delay: Duration::ZERO,
        }
    }

    #[test]
    fn echo_replies_match_their_probes() {
        let probes: Vec<Packet> = (0..2000)
            .map(|i| probe(&format!("198.19.{}.{}", i / 256, i % 256), 64, "icmp", 7, i))
            .collect();
        let r = run(
            &net(),
            probes,
            SrOptions {
                timeout: Some(0.5),
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 2000);
        assert!(r.unanswered.is_empty());
        for (q, a) in &r.answered {
            let (q, a) = (q.packet(), a.packet());
            assert_eq!(q.layers[1].int(4), a.layers[1].int(4), "seq matches");
            assert_eq!(
                q.layers[0].int(11),
                a.layers[0].int(10),
                "reply comes from the probed address"
            );
            assert!(a.time >= q.time);
        }
    }

    #[test]
    fn errors_match_the_quoted_probe() {
        let probes = vec![
            probe("198.19.0.1", 64, "udp", 40000, 33434),
            probe("198.19.0.1", 1, "udp", 40001, 33435),
            probe("198.19.0.1", 1, "icmp", 9, 1),
        ];
        let r = run(
            &net(),
            probes,
            SrOptions {
                timeout: Some(0.3),
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 3);
        for (q, a) in &r.answered {
            let (q, a) = (q.packet(), a.packet());
            let ty = a.layers[1].int(0);
            match q.layers[0].int(crate::layers::ipv4::TTL) {
                1 => assert_eq!(ty, 11),
                _ => assert_eq!((ty, a.layers[1].int(1)), (3, 3)),
            }
            assert_eq!(
                a.layers[3].int(0),
                q.layers[1].int(0),
                "quoted transport header is the probe's"
            );
        }
    }

    #[test]
    fn quoted_icmp_type_must_match() {
        // an error quoting an echo with id 9 must not answer a timestamp request with id 9
        let mut ts = probe("198.19.0.1", 1, "icmp", 9, 1);
        ts.layers[1].set_input("type", Input::Int(13)).unwrap();
        let echo_reply_err: Responder = Arc::new(|bytes: &[u8], _| {
            let mut fake = bytes.to_vec();
            fake[20] = 8; // pretend the quote was an echo request
            let r = linux_like(Ipv4Addr::new(198, 18, 255, 2));
            r(&fake, 0)
        });
        let r = run(
            &FakeNet {
                responder: echo_reply_err,
                delay: Duration::ZERO,
            },
            vec![ts],
            SrOptions {
                timeout: Some(0.2),
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 0);
        assert_eq!(r.unanswered.len(), 1);
    }

    #[test]
    fn timeout_counts_from_last_send_and_retry_recovers() {
        // odd seq numbers are dropped on their first attempt
        let lossy: Responder = Arc::new(|bytes: &[u8], attempt| {
            let seq = bytes.get(27).copied().unwrap_or(0);
            if seq % 2 == 1 && attempt == 0 {
                return vec![];
            }
            linux_like(Ipv4Addr::new(198, 18, 255, 2))(bytes, attempt)
        });
        let n = FakeNet {
            responder: lossy,
            delay: Duration::ZERO,
        };
        let probes = || {
            (0..40)
                .map(|i| probe("198.19.0.1", 64, "icmp", 3, i))
                .collect::<Vec<_>>()
        };
        let r = run(
            &n,
            probes(),
            SrOptions {
                timeout: Some(0.2),
                ..SrOptions::default()
            },
        );
        assert_eq!((r.answered.len(), r.unanswered.len(), r.sent), (20, 20, 40));
        let r = run(
            &n,
            probes(),
            SrOptions {
                timeout: Some(0.2),
                retry: 2,
                ..SrOptions::default()
            },
        );
        assert_eq!((r.answered.len(), r.unanswered.len(), r.sent), (40, 0, 60));
    }

    #[test]
    fn late_answers_within_the_timeout_count() {
        let n = FakeNet {
            responder: linux_like(Ipv4Addr::new(198, 18, 255, 2)),
            delay: Duration::from_millis(150),
        };
        let r = run(
            &n,
            vec![probe("198.19.0.1", 64, "icmp", 1, 1)],
            SrOptions {
                timeout: Some(0.5),
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 1);
        let rtt = r.answered[0].1.time.since(&r.answered[0].0.time);
        assert!((0.14..0.5).contains(&rtt), "rtt {rtt}");
        let r = run(
            &n,
            vec![probe("198.19.0.1", 64, "icmp", 1, 1)],
            SrOptions {
                timeout: Some(0.05),
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 0);
    }

    #[test]
    fn multi_keeps_every_answer_and_first_only_stops_early() {
        let twice: Responder = Arc::new(|bytes: &[u8], a| {
            let r = linux_like(Ipv4Addr::new(198, 18, 255, 2))(bytes, a);
            r.iter().cloned().chain(r.iter().cloned()).collect()
        });
        let n = FakeNet {
            responder: twice,
            delay: Duration::ZERO,
        };
        let r = run(
            &n,
            vec![probe("198.19.0.1", 64, "icmp", 1, 1)],
            SrOptions {
                timeout: Some(0.2),
                multi: true,
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 2);
        let r = run(
            &n,
            vec![probe("198.19.0.1", 64, "icmp", 1, 1)],
            SrOptions {
                timeout: Some(0.2),
                ..SrOptions::default()
            },
        );
        assert_eq!(r.answered.len(), 1);
        let start = std::time::Instant::now();
        let r = run(
            &net(),
            (0..5)
                .map(|i| probe("198.19.0.1", 64, "icmp", 1, i))
                .collect(),
            SrOptions {
                timeout: Some(5.0),
                first_only: true,
                ..SrOptions::default()
            },
        );
        assert!(!r.answered.is_empty());
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "sr1 returns at its first answer"
        );
    }
}
