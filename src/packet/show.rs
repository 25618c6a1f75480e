//! Display: `show`/`show2`, `summary`, `repr`, `hexdump`, `command` and `ls`,
//! in the spirit of Scapy's output. Colour comes from `colored`, whose global
//! override the CLI sets (off for non-tty output and `NO_COLOR`).

use super::decl::{Default, Field, Kind, LayerDef, LayerKind, Phantom, Show, SummaryCtx, TlvDef};
use super::layer::{default_int, enum_name, Layer};
use super::value::{Gen, TlvValue, Value};
use super::Packet;
use colored::Colorize;
use std::fmt::Write;

/// Scapy's `summary()`: the innermost layer with something to say speaks, the
/// layers around it give their names.
pub fn summary(p: &Packet) -> String {
    let mut found = false;
    let mut s = String::new();
    for i in (0..p.layers.len()).rev() {
        let l = &p.layers[i];
        let mut text = String::new();
        // layers quoted under an error name (IPerror, UDPerror) have no summary;
        // quoted layers that keep their class (an ICMPv6 echo) do
        if !(found || l.quoted && l.def.quoted_names.is_some()) {
            if let Some(f) = l.def.summary {
                text = f(&SummaryCtx {
                    layers: &p.layers,
                    idx: i,
                });
            }
        }
        if text.is_empty() {
            text = l.def.class_name(l.quoted).to_string();
        } else {
            found = true;
        }
        s = if s.is_empty() {
            text
        } else {
            format!("{text} / {s}")
        };
    }
    s
}

/// Scapy's `repr`: set (and payload-imposed) fields of each layer.
pub fn repr(p: &Packet) -> String {
    let mut s = String::new();
    for (i, l) in p.layers.iter().enumerate() {
        let _ = write!(s, "<{} ", l.def.class_name(l.quoted).red().bold());
        for (fi, f) in l.def.fields.iter().enumerate() {
            if !l.present(fi) {
                continue;
            }
            // Scapy leaves empty lists (no options) out
            let empty = matches!(
                l.get(fi),
                Some(Value::Options(v)) if v.is_empty()
            ) || matches!(l.get(fi), Some(Value::Tlvs(v)) if v.is_empty())
                || matches!(l.get(fi), Some(Value::Addrs(v)) if v.is_empty())
                || empty_packet_list(l, fi);
            let shown = !empty && (l.is_set(fi) || p.overload(i, fi).is_some());
            if shown {
                let _ = write!(s, " {}={}", f.name.cyan(), field_repr(p, i, fi).magenta());
            }
            // a dissected layer lists Scapy's phantom fields after theirs
            if l.verbatim {
                for ph in Phantom::after(l, f.name).filter(|ph| ph.in_repr) {
                    let _ = write!(s, " {}={}", ph.name.cyan(), ph.shown.magenta());
                }
            }
        }
        s.push_str(" |");
    }
    if p.layers.is_empty() {
        return "<empty packet>".into();
    }
    s.push_str(&">".repeat(p.layers.len()));
    s
}

/// A field kept as bytes that Scapy declares as a `PacketListField`
/// (Segment Routing TLVs), holding nothing: Scapy's empty list.
fn empty_packet_list(l: &Layer, fi: usize) -> bool {
    let f = &l.def.fields[fi];
    f.scapy.class == Some("PacketListField")
        && match l.get(fi) {
            Some(Value::Bytes(b)) => b.is_empty(),
            Some(_) => false,
            None => matches!(f.default, Default::Bytes(b) if b.is_empty()),
        }
}

/// A field's value as `show()` and `repr` display it.
pub fn field_repr(p: &Packet, li: usize, fi: usize) -> String {
    let l = &p.layers[li];
    let f = &l.def.fields[fi];
    match l.get(fi) {
        Some(v) => value_repr(l, f, v),
        None => match p.overload(li, fi).or_else(|| l.auto_value(fi)) {
            Some(v) => int_repr(l, f, v),
            None => default_repr(l, f),
        },
    }
}

fn default_repr(l: &Layer, f: &Field) -> String {
    if let (Kind::Bytes(_), Default::Int(_)) = (f.kind_for(l), f.default) {
        return bytes_repr(&[]);
    }
    match f.default {
        Default::Auto => "None".into(),
        Default::Bytes(b) => bytes_repr(b),
        Default::Empty => match f.kind_for(l) {
            Kind::AddrList(k, _) => addrs_repr(k, &[]),
            _ => "[]".into(),
        },
        Default::Addrs(a) => value_repr(l, f, &Value::Addrs(a.to_vec())),
        Default::Int(_) | Default::NowMs => int_repr(l, f, default_int(f)),
    }
}

