//! Attribute access: instances and classes, modules, packets, flags, and the
//! methods of built-in types (bound lazily as `Value::Method`).

use super::error::{raise, raise_with_note, Flow, R};
use super::interp::{Args, Ctx, Interp};
use super::value::*;
use std::rc::Rc;

/// Method names of each built-in type (for lookup, `dir()` and completion).
pub fn methods_of(v: &Value) -> &'static [&'static str] {
    match v {
        Value::Str(_) => &[
            "capitalize",
            "casefold",
            "center",
            "count",
            "encode",
            "endswith",
            "expandtabs",
            "find",
            "format",
            "index",
            "isalnum",
            "isalpha",
            "isdigit",
            "islower",
            "isnumeric",
            "isspace",
            "istitle",
            "isupper",
            "join",
            "ljust",
            "lower",
            "lstrip",
            "partition",
            "removeprefix",
            "removesuffix",
            "replace",
            "rfind",
            "rindex",
            "rjust",
            "rpartition",
            "rsplit",
            "rstrip",
            "split",
            "splitlines",
            "startswith",
            "strip",
            "swapcase",
            "title",
            "upper",
            "zfill",
        ],
        Value::Bytes(_) => &[
            "count",
            "decode",
            "endswith",
            "find",
            "hex",
            "index",
            "join",
            "lower",
            "lstrip",
            "replace",
            "rstrip",
            "split",
            "startswith",
            "strip",
            "upper",
        ],
        Value::List(_) => &[
            "append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove",
            "reverse", "sort",
        ],
        Value::Tuple(_) => &["count", "index"],
        Value::Dict(_) => &[
            "clear",
            "copy",
            "get",
            "items",
            "keys",
            "pop",
            "popitem",
            "setdefault",
            "update",
            "values",
        ],
        Value::Set(_) => &[
            "add",
            "clear",
            "copy",
            "difference",
            "discard",
            "intersection",
            "issubset",
            "issuperset",
            "pop",
            "remove",
            "union",
            "update",
        ],
        Value::Int(_) | Value::Bool(_) => &["bit_length", "to_bytes"],
        Value::Float(_) => &["is_integer"],
        Value::PacketList(_) => &[
            "append",
            "extend",
            "filter",
            "make_table",
            "nsummary",
            "show",
            "summary",
            "hexdump",
            "rawhexdump",
        ],
        Value::Flags(..) => &[],
        _ => &[],
    }
}

fn no_attr(o: &Value, name: &str, candidates: &[&str]) -> Flow {
    let msg = match o {
        Value::Module(m) => format!("module '{}' has no attribute '{name}'", m.name),
        Value::Class(c) => format!("type object '{}' has no attribute '{name}'", c.name),
        _ => format!("'{}' object has no attribute '{name}'", o.type_name()),
    };
    raise_with_note(
        "AttributeError",
        msg,
        crate::suggest::closest(name, candidates.iter().copied())
            .map(|s| format!("did you mean `{s}`?")),
    )
}

pub fn get_attr(interp: &mut Interp, o: &Value, name: &str) -> R {
    match o {
        Value::Instance(inst) => {
            if let Some(v) = inst.attrs.borrow().get(name) {
                return Ok(v.clone());
            }
            match inst.class.lookup(name) {
                Some(f @ (Value::Func(_) | Value::Builtin(_))) => {
                    Ok(Value::Bound(Rc::new((o.clone(), f))))
                }
                Some(v) => Ok(v),
                None => {
                    if name == "__class__" {
                        return Ok(Value::Class(inst.class.clone()));
                    }
                    let names: Vec<String> =
                        inst.attrs.borrow().keys().map(|k| k.to_string()).collect();
                    let cands: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
                    Err(no_attr(o, name, &cands))
                }
            }
        }
        Value::Class(c) => match (c.lookup(name), name) {
            (Some(v), _) => Ok(v),
            (None, "__name__") => Ok(Value::Str(c.name.clone())),
            _ => Err(no_attr(o, name, &[])),
        },
        Value::Module(m) => match m.attrs.borrow().get(name) {
            Some(v) => Ok(v.clone()),
            None => {
                let names: Vec<String> = m.attrs.borrow().keys().map(|k| k.to_string()).collect();
                let cands: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
                Err(no_attr(o, name, &cands))
            }
        },
        Value::Packet(p) => super::packets::get_attr(interp, p, name),
        Value::Layer(def, quoted) => match name {
            "__name__" | "name" => Ok(Value::str(def.class_name(*quoted))),
            "__doc__" => Ok(Value::str(def.doc)),
            "fields_desc" => Ok(Value::list(
                def.fields.iter().map(|f| Value::str(f.name)).collect(),
            )),
            _ => Err(no_attr(o, name, &["name", "fields_desc"])),
        },
        Value::Flags(v, names) => {
            if name == "value" {
                return Ok(Value::Int(*v as i64));
            }
            match names.iter().position(|n| *n == name) {
                Some(bit) => Ok(Value::Bool(v & (1 << bit) != 0)),
                None => Err(no_attr(o, name, names)),
            }
        }
        Value::Native(n) => {
            if let Some(r) = n.get_attr(interp, name) {
                return r;
            }
            let attrs = n.attrs();
            if attrs.iter().any(|a| a == name) {
                return Ok(Value::Method(Rc::new((o.clone(), Rc::from(name)))));
            }
            let cands: Vec<&str> = attrs.iter().map(|s| s.as_str()).collect();
            Err(no_attr(o, name, &cands))
        }
        Value::Builtin(b) => match (b.name, name) {
            ("bytes", "fromhex")
            | ("int", "from_bytes")
            | ("dict", "fromkeys")
            | ("str", "join") => Ok(Value::Method(Rc::new((o.clone(), Rc::from(name))))),
            (_, "__name__") => Ok(Value::str(b.name)),
            (_, "__doc__") => Ok(Value::str(b.doc)),
            _ => Err(no_attr(o, name, &[])),
        },
        Value::Func(f) => match name {
            "__name__" => Ok(Value::Str(f.def.name.clone())),
            "__doc__" => Ok(f.def.doc.clone().map(Value::Str).unwrap_or(Value::None)),
            _ => Err(no_attr(o, name, &["__name__", "__doc__"])),
        },
        Value::Float(f) if name == "real" => Ok(Value::Float(*f)),
        Value::Int(i) if name == "real" => Ok(Value::Int(*i)),
        _ => {
            let ms = methods_of(o);
            if ms.contains(&name) {
                Ok(Value::Method(Rc::new((o.clone(), Rc::from(name)))))
            } else {
                Err(no_attr(o, name, ms))
            }
        }
    }
}

