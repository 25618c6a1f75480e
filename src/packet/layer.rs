//! One instance of a declared layer: which fields the user set (and in what
//! order, which decides set iteration order), conversion of caller input into
//! field values, and reading values back.

use super::decl::{name_of, value_of, Default, Field, Kind, LayerDef, Show, TlvDef, TlvFmt};
use super::value::{Gen, Input, Output, Tlv, TlvValue, Value};
use super::{Error, Packet};
use crate::suggest::closest;

/// A layer instance. Unset fields take the declaration's default.
#[derive(Clone)]
pub struct Layer {
    pub def: &'static LayerDef,
    slots: Vec<Slot>,
    next_seq: u32,
    /// Inside an ICMP error (`IPerror`, `UDPerror`, ...).
    pub quoted: bool,
    /// A dissected layer that ended early: only this many fields are present.
    pub present: Option<u16>,
    /// Dissected and not changed since: option lists are written back as
    /// they came, without the alignment a crafted list gets.
    pub verbatim: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct Slot {
    val: Option<Value>,
    seq: u32,
}

impl PartialEq for Layer {
    fn eq(&self, other: &Layer) -> bool {
        std::ptr::eq(self.def, other.def)
            && self.quoted == other.quoted
            && self.present == other.present
            && self
                .slots
                .iter()
                .zip(&other.slots)
                .all(|(a, b)| a.val == b.val)
    }
}

impl std::fmt::Debug for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}(", self.def.name)?;
        let mut first = true;
        for i in self.set_fields() {
            if !first {
                write!(f, ", ")?;
            }
            first = false;
            write!(f, "{}={:?}", self.def.fields[i].name, self.slots[i].val)?;
        }
        write!(f, ")")
    }
}

impl Layer {
    pub fn new(def: &'static LayerDef) -> Layer {
        Layer {
            def,
            slots: vec![Slot { val: None, seq: 0 }; def.fields.len()],
            next_seq: 1,
            quoted: false,
            present: None,
            verbatim: false,
        }
    }

    /// The explicitly set value of field `i`.
    pub fn get(&self, i: usize) -> Option<&Value> {
        self.slots.get(i).and_then(|s| s.val.as_ref())
    }

    pub fn is_set(&self, i: usize) -> bool {
        self.get(i).is_some()
    }

    /// True when field `i` is unset and computed at build time.
    pub fn is_auto(&self, i: usize) -> bool {
        !self.is_set(i) && matches!(self.def.fields[i].default, Default::Auto)
    }

    /// Sets field `i`, keeping its place in the set order if it was set before.
    pub fn set(&mut self, i: usize, v: Value) {
        self.verbatim = false;
        let slot = &mut self.slots[i];
        if slot.val.is_none() {
            slot.seq = self.next_seq;
            self.next_seq += 1;
        }
        slot.val = Some(v);
    }

    /// Returns field `i` to its default.
    pub fn clear(&mut self, i: usize) {
        self.slots[i].val = None;
    }

    /// Indices of the fields that were set, in the order they were set.
    pub fn set_fields(&self) -> Vec<usize> {
        let mut v: Vec<usize> = (0..self.slots.len())
            .filter(|&i| self.slots[i].val.is_some())
            .collect();
        v.sort_by_key(|&i| self.slots[i].seq);
        v
    }

    /// True when field `i` exists in this instance (its condition holds and a
    /// truncated dissection reached it).
    pub fn present(&self, i: usize) -> bool {
        if let Some(n) = self.present {
            if i >= usize::from(n) {
                return false;
            }
        }
        self.def.fields[i].when.is_none_or(|c| c(self))
    }

    /// The integer value of field `i`: set value (first element of a set),
    /// else default; computed fields read as 0.
    pub fn int(&self, i: usize) -> u64 {
        self.wide(i) as u64
    }

    /// `int` at full width (IPv6 addresses).
    pub fn wide(&self, i: usize) -> u128 {
        match self.get(i) {
            Some(v) => value_int(v),
            // an index from another declaration reads as 0 rather than panicking
            None => self.def.fields.get(i).map(default_int).unwrap_or(0),
        }
    }

