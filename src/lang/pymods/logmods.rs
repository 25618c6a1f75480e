//! `logging` (levels, loggers, basicConfig; messages to stderr as
//! `LEVEL:name:message`) and `argparse` (positional and optional arguments,
//! `type`, `default`, `help`, `action`, `nargs`, `choices`, `required`).

use super::module;
use crate::lang::error::{raise, R};
use crate::lang::interp::{Args, Interp};
use crate::lang::output;
use crate::lang::value::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

// ------------------------------------------------------------ logging

thread_local! {
    static LEVELS: RefCell<HashMap<String, i64>> = RefCell::new(HashMap::new());
    static FORMAT: RefCell<String> = RefCell::new("%(levelname)s:%(name)s:%(message)s".into());
}

const NAMES: [(i64, &str); 5] = [
    (10, "DEBUG"),
    (20, "INFO"),
    (30, "WARNING"),
    (40, "ERROR"),
    (50, "CRITICAL"),
];

fn level_of(name: &str) -> i64 {
    LEVELS.with(|l| {
        let l = l.borrow();
        // a logger without its own level inherits its parents', then root's
        let mut n = name.to_string();
        loop {
            if let Some(v) = l.get(&n) {
                return *v;
            }
            match n.rfind('.') {
                Some(i) => n.truncate(i),
                None => return *l.get("root").unwrap_or(&30),
            }
        }
    })
}

fn emit(interp: &mut Interp, name: &str, level: i64, args: &Args) -> R<()> {
    if level < level_of(name) {
        return Ok(());
    }
    let msg = match args.pos.first() {
        Some(Value::Str(fmt)) if args.pos.len() > 1 => {
            let rest = if args.pos.len() == 2 {
                args.pos[1].clone()
            } else {
                Value::tuple(args.pos[1..].to_vec())
            };
            crate::lang::format::percent(interp, fmt, &rest)?
        }
        Some(v) => interp.to_str(v)?,
        None => String::new(),
    };
    let lname = NAMES
        .iter()
        .find(|(l, _)| *l == level)
        .map(|(_, n)| *n)
        .unwrap_or("Level");
    let line = FORMAT.with(|f| {
        f.borrow()
            .replace("%(levelname)s", lname)
            .replace("%(name)s", name)
            .replace("%(message)s", &msg)
            .replace(
                "%(asctime)s",
                &super::strftime("%Y-%m-%d %H:%M:%S", super::now()),
            )
    });
    output::eprintln(&line);
    Ok(())
}

struct Logger(String);

