//! TCP (RFC 9293) header and options: EOL, NOP, MSS, WScale, SAckOK, SAck,
//! Timestamp and the rest of Scapy's table; unknown options are kept raw.

use super::names::TCP_SERVICES;
use crate::packet::decl::{
    auto, bits, int, short, Bind, Default, Field, Fixup, Kind, LayerDef, LayerKind, Len, Show,
    SummaryCtx, TlvDef, TlvFmt,
};
use crate::packet::matching::{hashret_at, MatchOpts};
use crate::packet::show::int_repr;
use crate::packet::{Layer, Packet};

pub const SPORT: usize = 0;
pub const DPORT: usize = 1;
pub const SEQ: usize = 2;
pub const ACK: usize = 3;
pub const DATAOFS: usize = 4;
pub const FLAGS: usize = 6;
pub const CHKSUM: usize = 8;
pub const OPTIONS: usize = 10;

/// Flag letters, least significant bit first.
pub static FLAG_NAMES: &[&str] = &["F", "S", "R", "P", "A", "U", "E", "C", "N"];

/// Known TCP options and how their values are laid out.
pub static OPTIONS_TABLE: &[TlvDef] = &[
    TlvDef {
        kind: 0,
        name: "EOL",
        fmt: TlvFmt::Single,
    },
    TlvDef {
        kind: 1,
        name: "NOP",
        fmt: TlvFmt::Single,
    },
    TlvDef {
        kind: 2,
        name: "MSS",
        fmt: TlvFmt::U16,
    },
    TlvDef {
        kind: 3,
        name: "WScale",
        fmt: TlvFmt::U8,
    },
    TlvDef {
        kind: 4,
        name: "SAckOK",
        fmt: TlvFmt::Empty,
    },
    TlvDef {
        kind: 5,
        name: "SAck",
        fmt: TlvFmt::U32List,
    },
    TlvDef {
        kind: 8,
        name: "Timestamp",
        fmt: TlvFmt::U32Pair,
    },
    TlvDef {
        kind: 14,
        name: "AltChkSum",
        fmt: TlvFmt::Bytes,
    },
    TlvDef {
        kind: 15,
        name: "AltChkSumOpt",
        fmt: TlvFmt::Empty,
    },
    TlvDef {
        kind: 19,
        name: "MD5",
        fmt: TlvFmt::Bytes,
    },
    TlvDef {
        kind: 25,
        name: "Mood",
        fmt: TlvFmt::Bytes,
    },
    TlvDef {
        kind: 28,
        name: "UTO",
        fmt: TlvFmt::U16,
    },
    TlvDef {
        kind: 29,
        name: "AO",
        fmt: TlvFmt::Bytes,
    },
    TlvDef {
        kind: 34,
        name: "TFO",
        fmt: TlvFmt::U32Pair,
    },
];

fn options_len(l: &Layer) -> usize {
    (l.int(DATAOFS) as usize).saturating_sub(5) * 4
}

static FIELDS: [Field; 11] = [
    short("sport", 20).show(Show::Enum(TCP_SERVICES)),
    short("dport", 80).show(Show::Enum(TCP_SERVICES)),
    int("seq", 0).quoted_class("MayEnd").may_end(),
    int("ack", 0),
    auto("dataofs", 4).doc("header length in 32-bit words; computed when unset"),
    bits("reserved", 3, 0),
    bits("flags", 9, 2)
        .show(Show::Flags(FLAG_NAMES))
        .doc("letters of FSRPAUECN, e.g. \"S\", \"SA\", \"PA\""),
    short("window", 8192),
    auto("chksum", 16)
        .hex()
        .doc("computed with the IPv4 pseudo-header when unset"),
    short("urgptr", 0),
    Field::new(
        "options",
        Kind::Tlvs(OPTIONS_TABLE, Len::From(options_len)),
        Default::Empty,
    )
    .scapy_default("b''")
    .doc("(name, value) pairs: [(\"MSS\", 1460), (\"NOP\", None), (\"WScale\", 7)]"),
];