/// An address list as Scapy's fields display it: `IP6ListField` as
/// `[ 2001:2::a, 2001:2::b ]` (`[  ]` empty), a `FieldListField` of IPv4
/// addresses as `[198.18.0.1, 198.18.0.2]`.
fn addrs_repr(k: &super::kinds::AddrKind, a: &[u128]) -> String {
    let parts: Vec<String> = a.iter().map(|x| (k.format)(*x)).collect();
    if k.bits == 128 {
        format!("[ {} ]", parts.join(", "))
    } else {
        format!("[{}]", parts.join(", "))
    }
}

/// The display text of one stored value.
pub fn value_repr(l: &Layer, f: &Field, v: &Value) -> String {
    match v {
        Value::Int(n) => int_repr(l, f, *n),
        // fixed-size strings are zero-padded on the wire; Scapy shows them without the padding
        Value::Bytes(b) if matches!(f.kind_for(l), Kind::Bytes(super::decl::Len::Fixed(_))) => {
            let end = b.iter().rposition(|&x| x != 0).map_or(0, |i| i + 1);
            bytes_repr(&b[..end])
        }
        Value::Bytes(b) => bytes_repr(b),
        Value::Options(opts) => {
            // each option as a packet of its own, as Scapy's PacketListField
            let parts: Vec<String> = opts
                .iter()
                .map(|o| repr(&Packet::from_layer(o.clone())))
                .collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Tlvs(t) => tlvs_repr(tlv_defs(l, f), t),
        Value::Addrs(a) => addrs_repr(list_kind(l, f), a),
        Value::Gen(g) => g.describe(&|x| value_repr(l, f, x)),
        Value::Rand(r) => format!("<{}>", r.describe()),
    }
}

fn tlv_defs(l: &Layer, f: &Field) -> &'static [TlvDef] {
    match f.kind_for(l) {
        Kind::Tlvs(d, _) => d,
        _ => &[],
    }
}

/// `[('MSS', 1460), ('NOP', None)]`
pub fn tlvs_repr(defs: &[TlvDef], t: &[super::value::Tlv]) -> String {
    let parts: Vec<String> = t
        .iter()
        .map(|o| {
            let name = match defs.iter().find(|d| d.kind == o.kind) {
                Some(d) => format!("'{}'", d.name),
                None => o.kind.to_string(),
            };
            let val = match &o.value {
                TlvValue::None => "None".to_string(),
                TlvValue::Ints(v) if v.len() == 1 && !list_fmt(defs, o.kind) => v[0].to_string(),
                TlvValue::Ints(v) if v.len() == 1 => format!("({},)", v[0]),
                TlvValue::Ints(v) => {
                    let s: Vec<String> = v.iter().map(u64::to_string).collect();
                    format!("({})", s.join(", "))
                }
                TlvValue::Bytes(b) if o.kind == 0 && b.iter().all(|x| *x == 0) => "None".into(),
                TlvValue::Bytes(b) | TlvValue::Raw(b) => bytes_repr(b),
            };
            format!("({name}, {val})")
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

fn list_fmt(defs: &[TlvDef], kind: u8) -> bool {
    defs.iter().any(|d| {
        d.kind == kind
            && matches!(
                d.fmt,
                super::decl::TlvFmt::U32List | super::decl::TlvFmt::U32Pair
            )
    })
}

/// An integer field as displayed: names for enums, letters for flags, hex for X fields.
pub fn int_repr(l: &Layer, f: &Field, v: u128) -> String {
    if let Kind::Addr(a) = f.kind_for(l) {
        return (a.format)(v);
    }
    let shown = plain_int_repr(l, f, v);
    match f.annotate {
        Some(note) => format!("{shown} {}", note(v)),
        None => shown,
    }
}

fn plain_int_repr(l: &Layer, f: &Field, v: u128) -> String {
    match f.show {
        Show::Dec => v.to_string(),
        Show::Hex => format!("{v:#x}"),
        Show::Enum(_) | Show::EnumBy(_) => match enum_name(l, f, v) {
            Some(n) => n.to_string(),
            None => v.to_string(),
        },
        Show::XEnum(_) => match enum_name(l, f, v) {
            Some(n) => n.to_string(),
            None => format!("{v:#x}"),
        },
        Show::Flags(names) => flags_repr(names, v as u64),
        Show::TimeMs => {
            let (s, ms) = (v / 1000, v % 1000);
            format!("{}:{}:{}.{}", s / 3600, (s / 60) % 60, s % 60, ms)
        }
    }
}

/// Flags as letters (`SA`) or `+`-joined names (`MF+DF`).
pub fn flags_repr(names: &[&str], v: u64) -> String {
    let single = names.iter().all(|n| n.chars().count() == 1);
    let mut parts = Vec::new();
    for (bit, n) in names.iter().enumerate() {
        if bit < 64 && v & (1 << bit) != 0 {
            parts.push(n.to_string());
        }
    }
    let extra = if names.len() < 64 {
        v >> names.len()
    } else {
        0
    };
    if extra != 0 {
        parts.push(format!("{:#x}", extra << names.len()));
    }
    parts.join(if single { "" } else { "+" })
}

/// Python's `repr` of bytes: `b'ping'`, `b'\x00\x01'`.
pub fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut s = String::with_capacity(b.len() + 3);
    s.push('b');
    s.push(quote);
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            c if c as char == quote => {
                s.push('\\');
                s.push(quote);
            }
            0x20..=0x7e => s.push(c as char),
            c => {
                let _ = write!(s, "\\x{c:02x}");
            }
        }
    }
    s.push(quote);
    s
}

