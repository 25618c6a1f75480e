//! Building: lay out every layer's header fields, run each layer's fix-up from
//! the innermost outward (lengths and checksums see their payload), then append
//! trailing padding. Computed fields the user set explicitly are left alone.

use super::decl::{Default, Fixup, Kind, LayerKind, TlvDef, TlvFmt};
use super::layer::{default_int, Layer};
use super::value::{Rng, Tlv, TlvValue, Value};
use super::Packet;
use std::sync::OnceLock;

/// Resolves the source address the kernel would use towards a destination
/// of an address family (IPv4 or IPv6). The CLI installs one backed by the
/// host's routing table; without it, an unset source builds as 0.0.0.0 or
/// `::` (the kernel fills it at send time).
pub type SourceResolver = fn(std::net::IpAddr) -> Option<std::net::IpAddr>;

static SOURCE_RESOLVER: OnceLock<SourceResolver> = OnceLock::new();

pub fn set_source_resolver(f: SourceResolver) {
    let _ = SOURCE_RESOLVER.set(f);
}

/// The source towards `dst`, a value of the address kind `kind`.
pub fn resolve_source(kind: &super::kinds::AddrKind, dst: u128) -> Option<u128> {
    use std::net::IpAddr;
    let dst = match kind.bits {
        32 => IpAddr::from(std::net::Ipv4Addr::from(dst as u32)),
        128 => IpAddr::from(std::net::Ipv6Addr::from(dst)),
        _ => return None,
    };
    match SOURCE_RESOLVER.get().and_then(|f| f(dst))? {
        IpAddr::V4(a) if kind.bits == 32 => Some(u128::from(u32::from(a))),
        IpAddr::V6(a) if kind.bits == 128 => Some(u128::from(a)),
        _ => None,
    }
}

/// Builds `p`, appending its bytes to `out`. A computed value too big for
/// its field (a length past 65535, an option value past its width) is
/// written truncated, as the wire format forces; [`try_build`] reports it.
pub fn build_into(p: &Packet, out: &mut Vec<u8>) {
    let _ = build_layers(&p.layers, out);
}

