//! Packets in the language: layer constructors, `/`, `p[ICMP]`, field access
//! through the layer stack (as Scapy's attribute lookup does), packet methods,
//! `sprintf`, and the methods of packet lists and answered pairs.

use super::error::{raise, raise_with_note, R};
use super::interp::{Args, Interp};
use super::output;
use super::value::*;
use crate::packet::{show, Input, Layer, LayerDef, Output, Packet, Timestamp};
use std::rc::Rc;

/// Converts a language value into packet-model input.
pub fn to_input(v: &Value) -> R<Input> {
    Ok(match v {
        Value::None => Input::None,
        Value::Bool(b) => Input::Bool(*b),
        Value::Int(i) => Input::Int(i128::from(*i)),
        Value::Flags(x, _) => Input::Int(i128::from(*x)),
        Value::Float(f) => Input::Float(*f),
        Value::Str(s) => Input::Str(s.to_string()),
        Value::Bytes(b) => Input::Bytes(b.to_vec()),
        Value::List(l) => Input::List(l.borrow().iter().map(to_input).collect::<R<_>>()?),
        Value::Tuple(t) => Input::Tuple(t.iter().map(to_input).collect::<R<_>>()?),
        Value::Range(a, b, s) => Input::List(
            (0..range_len(*a, *b, *s))
                .map(|i| Input::Int(i128::from(a + i * s)))
                .collect(),
        ),
        Value::Packet(p) => Input::Packet(p.snapshot()),
        Value::Layer(def, q) => {
            let mut l = Layer::new(def);
            l.quoted = *q;
            Input::Packet(Packet::from_layer(l))
        }
        Value::PacketList(l) => Input::List(l.values().map(|v| to_input(&v)).collect::<R<_>>()?),
        Value::Native(n) => match super::modules::rand_of(n.as_ref()) {
            Some(r) => Input::Rand(r),
            None => match super::pymods::netmods::addr_text(n.as_ref()) {
                Some(t) => Input::Str(t),
                None => {
                    return Err(raise(
                        "TypeError",
                        format!("a '{}' cannot be a field value", n.type_name()),
                    ))
                }
            },
        },
        other => {
            return Err(raise(
                "TypeError",
                format!("a '{}' cannot be a field value", other.type_name()),
            ))
        }
    })
}

/// Converts a packet-model field value into a language value.
pub fn from_output(o: Output) -> Value {
    match o {
        Output::None => Value::None,
        Output::Int(i) => Value::Int(i as i64),
        Output::Str(s) => Value::str(s),
        Output::Bytes(b) => Value::bytes(b),
        Output::Flags(v, names) => Value::Flags(v, names),
        Output::List(l) => Value::list(l.into_iter().map(from_output).collect()),
        Output::Tuple(l) => Value::tuple(l.into_iter().map(from_output).collect()),
        Output::Layers(ls) => Value::list(
            ls.into_iter()
                .map(|l| Value::packet(Packet::from_layer(l)))
                .collect(),
        ),
    }
}