fn fixup(fx: &mut Fixup) {
    let hdr_len = fx.header_end() - fx.start();
    if fx.is_auto(DATAOFS) {
        let at = fx.start() + 12;
        if hdr_len / 4 > 15 {
            crate::packet::build::overflow(|| {
                format!("TCP.dataofs: a {hdr_len}-byte header does not fit in 4 bits of 32-bit words (at most 60 bytes)")
            });
        }
        if let Some(b) = fx.buf.get(at).copied() {
            fx.put8(12, (((hdr_len / 4) as u8) << 4) | (b & 0x0f));
        }
    }
    if fx.is_auto(CHKSUM) {
        let total = fx.end - fx.start();
        if let Some(sum) = fx.pseudo_sum(6, total) {
            fx.put_checksum(16, sum, false);
        }
    }
}

fn summary(c: &SummaryCtx) -> String {
    let l = c.layer();
    let f = &l.def.fields;
    let sport = int_repr(l, &f[SPORT], l.wide(SPORT));
    let dport = int_repr(l, &f[DPORT], l.wide(DPORT));
    let flags = int_repr(l, &f[FLAGS], l.wide(FLAGS));
    match c.under_addresses() {
        Some((src, dst)) => format!("TCP {src}:{sport} > {dst}:{dport} {flags}"),
        None => format!("TCP {sport} > {dport} {flags}"),
    }
}

fn hashret(p: &Packet, i: usize, o: &MatchOpts, key: &mut Vec<u8>) {
    let l = &p.layers[i];
    if o.check_ip_src {
        key.extend_from_slice(&((l.int(SPORT) ^ l.int(DPORT)) as u16).to_be_bytes());
    }
    hashret_at(p, i + 1, o, key);
}

fn has(flags: u64, flag: &str) -> bool {
    FLAG_NAMES
        .iter()
        .position(|n| *n == flag)
        .is_some_and(|b| flags & (1 << b) != 0)
}

/// SYN-ACK answers SYN, RST answers anything not RST, data answers by seq/ack.
fn answers(reply: &Packet, ri: usize, req: &Packet, qi: usize, o: &MatchOpts) -> bool {
    let r = &reply.layers[ri];
    let q = match req.layers.get(qi) {
        Some(q) if std::ptr::eq(q.def, &TCP) => q,
        _ => return false,
    };
    if r.quoted {
        if o.check_ip_src && (r.int(SPORT) != q.int(SPORT) || r.int(DPORT) != q.int(DPORT)) {
            return false;
        }
        if o.check_tcp_error_seqack {
            if r.present(SEQ) && r.int(SEQ) != q.int(SEQ) {
                return false;
            }
            if r.present(ACK) && r.int(ACK) != q.int(ACK) {
                return false;
            }
        }
        return true;
    }
    let (rf, qf) = (r.int(FLAGS), q.int(FLAGS));
    if has(qf, "R") {
        return false;
    }
    if has(rf, "S") && (!has(rf, "A") || !has(qf, "S")) {
        return false;
    }
    if o.check_ip_src && (r.int(SPORT) != q.int(DPORT) || r.int(DPORT) != q.int(SPORT)) {
        return false;
    }
    let q_syn_only = has(qf, "S") && !has(qf, "A");
    if !q_syn_only && q.int(ACK).abs_diff(r.int(SEQ)) > 2 {
        return false;
    }
    if has(rf, "R") && !has(rf, "A") {
        return true;
    }
    let q_payload = req.from_index(qi + 1).build().len() as u64;
    q.int(SEQ).abs_diff(r.int(ACK)) <= 2 + q_payload
}

/// Transmission Control Protocol.
pub static TCP: LayerDef = LayerDef {
    quoted_names: Some(("TCPerror", "TCP in ICMP")),
    doc: "Transmission Control Protocol. Data offset and checksum are computed when unset.",
    fixup: Some(fixup),
    summary: Some(summary),
    hashret: Some(hashret),
    answers: Some(answers),
    ..LayerDef::base("TCP", "TCP", LayerKind::Protocol, &FIELDS)
};

pub static DEFS: &[&LayerDef] = &[&TCP];

pub static BINDS: &[Bind] = &[Bind::new(
    &super::ipv4::IP,
    &TCP,
    &[("frag", 0), ("proto", 6)],
)];