thread_local! {
    /// The first value of this build that did not fit its field.
    static OVERFLOW: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Records that a computed value did not fit (the first one is kept).
pub fn overflow(what: impl FnOnce() -> String) {
    OVERFLOW.with(|o| {
        let mut o = o.borrow_mut();
        if o.is_none() {
            *o = Some(what());
        }
    });
}

/// Runs a build, failing with the first value that did not fit its field
/// (what Scapy reports as struct.error: `IP()/("x"*70000)` has no length).
pub fn checked<T>(build: impl FnOnce() -> T) -> Result<T, String> {
    OVERFLOW.with(|o| o.borrow_mut().take());
    let out = build();
    match OVERFLOW.with(|o| o.borrow_mut().take()) {
        Some(msg) => Err(msg),
        None => Ok(out),
    }
}

/// [`build_into`] into a new buffer, failing where a value does not fit.
pub fn try_build(p: &Packet) -> Result<Vec<u8>, String> {
    checked(|| p.build())
}

/// Builds `p` and returns each layer's `(start, header_end)` byte offsets too.
pub fn build_with_spans(p: &Packet) -> (Vec<u8>, Vec<(usize, usize)>) {
    let mut out = Vec::with_capacity(64);
    let spans = build_layers(&p.layers, &mut out);
    (out, spans)
}

/// Builds a slice of layers (used for the packet and for option sub-layers);
/// returns each layer's `(start, header_end)`.
pub fn build_layers(layers: &[Layer], out: &mut Vec<u8>) -> Vec<(usize, usize)> {
    let mut rng: Option<Rng> = None;
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(layers.len());
    for i in 0..layers.len() {
        let start = out.len();
        if layers[i].def.kind != LayerKind::Padding {
            write_fields(layers, i, out, &mut rng);
        }
        spans.push((start, out.len()));
    }
    for i in (0..layers.len()).rev() {
        if let Some(fix) = layers[i].def.fixup {
            let end = out.len();
            fix(&mut Fixup {
                buf: out,
                layers,
                idx: i,
                spans: &spans,
                end,
            });
        }
    }
    for l in layers.iter().filter(|l| l.def.kind == LayerKind::Padding) {
        if let Some(Value::Bytes(b)) = l.get(0) {
            out.extend_from_slice(b);
        }
    }
    spans
}

/// Accumulates bit fields until they fill whole bytes.
struct Bits {
    acc: u64,
    n: u32,
}

impl Bits {
    fn push(&mut self, out: &mut Vec<u8>, width: u32, v: u128) {
        if self.n == 0 && width % 8 == 0 {
            let bytes = v.to_be_bytes();
            out.extend_from_slice(&bytes[16 - (width as usize / 8).min(16)..]);
            return;
        }
        let v = v as u64;
        let width = width.min(64);
        let mask = if width >= 64 {
            u64::MAX
        } else {
            (1 << width) - 1
        };
        // fields wider than what fits in the accumulator are split
        if self.n + width > 64 {
            let first = 64 - self.n;
            self.push(out, first, u128::from((v & mask) >> (width - first)));
            self.push(out, width - first, u128::from(v));
            return;
        }
        self.acc = (self.acc << width) | (v & mask);
        self.n += width;
        while self.n >= 8 {
            self.n -= 8;
            out.push((self.acc >> self.n) as u8);
        }
        self.acc &= (1u64 << self.n).wrapping_sub(1);
    }

    fn flush(&mut self, out: &mut Vec<u8>) {
        if self.n > 0 {
            out.push((self.acc << (8 - self.n)) as u8);
            self.acc = 0;
            self.n = 0;
        }
    }
}

fn write_fields(layers: &[Layer], i: usize, out: &mut Vec<u8>, rng: &mut Option<Rng>) {
    let layer = &layers[i];
    let def = layer.def;
    let start = out.len();
    let bind = layers
        .get(i + 1)
        .and_then(|u| crate::layers::bind_between(def, u.def));
    let mut bits = Bits { acc: 0, n: 0 };
    for (fi, f) in def.fields.iter().enumerate() {
        if !layer.present(fi) {
            continue;
        }
        let kind = f.kind_for(layer);
        let drawn;
        let val = match layer.get(fi) {
            Some(Value::Rand(r)) => {
                drawn = r.draw(rng.get_or_insert_with(Rng::new));
                Some(&drawn)
            }
            v => v,
        };
        match kind {
            Kind::Bits(_) | Kind::Addr(_) => {
                let width = kind.scalar_bits().unwrap_or(0);
                let v = match val {
                    Some(v) => super::layer::value_int(v),
                    None => match bind.and_then(|b| b.overload(f.name)) {
                        Some(v) => v,
                        None => unset_int(layers, i, fi),
                    },
                };
                let v = if f.little_endian {
                    u128::from(super::decl::swap_bytes(v as u64, width))
                } else {
                    v
                };
                bits.push(out, width, v);
            }
            Kind::Bytes(len) => {
                bits.flush(out);
                let b: &[u8] = match (val, f.default) {
                    (Some(Value::Bytes(b)), _) => b,
                    (None, Default::Bytes(d)) => d,
                    _ => &[],
                };
                match len {
                    super::decl::Len::Fixed(n) => {
                        let take = b.len().min(n);
                        out.extend_from_slice(&b[..take]);
                        out.resize(out.len() + (n - take), 0);
                    }
                    _ => out.extend_from_slice(b),
                }
            }
            Kind::Options(fam, _) => {
                bits.flush(out);
                let opts = match val {
                    Some(Value::Options(opts)) => &opts[..],
                    _ => &[],
                };
                match fam.layout {
                    // a dissected layer is rebuilt as it came
                    Some(lay) if layer.present.is_none() && !layer.verbatim => lay(opts, out),
                    _ => {
                        for o in opts {
                            let _ = build_layers(std::slice::from_ref(o), out);
                        }
                    }
                }
            }
            Kind::Tlvs(defs, _) => {
                bits.flush(out);
                if let Some(Value::Tlvs(opts)) = val {
                    encode_tlvs(defs, opts, out, layer.present.is_none());
                }
            }
            Kind::AddrList(k, _) => {
                bits.flush(out);
                let addrs = match (val, f.default) {
                    (Some(Value::Addrs(a)), _) => &a[..],
                    (None, Default::Addrs(a)) => a,
                    _ => &[],
                };
                let n = (k.bits / 8) as usize;
                for x in addrs {
                    out.extend_from_slice(&x.to_be_bytes()[16 - n..]);
                }
            }
            Kind::Depends(_) => {}
        }
    }
    bits.flush(out);
    // a truncated dissected layer is rebuilt exactly as it was received
    if let (Some(align), None) = (header_align(def), layer.present) {
        let pad = (align - (out.len() - start) % align) % align;
        out.resize(out.len() + pad, 0);
    }
}

/// The multiple a layer's header is padded to, from its option family (IP
/// with options: 4 bytes).
fn header_align(def: &super::decl::LayerDef) -> Option<usize> {
    def.fields.iter().find_map(|f| match f.kind {
        Kind::Options(fam, _) if fam.pad_to > 1 => Some(fam.pad_to),
        _ => None,
    })
}

/// The value an unset numeric field builds with.
fn unset_int(layers: &[Layer], i: usize, fi: usize) -> u128 {
    let f = &layers[i].def.fields[fi];
    match (f.default, f.kind) {
        // a source address: what the kernel would pick towards dst
        (Default::Auto, Kind::Addr(a)) if a.networks => layers[i].auto_value(fi).unwrap_or(0),
        (Default::Auto, Kind::Addr(_)) if f.name == "dst" => 0xffff_ffff_ffff,
        _ => default_int(f),
    }
}

/// Encodes TLV options, padded with zeros to a multiple of 4 bytes when `pad`.
pub fn encode_tlvs(defs: &[TlvDef], opts: &[Tlv], out: &mut Vec<u8>, pad: bool) {
    let start = out.len();
    for o in opts {
        let def = defs.iter().find(|d| d.kind == o.kind);
        let fmt = def.map(|d| d.fmt);
        let name = || def.map_or_else(|| o.kind.to_string(), |d| d.name.to_string());
        match (&o.value, fmt) {
            (TlvValue::Raw(b), _) => out.extend_from_slice(b),
            (v, Some(TlvFmt::Single)) => {
                out.push(o.kind);
                if let TlvValue::Bytes(b) = v {
                    out.extend_from_slice(b);
                }
            }
            (v, fmt) => {
                let mut data = Vec::new();
                match v {
                    TlvValue::Bytes(b) => data.extend_from_slice(b),
                    TlvValue::Ints(ints) => {
                        let width = match fmt {
                            Some(TlvFmt::U8) => 1,
                            Some(TlvFmt::U16) => 2,
                            _ => 4,
                        };
                        for x in ints {
                            if width < 8 && *x >> (8 * width) != 0 {
                                overflow(|| {
                                    format!(
                                        "option {} value {x} does not fit in {} bits (at most {})",
                                        name(),
                                        8 * width,
                                        (1u64 << (8 * width)) - 1
                                    )
                                });
                            }
                            data.extend_from_slice(&x.to_be_bytes()[8 - width..]);
                        }
                    }
                    TlvValue::None | TlvValue::Raw(_) => {}
                }
                if data.len() + 2 > 255 {
                    overflow(|| {
                        format!(
                            "option {} is {} bytes, more than the 255 its length byte holds",
                            name(),
                            data.len() + 2
                        )
                    });
                }
                out.push(o.kind);
                out.push((data.len() + 2).min(255) as u8);
                out.extend_from_slice(&data);
            }
        }
    }
    if pad {
        let n = (4 - (out.len() - start) % 4) % 4;
        out.resize(out.len() + n, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_accumulator_packs_msb_first() {
        let mut out = Vec::new();
        let mut b = Bits { acc: 0, n: 0 };
        b.push(&mut out, 4, 4);
        b.push(&mut out, 4, 5);
        b.push(&mut out, 8, 0);
        b.push(&mut out, 3, 2);
        b.push(&mut out, 13, 185);
        b.push(&mut out, 48, 0x0200_0000_0001);
        b.flush(&mut out);
        assert_eq!(out, [0x45, 0x00, 0x40, 0xb9, 2, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn odd_bits_flush_with_zero_fill() {
        let mut out = Vec::new();
        let mut b = Bits { acc: 0, n: 0 };
        b.push(&mut out, 1, 1);
        b.push(&mut out, 2, 2);
        b.flush(&mut out);
        assert_eq!(out, [0b1100_0000]);
    }
}
