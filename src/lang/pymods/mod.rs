//! Python standard modules that probe scripts use: `time`, `sys`, `math`,
//! `random`. Each module is a table of functions built on demand.

use super::error::{raise, R};
use super::interp::{Args, Interp};
use super::output;
use super::value::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Modules `import` can find besides Scapy's.
pub const NAMES: &[&str] = &[
    "argparse",
    "datetime",
    "ipaddress",
    "logging",
    "math",
    "os",
    "os.path",
    "random",
    "re",
    "socket",
    "struct",
    "sys",
    "time",
];

macro_rules! funcs {
    ($($name:literal => $f:ident : $doc:literal),* $(,)?) => {
        &[$(Builtin { name: $name, f: $f, doc: $doc }),*]
    };
}

mod logmods;
pub mod netmods;
mod osmods;
mod remod;
pub mod structmod;

pub(crate) fn module(name: &str, funcs: &'static [Builtin], extra: Vec<(&str, Value)>) -> Value {
    let mut attrs: HashMap<Rc<str>, Value> = HashMap::new();
    for f in funcs {
        attrs.insert(Rc::from(f.name), Value::Builtin(f));
    }
    for (k, v) in extra {
        attrs.insert(Rc::from(k), v);
    }
    Value::Module(Rc::new(Module {
        name: Rc::from(name),
        attrs: RefCell::new(attrs),
    }))
}

/// Builds module `name`, or `None` if packsmith does not provide it.
pub fn make(interp: &mut Interp, name: &str) -> R<Option<Value>> {
    Ok(Some(match name {
        "time" => module("time", TIME, vec![]),
        "sys" => {
            let argv = Value::list(interp.argv.iter().map(|a| Value::str(a.as_str())).collect());
            module(
                "sys",
                SYS,
                vec![
                    ("argv", argv),
                    ("stdout", Value::Native(Rc::new(Stream("stdout")))),
                    ("stderr", Value::Native(Rc::new(Stream("stderr")))),
                    (
                        "version",
                        Value::str(format!("packsmith {}", env!("CARGO_PKG_VERSION"))),
                    ),
                    ("platform", Value::str(std::env::consts::OS)),
                    ("maxsize", Value::Int(i64::MAX)),
                    (
                        "byteorder",
                        Value::str(if cfg!(target_endian = "big") {
                            "big"
                        } else {
                            "little"
                        }),
                    ),
                ],
            )
        }
        "math" => module(
            "math",
            MATH,
            vec![
                ("pi", Value::Float(std::f64::consts::PI)),
                ("e", Value::Float(std::f64::consts::E)),
                ("inf", Value::Float(f64::INFINITY)),
                ("nan", Value::Float(f64::NAN)),
            ],
        ),
        "random" => module("random", RANDOM, vec![]),
        "struct" => structmod::make(),
        "socket" => netmods::make_socket(),
        "ipaddress" => netmods::make_ipaddress(),
        "logging" => logmods::make_logging(),
        "argparse" => logmods::make_argparse(),
        "os" => osmods::make_os(interp)?,
        "os.path" => osmods::make_path(),
        "datetime" => osmods::make_datetime(),
        "re" => remod::make(),
        _ => return Ok(None),
    }))
}

pub(crate) fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

static TIME: &[Builtin] = funcs! {
    "time" => t_time: "time(): seconds since the epoch",
    "sleep" => t_sleep: "sleep(seconds): wait",
    "monotonic" => t_monotonic: "monotonic(): a clock that never goes back",
    "perf_counter" => t_monotonic: "perf_counter(): a high-resolution clock",
    "strftime" => t_strftime: "strftime(format[, t]): formatted local time",
    "ctime" => t_ctime: "ctime([t]): readable local time",
};

fn t_time(_: &mut Interp, _a: Args) -> R {
    Ok(Value::Float(now()))
}

fn t_sleep(_: &mut Interp, mut a: Args) -> R {
    let s = a.req(0, "secs", "sleep")?.float("sleep() argument")?;
    super::commands::sleep_interruptible(s)?;
    Ok(Value::None)
}

fn t_monotonic(_: &mut Interp, _a: Args) -> R {
    thread_local!(static START: std::time::Instant = std::time::Instant::now());
    Ok(Value::Float(
        START.with(|s| s.elapsed().as_secs_f64()) + 1000.0,
    ))
}

/// Local broken-down time via libc.
fn local_tm(t: f64) -> libc::tm {
    let secs = t as libc::time_t;
    // SAFETY: localtime_r writes into the zeroed struct we own.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&secs, &mut tm);
        tm
    }
}

pub fn strftime(fmt: &str, t: f64) -> String {
    strftime_tm(fmt, &local_tm(t))
}

