//! Dissection: bytes to layers. Never panics and never indexes past the end:
//! a layer whose header does not fit becomes `Raw`, bytes beyond a layer's
//! stated length become `Padding`, and every field read is set explicitly so
//! that building a dissected packet gives back the same bytes.

use super::decl::{Kind, LayerDef, Len, Next, OptionFamily, TlvDef, TlvFmt};
use super::layer::Layer;
use super::value::{Tlv, TlvValue, Value};
use super::Packet;
use crate::layers;
use crate::wire::get_bits;

/// Dissects `data` as `first` and whatever follows it.
pub fn dissect(first: &'static LayerDef, data: &[u8]) -> Packet {
    dissect_as(first, data, false)
}

/// Like [`dissect`], optionally marking the layers as quoted inside an ICMP error.
pub fn dissect_as(first: &'static LayerDef, data: &[u8], quoted: bool) -> Packet {
    let mut layers = Vec::with_capacity(4);
    let mut paddings: Vec<(usize, usize)> = Vec::new();
    let mut pos = 0usize;
    let mut end = data.len();
    let mut def = first;
    let mut quoted = quoted;
    if data.is_empty() && first.kind != super::decl::LayerKind::Raw {
        // nothing on the wire (a zero-length record, `IP(b"")`): the first
        // layer with every field unset, as Scapy gives it
        let mut l = super::Layer::new(first);
        l.quoted = quoted;
        layers.push(l);
    }
    while pos < end {
        if let Some(pick) = def.dispatch {
            def = pick(&data[pos..end]);
        }
        if def.kind == super::decl::LayerKind::Raw {
            layers.push(bytes_layer(def, &data[pos..end]));
            break;
        }
        let Some((layer, hdr_len)) = parse_layer(def, &data[pos..end], quoted) else {
            layers.push(bytes_layer(layers::raw(), &data[pos..end]));
            break;
        };
        let body_start = pos + hdr_len;
        let rest = end - body_start;
        if let Some(f) = def.payload_len {
            if let Some(n) = f(&layer, hdr_len, rest) {
                if n < rest {
                    paddings.push((body_start + n, end));
                    end = body_start + n;
                }
            }
        }
        let next = next_layer(&layer);
        let truncated = layer.present.is_some();
        layers.push(layer);
        pos = body_start;
        if truncated {
            if pos < end {
                layers.push(bytes_layer(layers::raw(), &data[pos..end]));
            }
            break;
        }
        match next {
            Next::Layer(d) => def = d,
            Next::Quoted(d) => {
                def = d;
                quoted = true;
            }
            Next::Raw => def = layers::raw(),
        }
    }
    for (s, e) in paddings.into_iter().rev() {
        if s < e {
            layers.push(bytes_layer(layers::padding(), &data[s..e]));
        }
    }
    Packet {
        layers,
        ..Packet::default()
    }
}

/// A Raw or Padding layer holding `data`.
pub fn bytes_layer(def: &'static LayerDef, data: &[u8]) -> Layer {
    let mut l = Layer::new(def);
    l.set(0, Value::Bytes(data.to_vec()));
    l
}

/// Chooses what follows `layer`: its own guess, then the bind table.
fn next_layer(layer: &Layer) -> Next {
    if let Some(g) = layer.def.guess_next {
        if let Some(n) = g(layer) {
            return if layer.quoted {
                match n {
                    Next::Layer(d) => Next::Quoted(d),
                    other => other,
                }
            } else {
                n
            };
        }
    }
    for b in layers::binds_above(layer.def) {
        let ok = b.fields.iter().all(|(name, v)| {
            layer
                .def
                .field_index(name)
                .is_some_and(|i| layer.int(i) == *v)
        });
        if ok {
            return if layer.quoted {
                Next::Quoted(b.upper)
            } else {
                Next::Layer(b.upper)
            };
        }
    }
    Next::Raw
}

