//! `repr()` and `str()` of built-in values, matching Python's output.

use super::error::exc_parts;
use super::value::*;
use crate::packet::show;

/// Python's `repr()` of a float (shortest round-trip, Python's exponent style).
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if neg { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let decpt = exp + 1;
        let s = if decpt <= 0 {
            format!("0.{}{}", "0".repeat((-decpt) as usize), digits)
        } else if decpt as usize >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(decpt as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..decpt as usize],
                &digits[decpt as usize..]
            )
        };
        format!("{sign}{s}")
    } else {
        let m = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        format!(
            "{sign}{m}e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        )
    }
}

/// Python's `repr()` of a string.
pub fn str_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// Counts of TCP, UDP, ICMP and other packets, as Scapy's list reprs show.
fn proto_counts(items: &[Value]) -> String {
    let (mut tcp, mut udp, mut icmp, mut other) = (0, 0, 0, 0);
    for it in items {
        let p = match it {
            Value::Tuple(t) if t.len() == 2 => &t[0],
            v => v,
        };
        let names: Vec<&str> = match p {
            Value::Packet(r) => r.pkt.borrow().layers[r.start..]
                .iter()
                .map(|l| l.def.name)
                .collect(),
            _ => Vec::new(),
        };
        if names.contains(&"TCP") {
            tcp += 1
        } else if names.contains(&"UDP") {
            udp += 1
        } else if names.contains(&"ICMP") {
            icmp += 1
        } else {
            other += 1
        }
    }
    format!("TCP:{tcp} UDP:{udp} ICMP:{icmp} Other:{other}")
}

thread_local! {
    /// Containers whose repr is being built on this thread (Python's Py_ReprEnter):
    /// a list that contains itself prints as `[...]` instead of recursing forever.
    static IN_REPR: std::cell::RefCell<std::collections::HashSet<usize>> =
        std::cell::RefCell::new(std::collections::HashSet::new());
}

/// The stack ran low while printing: nesting too deep to show.
struct TooDeep;

/// Python's `repr()`, raising RecursionError where the value nests deeper
/// than the stack allows (as Python does).
pub fn try_repr(v: &Value) -> Result<String, super::error::Flow> {
    let mut out = String::new();
    match write_repr(v, &mut out) {
        Ok(()) => Ok(out),
        Err(TooDeep) => Err(super::error::raise(
            "RecursionError",
            "maximum recursion depth exceeded while getting the repr of an object",
        )),
    }
}

/// `repr()` for display paths that cannot raise: nesting too deep to show
/// ends in `...`.
pub fn repr(v: &Value) -> String {
    let mut out = String::new();
    if write_repr(v, &mut out).is_err() {
        out.push_str("...");
    }
    out
}

/// Writes `items` separated by ", ".
fn write_items<'a>(
    items: impl Iterator<Item = &'a Value>,
    out: &mut String,
) -> Result<(), TooDeep> {
    for (i, v) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_repr(v, out)?;
    }
    Ok(())
}

/// Runs `f` with container `id` marked as being printed; writes `cycle`
/// instead when it already is.
fn guarded(
    id: usize,
    out: &mut String,
    cycle: &str,
    f: impl FnOnce(&mut String) -> Result<(), TooDeep>,
) -> Result<(), TooDeep> {
    let seen = IN_REPR.with(|s| !s.borrow_mut().insert(id));
    if seen {
        out.push_str(cycle);
        return Ok(());
    }
    let r = f(out);
    IN_REPR.with(|s| s.borrow_mut().remove(&id));
    r
}