/// `IP(dst=..., ttl=...)` or `IP(raw_bytes)`. Keywords are applied in the
/// layer's field order, as Scapy does (it decides set iteration order).
pub fn construct(_interp: &mut Interp, def: &'static LayerDef, quoted: bool, mut args: Args) -> R {
    if let Some(first) = args.pos.first().cloned() {
        if args.pos.len() > 1 {
            return Err(raise(
                "TypeError",
                format!(
                    "{}() takes at most 1 positional argument (raw bytes)",
                    def.name
                ),
            ));
        }
        let data = match &first {
            Value::Bytes(b) => b.to_vec(),
            Value::Str(s) => s.as_bytes().to_vec(),
            other => {
                return Err(raise(
                    "TypeError",
                    format!("{}() positional argument must be raw bytes to dissect, not '{}'; set fields by name, e.g. {}(ttl=3)", def.name, other.type_name(), def.name),
                ))
            }
        };
        let mut p = crate::packet::dissect::dissect_as(def, &data, quoted);
        p.time = Some(Timestamp::now_micros());
        for (k, v) in args.kw.drain(..) {
            let i = p
                .layers
                .first()
                .map(|l| l.field_index(&k))
                .transpose()
                .map_err(packet_error)?;
            if let (Some(i), Some(l)) = (i, p.layers.first_mut()) {
                l.set_index_input(i, to_input(&v)?).map_err(packet_error)?;
            }
        }
        return Ok(Value::packet(p));
    }
    let mut layer = Layer::new(def);
    layer.quoted = quoted;
    for (k, _) in &args.kw {
        layer.field_index(k).map_err(packet_error)?;
    }
    for fi in 0..def.fields.len() {
        if let Some(k) = args
            .kw
            .iter()
            .position(|(n, _)| &**n == def.fields[fi].name)
        {
            let (_, v) = args.kw.remove(k);
            layer
                .set_index_input(fi, to_input(&v)?)
                .map_err(packet_error)?;
        }
    }
    let mut p = Packet::from_layer(layer);
    p.time = Some(Timestamp::now_micros());
    Ok(Value::packet(p))
}

fn as_packet(v: &Value) -> R<Packet> {
    Ok(match v {
        Value::Packet(p) => p.snapshot(),
        Value::Layer(def, q) => {
            let mut l = Layer::new(def);
            l.quoted = *q;
            Packet::from_layer(l)
        }
        Value::Str(s) => raw_packet(s.as_bytes()),
        Value::Bytes(b) => raw_packet(b),
        other => {
            return Err(raise(
                "TypeError",
                format!(
                    "unsupported operand type(s) for /: a packet and '{}'",
                    other.type_name()
                ),
            ))
        }
    })
}

fn raw_packet(b: &[u8]) -> Packet {
    Packet::from_layer(crate::packet::dissect::bytes_layer(crate::layers::raw(), b))
}

/// Scapy's `/`: stacks layers (strings and bytes become Raw).
pub fn layer_div(_interp: &mut Interp, a: &Value, b: &Value) -> R {
    let (pa, pb) = (as_packet(a)?, as_packet(b)?);
    if matches!(
        (a, b),
        (
            Value::Str(_) | Value::Bytes(_),
            Value::Str(_) | Value::Bytes(_)
        )
    ) {
        return Err(raise(
            "TypeError",
            "unsupported operand type(s) for /: two strings",
        ));
    }
    let mut p = pa.div(&pb);
    if p.time.is_none() {
        p.time = Some(Timestamp::now_micros());
    }
    Ok(Value::packet(p))
}

/// Appends `rhs`'s layers to the packet `cur` in place when `cur` is a whole
/// packet nothing else refers to (see `Interp::stack_in_place`); false
/// otherwise, and for operands `/` would refuse.
pub fn stack_onto(cur: &Value, rhs: &Value) -> R<bool> {
    let Value::Packet(p) = cur else {
        return Ok(false);
    };
    if p.start != 0 || std::rc::Rc::strong_count(&p.pkt) != 1 {
        return Ok(false);
    }
    if !matches!(
        rhs,
        Value::Packet(_) | Value::Layer(..) | Value::Str(_) | Value::Bytes(_)
    ) {
        return Ok(false);
    }
    let add = as_packet(rhs)?;
    let Ok(mut pk) = p.pkt.try_borrow_mut() else {
        return Ok(false);
    };
    pk.layers.extend(add.layers);
    if pk.time.is_none() {
        pk.time = Some(Timestamp::now_micros());
    }
    Ok(true)
}

/// Index of the `nth` (1-based) layer matching `def`, from the reference's start.
pub fn find_layer(p: &PacketRef, def: &LayerDef, quoted: bool, nth: usize) -> Option<usize> {
    let pk = p.pkt.borrow();
    let name = def.class_name(quoted);
    let mut seen = 0;
    for i in p.start..pk.layers.len() {
        if crate::packet::layer_matches(&pk.layers[i], name) {
            seen += 1;
            if seen == nth {
                return Some(i);
            }
        }
    }
    None
}