/// Scapy's `show()`: every field of every layer, defaults included.
pub fn show(p: &Packet) -> String {
    let mut out = String::new();
    show_into(p, &mut out, "");
    out.push('\n');
    out
}

/// Scapy's `show2()`: `show()` of the packet as built (computed fields filled).
pub fn show2(p: &Packet) -> String {
    show(&p.rebuilt())
}

fn show_into(p: &Packet, out: &mut String, label: &str) {
    for (i, l) in p.layers.iter().enumerate() {
        let lvl = "   ".repeat(i);
        let _ = writeln!(
            out,
            "{label}{} {} {}",
            "###[".blue(),
            l.def.display_name(l.quoted).red().bold(),
            "]###".blue()
        );
        for (fi, f) in l.def.fields.iter().enumerate() {
            if !l.present(fi) {
                continue;
            }
            if empty_packet_list(l, fi) {
                let _ = writeln!(out, "{label}  {lvl}\\{:<10}\\", f.name.cyan());
                continue;
            }
            if let Kind::Options(..) = f.kind {
                let _ = writeln!(out, "{label}  {lvl}\\{:<10}\\", f.name.cyan());
                if let Some(Value::Options(opts)) = l.get(fi) {
                    let sub_label = format!("{label}{lvl}   |");
                    for o in opts {
                        show_into(&Packet::from_layer(o.clone()), out, &sub_label);
                    }
                }
                continue;
            }
            let mut val = field_repr(p, i, fi).magenta().to_string();
            if f.name == "chksum" && l.is_set(fi) {
                if let Some(note) = super::verify::note(p, i, fi) {
                    val = format!("{val} {}", note.red().bold());
                }
            }
            let _ = writeln!(
                out,
                "{label}  {lvl}{}{} {}",
                format!("{:<10}", f.name).cyan(),
                "=".blue(),
                val
            );
            // Scapy's phantom fields, where it declares them
            for ph in Phantom::after(l, f.name) {
                let _ = writeln!(
                    out,
                    "{label}  {lvl}{}{} {}",
                    format!("{:<10}", ph.name).cyan(),
                    "=".blue(),
                    ph.shown.magenta()
                );
            }
        }
    }
    if p.layers.is_empty() {
        out.push_str("<empty packet>\n");
    }
}

/// Scapy's `hexdump()`: offset, 16 uppercase hex bytes, printable ASCII.
pub fn hexdump(data: &[u8]) -> String {
    let mut s = String::with_capacity(data.len() * 4 + 16);
    for (row, chunk) in data.chunks(16).enumerate() {
        let _ = write!(s, "{:04x}  ", row * 16);
        for j in 0..16 {
            match chunk.get(j) {
                Some(b) => {
                    let _ = write!(s, "{b:02X} ");
                }
                None => s.push_str("   "),
            }
        }
        s.push(' ');
        for &b in chunk {
            s.push(if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            });
        }
        s.push('\n');
    }
    if s.ends_with('\n') {
        s.pop();
    }
    s
}