/// Parses one layer's header fields. Returns the layer and the bytes used, or
/// `None` when the header does not fit (quoted layers may stop early at a field
/// boundary, as RFC 792 quotes only 8 bytes past the IP header).
pub fn parse_layer(def: &'static LayerDef, data: &[u8], quoted: bool) -> Option<(Layer, usize)> {
    let mut layer = Layer::new(def);
    layer.quoted = quoted;
    let mut bit = 0usize;
    // a length field promised more bytes than there are
    let mut short = false;
    for (fi, f) in def.fields.iter().enumerate() {
        if let Some(c) = f.when {
            if !c(&layer) {
                continue;
            }
        }
        let kind = f.kind_for(&layer);
        let at = bit / 8;
        let value = match kind {
            Kind::Bits(_) | Kind::Addr(_) => {
                let width = kind.scalar_bits().unwrap_or(0);
                match get_bits(data, bit, width) {
                    Some(v) => {
                        bit += width as usize;
                        Value::Int(if f.little_endian {
                            u128::from(super::decl::swap_bytes(v as u64, width))
                        } else {
                            v
                        })
                    }
                    None => return stop_early(layer, fi, bit, quoted, data.len()),
                }
            }
            Kind::Bytes(len) => {
                let n = want(len, &layer, data.len().saturating_sub(at));
                if matches!(len, Len::Fixed(_)) && at + n > data.len() {
                    return stop_early(layer, fi, bit, quoted, data.len());
                }
                short |= n > data.len().saturating_sub(at);
                let n = n.min(data.len().saturating_sub(at));
                bit += n * 8;
                Value::Bytes(data[at..at + n].to_vec())
            }
            Kind::Options(fam, len) => {
                let avail = data.len().saturating_sub(at);
                let wanted = want(len, &layer, avail);
                short |= wanted > avail;
                let n = wanted.min(avail);
                bit += n * 8;
                Value::Options(options(fam, &data[at..at + n]))
            }
            Kind::Tlvs(defs, len) => {
                let avail = data.len().saturating_sub(at);
                let wanted = want(len, &layer, avail);
                short |= wanted > avail;
                let n = wanted.min(avail);
                bit += n * 8;
                Value::Tlvs(tlvs(defs, &data[at..at + n]))
            }
            Kind::AddrList(k, len) => {
                let avail = data.len().saturating_sub(at);
                let wanted = want(len, &layer, avail);
                short |= wanted > avail;
                let n = wanted.min(avail);
                let size = (k.bits / 8) as usize;
                if size == 0 || n % size != 0 {
                    // not whole addresses: the caller falls back to raw bytes
                    return None;
                }
                bit += n * 8;
                Value::Addrs(
                    data[at..at + n]
                        .chunks_exact(size)
                        .map(|c| c.iter().fold(0u128, |v, b| (v << 8) | u128::from(*b)))
                        .collect(),
                )
            }
            Kind::Depends(_) => continue,
        };
        layer.set(fi, value);
    }
    if short {
        // rebuilt exactly as received: no alignment padding added back
        layer.present = Some(def.fields.len() as u16);
    }
    layer.verbatim = true;
    Some((layer, bit.div_ceil(8)))
}

/// A quoted layer may end where its bytes end, right after a field Scapy
/// marks `MayEnd` (RFC 792 quotes 8 octets past the IP header: a TCP header
/// to its `seq`); cut anywhere else, it is not that layer (Raw), as Scapy
/// dissects it.
fn stop_early(
    mut layer: Layer,
    fi: usize,
    bit: usize,
    quoted: bool,
    len: usize,
) -> Option<(Layer, usize)> {
    let after_may_end = fi
        .checked_sub(1)
        .and_then(|p| layer.def.fields.get(p))
        .is_some_and(|f| f.may_end);
    if quoted && after_may_end && bit % 8 == 0 && bit / 8 == len {
        layer.present = Some(fi as u16);
        Some((layer, bit / 8))
    } else {
        None
    }
}

fn want(len: Len, layer: &Layer, avail: usize) -> usize {
    match len {
        Len::Fixed(n) => n,
        Len::Rest => avail,
        Len::From(f) => f(layer),
    }
}

/// Parses a list of option sub-layers (IP options). Malformed options are kept
/// as generic options holding their bytes so nothing is lost.
pub fn options(fam: &OptionFamily, data: &[u8]) -> Vec<Layer> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let rest = &data[pos..];
        let n = (fam.option_len)(rest)
            .unwrap_or(rest.len())
            .clamp(1, rest.len());
        let def = (fam.dispatch)(rest[0]);
        let chunk = &rest[..n];
        let parsed = parse_layer(def, chunk, false)
            .filter(|(_, used)| *used == n)
            .map(|(l, _)| l);
        let layer = match parsed {
            Some(l) => l,
            None => {
                let generic = fam.members[0];
                match parse_layer(generic, chunk, false) {
                    Some((l, used)) if used == n => l,
                    _ => bytes_layer(layers::raw(), chunk),
                }
            }
        };
        out.push(layer);
        pos += n;
    }
    out
}

/// Parses TLV options (TCP). Bytes after an end-of-list are kept with it;
/// malformed options are kept verbatim.
pub fn tlvs(defs: &[TlvDef], data: &[u8]) -> Vec<Tlv> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let kind = data[pos];
        let fmt = defs.iter().find(|d| d.kind == kind).map(|d| d.fmt);
        if fmt == Some(TlvFmt::Single) {
            if kind == 0 {
                let rest = &data[pos + 1..];
                let value = if rest.is_empty() {
                    TlvValue::None
                } else {
                    TlvValue::Bytes(rest.to_vec())
                };
                out.push(Tlv { kind, value });
                break;
            }
            out.push(Tlv {
                kind,
                value: TlvValue::None,
            });
            pos += 1;
            continue;
        }
        let olen = data.get(pos + 1).copied().map(usize::from);
        match olen {
            Some(l) if l >= 2 && pos + l <= data.len() => {
                let body = &data[pos + 2..pos + l];
                out.push(Tlv {
                    kind,
                    value: tlv_value(fmt, body),
                });
                pos += l;
            }
            _ => {
                out.push(Tlv {
                    kind,
                    value: TlvValue::Raw(data[pos..].to_vec()),
                });
                break;
            }
        }
    }
    out
}

