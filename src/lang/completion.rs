//! Names available on a value or in scope, for `dir()`, `help()` and the
//! REPL's Tab completion.

use super::interp::Interp;
use super::value::*;

/// Attribute names of a value, sorted.
pub fn attributes(_interp: &mut Interp, v: &Value) -> Vec<String> {
    let mut out: Vec<String> = match v {
        Value::Instance(i) => {
            let mut n: Vec<String> = i.attrs.borrow().keys().map(|k| k.to_string()).collect();
            n.extend(i.class.attrs.borrow().keys().map(|k| k.to_string()));
            n
        }
        Value::Class(c) => c.attrs.borrow().keys().map(|k| k.to_string()).collect(),
        Value::Module(m) => m.attrs.borrow().keys().map(|k| k.to_string()).collect(),
        Value::Native(n) => n.attrs(),
        Value::Packet(p) => {
            let pk = p.pkt.borrow();
            let mut n: Vec<String> = pk.layers[p.start.min(pk.layers.len())..]
                .iter()
                .flat_map(|l| l.def.fields.iter().map(|f| f.name.to_string()))
                .collect();
            n.extend(
                [
                    "show",
                    "show2",
                    "summary",
                    "command",
                    "copy",
                    "haslayer",
                    "getlayer",
                    "sprintf",
                    "payload",
                    "time",
                    "lastlayer",
                    "layers",
                    "answers",
                    "json",
                    "hexdump",
                ]
                .iter()
                .map(|s| s.to_string()),
            );
            n
        }
        Value::Flags(_, names) => names.iter().map(|s| s.to_string()).collect(),
        other => super::attrs::methods_of(other)
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    out.sort();
    out.dedup();
    out.retain(|n| !n.starts_with("__"));
    out
}