/// Scapy's `command()`: an expression that rebuilds the packet.
pub fn command(p: &Packet) -> String {
    p.layers
        .iter()
        .map(command_layer)
        .collect::<Vec<_>>()
        .join("/")
}

fn command_layer(l: &Layer) -> String {
    let mut args = Vec::new();
    for fi in 0..l.def.fields.len() {
        if !l.present(fi) {
            continue;
        }
        let f = &l.def.fields[fi];
        match l.get(fi) {
            // empty lists are left out, as Scapy does
            Some(Value::Options(x)) if x.is_empty() => {}
            Some(Value::Tlvs(x)) if x.is_empty() => {}
            Some(Value::Addrs(x)) if x.is_empty() => {}
            Some(v) => args.push(format!("{}={}", f.name, value_command(l, f, v))),
            None => {}
        }
    }
    format!("{}({})", l.def.class_name(l.quoted), args.join(", "))
}

fn value_command(l: &Layer, f: &Field, v: &Value) -> String {
    match v {
        Value::Int(n) => match f.kind_for(l) {
            Kind::Addr(a) => format!("'{}'", (a.format)(*n)),
            _ => n.to_string(),
        },
        Value::Gen(g) => match &**g {
            Gen::Net { .. } => format!("'{}'", g.describe(&|_| String::new())),
            _ => g.describe(&|x| value_command(l, f, x)),
        },
        Value::Rand(r) => r.describe(),
        other => value_repr(l, f, other),
    }
}

/// One row of `ls()`: name, Scapy's field class with its notes, the Python
/// repr of the default, and the field's value for `ls(packet)`.
struct LsRow {
    name: &'static str,
    class: String,
    default: String,
    value: String,
    /// `ls(..., verbose=True)`'s lines under the field: enum names, flags.
    names: Vec<String>,
}

/// The rows of one layer, phantom fields in their place.
fn ls_rows(p: &Packet, li: usize, verbose: bool) -> Vec<LsRow> {
    let l = &p.layers[li];
    let probe = Layer::new(l.def);
    let mut rows = Vec::new();
    for (fi, f) in l.def.fields.iter().enumerate() {
        let value = if !l.present(fi) {
            "None".to_string()
        } else {
            value_py(p, li, fi)
        };
        rows.push(LsRow {
            name: f.name,
            class: ls_class(l, f, l.quoted),
            default: default_py(&probe, f),
            value,
            names: if verbose {
                verbose_names(l, f)
            } else {
                Vec::new()
            },
        });
        for ph in l.def.phantoms.iter().filter(|ph| ph.after == f.name) {
            let shown = ph.when.is_none_or(|w| w(l));
            rows.push(LsRow {
                name: ph.name,
                class: if ph.when.is_some() {
                    format!("{} (Cond)", ph.class)
                } else {
                    format!("{} ", ph.class)
                },
                default: ph.default.to_string(),
                value: if shown { ph.default } else { "None" }.to_string(),
                names: Vec::new(),
            });
        }
    }
    rows
}

/// Scapy's `ls(Layer)`: every field with Scapy's class and default, as
/// `name : class = ('default')`.
pub fn ls(def: &'static LayerDef, quoted: bool, verbose: bool) -> String {
    // a layer that only picks another (IPv46) lists the one it picks by default
    let def = match def.dispatch {
        Some(pick) if def.fields.is_empty() => pick(&[]),
        _ => def,
    };
    let mut l = Layer::new(def);
    l.quoted = quoted;
    let p = Packet::from_layer(l);
    let mut s = String::new();
    for r in ls_rows(&p, 0, verbose) {
        let _ = writeln!(
            s,
            "{:<10} : {:<35} = ({})",
            r.name,
            r.class,
            py_repr(&r.default)
        );
        push_names(&mut s, &r.names);
    }
    s
}

/// Our own field listing for `help(Layer)`: type, default as `show()`
/// displays it, and what the field is for.
pub fn ls_doc(def: &'static LayerDef) -> String {
    let mut s = String::new();
    let probe = Layer::new(def);
    for f in def.fields {
        let _ = writeln!(
            s,
            "{:<10} : {:<35} = {}{}",
            f.name,
            type_name(f),
            default_repr(&probe, f),
            if f.doc.is_empty() {
                String::new()
            } else {
                format!("  # {}", f.doc)
            }
        );
    }
    s
}