fn layer_ref(p: &PacketRef, idx: usize) -> Value {
    Value::Packet(PacketRef {
        pkt: p.pkt.clone(),
        start: idx,
    })
}

fn not_found(def: &LayerDef, quoted: bool) -> super::error::Flow {
    raise(
        "IndexError",
        format!("Layer [{}] not found", def.class_name(quoted)),
    )
}

/// `p[ICMP]`, `p[1]`, `p[IP, 2]` (second IP), `p["Raw"]`.
pub fn get_item(_interp: &mut Interp, p: &PacketRef, i: &Value) -> R {
    match i {
        Value::Layer(def, q) => find_layer(p, def, *q, 1)
            .map(|x| layer_ref(p, x))
            .ok_or_else(|| not_found(def, *q)),
        Value::Tuple(t) if t.len() == 2 => match (&t[0], t[1].as_int()) {
            (Value::Layer(def, q), Some(n)) if n > 0 => find_layer(p, def, *q, n as usize)
                .map(|x| layer_ref(p, x))
                .ok_or_else(|| not_found(def, *q)),
            _ => Err(raise(
                "TypeError",
                "use p[Layer, n] for the n-th occurrence of a layer",
            )),
        },
        Value::Str(name) => {
            let idx = p.pkt.borrow().find_from(name, p.start);
            idx.map(|x| layer_ref(p, x))
                .ok_or_else(|| raise("IndexError", format!("Layer [{name}] not found")))
        }
        Value::Int(n) => {
            let len = p.pkt.borrow().layers.len() - p.start;
            super::ops::norm_index(*n, len)
                .map(|k| layer_ref(p, p.start + k))
                .ok_or_else(|| raise("IndexError", "layer index out of range"))
        }
        other => Err(raise(
            "TypeError",
            format!(
                "packet indices must be layers (p[IP]) or integers, not '{}'",
                other.type_name()
            ),
        )),
    }
}

pub fn set_item(_interp: &mut Interp, p: &PacketRef, i: &Value, v: Value) -> R<()> {
    let idx = match i {
        Value::Layer(def, q) => find_layer(p, def, *q, 1).ok_or_else(|| not_found(def, *q))?,
        _ => {
            return Err(raise(
                "TypeError",
                "packet layers are replaced with p[Layer] = NewLayer(...)",
            ))
        }
    };
    let new = as_packet(&v)?;
    let mut pk = p.pkt.borrow_mut();
    pk.layers.truncate(idx);
    pk.layers.extend(new.layers);
    Ok(())
}

/// Iterating a packet yields every packet of its implicit set (just itself
/// for a plain packet), lazily.
pub fn iterate(p: &PacketRef) -> Box<dyn Iterator<Item = R>> {
    let snap = p.snapshot();
    if !snap.is_set() {
        return Box::new(std::iter::once(Ok(Value::Packet(p.clone()))));
    }
    Box::new(snap.iter_set().map(|x| Ok(Value::packet(x))))
}

const METHODS: &[&str] = &[
    "add_payload",
    "answers",
    "build",
    "command",
    "copy",
    "firstlayer",
    "getfieldval",
    "getlayer",
    "haslayer",
    "hide_defaults",
    "lastlayer",
    "layers",
    "remove_payload",
    "setfieldval",
    "show",
    "show2",
    "sprintf",
    "summary",
    "hexdump",
    "json",
];

fn field_names(pk: &Packet, start: usize) -> Vec<&'static str> {
    pk.layers[start..]
        .iter()
        .flat_map(|l| l.def.fields.iter().map(|f| f.name))
        .collect()
}