    /// What an unset `Auto` field stands for before the packet is built,
    /// where that is known from this layer alone: an IPv4 `src` is the
    /// route's source address towards `dst` (Scapy shows it so), when a
    /// route resolver is installed. `None` otherwise.
    pub fn auto_value(&self, i: usize) -> Option<u128> {
        let f = &self.def.fields[i];
        if self.is_set(i) || !matches!(f.default, Default::Auto) {
            return None;
        }
        match f.kind {
            Kind::Addr(a) if f.name == "src" && a.networks => {
                let dst = self.def.field_index("dst").map(|d| self.wide(d))?;
                super::build::resolve_source(a, dst)
            }
            _ => None,
        }
    }

    /// `wide(i)`, with an unset `Auto` field read as `auto_value` (for display).
    pub fn int_shown(&self, i: usize) -> u128 {
        self.auto_value(i).unwrap_or_else(|| self.wide(i))
    }

    /// Field index by name, with a did-you-mean error.
    pub fn field_index(&self, name: &str) -> Result<usize, Error> {
        self.def
            .field_index(name)
            .ok_or_else(|| Error::UnknownField {
                layer: self.def.name,
                field: name.to_string(),
                suggestion: closest(name, self.def.fields.iter().map(|f| f.name)).map(String::from),
            })
    }

    /// Sets a field by name from caller input (`None` restores the default).
    pub fn set_input(&mut self, name: &str, input: Input) -> Result<(), Error> {
        let i = self.field_index(name)?;
        self.set_index_input(i, input)
    }

    pub fn set_index_input(&mut self, i: usize, input: Input) -> Result<(), Error> {
        if matches!(input, Input::None) {
            self.clear(i);
            return Ok(());
        }
        let v = self.convert(i, input)?;
        self.set(i, v);
        Ok(())
    }