/// `strftime` of a broken-down time.
pub fn strftime_tm(fmt: &str, tm: &libc::tm) -> String {
    let cfmt = std::ffi::CString::new(fmt.replace('\0', "")).unwrap_or_default();
    let mut buf = vec![0u8; 512];
    // SAFETY: buf is writable for its length; strftime never writes more.
    let n = unsafe {
        libc::strftime(
            buf.as_mut_ptr() as *mut libc::c_char,
            buf.len(),
            cfmt.as_ptr(),
            tm,
        )
    };
    buf.truncate(n);
    String::from_utf8_lossy(&buf).to_string()
}

fn t_strftime(_: &mut Interp, mut a: Args) -> R {
    let f = a.req(0, "format", "strftime")?.text("format")?;
    let t = a
        .get(1, "t")
        .map(|v| v.float("t"))
        .transpose()?
        .unwrap_or_else(now);
    Ok(Value::str(strftime(&f, t)))
}

fn t_ctime(_: &mut Interp, mut a: Args) -> R {
    let t = a
        .get(0, "secs")
        .filter(|v| !matches!(v, Value::None))
        .map(|v| v.float("secs"))
        .transpose()?
        .unwrap_or_else(now);
    Ok(Value::str(strftime("%a %b %e %H:%M:%S %Y", t)))
}

static SYS: &[Builtin] = funcs! {
    "exit" => s_exit: "exit(code=0): leave the program",
};

fn s_exit(interp: &mut Interp, a: Args) -> R {
    let exit = interp
        .builtins
        .get("exit")
        .cloned()
        .ok_or_else(|| raise("RuntimeError", "no exit"))?;
    interp.call_value(&exit, a)
}