pub fn get_attr(_interp: &mut Interp, p: &PacketRef, name: &str) -> R {
    let pk = p.pkt.borrow();
    if p.start >= pk.layers.len() {
        return Err(raise(
            "AttributeError",
            format!("'NoPayload' object has no attribute '{name}'"),
        ));
    }
    match name {
        "payload" => {
            return Ok(if p.start + 1 < pk.layers.len() {
                layer_ref(p, p.start + 1)
            } else {
                Value::None
            });
        }
        "underlayer" => {
            return Ok(if p.start > 0 {
                layer_ref(p, p.start - 1)
            } else {
                Value::None
            })
        }
        "time" => {
            return Ok(pk
                .time
                .map(|t| Value::Float(t.as_f64()))
                .unwrap_or(Value::None))
        }
        "sent_time" => {
            return Ok(pk
                .time
                .map(|t| Value::Float(t.as_f64()))
                .unwrap_or(Value::None))
        }
        "name" => {
            let l = &pk.layers[p.start];
            return Ok(Value::str(l.def.display_name(l.quoted)));
        }
        "comment" => return Ok(pk.comment.clone().map(Value::str).unwrap_or(Value::None)),
        "wirelen" => {
            return Ok(pk
                .wirelen
                .map(|n| Value::Int(i64::from(n)))
                .unwrap_or(Value::None))
        }
        "fields" => {
            let l = &pk.layers[p.start];
            let mut d = Dict::default();
            for fi in l.set_fields() {
                d.insert(
                    Value::str(l.def.fields[fi].name),
                    from_output(l.output(fi, None)),
                )?;
            }
            return Ok(Value::dict(d));
        }
        "original" => return Ok(Value::bytes(p.build()?)),
        _ => {}
    }
    for i in p.start..pk.layers.len() {
        let l = &pk.layers[i];
        if let Some(fi) = l.def.field_index(name) {
            let ov = if l.is_set(fi) {
                None
            } else {
                pk.overload(i, fi)
            };
            return Ok(from_output(l.output(fi, ov)));
        }
    }
    if METHODS.contains(&name) {
        drop(pk);
        return Ok(Value::Method(Rc::new((
            Value::Packet(p.clone()),
            Rc::from(name),
        ))));
    }
    let l = &pk.layers[p.start];
    let mut cands = field_names(&pk, p.start);
    cands.extend_from_slice(METHODS);
    Err(raise_with_note(
        "AttributeError",
        format!(
            "'{}' object has no attribute '{name}'",
            l.def.class_name(l.quoted)
        ),
        crate::suggest::closest(name, cands).map(|s| format!("did you mean `{s}`?")),
    ))
}

pub fn set_attr(_interp: &mut Interp, p: &PacketRef, name: &str, v: Value) -> R<()> {
    if name == "payload" {
        if let Value::Packet(q) = &v {
            if std::rc::Rc::ptr_eq(&q.pkt, &p.pkt) && q.start <= p.start {
                // Scapy builds a cycle here and fails on first use
                return Err(raise(
                    "ValueError",
                    "a packet cannot be its own payload (or a layer's payload the packet that holds it): that would be a cycle",
                ));
            }
        }
    }
    // the new payload is copied before the packet is borrowed for writing
    // (it may be a layer of this very packet: `p.payload = p.payload.payload`)
    let new_payload = if name == "payload" {
        Some(as_packet(&v)?)
    } else {
        None
    };
    let mut pk = p.pkt.borrow_mut();
    match name {
        "time" => {
            pk.time = Some(Timestamp::from_f64(v.float("time")?));
            return Ok(());
        }
        "comment" => {
            pk.comment = Some(super::repr::to_str(&v));
            return Ok(());
        }
        "wirelen" => {
            pk.wirelen = v.opt_u32("wirelen", "from 0 to 4294967295")?;
            return Ok(());
        }
        "payload" => {
            let new = new_payload.unwrap_or_else(|| raw_packet(b""));
            pk.layers.truncate(p.start + 1);
            pk.layers.extend(new.layers);
            return Ok(());
        }
        _ => {}
    }
    let start = p.start;
    match (start..pk.layers.len()).find(|&i| pk.layers[i].def.field_index(name).is_some()) {
        Some(i) => {
            let input = to_input(&v)?;
            pk.layers[i].set_input(name, input).map_err(packet_error)
        }
        None => {
            let cands = field_names(&pk, start);
            let l = &pk.layers[start];
            Err(raise_with_note(
                "AttributeError",
                format!(
                    "'{}' has no field '{name}' (nor do the layers above it)",
                    l.def.class_name(l.quoted)
                ),
                crate::suggest::closest(name, cands).map(|s| format!("did you mean `{s}`?")),
            ))
        }
    }
}

