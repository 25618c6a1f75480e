//! One JSON object per packet: layers with their fields as displayed, for
//! `packsmith read --json` and `p.json()`.

use super::show::field_repr;
use super::value::Value;
use super::Packet;
use std::fmt::Write;

/// `s` as a JSON string literal (quotes, backslashes and control characters
/// escaped).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `{"time": ..., "summary": ..., "layers": [{"layer": "IP", "src": "..."}, ...]}`
pub fn to_json(p: &Packet, extra: &[(&str, String)]) -> String {
    let mut s = String::from("{");
    for (k, v) in extra {
        let _ = write!(s, "{}:{},", escape(k), v);
    }
    if let Some(t) = p.time {
        let _ = write!(s, "\"time\":{}.{:09},", t.secs, t.nanos);
    }
    let _ = write!(s, "\"len\":{},", p.build().len());
    let _ = write!(
        s,
        "\"summary\":{},\"layers\":[",
        escape(&super::show::summary(p))
    );
    for (i, l) in p.layers.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{{\"layer\":{}", escape(l.def.class_name(l.quoted)));
        for (fi, f) in l.def.fields.iter().enumerate() {
            if !l.present(fi) {
                continue;
            }
            let v = match l.get(fi) {
                Some(Value::Int(n)) if !matches!(f.kind, super::decl::Kind::Addr(_)) => {
                    n.to_string()
                }
                _ => escape(&field_repr(p, i, fi)),
            };
            let _ = write!(s, ",{}:{}", escape(f.name), v);
        }
        s.push('}');
    }
    s.push_str("]}");
    s
}