    /// Converts caller input into a value for field `i` (sets and randoms allowed).
    pub fn convert(&self, i: usize, input: Input) -> Result<Value, Error> {
        let field = &self.def.fields[i];
        let kind = field.kind_for(self);
        let bad = |got: &Input, expected: String, suggestion: Option<String>| Error::BadValue {
            layer: self.def.name,
            field: field.name,
            got: describe_input(got),
            expected,
            suggestion,
        };
        match (&kind, input) {
            (_, Input::Rand(r)) => Ok(Value::Rand(r)),
            (Kind::Bits(_) | Kind::Addr(_), Input::Tuple(items))
                if items.len() == 2 || items.len() == 3 =>
            {
                let mut it = items.into_iter();
                let start = self.scalar(field, kind, it.next().unwrap_or(Input::None), &bad)?;
                let stop = self.scalar(field, kind, it.next().unwrap_or(Input::None), &bad)?;
                let step = match it.next() {
                    Some(Input::Int(s)) if s > 0 => s as u128,
                    Some(other) => {
                        return Err(bad(&other, "a positive step".into(), None));
                    }
                    None => 1,
                };
                Ok(Value::Gen(Box::new(Gen::Range { start, stop, step })))
            }
            (Kind::Bits(_), Input::List(items)) if matches!(field.show, Show::Flags(_)) => {
                // Scapy: a list of flags means all of them together
                let mut v = 0u128;
                for x in items {
                    v |= self.scalar(field, kind, x, &bad)?;
                }
                Ok(Value::Int(v))
            }
            (Kind::Bits(_) | Kind::Addr(_) | Kind::Bytes(_), Input::List(items)) => {
                let vals = items
                    .into_iter()
                    .map(|x| self.convert(i, x))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Value::Gen(Box::new(Gen::List(vals))))
            }
            (Kind::Addr(a), Input::Str(s)) if a.networks && s.contains('/') => a
                .parse_net(&s)
                .map(|(base, prefix)| {
                    Value::Gen(Box::new(Gen::Net {
                        kind: a,
                        base,
                        prefix,
                    }))
                })
                .ok_or_else(|| {
                    bad(
                        &Input::Str(s.clone()),
                        format!("{} with a /prefix", a.example),
                        None,
                    )
                }),
            (Kind::Bits(_) | Kind::Addr(_), x) => self.scalar(field, kind, x, &bad).map(Value::Int),
            (Kind::Bytes(_), Input::Bytes(b)) => Ok(Value::Bytes(b)),
            (Kind::Bytes(_), Input::Str(s)) => Ok(Value::Bytes(s.into_bytes())),
            // a packet stands for its bytes, as Scapy's string fields take one
            (Kind::Bytes(_), Input::Packet(p)) => Ok(Value::Bytes(p.build())),
            (Kind::Bytes(_), x) => Err(bad(&x, "bytes, a string or a packet".into(), None)),
            (Kind::AddrList(a, _), Input::List(items) | Input::Tuple(items)) => items
                .into_iter()
                .map(|x| match x {
                    Input::Str(s) => a
                        .parse_or_resolve(&s)
                        .ok_or_else(|| bad(&Input::Str(s.clone()), a.example.into(), None)),
                    Input::Int(n) if n >= 0 && (n as u128) <= a.max() => Ok(n as u128),
                    other => Err(bad(&other, a.example.into(), None)),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Addrs),
            (Kind::Options(fam, _), Input::List(items) | Input::Tuple(items)) => {
                let mut out = Vec::new();
                for x in items {
                    match x {
                        Input::Packet(p)
                            if p.layers.len() == 1
                                && fam
                                    .members
                                    .iter()
                                    .any(|m| std::ptr::eq(*m, p.layers[0].def)) =>
                        {
                            out.extend(p.layers)
                        }
                        other => {
                            return Err(bad(
                                &other,
                                format!("a list of {} options", fam.name),
                                None,
                            ))
                        }
                    }
                }
                Ok(Value::Options(out))
            }
            // one option on its own, as Scapy allows: IP(options=IPOption_RR())
            (Kind::Options(..), Input::Packet(p)) => {
                self.convert(i, Input::List(vec![Input::Packet(p)]))
            }
            (Kind::Options(fam, _), Input::Bytes(b)) => {
                Ok(Value::Options(super::dissect::options(fam, &b)))
            }
            (Kind::Tlvs(defs, _), Input::List(items) | Input::Tuple(items)) => items
                .into_iter()
                .map(|x| tlv_from_input(defs, x).map_err(|e| bad(&e.0, e.1, e.2)))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Tlvs),
            (Kind::Tlvs(defs, _), Input::Bytes(b)) => {
                Ok(Value::Tlvs(super::dissect::tlvs(defs, &b)))
            }
            (Kind::Options(..) | Kind::Tlvs(..) | Kind::AddrList(..), x) => {
                Err(bad(&x, "a list".into(), None))
            }
            (Kind::Depends(_), x) => Err(bad(&x, "a value".into(), None)),
        }
    }

    /// Converts one scalar (int, name, address) for a numeric field.
    fn scalar(
        &self,
        field: &Field,
        kind: Kind,
        input: Input,
        bad: &dyn Fn(&Input, String, Option<String>) -> Error,
    ) -> Result<u128, Error> {
        let max = super::kinds::mask(kind.scalar_bits().unwrap_or(64));
        let expected_num = || match kind {
            Kind::Addr(a) => a.example.to_string(),
            _ => format!("an integer from 0 to {max}"),
        };
        match input {
            Input::Int(n) if n >= 0 && (n as u128) <= max => Ok(n as u128),
            Input::Bool(b) => Ok(u128::from(b)),
            Input::Str(s) => match (kind, field.show) {
                (Kind::Addr(a), _) => a
                    .parse_or_resolve(&s)
                    .ok_or_else(|| bad(&Input::Str(s.clone()), expected_num(), None)),
                (_, Show::Enum(_) | Show::XEnum(_) | Show::EnumBy(_)) => {
                    let names = enum_names(self, field.show).unwrap_or(&[]);
                    enum_value(names, &s, max as u64)
                        .map(u128::from)
                        .map_err(|sug| {
                            bad(
                                &Input::Str(s.clone()),
                                "a number or one of its names".into(),
                                sug,
                            )
                        })
                }
                (_, Show::Flags(names)) => {
                    parse_flags(names, &s).map(u128::from).map_err(|unknown| {
                        bad(
                            &Input::Str(s.clone()),
                            format!("flags made of {}", flag_list(names)),
                            closest(&unknown, names.iter().copied()).map(String::from),
                        )
                    })
                }
                (_, Show::TimeMs) => parse_time_of_day(&s).map(u128::from).ok_or_else(|| {
                    bad(
                        &Input::Str(s.clone()),
                        "milliseconds or \"h:m:s.ms\"".into(),
                        None,
                    )
                }),
                _ => Err(bad(&Input::Str(s), expected_num(), None)),
            },
            other => Err(bad(&other, expected_num(), None)),
        }
    }

    /// Reads field `i` for a caller; `overload` is the value a payload layer
    /// imposes on an unset field (IP `proto` under ICMP).
    pub fn output(&self, i: usize, overload: Option<u128>) -> Output {
        let field = &self.def.fields[i];
        let kind = field.kind_for(self);
        match self.get(i) {
            None => match (overload, field.default) {
                (Some(v), _) => int_output(field, kind, v),
                (None, Default::Auto) => match self.auto_value(i) {
                    Some(v) => int_output(field, kind, v),
                    None => Output::None,
                },
                (None, Default::Bytes(b)) => Output::Bytes(b.to_vec()),
                (None, Default::Empty) => Output::List(vec![]),
                (None, Default::Addrs(a)) => value_output(field, kind, &Value::Addrs(a.to_vec())),
                (None, _) => int_output(field, kind, default_int(field)),
            },
            Some(v) => value_output(field, kind, v),
        }
    }
}