/// Scapy's `ls(packet)`: every field of every layer with its value and the
/// repr of its default, layers separated by `--`.
pub fn ls_packet(p: &Packet, verbose: bool) -> String {
    let mut s = String::new();
    for i in 0..p.layers.len() {
        if i > 0 {
            s.push_str("--\n");
        }
        for r in ls_rows(p, i, verbose) {
            let _ = writeln!(
                s,
                "{:<10} : {:<35} = {:<15} ({})",
                r.name,
                r.class,
                r.value,
                py_repr(&r.default)
            );
            push_names(&mut s, &r.names);
        }
    }
    s
}

fn push_names(s: &mut String, names: &[String]) {
    for n in names {
        let _ = writeln!(s, "{:15}{n}", "");
    }
}

/// What `verbose=True` lists under a field, as Scapy does: the names of an
/// enum (by value, when fewer than 50; an enum chosen by another field, the
/// names for its current value), the names of the flags.
fn verbose_names(l: &Layer, f: &Field) -> Vec<String> {
    // Scapy's BitEnumField isn't one of its EnumFields: no names
    if derived_class(f) == "BitEnumField" {
        return Vec::new();
    }
    let table = match f.show {
        Show::Enum(n) | Show::XEnum(n) => n,
        Show::EnumBy(by) => by(l),
        Show::Flags(names) => return vec![names.join(", ")],
        _ => return Vec::new(),
    };
    // a dict in Scapy: one name per value, the last given
    let mut by_value: Vec<(u64, &str)> = Vec::new();
    for &(v, n) in table {
        match by_value.iter_mut().find(|(x, _)| *x == v) {
            Some(e) => e.1 = n,
            None => by_value.push((v, n)),
        }
    }
    if by_value.len() >= 50 {
        return Vec::new();
    }
    by_value.sort();
    by_value.iter().map(|(v, n)| format!("{n}: {v}")).collect()
}

/// Python's `repr` of a string: single quotes unless only double quotes
/// avoid escaping.
pub fn py_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut s = String::with_capacity(text.len() + 2);
    s.push(quote);
    for c in text.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if c == quote => {
                s.push('\\');
                s.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(s, "\\x{:02x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push(quote);
    s
}

/// Python's repr of Scapy's default for a field (`64`, `None`, `'0.0.0.0'`,
/// `b''`, `<Flag 2 (S)>`), as Scapy declares it where that differs.
fn default_py(l: &Layer, f: &Field) -> String {
    match f.scapy.default {
        Some(d) => d.to_string(),
        None => default_repr_py(l, f),
    }
}

/// Python's repr of an address list: `['2001:2::a']`.
fn addrs_py(l: &Layer, f: &Field, a: &[u128]) -> String {
    let k = list_kind(l, f);
    let parts: Vec<String> = a.iter().map(|x| format!("'{}'", (k.format)(*x))).collect();
    format!("[{}]", parts.join(", "))
}

/// The address kind of an address-list field.
fn list_kind(l: &Layer, f: &Field) -> &'static super::kinds::AddrKind {
    match f.kind_for(l) {
        Kind::AddrList(k, _) => k,
        _ => &super::kinds::IPV4,
    }
}

/// Python's repr of an integer field's value as Scapy holds it: the number
/// (no enum names), a quoted address, a `FlagValue`.
fn int_py(l: &Layer, f: &Field, v: u128) -> String {
    match f.kind_for(l) {
        Kind::Addr(a) => format!("'{}'", (a.format)(v)),
        Kind::Bytes(_) => bytes_repr(&[]),
        _ => match f.show {
            Show::Flags(names) => format!("<Flag {v} ({})>", flags_repr(names, v as u64)),
            _ => v.to_string(),
        },
    }
}

/// Python's repr of the value `getattr(packet, field)` gives in Scapy.
fn value_py(p: &Packet, li: usize, fi: usize) -> String {
    let l = &p.layers[li];
    let f = &l.def.fields[fi];
    match l.get(fi) {
        Some(Value::Int(n)) => int_py(l, f, *n),
        Some(Value::Addrs(a)) => addrs_py(l, f, a),
        Some(v) => value_repr(l, f, v),
        None => match p.overload(li, fi).or_else(|| l.auto_value(fi)) {
            Some(v) => int_py(l, f, v),
            None => default_repr_py(l, f),
        },
    }
}

/// Python's repr of a field's default value.
fn default_repr_py(l: &Layer, f: &Field) -> String {
    match f.default {
        Default::Auto => "None".into(),
        Default::Bytes(b) => bytes_repr(b),
        Default::Empty => "[]".into(),
        Default::Addrs(a) => addrs_py(l, f, a),
        Default::Int(_) | Default::NowMs => int_py(l, f, default_int(f)),
    }
}

