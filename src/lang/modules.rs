//! `import`: Scapy's module paths all lead to packsmith's commands and layers
//! (`from scapy.all import *` works unchanged); Python's standard modules
//! that probe scripts use are provided by `pymods`.

use super::error::{raise, raise_with_note, R};
use super::interp::Interp;
use super::value::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Scapy's sub-modules; each resolves to the one module of every command
/// and layer (`import scapy.all as scapy`, `scapy.layers.inet6.IPv6`).
const SUBMODULES: [&str; 16] = [
    "all",
    "layers",
    "inet",
    "inet6",
    "l2",
    "sendrecv",
    "utils",
    "config",
    "packet",
    "volatile",
    "base_classes",
    "error",
    "fields",
    "data",
    "route",
    "route6",
];

/// True for every module path Scapy scripts import from.
fn is_scapy(name: &str) -> bool {
    name == "scapy" || name.starts_with("scapy.")
}

/// Imports a module by dotted name (cached).
pub fn import(interp: &mut Interp, name: &str) -> R {
    if let Some(m) = interp.modules.get(name) {
        return Ok(m.clone());
    }
    let m = if is_scapy(name) {
        let mut attrs: HashMap<Rc<str>, Value> = HashMap::new();
        for (k, v) in interp.builtins.iter() {
            if super::builtins::BUILTINS.iter().any(|b| b.name == *k) {
                continue;
            }
            attrs.insert(Rc::from(*k), v.clone());
        }
        // `import scapy.all as scapy` / `scapy.all.IP`: sub-modules resolve to the same
        for sub in SUBMODULES {
            attrs.insert(Rc::from(sub), Value::None);
        }
        let m = Value::Module(Rc::new(Module {
            name: Rc::from(name),
            attrs: RefCell::new(attrs),
        }));
        if let Value::Module(mm) = &m {
            for sub in SUBMODULES {
                mm.attrs.borrow_mut().insert(Rc::from(sub), m.clone());
            }
        }
        m
    } else {
        match super::pymods::make(interp, name)? {
            Some(m) => m,
            None => {
                let known = super::pymods::NAMES;
                return Err(raise_with_note(
                    "ModuleNotFoundError",
                    format!("No module named '{name}'"),
                    Some(match crate::suggest::closest(name, known.iter().copied()) {
                        Some(s) => format!(
                            "did you mean `{s}`? packsmith provides: scapy.*, {}",
                            known.join(", ")
                        ),
                        None => format!("packsmith provides: scapy.*, {}", known.join(", ")),
                    }),
                ));
            }
        }
    };
    interp.modules.insert(name.to_string(), m.clone());
    Ok(m)
}

/// Public names of a module (`from m import *`).
pub fn exports(m: &Value) -> Vec<(String, Value)> {
    match m {
        Value::Module(m) => m
            .attrs
            .borrow()
            .iter()
            .filter(|(k, v)| !k.starts_with('_') && !matches!(v, Value::Module(_)))
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

/// Standard modules that `from scapy.all import *` also binds, as Scapy does
/// (scripts use `sys.argv` or `time.sleep` without importing them).
pub fn star_modules(interp: &mut Interp, name: &str) -> R<Vec<(String, Value)>> {
    if !is_scapy(name) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for m in [
        "argparse", "logging", "math", "os", "random", "re", "socket", "struct", "sys", "time",
    ] {
        out.push((m.to_string(), import(interp, m)?));
    }
    // scapy.all re-exports its pton_ntop helpers
    let socket = import(interp, "socket")?;
    for f in ["inet_pton", "inet_ntop"] {
        out.push((f.to_string(), member(interp, &socket, f)?));
    }
    Ok(out)
}

/// One name from a module (`from m import name`).
pub fn member(interp: &mut Interp, m: &Value, name: &str) -> R {
    if let Value::Module(mm) = m {
        if let Some(v) = mm.attrs.borrow().get(name) {
            return Ok(v.clone());
        }
        // `from os import path`: sub-modules
        let full = format!("{}.{name}", mm.name);
        if let Ok(sub) = import(interp, &full) {
            return Ok(sub);
        }
        let names: Vec<String> = mm.attrs.borrow().keys().map(|k| k.to_string()).collect();
        return Err(raise_with_note(
            "ImportError",
            format!("cannot import name '{name}' from '{}'", mm.name),
            crate::suggest::closest(name, names.iter().map(|s| s.as_str()))
                .map(|s| format!("did you mean `{s}`?")),
        ));
    }
    Err(raise("ImportError", format!("cannot import name '{name}'")))
}

/// The random generator behind a `RandShort()`-style value.
pub fn rand_of(n: &dyn Native) -> Option<crate::packet::value::Rand> {
    n.as_any()
        .downcast_ref::<super::commands::RandVal>()
        .map(|r| r.0)
}