/// Appends the repr of `v` to `out`: one buffer for the whole value, so a
/// deeply nested list prints in linear time.
fn write_repr(v: &Value, out: &mut String) -> Result<(), TooDeep> {
    if super::limits::stack_low() {
        return Err(TooDeep);
    }
    match v {
        Value::List(l) => {
            let id = std::rc::Rc::as_ptr(l) as *const () as usize;
            guarded(id, out, "[...]", |out| {
                out.push('[');
                write_items(l.borrow().iter(), out)?;
                out.push(']');
                Ok(())
            })
        }
        Value::Tuple(t) => {
            out.push('(');
            write_items(t.iter(), out)?;
            out.push_str(if t.len() == 1 { ",)" } else { ")" });
            Ok(())
        }
        Value::Dict(d) => {
            let id = std::rc::Rc::as_ptr(d) as *const () as usize;
            guarded(id, out, "{...}", |out| {
                out.push('{');
                for (i, (k, v)) in d.borrow().entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_repr(&k.0, out)?;
                    out.push_str(": ");
                    write_repr(v, out)?;
                }
                out.push('}');
                Ok(())
            })
        }
        Value::Set(d) => {
            let d = d.borrow();
            if d.is_empty() {
                out.push_str("set()");
            } else {
                out.push('{');
                write_items(d.keys().iter(), out)?;
                out.push('}');
            }
            Ok(())
        }
        Value::Instance(i) if i.attrs.borrow().contains_key("args") => {
            let (name, _) = exc_parts(v);
            out.push_str(&name);
            out.push('(');
            if let Some(Value::Tuple(t)) = i.attrs.borrow().get("args") {
                write_items(t.iter(), out)?;
            }
            out.push(')');
            Ok(())
        }
        other => {
            out.push_str(&repr_leaf(other));
            Ok(())
        }
    }
}

/// The repr of a value that holds no other values to print.
fn repr_leaf(v: &Value) -> String {
    match v {
        Value::None => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => float_repr(*f),
        Value::Str(s) => str_repr(s),
        Value::Bytes(b) => show::bytes_repr(b),
        Value::Range(a, b, 1) => format!("range({a}, {b})"),
        Value::Range(a, b, s) => format!("range({a}, {b}, {s})"),
        Value::Func(f) => format!("<function {}>", f.def.name),
        Value::Builtin(b) => format!("<built-in function {}>", b.name),
        Value::Method(m) => format!("<built-in method {} of {} object>", m.1, m.0.type_name()),
        Value::Bound(b) => format!("<bound method of {}>", b.0.type_name()),
        Value::Class(c) => format!("<class '{}'>", c.name),
        Value::Instance(i) => format!("<{} object>", i.class.name),
        Value::Module(m) => format!("<module '{}'>", m.name),
        Value::Packet(p) => {
            let pk = p.pkt.borrow();
            if p.start == 0 {
                show::repr(&pk)
            } else {
                show::repr(&pk.from_index(p.start))
            }
        }
        Value::Layer(d, quoted) => format!("<layer {}>", d.class_name(*quoted)),
        Value::PacketList(l) => format!(
            "<{}: {}>",
            l.name,
            proto_counts(&l.values().collect::<Vec<_>>())
        ),
        Value::Iter(_) => "<iterator object>".into(),
        Value::Flags(x, names) => format!("<Flag {x} ({})>", show::flags_repr(names, *x)),
        Value::Native(n) => n.repr(),
        // containers are written by write_repr itself
        Value::List(_) | Value::Tuple(_) | Value::Dict(_) | Value::Set(_) => "...".into(),
    }
}

/// Python's `str()`.
pub fn to_str(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Flags(x, names) => show::flags_repr(names, *x),
        Value::Instance(_) => {
            let (_, msg) = exc_parts(v);
            msg
        }
        Value::Packet(p) => {
            let pk = p.pkt.borrow();
            show::summary(&pk.from_index(p.start))
        }
        other => repr(other),
    }
}

/// Python's `str()`, raising RecursionError where the value nests too deep.
pub fn try_to_str(v: &Value) -> Result<String, super::error::Flow> {
    match v {
        Value::List(_) | Value::Tuple(_) | Value::Dict(_) | Value::Set(_) => try_repr(v),
        other => Ok(to_str(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_python() {
        assert_eq!(float_repr(1e-7), "1e-07");
        assert_eq!(float_repr(1e16), "1e+16");
        assert_eq!(float_repr(123.0), "123.0");
        assert_eq!(float_repr(0.1), "0.1");
        assert_eq!(float_repr(12345678901234567.0), "1.2345678901234568e+16");
        assert_eq!(float_repr(0.0001), "0.0001");
        assert_eq!(float_repr(-2.5), "-2.5");
    }

    #[test]
    fn strings_like_python() {
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a\nb"), "'a\\nb'");
    }
}