/// Scapy's class of a field with `ls()`'s notes: `ShortField`, `BitField
/// (4 bits)`, `IPField (Cond)`, `MultiEnumField (Depends on 8)`,
/// `MultipleTypeField (ShortField, IntField, StrFixedLenField)`.
pub fn ls_class(l: &Layer, f: &Field, quoted: bool) -> String {
    let class = match (quoted, f.scapy.quoted_class, f.scapy.class) {
        (true, Some(c), _) | (_, _, Some(c)) => c.to_string(),
        _ => derived_class(f),
    };
    let mut notes = Vec::new();
    if f.when.is_some() {
        notes.push("Cond".to_string());
    }
    if let Show::EnumBy(_) = f.show {
        // Scapy's MultiEnumField names the value its names depend on; ours
        // depend on the layer's first field (ICMP's type)
        if !l.def.fields.is_empty() {
            notes.push(format!("Depends on {}", l.int(0)));
        }
    }
    if let Some(c) = f.scapy.choices {
        notes.push(c.to_string());
    }
    let mut s = class;
    s.push(' ');
    if !notes.is_empty() {
        let _ = write!(s, "({})", notes.join(", "));
    }
    if let (Kind::Bits(n), "BitField" | "XBitField") = (f.kind, s.split(' ').next().unwrap_or("")) {
        let _ = write!(s, " ({n} bit{})", if n > 1 { "s" } else { "" });
    }
    s
}

/// The Scapy class a field's shape and display imply.
fn derived_class(f: &Field) -> String {
    match f.kind {
        Kind::Bits(n) => {
            let sized = match n {
                8 => Some("Byte"),
                16 => Some("Short"),
                24 => Some("3Bytes"),
                32 => Some("Int"),
                64 => Some("Long"),
                _ => None,
            };
            let le = if f.little_endian { "LE" } else { "" };
            match (sized, f.show) {
                (_, Show::Flags(_)) => "FlagsField".into(),
                (_, Show::TimeMs) => "ICMPTimeStampField".into(),
                (_, Show::EnumBy(_)) => "MultiEnumField".into(),
                (Some("3Bytes"), Show::Dec) => "ThreeBytesField".into(),
                (Some(s), Show::Enum(_)) => format!("{le}{s}EnumField"),
                (Some(s), Show::XEnum(_)) => format!("X{le}{s}EnumField"),
                (Some(s), Show::Hex) => format!("X{le}{s}Field"),
                (Some(s), _) => format!("{le}{s}Field"),
                (None, Show::Enum(_) | Show::XEnum(_)) => "BitEnumField".into(),
                (None, Show::Hex) => "XBitField".into(),
                (None, _) => "BitField".into(),
            }
        }
        Kind::Addr(a) => a.class.into(),
        Kind::Bytes(super::decl::Len::Fixed(_)) => "StrFixedLenField".into(),
        Kind::Bytes(super::decl::Len::Rest) => "StrField".into(),
        Kind::Bytes(super::decl::Len::From(_)) => "StrLenField".into(),
        Kind::Options(..) => "PacketListField".into(),
        Kind::Tlvs(..) => "TCPOptionsField".into(),
        Kind::AddrList(a, _) if a.bits == 128 => "IP6ListField".into(),
        Kind::AddrList(..) => "FieldListField".into(),
        Kind::Depends(_) => "MultipleTypeField".into(),
    }
}

/// A field's type as `help()` names it: Scapy's class, with bit widths and
/// `(Cond)`.
pub fn type_name(f: &Field) -> String {
    let mut s = f
        .scapy
        .class
        .map_or_else(|| derived_class(f), str::to_string);
    if let Some(c) = f.scapy.choices {
        let _ = write!(s, " ({c})");
    }
    if let Kind::Bits(n) = f.kind {
        if s.ends_with("BitField") || s == "FlagsField" || s == "BitEnumField" {
            let _ = write!(s, " ({n} bit{})", if n > 1 { "s" } else { "" });
        }
    }
    if f.when.is_some() {
        s.push_str(" (Cond)");
    }
    s
}

/// True for layers shown as payload text rather than protocol headers.
pub fn is_data_layer(l: &Layer) -> bool {
    matches!(l.def.kind, LayerKind::Raw | LayerKind::Padding)
}