impl Native for Logger {
    fn type_name(&self) -> &str {
        "Logger"
    }
    fn repr(&self) -> String {
        format!("<Logger {} ({})>", self.0, level_of(&self.0))
    }
    fn attrs(&self) -> Vec<String> {
        [
            "setLevel",
            "debug",
            "info",
            "warning",
            "warn",
            "error",
            "critical",
            "exception",
            "addHandler",
            "removeHandler",
            "getEffectiveLevel",
            "isEnabledFor",
            "log",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
    fn get_attr(&self, _i: &mut Interp, name: &str) -> Option<R> {
        match name {
            "name" => Some(Ok(Value::str(self.0.as_str()))),
            "level" => Some(Ok(Value::Int(level_of(&self.0)))),
            "propagate" | "disabled" | "handlers" => Some(Ok(Value::Bool(false))),
            _ => None,
        }
    }
    fn set_attr(&self, _name: &str, _v: Value) -> Option<R<()>> {
        Some(Ok(()))
    }
    fn call_method(
        &self,
        interp: &mut Interp,
        _this: &Value,
        name: &str,
        mut a: Args,
    ) -> Option<R> {
        let lvl = match name {
            "debug" => 10,
            "info" => 20,
            "warning" | "warn" => 30,
            "error" | "exception" => 40,
            "critical" | "fatal" => 50,
            "log" => {
                let l = a.pos.first().and_then(|v| v.as_int()).unwrap_or(0);
                a.pos.remove(0);
                l
            }
            "setLevel" => {
                let l = match &a.get(0, "level") {
                    Some(Value::Str(s)) => NAMES
                        .iter()
                        .find(|(_, n)| **n == **s)
                        .map(|(l, _)| *l)
                        .unwrap_or(0),
                    Some(v) => v.as_int().unwrap_or(0),
                    None => 0,
                };
                LEVELS.with(|m| m.borrow_mut().insert(self.0.clone(), l));
                return Some(Ok(Value::None));
            }
            "getEffectiveLevel" => return Some(Ok(Value::Int(level_of(&self.0)))),
            "isEnabledFor" => {
                let l = a.get(0, "level").and_then(|v| v.as_int()).unwrap_or(0);
                return Some(Ok(Value::Bool(l >= level_of(&self.0))));
            }
            "addHandler" | "removeHandler" | "addFilter" => return Some(Ok(Value::None)),
            _ => return None,
        };
        Some(emit(interp, &self.0, lvl, &a).map(|_| Value::None))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

pub fn make_logging() -> Value {
    let mut extra: Vec<(&str, Value)> = NAMES.iter().map(|(l, n)| (*n, Value::Int(*l))).collect();
    extra.push(("WARN", Value::Int(30)));
    extra.push(("FATAL", Value::Int(50)));
    extra.push(("NOTSET", Value::Int(0)));
    module("logging", LOGGING, extra)
}

static LOGGING: &[Builtin] = funcs! {
    "getLogger" => l_get_logger: "getLogger(name=None): a logger",
    "basicConfig" => l_basic_config: "basicConfig(level=WARNING, format=...): configure the root logger",
    "debug" => l_debug: "debug(msg, *args)",
    "info" => l_info: "info(msg, *args)",
    "warning" => l_warning: "warning(msg, *args)",
    "warn" => l_warning: "warn(msg, *args)",
    "error" => l_error: "error(msg, *args)",
    "exception" => l_error: "exception(msg, *args)",
    "critical" => l_critical: "critical(msg, *args)",
    "disable" => l_disable: "disable(level): silence messages at or below level",
    "StreamHandler" => l_handler: "StreamHandler(): accepted for compatibility",
    "FileHandler" => l_handler: "FileHandler(path): accepted for compatibility",
    "Formatter" => l_handler: "Formatter(fmt): accepted for compatibility",
};

fn l_get_logger(_: &mut Interp, mut a: Args) -> R {
    let name = match &a.get(0, "name") {
        Some(Value::Str(s)) => s.to_string(),
        _ => "root".into(),
    };
    Ok(Value::Native(Rc::new(Logger(name))))
}

fn l_basic_config(_: &mut Interp, mut a: Args) -> R {
    if let Some(l) = a.kw("level").and_then(|v| v.as_int()) {
        LEVELS.with(|m| m.borrow_mut().insert("root".into(), l));
    }
    if let Some(Value::Str(f)) = &a.kw("format") {
        FORMAT.with(|x| *x.borrow_mut() = f.to_string());
    }
    Ok(Value::None)
}

fn root_emit(interp: &mut Interp, a: Args, level: i64) -> R {
    emit(interp, "root", level, &a).map(|_| Value::None)
}
fn l_debug(i: &mut Interp, a: Args) -> R {
    root_emit(i, a, 10)
}
fn l_info(i: &mut Interp, a: Args) -> R {
    root_emit(i, a, 20)
}
fn l_warning(i: &mut Interp, a: Args) -> R {
    root_emit(i, a, 30)
}
fn l_error(i: &mut Interp, a: Args) -> R {
    root_emit(i, a, 40)
}
fn l_critical(i: &mut Interp, a: Args) -> R {
    root_emit(i, a, 50)
}
fn l_disable(_: &mut Interp, mut a: Args) -> R {
    let l = a.get(0, "level").and_then(|v| v.as_int()).unwrap_or(50);
    LEVELS.with(|m| m.borrow_mut().insert("root".into(), l + 1));
    Ok(Value::None)
}
fn l_handler(_: &mut Interp, _a: Args) -> R {
    Ok(Value::Native(Rc::new(Handler)))
}

struct Handler;

impl Native for Handler {
    fn type_name(&self) -> &str {
        "Handler"
    }
    fn attrs(&self) -> Vec<String> {
        vec!["setFormatter".into(), "setLevel".into()]
    }
    fn call_method(&self, _i: &mut Interp, _t: &Value, _n: &str, _a: Args) -> Option<R> {
        Some(Ok(Value::None))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

// ------------------------------------------------------------ argparse

pub fn make_argparse() -> Value {
    module(
        "argparse",
        ARGPARSE,
        vec![("SUPPRESS", Value::str("==SUPPRESS=="))],
    )
}

static ARGPARSE: &[Builtin] = funcs! {
    "ArgumentParser" => ap_new: "ArgumentParser(description=None, prog=None, epilog=None)",
};

#[derive(Clone)]
struct Spec {
    names: Vec<String>,
    dest: String,
    positional: bool,
    action: String,
    ty: Option<Value>,
    default: Value,
    help: String,
    nargs: Option<Value>,
    choices: Option<Vec<Value>>,
    required: bool,
    metavar: Option<String>,
}

struct Parser {
    prog: String,
    description: String,
    epilog: String,
    specs: RefCell<Vec<Spec>>,
}

fn ap_new(interp: &mut Interp, mut a: Args) -> R {
    let prog = match &a.kw("prog") {
        Some(Value::Str(s)) => s.to_string(),
        _ => interp
            .argv
            .first()
            .map(|p| p.rsplit('/').next().unwrap_or(p).to_string())
            .unwrap_or_else(|| "probe".into()),
    };
    let text = |v: Option<Value>| match &v {
        Some(Value::Str(s)) => s.to_string(),
        _ => String::new(),
    };
    let description = text(a.get(0, "description").or_else(|| a.kw("description")));
    let epilog = text(a.kw("epilog"));
    Ok(Value::Native(Rc::new(Parser {
        prog,
        description,
        epilog,
        specs: RefCell::new(Vec::new()),
    })))
}

/// The parsed arguments: attributes by `dest`.
pub struct Namespace(pub RefCell<indexmap::IndexMap<String, Value>>);

impl Native for Namespace {
    fn type_name(&self) -> &str {
        "Namespace"
    }
    fn repr(&self) -> String {
        let parts: Vec<String> = self
            .0
            .borrow()
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::lang::repr::repr(v)))
            .collect();
        format!("Namespace({})", parts.join(", "))
    }
    fn attrs(&self) -> Vec<String> {
        self.0.borrow().keys().cloned().collect()
    }
    fn get_attr(&self, _i: &mut Interp, name: &str) -> Option<R> {
        self.0.borrow().get(name).cloned().map(Ok)
    }
    fn set_attr(&self, name: &str, v: Value) -> Option<R<()>> {
        self.0.borrow_mut().insert(name.to_string(), v);
        Some(Ok(()))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Parser {
    fn usage(&self) -> String {
        let mut s = format!("usage: {} [-h]", self.prog);
        for sp in self.specs.borrow().iter() {
            let meta = sp.metavar.clone().unwrap_or_else(|| sp.dest.to_uppercase());
            if sp.positional {
                s.push_str(&format!(
                    " {}",
                    sp.metavar.clone().unwrap_or_else(|| sp.dest.clone())
                ));
            } else if matches!(sp.action.as_str(), "store_true" | "store_false" | "count") {
                s.push_str(&format!(" [{}]", sp.names[0]));
            } else if sp.required {
                s.push_str(&format!(" {} {meta}", sp.names[0]));
            } else {
                s.push_str(&format!(" [{} {meta}]", sp.names[0]));
            }
        }
        s
    }

    fn help(&self) -> String {
        let mut s = format!("{}\n", self.usage());
        if !self.description.is_empty() {
            s.push_str(&format!("\n{}\n", self.description));
        }
        let specs = self.specs.borrow();
        if specs.iter().any(|x| x.positional) {
            s.push_str("\npositional arguments:\n");
            for sp in specs.iter().filter(|x| x.positional) {
                s.push_str(&format!("  {:<22}{}\n", sp.dest, sp.help));
            }
        }
        s.push_str("\noptions:\n  -h, --help            show this help message and exit\n");
        for sp in specs.iter().filter(|x| !x.positional) {
            let mut names = sp.names.join(", ");
            if !matches!(sp.action.as_str(), "store_true" | "store_false" | "count") {
                names.push(' ');
                names.push_str(&sp.metavar.clone().unwrap_or_else(|| sp.dest.to_uppercase()));
            }
            s.push_str(&format!("  {names:<22}{}\n", sp.help));
        }
        if !self.epilog.is_empty() {
            s.push_str(&format!("\n{}\n", self.epilog));
        }
        s
    }

    fn fail(&self, msg: &str) -> R {
        output::eprintln(&format!("{}\n{}: error: {msg}", self.usage(), self.prog));
        let cls = crate::lang::error::exc_class("SystemExit")
            .ok_or_else(|| raise("RuntimeError", "no SystemExit"))?;
        Err(crate::lang::error::Flow::Raise(Box::new(
            crate::lang::error::Exc {
                value: crate::lang::error::exc_instance(cls, vec![Value::Int(2)]),
                trace: Vec::new(),
            },
        )))
    }

    fn convert(&self, interp: &mut Interp, sp: &Spec, raw: &str) -> R {
        let v = match &sp.ty {
            Some(t) => match interp.call_value(t, Args::new(vec![Value::str(raw)])) {
                Ok(v) => v,
                Err(_) => {
                    let tn = match t {
                        Value::Builtin(b) => b.name.to_string(),
                        _ => "value".into(),
                    };
                    return self.fail(&format!(
                        "argument {}: invalid {tn} value: '{raw}'",
                        sp.names.join("/")
                    ));
                }
            },
            None => Value::str(raw),
        };
        if let Some(ch) = &sp.choices {
            if !ch.iter().any(|c| values_equal(c, &v)) {
                let list: Vec<String> = ch.iter().map(crate::lang::repr::repr).collect();
                return self.fail(&format!(
                    "argument {}: invalid choice: {} (choose from {})",
                    sp.names.join("/"),
                    crate::lang::repr::repr(&v),
                    list.join(", ")
                ));
            }
        }
        Ok(v)
    }

    fn parse(&self, interp: &mut Interp, argv: Vec<String>) -> R {
        let specs = self.specs.borrow().clone();
        let mut ns = indexmap::IndexMap::new();
        for sp in &specs {
            let d = match sp.action.as_str() {
                "store_true" if matches!(sp.default, Value::None) => Value::Bool(false),
                "store_false" if matches!(sp.default, Value::None) => Value::Bool(true),
                "count" if matches!(sp.default, Value::None) => Value::None,
                _ => sp.default.clone(),
            };
            ns.insert(sp.dest.clone(), d);
        }
        let mut positionals: Vec<String> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut i = 0;
        while i < argv.len() {
            let arg = &argv[i];
            i += 1;
            if arg == "-h" || arg == "--help" {
                output::print(&self.help());
                let cls = crate::lang::error::exc_class("SystemExit")
                    .ok_or_else(|| raise("RuntimeError", "no SystemExit"))?;
                return Err(crate::lang::error::Flow::Raise(Box::new(
                    crate::lang::error::Exc {
                        value: crate::lang::error::exc_instance(cls, vec![Value::Int(0)]),
                        trace: Vec::new(),
                    },
                )));
            }
            if arg == "--" {
                positionals.extend(argv[i..].iter().cloned());
                break;
            }
            if arg.starts_with('-') && arg.len() > 1 && arg.parse::<f64>().is_err() {
                let (name, inline) = match arg.split_once('=') {
                    Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
                    _ => (arg.clone(), None),
                };
                let Some(sp) = specs.iter().find(|s| s.names.contains(&name)).cloned() else {
                    return self.fail(&format!("unrecognized arguments: {arg}"));
                };
                seen.push(sp.dest.clone());
                match sp.action.as_str() {
                    "store_true" => {
                        ns.insert(sp.dest.clone(), Value::Bool(true));
                    }
                    "store_false" => {
                        ns.insert(sp.dest.clone(), Value::Bool(false));
                    }
                    "count" => {
                        let n = ns.get(&sp.dest).and_then(|v| v.as_int()).unwrap_or(0);
                        ns.insert(sp.dest.clone(), Value::Int(n + 1));
                    }
                    action => {
                        let many =
                            matches!(&sp.nargs, Some(Value::Str(s)) if &**s == "+" || &**s == "*");
                        let fixed = sp.nargs.as_ref().and_then(|v| v.as_int());
                        let mut vals = Vec::new();
                        if let Some(v) = inline {
                            vals.push(self.convert(interp, &sp, &v)?);
                        } else {
                            let want = fixed.unwrap_or(if many { i64::MAX } else { 1 });
                            while (vals.len() as i64) < want
                                && i < argv.len()
                                && !(argv[i].starts_with('-')
                                    && argv[i].len() > 1
                                    && argv[i].parse::<f64>().is_err())
                            {
                                vals.push(self.convert(interp, &sp, &argv[i])?);
                                i += 1;
                            }
                            if vals.is_empty()
                                && !matches!(&sp.nargs, Some(Value::Str(s)) if &**s == "*" || &**s == "?")
                            {
                                return self.fail(&format!(
                                    "argument {}: expected one argument",
                                    sp.names.join("/")
                                ));
                            }
                        }
                        let v = if many || fixed.is_some() {
                            Value::list(vals)
                        } else {
                            vals.pop().unwrap_or(Value::None)
                        };
                        if action == "append" {
                            let cur = ns.get(&sp.dest).cloned().unwrap_or(Value::None);
                            let mut l = match &cur {
                                Value::List(l) => l.borrow().clone(),
                                _ => Vec::new(),
                            };
                            l.push(v);
                            ns.insert(sp.dest.clone(), Value::list(l));
                        } else {
                            ns.insert(sp.dest.clone(), v);
                        }
                    }
                }
            } else {
                positionals.push(arg.clone());
            }
        }
        let mut rest = positionals.into_iter().peekable();
        for sp in specs.iter().filter(|s| s.positional) {
            match &sp.nargs {
                Some(Value::Str(s)) if &**s == "*" || &**s == "+" => {
                    let vals: Vec<String> = rest.by_ref().collect();
                    if vals.is_empty() && &**s == "+" {
                        return self.fail(&format!(
                            "the following arguments are required: {}",
                            sp.dest
                        ));
                    }
                    let mut out = Vec::new();
                    for v in vals {
                        out.push(self.convert(interp, sp, &v)?);
                    }
                    ns.insert(sp.dest.clone(), Value::list(out));
                }
                Some(Value::Str(s)) if &**s == "?" => {
                    if let Some(v) = rest.next() {
                        let cv = self.convert(interp, sp, &v)?;
                        ns.insert(sp.dest.clone(), cv);
                    }
                }
                Some(n) if n.as_int().is_some() => {
                    let k = n.as_int().unwrap_or(1);
                    let mut out = Vec::new();
                    for _ in 0..k {
                        match rest.next() {
                            Some(v) => out.push(self.convert(interp, sp, &v)?),
                            None => {
                                return self.fail(&format!(
                                    "the following arguments are required: {}",
                                    sp.dest
                                ))
                            }
                        }
                    }
                    ns.insert(sp.dest.clone(), Value::list(out));
                }
                _ => match rest.next() {
                    Some(v) => {
                        let cv = self.convert(interp, sp, &v)?;
                        ns.insert(sp.dest.clone(), cv);
                    }
                    None => {
                        return self.fail(&format!(
                            "the following arguments are required: {}",
                            sp.dest
                        ))
                    }
                },
            }
        }
        let extra: Vec<String> = rest.collect();
        if !extra.is_empty() {
            return self.fail(&format!("unrecognized arguments: {}", extra.join(" ")));
        }
        for sp in specs.iter().filter(|s| !s.positional && s.required) {
            if !seen.contains(&sp.dest) {
                return self.fail(&format!(
                    "the following arguments are required: {}",
                    sp.names.join("/")
                ));
            }
        }
        Ok(Value::Native(Rc::new(Namespace(RefCell::new(ns)))))
    }
}

impl Native for Parser {
    fn type_name(&self) -> &str {
        "ArgumentParser"
    }
    fn attrs(&self) -> Vec<String> {
        [
            "add_argument",
            "parse_args",
            "print_help",
            "format_help",
            "print_usage",
            "error",
            "parse_known_args",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
    fn call_method(
        &self,
        interp: &mut Interp,
        _this: &Value,
        name: &str,
        mut a: Args,
    ) -> Option<R> {
        Some(match name {
            "add_argument" => {
                let names: Vec<String> = a
                    .pos
                    .iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect();
                if names.is_empty() {
                    return Some(Err(raise("TypeError", "add_argument() needs a name")));
                }
                let positional = !names[0].starts_with('-');
                let dest = match &a.kw("dest") {
                    Some(Value::Str(d)) => d.to_string(),
                    _ => {
                        let long = names
                            .iter()
                            .find(|n| n.starts_with("--"))
                            .unwrap_or(&names[0]);
                        long.trim_start_matches('-').replace('-', "_")
                    }
                };
                let text = |v: Option<Value>| match &v {
                    Some(Value::Str(s)) => Some(s.to_string()),
                    _ => None,
                };
                let spec = Spec {
                    positional,
                    action: text(a.kw("action")).unwrap_or_else(|| "store".into()),
                    ty: a.kw("type"),
                    default: a.kw("default").unwrap_or(Value::None),
                    help: text(a.kw("help")).unwrap_or_default(),
                    nargs: a.kw("nargs"),
                    choices: match a.kw("choices") {
                        Some(v) => {
                            match interp.iterate(&v).and_then(|it| it.collect::<R<Vec<_>>>()) {
                                Ok(c) => Some(c),
                                Err(e) => return Some(Err(e)),
                            }
                        }
                        None => None,
                    },
                    required: a.kw("required").is_some_and(|v| v.truthy()),
                    metavar: text(a.kw("metavar")),
                    names,
                    dest,
                };
                self.specs.borrow_mut().push(spec);
                Ok(Value::None)
            }
            "parse_args" | "parse_known_args" => {
                let argv: Vec<String> = match a.get(0, "args") {
                    Some(Value::None) | None => interp.argv.iter().skip(1).cloned().collect(),
                    Some(v) => match interp.iterate(&v).and_then(|it| it.collect::<R<Vec<_>>>()) {
                        Ok(items) => items.iter().map(crate::lang::repr::to_str).collect(),
                        Err(e) => return Some(Err(e)),
                    },
                };
                let r = self.parse(interp, argv);
                if name == "parse_known_args" {
                    r.map(|ns| Value::tuple(vec![ns, Value::list(vec![])]))
                } else {
                    r
                }
            }
            "print_help" => {
                output::print(&self.help());
                Ok(Value::None)
            }
            "format_help" => Ok(Value::str(self.help())),
            "print_usage" => {
                output::println(&self.usage());
                Ok(Value::None)
            }
            "error" => {
                let m = a
                    .get(0, "message")
                    .map(|v| crate::lang::repr::to_str(&v))
                    .unwrap_or_default();
                self.fail(&m)
            }
            _ => return None,
        })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