pub fn del_attr(_interp: &mut Interp, p: &PacketRef, name: &str) -> R<()> {
    let mut pk = p.pkt.borrow_mut();
    let start = p.start;
    match (start..pk.layers.len()).find(|&i| pk.layers[i].def.field_index(name).is_some()) {
        Some(i) => {
            if let Some(fi) = pk.layers[i].def.field_index(name) {
                pk.layers[i].clear(fi);
            }
            Ok(())
        }
        None => Err(raise("AttributeError", format!("no field '{name}'"))),
    }
}

fn layer_arg(v: &Value, what: &str) -> R<(&'static LayerDef, bool)> {
    match v {
        Value::Layer(d, q) => Ok((d, *q)),
        Value::Str(s) => crate::layers::by_name(s)
            .ok_or_else(|| raise("ValueError", format!("unknown layer '{s}'"))),
        other => Err(raise(
            "TypeError",
            format!(
                "{what} expects a layer such as ICMP, not '{}'",
                other.type_name()
            ),
        )),
    }
}

pub fn call_method(interp: &mut Interp, p: &PacketRef, name: &str, mut a: Args) -> R {
    let snap = || p.snapshot();
    match name {
        "show" | "display" => {
            output::print(&show::show(&snap()));
            Ok(Value::None)
        }
        "show2" => {
            output::print(&show::show2(&snap()));
            Ok(Value::None)
        }
        "summary" => Ok(Value::str(show::summary(&snap()))),
        "command" => Ok(Value::str(show::command(&snap()))),
        "json" => Ok(Value::str(crate::packet::json::to_json(&snap(), &[]))),
        "hexdump" => {
            output::println(&show::hexdump(&p.build()?));
            Ok(Value::None)
        }
        "copy" => {
            let mut c = snap();
            c.time = p.pkt.borrow().time;
            Ok(Value::packet(c))
        }
        "build" => Ok(Value::bytes(p.build()?)),
        "haslayer" => {
            let (d, q) = layer_arg(&a.req(0, "cls", name)?, name)?;
            Ok(Value::Bool(find_layer(p, d, q, 1).is_some()))
        }
        "getlayer" => {
            let (d, q) = layer_arg(&a.req(0, "cls", name)?, name)?;
            let nb = a
                .get(1, "nb")
                .map(|v| v.int("nb"))
                .transpose()?
                .unwrap_or(1)
                .max(1) as usize;
            Ok(find_layer(p, d, q, nb)
                .map(|x| layer_ref(p, x))
                .unwrap_or(Value::None))
        }
        "lastlayer" => {
            let n = p.pkt.borrow().layers.len();
            Ok(layer_ref(p, n.saturating_sub(1).max(p.start)))
        }
        "firstlayer" => Ok(layer_ref(p, 0)),
        "layers" => {
            let pk = p.pkt.borrow();
            Ok(Value::list(
                pk.layers[p.start..]
                    .iter()
                    .map(|l| Value::Layer(l.def, l.quoted))
                    .collect(),
            ))
        }
        "remove_payload" => {
            p.pkt.borrow_mut().layers.truncate(p.start + 1);
            Ok(Value::None)
        }
        "add_payload" => {
            let new = as_packet(&a.req(0, "payload", name)?)?;
            p.pkt.borrow_mut().layers.extend(new.layers);
            Ok(Value::None)
        }
        "answers" => {
            let other = match &a.req(0, "other", name)? {
                Value::Packet(o) => o.snapshot(),
                _ => return Err(raise("TypeError", "answers() expects a packet")),
            };
            let opts = crate::packet::matching::MatchOpts::default();
            Ok(Value::Bool(crate::packet::matching::answers(
                &snap(),
                &other,
                &opts,
            )))
        }
        "hide_defaults" => Ok(Value::None),
        "getfieldval" => {
            let f = a.req(0, "attr", name)?.text("attr")?;
            get_attr(interp, p, &f)
        }
        "setfieldval" => {
            let f = a.req(0, "attr", name)?.text("attr")?;
            let v = a.req(1, "val", name)?;
            set_attr(interp, p, &f, v).map(|_| Value::None)
        }
        "sprintf" => {
            let fmt = a.req(0, "fmt", name)?.text("fmt")?;
            Ok(Value::str(sprintf(&snap(), &fmt)?))
        }
        _ => Err(raise(
            "AttributeError",
            format!("packet has no method '{name}'"),
        )),
    }
}