fn tlv_value(fmt: Option<TlvFmt>, body: &[u8]) -> TlvValue {
    let words = |w: usize| -> Vec<u64> {
        body.chunks_exact(w)
            .map(|c| c.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b)))
            .collect()
    };
    match fmt {
        Some(TlvFmt::Empty) if body.is_empty() => TlvValue::None,
        Some(TlvFmt::U8) if body.len() == 1 => TlvValue::Ints(words(1)),
        Some(TlvFmt::U16) if body.len() == 2 => TlvValue::Ints(words(2)),
        Some(TlvFmt::U32Pair) if body.len() == 8 => TlvValue::Ints(words(4)),
        Some(TlvFmt::U32List) if body.len() % 4 == 0 => TlvValue::Ints(words(4)),
        _ => TlvValue::Bytes(body.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use crate::lang::filter::PacketFilter;
    use crate::layers::ipv4::IP;
    use crate::packet::Packet;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .filter_map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
            .collect()
    }

    // made by Scapy 2.8: IP/ICMP 3/3 quoting IP/UDP 40000 -> 9 / "hello"
    const PORT_UNREACH: &str = "4500003d000100004001ec97c6120202c6120001030389430000000045000021000100004011eea3c6120001c61300019c400009000d939068656c6c6f";
    // IP/ICMP 3/0 quoting the first 8 bytes of a TCP segment 40000 -> 80
    const NET_UNREACH_TCP: &str = "45000038000100004001ed9cc6120102c61200010300606e0000000045000028000100004006e2a8c6120001c6120c019c40005000000001";
    // IP/ICMP 11/0 quoting an echo request id 5 seq 2
    const TTL_EXCEEDED_ECHO: &str = "45000038000100004001eda0c61200fec61200010b00f4ff000000004500001c0001000001012db9c6120001c61300010800f7f800050002";

    fn eval(bytes: &str, expr: &str) -> bool {
        let mut f = match PacketFilter::compile("test", expr) {
            Ok(f) => f,
            Err(e) => panic!("{}", crate::lang::render_error(&e, false)),
        };
        match f.matches(Packet::dissect(&IP, &hex(bytes))) {
            Ok(b) => b,
            Err(e) => panic!("{expr}: {}", crate::lang::render_error(&e, false)),
        }
    }

    #[test]
    fn quoted_layers_are_not_the_real_layers() {
        let p = Packet::dissect(&IP, &hex(PORT_UNREACH));
        assert_eq!(p.find("UDP"), None, "the UDP header is quoted");
        assert_eq!(p.find("UDPerror"), Some(3));
        assert_eq!(p.find("IP"), Some(0));
        assert_eq!(p.find_from("IP", 1), None, "the second IP is IPerror");
        assert_eq!(p.find("IPerror"), Some(2));
        for (bytes, expr, want) in [
            (PORT_UNREACH, "UDP in p", false),
            (PORT_UNREACH, "p.haslayer(UDP)", false),
            (PORT_UNREACH, "p.haslayer('UDP')", false),
            (PORT_UNREACH, "UDPerror in p and IPerror in p", true),
            (PORT_UNREACH, "p[UDPerror].dport == 9", true),
            (PORT_UNREACH, "p[IPerror].dst == '198.19.0.1'", true),
            (PORT_UNREACH, "p.getlayer(IP, 2) is None", true),
            (PORT_UNREACH, "p.sprintf('%UDP.dport%') == '??'", true),
            (PORT_UNREACH, "p[ICMP].type == 3", true),
            (PORT_UNREACH, "UDP", false),
            (NET_UNREACH_TCP, "TCP in p", false),
            (NET_UNREACH_TCP, "p.haslayer(TCP)", false),
            (
                NET_UNREACH_TCP,
                "TCPerror in p and p[TCPerror].dport == 80",
                true,
            ),
            (TTL_EXCEEDED_ECHO, "ICMP in p", true),
            (TTL_EXCEEDED_ECHO, "p.getlayer(ICMP, 2) is None", true),
            (TTL_EXCEEDED_ECHO, "p[ICMP].type == 11", true),
            (TTL_EXCEEDED_ECHO, "p[ICMPerror].id == 5", true),
        ] {
            assert_eq!(eval(bytes, expr), want, "{expr}");
        }
    }

    #[test]
    fn indexing_a_quoted_layer_by_its_real_name_fails() {
        let mut f = PacketFilter::compile("test", "p[UDP].dport == 9").ok();
        let f = f.as_mut().expect("compiles");
        // IndexError counts as "no" in a filter
        assert!(!f
            .matches(Packet::dissect(&IP, &hex(PORT_UNREACH)))
            .unwrap_or(true));
    }
}
