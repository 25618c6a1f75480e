//! Checksum verification: each `chksum` field a packet carries is compared
//! with what building would compute. Reported (good/bad), never enforced:
//! crafted packets are allowed to be wrong.

use super::build::build_with_spans;
use super::layer::Layer;
use super::Packet;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Good,
    Bad {
        expected: u16,
    },
    /// UDP's "no checksum" (0).
    Absent,
    /// Not checkable: a truncated layer (quoted datagrams usually are).
    Unverifiable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub layer: usize,
    pub field: usize,
    pub value: u16,
    pub status: Status,
}

/// Byte offset of field `fi` inside its layer's header, if it is byte aligned.
pub fn field_offset(l: &Layer, fi: usize) -> Option<usize> {
    let mut bits = 0usize;
    for (i, f) in l.def.fields.iter().enumerate().take(fi) {
        if !l.present(i) {
            continue;
        }
        bits += f.kind_for(l).scalar_bits()? as usize;
    }
    (bits % 8 == 0).then_some(bits / 8)
}

/// Verifies every checksum field that holds a value (dissected packets hold
/// them all).
pub fn checksums(p: &Packet) -> Vec<Report> {
    let mut out = Vec::new();
    for (i, l) in p.layers.iter().enumerate() {
        let Some(fi) = l.def.field_index("chksum") else {
            continue;
        };
        if !l.present(fi) || !l.is_set(fi) {
            continue;
        }
        let value = l.int(fi) as u16;
        let status = if l.def.name == "UDP" && value == 0 {
            Status::Absent
        } else if truncated(p, i) {
            Status::Unverifiable
        } else {
            let mut q = p.clone();
            q.layers[i].clear(fi);
            let (bytes, spans) = build_with_spans(&q);
            match field_offset(&q.layers[i], fi).map(|o| spans[i].0 + o) {
                Some(at) if at + 2 <= bytes.len() => {
                    let expected = u16::from_be_bytes([bytes[at], bytes[at + 1]]);
                    if expected == value {
                        Status::Good
                    } else {
                        Status::Bad { expected }
                    }
                }
                _ => Status::Unverifiable,
            }
        };
        out.push(Report {
            layer: i,
            field: fi,
            value,
            status,
        });
    }
    out
}

/// True when layer `i` or what it covers was cut short (an ICMP quote).
fn truncated(p: &Packet, i: usize) -> bool {
    if p.layers[i..].iter().any(|l| l.present.is_some()) {
        return true;
    }
    // a quoted transport header whose IP says more bytes than were quoted
    if let Some(ip) = (0..i).rev().find(|&k| p.layers[k].def.name == "IP") {
        let ipl = &p.layers[ip];
        if ipl.quoted && i > ip {
            let stated = ipl.int(super::super::layers::ipv4::LEN) as usize;
            let have: usize = {
                let b = Packet {
                    layers: p.layers[ip..].to_vec(),
                    ..Packet::default()
                }
                .build();
                b.len()
            };
            return stated != have;
        }
    }
    false
}

/// A short note for display: `None` when good (or nothing to say).
pub fn note(p: &Packet, layer: usize, field: usize) -> Option<String> {
    checksums(p)
        .into_iter()
        .find(|r| r.layer == layer && r.field == field)
        .and_then(|r| match r.status {
            Status::Bad { expected } => Some(format!("[bad, should be {expected:#06x}]")),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::ipv4::IP;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn good_and_bad_checksums() {
        let good = Packet::dissect(
            &IP,
            &unhex("4500001c000100004001edb8c6120001c61201020800f7ff00000000"),
        );
        assert!(checksums(&good).iter().all(|r| r.status == Status::Good));
        let bad = Packet::dissect(
            &IP,
            &unhex("4500001c0001000040011234c6120001c61201020800f7fe00000000"),
        );
        let r = checksums(&bad);
        assert_eq!(r[0].status, Status::Bad { expected: 0xedb8 });
        assert_eq!(r[1].status, Status::Bad { expected: 0xf7ff });
    }

    #[test]
    fn quoted_transport_is_unverifiable() {
        let h = "45000038000100004001ed9cc6120001c61201020304f913000003e8450004b0000140004001a924c6120102c61200010800f7ff00000000";
        let p = Packet::dissect(&IP, &unhex(h));
        let r = checksums(&p);
        assert_eq!(r.len(), 4);
        assert_eq!(r[2].status, Status::Good, "quoted IP header checksum");
        assert_eq!(
            r[3].status,
            Status::Unverifiable,
            "quoted ICMP of a 1200-byte datagram"
        );
    }
}