/// `sys.stdout` / `sys.stderr`.
pub struct Stream(pub &'static str);

impl Native for Stream {
    fn type_name(&self) -> &str {
        self.0
    }
    fn attrs(&self) -> Vec<String> {
        vec!["write".into(), "flush".into()]
    }
    fn call_method(
        &self,
        interp: &mut Interp,
        _this: &Value,
        name: &str,
        mut a: Args,
    ) -> Option<R> {
        Some(match name {
            "write" => {
                let v = a.get(0, "s").unwrap_or(Value::None);
                let s = match interp.to_str(&v) {
                    Ok(s) => s,
                    Err(e) => return Some(Err(e)),
                };
                if self.0 == "stderr" {
                    output::flush();
                    eprint!("{s}");
                } else {
                    output::print(&s);
                }
                Ok(Value::Int(s.chars().count() as i64))
            }
            "flush" => {
                output::flush();
                Ok(Value::None)
            }
            _ => return None,
        })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

static MATH: &[Builtin] = funcs! {
    "sqrt" => m_sqrt: "sqrt(x)",
    "floor" => m_floor: "floor(x)",
    "ceil" => m_ceil: "ceil(x)",
    "log" => m_log: "log(x[, base])",
    "log2" => m_log2: "log2(x)",
    "log10" => m_log10: "log10(x)",
    "exp" => m_exp: "exp(x)",
    "fabs" => m_fabs: "fabs(x)",
    "isnan" => m_isnan: "isnan(x)",
};

fn f1(a: &mut Args, f: &str) -> R<f64> {
    a.req(0, "x", f)?.float(&format!("{f}() argument"))
}
fn m_sqrt(_: &mut Interp, mut a: Args) -> R {
    let x = f1(&mut a, "sqrt")?;
    if x < 0.0 {
        return Err(raise("ValueError", "math domain error"));
    }
    Ok(Value::Float(x.sqrt()))
}
fn m_floor(_: &mut Interp, mut a: Args) -> R {
    Ok(Value::Int(f1(&mut a, "floor")?.floor() as i64))
}
fn m_ceil(_: &mut Interp, mut a: Args) -> R {
    Ok(Value::Int(f1(&mut a, "ceil")?.ceil() as i64))
}
fn m_log(_: &mut Interp, mut a: Args) -> R {
    let x = f1(&mut a, "log")?;
    if x <= 0.0 {
        return Err(raise("ValueError", "math domain error"));
    }
    Ok(Value::Float(match a.get(1, "base") {
        Some(b) => x.ln() / b.float("base")?.ln(),
        None => x.ln(),
    }))
}
fn m_log2(_: &mut Interp, mut a: Args) -> R {
    Ok(Value::Float(f1(&mut a, "log2")?.log2()))
}
fn m_log10(_: &mut Interp, mut a: Args) -> R {
    Ok(Value::Float(f1(&mut a, "log10")?.log10()))
}
fn m_exp(_: &mut Interp, mut a: Args) -> R {
    Ok(Value::Float(f1(&mut a, "exp")?.exp()))
}
fn m_fabs(_: &mut Interp, mut a: Args) -> R {
    Ok(Value::Float(f1(&mut a, "fabs")?.abs()))
}
fn m_isnan(_: &mut Interp, mut a: Args) -> R {
    Ok(Value::Bool(f1(&mut a, "isnan")?.is_nan()))
}

thread_local! {
    static RNG: RefCell<crate::packet::value::Rng> = RefCell::new(crate::packet::value::Rng::new());
}

fn rnd() -> u64 {
    RNG.with(|r| r.borrow_mut().next_u64())
}

static RANDOM: &[Builtin] = funcs! {
    "random" => r_random: "random(): a float in [0, 1)",
    "randint" => r_randint: "randint(a, b): an integer in [a, b]",
    "randrange" => r_randrange: "randrange(start, stop[, step])",
    "choice" => r_choice: "choice(seq): a random item",
    "shuffle" => r_shuffle: "shuffle(list): shuffle in place",
    "uniform" => r_uniform: "uniform(a, b): a float in [a, b]",
    "seed" => r_seed: "seed(n): make the sequence repeatable",
    "sample" => r_sample: "sample(population, k): k distinct items",
};

fn r_random(_: &mut Interp, _a: Args) -> R {
    Ok(Value::Float((rnd() >> 11) as f64 / (1u64 << 53) as f64))
}
fn below(n: u64) -> u64 {
    if n == 0 {
        0
    } else {
        rnd() % n
    }
}
fn r_randint(_: &mut Interp, mut a: Args) -> R {
    let lo = a.req(0, "a", "randint")?.int("a")?;
    let hi = a.req(1, "b", "randint")?.int("b")?;
    if hi < lo {
        return Err(raise(
            "ValueError",
            format!("empty range for randint({lo}, {hi})"),
        ));
    }
    Ok(Value::Int(lo + below((hi - lo) as u64 + 1) as i64))
}
fn r_randrange(_: &mut Interp, mut a: Args) -> R {
    let x = a.req(0, "start", "randrange")?.int("start")?;
    let (lo, hi) = match a.get(1, "stop") {
        Some(v) => (x, v.int("stop")?),
        None => (0, x),
    };
    let step = a
        .get(2, "step")
        .map(|v| v.int("step"))
        .transpose()?
        .unwrap_or(1)
        .max(1);
    let n = range_len(lo, hi, step);
    if n <= 0 {
        return Err(raise("ValueError", "empty range for randrange()"));
    }
    Ok(Value::Int(lo + step * below(n as u64) as i64))
}
fn r_choice(interp: &mut Interp, mut a: Args) -> R {
    let items: Vec<Value> = interp
        .iterate(&a.req(0, "seq", "choice")?)?
        .collect::<R<_>>()?;
    if items.is_empty() {
        return Err(raise("IndexError", "Cannot choose from an empty sequence"));
    }
    Ok(items[below(items.len() as u64) as usize].clone())
}
fn r_shuffle(_: &mut Interp, mut a: Args) -> R {
    if let Value::List(l) = &a.req(0, "x", "shuffle")? {
        let mut l = l.borrow_mut();
        for i in (1..l.len()).rev() {
            let j = below(i as u64 + 1) as usize;
            l.swap(i, j);
        }
    }
    Ok(Value::None)
}
fn r_uniform(_: &mut Interp, mut a: Args) -> R {
    let lo = a.req(0, "a", "uniform")?.float("a")?;
    let hi = a.req(1, "b", "uniform")?.float("b")?;
    Ok(Value::Float(
        lo + (hi - lo) * ((rnd() >> 11) as f64 / (1u64 << 53) as f64),
    ))
}
fn r_seed(_: &mut Interp, mut a: Args) -> R {
    let s = a.get(0, "a").and_then(|v| v.as_int()).unwrap_or(0);
    RNG.with(|r| *r.borrow_mut() = crate::packet::value::Rng::seeded(s as u64));
    Ok(Value::None)
}
fn r_sample(interp: &mut Interp, mut a: Args) -> R {
    let mut items: Vec<Value> = interp
        .iterate(&a.req(0, "population", "sample")?)?
        .collect::<R<_>>()?;
    let k = a.req(1, "k", "sample")?.int("k")?.max(0) as usize;
    if k > items.len() {
        return Err(raise(
            "ValueError",
            "Sample larger than population or is negative",
        ));
    }
    for i in 0..k {
        let j = i + below((items.len() - i) as u64) as usize;
        items.swap(i, j);
    }
    items.truncate(k);
    Ok(Value::list(items))
}