/// Scapy's `sprintf`: `%IP.src%`, `%-15s,IP.src%`, `%r,IP.proto%`,
/// `%IP:2.ttl%`, `%.time%`, `{ICMP:...}` (only when the layer is present).
pub fn sprintf(p: &Packet, fmt: &str) -> R<String> {
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '%' => {
                if chars.get(i + 1) == Some(&'%') {
                    out.push('%');
                    i += 2;
                    continue;
                }
                let end = chars[i + 1..]
                    .iter()
                    .position(|c| *c == '%')
                    .map(|e| e + i + 1)
                    .ok_or_else(|| {
                        raise(
                            "ValueError",
                            format!("sprintf: unterminated directive at offset {i} of {fmt:?}"),
                        )
                    })?;
                let directive: String = chars[i + 1..end].iter().collect();
                out.push_str(&directive_value(p, &directive)?);
                i = end + 1;
            }
            '{' => {
                let mut depth = 0;
                let mut end = None;
                for (k, c) in chars.iter().enumerate().skip(i) {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(k);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let end = end.ok_or_else(|| raise("ValueError", "sprintf: unterminated '{'"))?;
                let inner: String = chars[i + 1..end].iter().collect();
                let (cond, body) = inner.split_once(':').unwrap_or((&inner, ""));
                let (neg, cond) = match cond.strip_prefix('!') {
                    Some(c) => (true, c),
                    None => (false, cond),
                };
                if p.find(cond).is_some() != neg {
                    out.push_str(&sprintf(p, body)?);
                }
                i = end + 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

fn directive_value(p: &Packet, d: &str) -> R<String> {
    let (fmt, target) = match d.split_once(',') {
        Some((f, t)) => (f, t),
        None => ("s", d),
    };
    let raw = fmt.ends_with('r');
    let fmt = fmt.trim_end_matches('r');
    if target == ".time" {
        let t = p.time.map(|t| t.as_f64()).unwrap_or(0.0);
        return Ok(pyfmt(fmt, &super::repr::float_repr(t)));
    }
    let (layer_part, field) = match target.rsplit_once('.') {
        Some((l, f)) => (Some(l), f),
        None => (None, target),
    };
    let idx = match layer_part {
        None => (0..p.layers.len()).find(|&i| p.layers[i].def.field_index(field).is_some()),
        Some(lp) => {
            let (name, nth) = match lp.split_once(':') {
                Some((n, k)) => (n, k.parse::<usize>().unwrap_or(1).max(1)),
                None => (lp, 1),
            };
            let mut seen = 0;
            (0..p.layers.len()).find(|&i| {
                if crate::packet::layer_matches(&p.layers[i], name) {
                    seen += 1;
                    seen == nth
                } else {
                    false
                }
            })
        }
    };
    let Some(idx) = idx else {
        return Ok("??".into());
    };
    let l = &p.layers[idx];
    let Some(fi) = l.def.field_index(field) else {
        return Err(raise(
            "AttributeError",
            format!("sprintf: {} has no field '{field}'", l.def.name),
        ));
    };
    let text = if raw {
        let ov = if l.is_set(fi) {
            None
        } else {
            p.overload(idx, fi)
        };
        match l.output(fi, ov) {
            Output::Int(v) | Output::Flags(v, _) => v.to_string(),
            other => super::repr::to_str(&from_output(other)),
        }
    } else {
        show::field_repr(p, idx, fi)
    };
    Ok(pyfmt(fmt, &text))
}

/// Applies a printf-style width/alignment (`-15s`, `5s`) to text.
fn pyfmt(fmt: &str, text: &str) -> String {
    let body = fmt.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let left = body.starts_with('-');
    let width: usize = body
        .trim_start_matches('-')
        .split('.')
        .next()
        .and_then(|w| w.parse().ok())
        .unwrap_or(0);
    let n = text.chars().count();
    if n >= width {
        text.to_string()
    } else if left {
        format!("{text}{}", " ".repeat(width - n))
    } else {
        format!("{}{text}", " ".repeat(width - n))
    }
}

/// Methods of packet lists (`rdpcap` results, `sniff` results, `ans`, `unans`).
pub fn list_method(interp: &mut Interp, l: &Rc<PacketList>, name: &str, mut a: Args) -> R {
    let items: Vec<Value> = l.values().collect();
    let line_of = |interp: &mut Interp, it: &Value, f: &Option<Value>| -> R<Option<String>> {
        match (it, f) {
            (v, Some(func)) => {
                let args = match v {
                    Value::Tuple(t) => t.to_vec(),
                    v => vec![v.clone()],
                };
                let r = interp.call_value(func, Args::new(args))?;
                Ok(match r {
                    Value::None => None,
                    r => Some(interp.to_str(&r)?),
                })
            }
            (Value::Tuple(t), None) => Some(
                t.iter()
                    .map(|x| interp.to_str(x))
                    .collect::<R<Vec<_>>>()
                    .map(|v| v.join(" ==> ")),
            )
            .transpose(),
            (v, None) => Ok(Some(interp.to_str(v)?)),
        }
    };
    match name {
        "summary" | "nsummary" => {
            let prn = a.get(0, "prn").filter(|v| !matches!(v, Value::None));
            let lfilter = a.get(1, "lfilter").filter(|v| !matches!(v, Value::None));
            for (k, it) in items.iter().enumerate() {
                if let Some(f) = &lfilter {
                    let args = match it {
                        Value::Tuple(t) => t.to_vec(),
                        v => vec![v.clone()],
                    };
                    if !interp.call_value(f, Args::new(args))?.truthy() {
                        continue;
                    }
                }
                if let Some(line) = line_of(interp, it, &prn)? {
                    if name == "nsummary" {
                        output::println(&format!("{k:04} {line}"));
                    } else {
                        output::println(&line);
                    }
                }
            }
            Ok(Value::None)
        }
        "show" => {
            for (k, it) in items.iter().enumerate() {
                let line = line_of(interp, it, &None)?.unwrap_or_default();
                output::println(&format!("{k:04} {line}"));
            }
            Ok(Value::None)
        }
        "hexdump" | "rawhexdump" => {
            for it in &items {
                let p = match it {
                    Value::Tuple(t) if t.len() == 2 => t[1].clone(),
                    v => v.clone(),
                };
                if let Value::Packet(r) = &p {
                    output::println(&show::summary(&r.snapshot()));
                    output::println(&show::hexdump(&r.build()?));
                    output::println("");
                }
            }
            Ok(Value::None)
        }
        "filter" => {
            let f = a.req(0, "func", name)?;
            let mut kept = Vec::new();
            for it in items {
                let args = match &it {
                    Value::Tuple(t) => t.to_vec(),
                    v => vec![v.clone()],
                };
                if interp.call_value(&f, Args::new(args))?.truthy() {
                    kept.push(it);
                }
            }
            Ok(Value::PacketList(PacketList::new(&l.name, kept)))
        }
        "append" => {
            let v = a.req(0, "item", name)?;
            l.push(v);
            Ok(Value::None)
        }
        "extend" => {
            let v = a.req(0, "items", name)?;
            let new: Vec<Value> = interp.iterate(&v)?.collect::<R<_>>()?;
            l.extend_items(new.into_iter().map(Item::Val));
            Ok(Value::None)
        }
        "make_table" => make_table(interp, &items, a),
        _ => Err(raise(
            "AttributeError",
            format!("'{}' object has no attribute '{name}'", l.name),
        )),
    }
}

/// Scapy's `make_table(lambda s, r: (col, row, cell))`: a grid of cells.
fn make_table(interp: &mut Interp, items: &[Value], mut a: Args) -> R {
    let f = a.req(0, "func", "make_table")?;
    let mut cols: Vec<String> = Vec::new();
    let mut rows: Vec<String> = Vec::new();
    let mut cells: std::collections::HashMap<(String, String), String> =
        std::collections::HashMap::new();
    for it in items {
        let args = match it {
            Value::Tuple(t) => t.to_vec(),
            v => vec![v.clone()],
        };
        let r = interp.call_value(&f, Args::new(args))?;
        let parts: Vec<Value> = interp.iterate(&r)?.collect::<R<_>>()?;
        if parts.len() != 3 {
            return Err(raise(
                "ValueError",
                "make_table's function must return (column, row, cell)",
            ));
        }
        let c = interp.to_str(&parts[0])?;
        let rw = interp.to_str(&parts[1])?;
        let cell = interp.to_str(&parts[2])?;
        if !cols.contains(&c) {
            cols.push(c.clone());
        }
        if !rows.contains(&rw) {
            rows.push(rw.clone());
        }
        cells.insert((c, rw), cell);
    }
    // Scapy's order: numerically when every key is a number, by address when
    // every key is an IPv4 address, as text otherwise
    fn sort_keys(keys: &mut [String]) {
        if keys.iter().all(|k| k.trim().parse::<i64>().is_ok()) {
            keys.sort_by_key(|k| k.trim().parse::<i64>().unwrap_or(0));
        } else if keys.iter().all(|k| k.parse::<std::net::Ipv4Addr>().is_ok()) {
            keys.sort_by_key(|k| k.parse::<std::net::Ipv4Addr>().map(u32::from).unwrap_or(0));
        } else {
            keys.sort();
        }
    }
    sort_keys(&mut cols);
    sort_keys(&mut rows);
    let w0 = rows.iter().map(|r| r.chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = cols
        .iter()
        .map(|c| {
            rows.iter()
                .map(|r| {
                    cells
                        .get(&(c.clone(), r.clone()))
                        .map(|x| x.chars().count())
                        .unwrap_or(1)
                })
                .chain(std::iter::once(c.chars().count()))
                .max()
                .unwrap_or(1)
        })
        .collect();
    let mut out = format!("{:w0$} ", "");
    for (c, w) in cols.iter().zip(&widths) {
        out.push_str(&format!("{c:<w$} "));
    }
    // cells keep Scapy's trailing separator so outputs diff clean against it
    output::println(&out);
    for r in &rows {
        let mut line = format!("{r:<w0$} ");
        for (c, w) in cols.iter().zip(&widths) {
            let cell = cells
                .get(&(c.clone(), r.clone()))
                .map(|s| s.as_str())
                .unwrap_or("-");
            line.push_str(&format!("{cell:<w$} "));
        }
        output::println(&line);
    }
    Ok(Value::None)
}