fn value_output(field: &Field, kind: Kind, v: &Value) -> Output {
    match v {
        Value::Int(n) => int_output(field, kind, *n),
        Value::Bytes(b) => Output::Bytes(b.clone()),
        Value::Options(l) => Output::Layers(l.clone()),
        Value::Addrs(a) => {
            let k = match kind {
                Kind::AddrList(k, _) => k,
                _ => &super::kinds::IPV4,
            };
            Output::List(a.iter().map(|x| Output::Str((k.format)(*x))).collect())
        }
        Value::Tlvs(t) => {
            let defs = match kind {
                Kind::Tlvs(d, _) => d,
                _ => &[][..],
            };
            Output::List(t.iter().map(|o| tlv_output(defs, o)).collect())
        }
        Value::Gen(g) => match &**g {
            Gen::Net { kind, base, prefix } => Output::Str(kind.format_net(*base, *prefix)),
            Gen::Range { start, stop, step } => {
                let mut t = vec![
                    int_output(field, kind, *start),
                    int_output(field, kind, *stop),
                ];
                if *step != 1 {
                    t.push(Output::Int(*step as u64));
                }
                Output::Tuple(t)
            }
            Gen::List(items) => {
                Output::List(items.iter().map(|x| value_output(field, kind, x)).collect())
            }
        },
        Value::Rand(r) => value_output(field, kind, &r.draw(&mut super::value::Rng::new())),
    }
}

fn int_output(field: &Field, kind: Kind, v: u128) -> Output {
    match (kind, field.show) {
        (Kind::Addr(a), _) => Output::Str((a.format)(v)),
        (_, Show::Flags(names)) => Output::Flags(v as u64, names),
        _ => Output::Int(v as u64),
    }
}

fn tlv_output(defs: &[TlvDef], o: &Tlv) -> Output {
    let name = match defs.iter().find(|d| d.kind == o.kind) {
        Some(d) => Output::Str(d.name.to_string()),
        None => Output::Int(u64::from(o.kind)),
    };
    let val = match &o.value {
        TlvValue::None => Output::None,
        TlvValue::Ints(v) if v.len() == 1 && !is_list_fmt(defs, o.kind) => Output::Int(v[0]),
        TlvValue::Ints(v) => Output::Tuple(v.iter().map(|x| Output::Int(*x)).collect()),
        TlvValue::Bytes(b) | TlvValue::Raw(b) => Output::Bytes(b.clone()),
    };
    Output::Tuple(vec![name, val])
}