pub fn set_attr(interp: &mut Interp, o: &Value, name: &str, v: Value) -> R<()> {
    match o {
        Value::Instance(inst) => {
            inst.attrs.borrow_mut().insert(Rc::from(name), v);
            Ok(())
        }
        Value::Class(c) => {
            c.attrs.borrow_mut().insert(Rc::from(name), v);
            Ok(())
        }
        Value::Module(m) => {
            m.attrs.borrow_mut().insert(Rc::from(name), v);
            Ok(())
        }
        Value::Packet(p) => super::packets::set_attr(interp, p, name, v),
        Value::Native(n) => match n.set_attr(name, v) {
            Some(r) => r,
            None => Err(raise(
                "AttributeError",
                format!("'{}' object attribute '{name}' is read-only", n.type_name()),
            )),
        },
        _ => Err(raise(
            "AttributeError",
            format!("'{}' object attribute '{name}' is read-only", o.type_name()),
        )),
    }
}

pub fn del_attr(interp: &mut Interp, o: &Value, name: &str) -> R<()> {
    match o {
        Value::Instance(inst) => match inst.attrs.borrow_mut().remove(name) {
            Some(_) => Ok(()),
            None => Err(raise("AttributeError", name.to_string())),
        },
        Value::Packet(p) => super::packets::del_attr(interp, p, name),
        _ => Err(raise(
            "AttributeError",
            format!(
                "'{}' object attribute '{name}' can't be deleted",
                o.type_name()
            ),
        )),
    }
}

/// Calls a built-in method on its receiver.
pub fn call_method(interp: &mut Interp, this: &Value, name: &str, args: Args) -> R {
    match this {
        Value::Str(s) => super::methods::str_method(interp, s, name, args),
        Value::Bytes(b) => super::methods::bytes_method(interp, b, name, args),
        Value::List(l) => super::methods::list_method(interp, l, name, args),
        Value::Tuple(t) => super::methods::tuple_method(interp, t, name, args),
        Value::Dict(d) => super::methods::dict_method(interp, d, name, args),
        Value::Set(d) => super::methods::set_method(interp, d, name, args),
        Value::Int(_) | Value::Bool(_) | Value::Float(_) => {
            super::methods::num_method(this, name, args)
        }
        Value::PacketList(l) => super::packets::list_method(interp, l, name, args),
        Value::Packet(p) => super::packets::call_method(interp, p, name, args),
        Value::Builtin(b) => super::methods::static_method(interp, b.name, name, args),
        Value::Native(n) => match n.call_method(interp, this, name, args) {
            Some(r) => r,
            None => Err(no_attr(this, name, &[])),
        },
        _ => Err(no_attr(this, name, methods_of(this))),
    }
}

/// `super()` inside a method: the same instance, looked up from the base classes.
pub fn make_super(ctx: &Ctx) -> R {
    match &ctx.method_of {
        Some((class, this)) => Ok(Value::Native(Rc::new(Super {
            class: class.clone(),
            this: this.clone(),
        }))),
        None => Err(raise("RuntimeError", "super(): no arguments")),
    }
}

struct Super {
    class: Rc<Class>,
    this: Value,
}

impl Native for Super {
    fn type_name(&self) -> &str {
        "super"
    }
    fn get_attr(&self, _interp: &mut Interp, name: &str) -> Option<R> {
        match self.class.bases.iter().find_map(|b| b.lookup(name)) {
            Some(f) => Some(Ok(Value::Bound(Rc::new((self.this.clone(), f))))),
            None if name == "__init__" => {
                Some(Ok(Value::Native(Rc::new(BaseInit(self.this.clone())))))
            }
            None => Some(Err(raise(
                "AttributeError",
                format!("'super' object has no attribute '{name}'"),
            ))),
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `BaseException.__init__` / `object.__init__` reached through `super()`.
struct BaseInit(Value);

impl Native for BaseInit {
    fn type_name(&self) -> &str {
        "method-wrapper"
    }
    fn call(&self, _interp: &mut Interp, args: Args) -> Option<R> {
        if let Value::Instance(i) = &self.0 {
            if i.attrs.borrow().contains_key("args") {
                i.attrs
                    .borrow_mut()
                    .insert(Rc::from("args"), Value::tuple(args.pos));
            }
        }
        Some(Ok(Value::None))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
