//! Request/answer matching. Each layer declares `hashret` (a key shared by a
//! request and its answers, for fast bucketing) and `answers` (the exact test);
//! these helpers walk the layer stacks the way Scapy does.

use super::decl::LayerKind;
use super::Packet;

/// Matching knobs (Scapy's `conf.checkIPsrc`, `checkIPaddr`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatchOpts {
    /// Ports must match exactly in both directions (and IP sources for errors).
    pub check_ip_src: bool,
    /// A reply's source must be the request's destination.
    pub check_ip_addr: bool,
    /// A quoted IP id must equal the request's.
    pub check_ip_id: bool,
    /// A quoted TCP seq/ack must equal the request's.
    pub check_tcp_error_seqack: bool,
    /// Hash without addresses: the key a request to a group address has
    /// (the engine looks replies up under it too while such requests wait).
    pub wildcard: bool,
}

impl Default for MatchOpts {
    fn default() -> Self {
        MatchOpts {
            check_ip_src: true,
            check_ip_addr: true,
            check_ip_id: false,
            check_tcp_error_seqack: false,
            wildcard: false,
        }
    }
}

/// True when `reply` answers `req`.
pub fn answers(reply: &Packet, req: &Packet, opts: &MatchOpts) -> bool {
    answers_at(reply, 0, req, 0, opts)
}

/// True when `reply` from layer `ri` answers `req` from layer `qi`.
pub fn answers_at(reply: &Packet, ri: usize, req: &Packet, qi: usize, opts: &MatchOpts) -> bool {
    let Some(r) = reply.layers.get(ri) else {
        // nothing left in the reply: it answers an exhausted (or padded) request
        return req
            .layers
            .get(qi)
            .is_none_or(|l| l.def.kind == LayerKind::Padding);
    };
    if let Some(f) = r.def.answers {
        return f(reply, ri, req, qi, opts);
    }
    match req.layers.get(qi) {
        Some(q) if std::ptr::eq(q.def, r.def) => answers_at(reply, ri + 1, req, qi + 1, opts),
        _ => false,
    }
}

/// The bucketing key of `p` from layer `idx` inward.
pub fn hashret(p: &Packet, opts: &MatchOpts) -> Vec<u8> {
    let mut key = Vec::with_capacity(16);
    hashret_at(p, 0, opts, &mut key);
    key
}

pub fn hashret_at(p: &Packet, idx: usize, opts: &MatchOpts, key: &mut Vec<u8>) {
    let Some(l) = p.layers.get(idx) else {
        return;
    };
    match l.def.hashret {
        Some(f) => f(p, idx, opts, key),
        None => hashret_at(p, idx + 1, opts, key),
    }
}