fn is_list_fmt(defs: &[TlvDef], kind: u8) -> bool {
    defs.iter()
        .any(|d| d.kind == kind && matches!(d.fmt, TlvFmt::U32List | TlvFmt::U32Pair))
}

type TlvErr = Box<(Input, String, Option<String>)>;

fn tlv_from_input(defs: &[TlvDef], x: Input) -> Result<Tlv, TlvErr> {
    let expected = || "(name, value) pairs like (\"MSS\", 1460)".to_string();
    let (name, val) = match x {
        Input::Tuple(mut t) | Input::List(mut t) if t.len() == 2 => {
            let v = t.pop().unwrap_or(Input::None);
            let n = t.pop().unwrap_or(Input::None);
            (n, v)
        }
        Input::Str(s) => (Input::Str(s), Input::None),
        other => return Err(Box::new((other, expected(), None))),
    };
    let (kind, def) = match &name {
        Input::Str(s) => match defs.iter().find(|d| d.name.eq_ignore_ascii_case(s)) {
            Some(d) => (d.kind, Some(d)),
            None => {
                return Err(Box::new((
                    name.clone(),
                    "a known option name or number".into(),
                    closest(s, defs.iter().map(|d| d.name)).map(String::from),
                )))
            }
        },
        Input::Int(n) if (0..=255).contains(n) => {
            (*n as u8, defs.iter().find(|d| d.kind == *n as u8))
        }
        _ => return Err(Box::new((name.clone(), expected(), None))),
    };
    let ints = |v: &Input| -> Option<Vec<u64>> {
        match v {
            Input::Int(n) if *n >= 0 => Some(vec![*n as u64]),
            Input::Tuple(items) | Input::List(items) => items
                .iter()
                .map(|i| match i {
                    Input::Int(n) if *n >= 0 => Some(*n as u64),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    };
    let value = match (def.map(|d| d.fmt), &val) {
        (Some(TlvFmt::Single | TlvFmt::Empty), Input::Bytes(b)) if b.is_empty() => TlvValue::None,
        (_, Input::Bytes(b)) => TlvValue::Bytes(b.clone()),
        (Some(TlvFmt::Single | TlvFmt::Empty), _) | (None, Input::None) => TlvValue::None,
        (Some(TlvFmt::Bytes) | None, Input::Str(s)) => TlvValue::Bytes(s.as_bytes().to_vec()),
        (Some(_), v) => match ints(v) {
            Some(n) => TlvValue::Ints(n),
            None => {
                return Err(Box::new((
                    val.clone(),
                    "a number or a tuple of numbers".into(),
                    None,
                )))
            }
        },
        (None, _) => {
            return Err(Box::new((
                val.clone(),
                "bytes for an unknown option".into(),
                None,
            )))
        }
    };
    Ok(Tlv { kind, value })
}

fn enum_value(names: super::decl::Names, s: &str, max: u64) -> Result<u64, Option<String>> {
    if let Some(v) = value_of(names, s) {
        return Ok(v);
    }
    if let Some(n) = parse_int_str(s) {
        if n <= max {
            return Ok(n);
        }
    }
    Err(closest(s, names.iter().map(|(_, n)| *n)).map(String::from))
}

fn parse_int_str(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Some(h) = s.strip_prefix("0x") {
        u64::from_str_radix(h, 16).ok()
    } else {
        s.parse().ok()
    }
}

/// Parses flags as letters (`"SA"`) or `+`-separated names (`"MF+DF"`).
pub fn parse_flags(names: &[&str], s: &str) -> Result<u64, String> {
    let single = names.iter().all(|n| n.chars().count() == 1);
    let mut v = 0u64;
    if single && !s.contains(['+', '|', ',', ' ']) {
        for c in s.chars() {
            match names.iter().position(|n| n.starts_with(c)) {
                Some(bit) => v |= 1 << bit,
                None => return Err(c.to_string()),
            }
        }
        return Ok(v);
    }
    for part in s.split(['+', '|', ',', ' ']).filter(|p| !p.is_empty()) {
        match names.iter().position(|n| n.eq_ignore_ascii_case(part)) {
            Some(bit) => v |= 1 << bit,
            None => return Err(part.to_string()),
        }
    }
    Ok(v)
}

fn flag_list(names: &[&str]) -> String {
    names
        .iter()
        .filter(|n| !n.is_empty())
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses `h:m:s.ms` (Scapy accepts this for ICMP timestamps).
fn parse_time_of_day(s: &str) -> Option<u64> {
    let (hms, ms) = match s.split_once('.') {
        Some((a, b)) => (a, b),
        None => (s, "0"),
    };
    let parts: Vec<u64> = hms
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (h, m, sec) = match parts.as_slice() {
        [h] => (*h, 0, 0),
        [h, m] => (*h, *m, 0),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    let ms_txt: String = format!("{ms}000").chars().take(3).collect();
    let ms: u64 = ms_txt.parse().ok()?;
    (h < 24 && m < 60 && sec < 60).then_some(((h * 60 + m) * 60 + sec) * 1000 + ms)
}

pub fn parse_ipv4(s: &str) -> Option<u32> {
    s.trim().parse::<std::net::Ipv4Addr>().ok().map(u32::from)
}

/// Parses `a.b.c.d/n` into the network base and prefix length.
pub fn parse_net(s: &str) -> Option<(u32, u8)> {
    super::kinds::IPV4
        .parse_net(s)
        .map(|(base, prefix)| (base as u32, prefix))
}

/// The integer a stored value stands for (first element of a set).
pub fn value_int(v: &Value) -> u128 {
    match v {
        Value::Int(n) => *n,
        Value::Gen(g) => g.nth(0).map(|x| value_int(&x)).unwrap_or(0),
        Value::Rand(r) => value_int(&r.draw(&mut super::value::Rng::new())),
        _ => 0,
    }
}

/// The integer default of a field (computed fields read as 0).
pub fn default_int(field: &Field) -> u128 {
    match field.default {
        Default::Int(n) => n,
        Default::NowMs => u128::from(now_ms_since_midnight()),
        _ => 0,
    }
}

/// Milliseconds since midnight UTC (RFC 792 timestamps).
pub fn now_ms_since_midnight() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (now.as_millis() % 86_400_000) as u64
}

/// A short description of an input for error messages.
pub fn describe_input(i: &Input) -> String {
    match i {
        Input::None => "None".into(),
        Input::Bool(b) => if *b { "True" } else { "False" }.into(),
        Input::Int(n) => n.to_string(),
        Input::Float(f) => format!("{f:?}"),
        Input::Str(s) => format!("{s:?}"),
        Input::Bytes(b) => format!("{} bytes", b.len()),
        Input::List(l) => format!("a list of {}", l.len()),
        Input::Tuple(l) => format!("a tuple of {}", l.len()),
        Input::Packet(p) => format!(
            "a {} packet",
            p.layers.first().map(|l| l.def.name).unwrap_or("empty")
        ),
        Input::Rand(r) => r.describe(),
    }
}

/// Looks a value's name up for display (used by show and repr).
pub fn enum_name(layer: &Layer, field: &Field, v: u128) -> Option<&'static str> {
    name_of(enum_names(layer, field.show)?, u64::try_from(v).ok()?)
}

/// The name table a field shows its values with, if it has one.
fn enum_names(layer: &Layer, show: Show) -> Option<super::decl::Names> {
    match show {
        Show::Enum(names) | Show::XEnum(names) => Some(names),
        Show::EnumBy(f) => Some(f(layer)),
        _ => None,
    }
}

impl Packet {
    /// A one-layer packet.
    pub fn from_layer(l: Layer) -> Packet {
        Packet {
            layers: vec![l],
            ..Packet::default()
        }
    }
}
