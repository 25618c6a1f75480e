//! `os`, `os.path` and `datetime`: the parts probe scripts use.

use super::{module, now, strftime};
use crate::lang::error::{raise, R};
use crate::lang::interp::{Args, Interp};
use crate::lang::value::*;
use std::rc::Rc;

pub fn make_os(interp: &mut Interp) -> R<Value> {
    let mut env = Dict::default();
    for (k, v) in std::env::vars() {
        env.insert(Value::str(k), Value::str(v))?;
    }
    let path = crate::lang::modules::import(interp, "os.path")?;
    Ok(module(
        "os",
        OS,
        vec![
            ("environ", Value::dict(env)),
            ("path", path),
            ("name", Value::str("posix")),
            ("sep", Value::str("/")),
            ("linesep", Value::str("\n")),
            ("devnull", Value::str("/dev/null")),
        ],
    ))
}

static OS: &[Builtin] = funcs! {
    "getuid" => os_getuid: "getuid(): the real user id",
    "geteuid" => os_geteuid: "geteuid(): the effective user id (0 is root)",
    "getpid" => os_getpid: "getpid(): this process's id",
    "getcwd" => os_getcwd: "getcwd(): the working directory",
    "getenv" => os_getenv: "getenv(name, default=None)",
    "listdir" => os_listdir: "listdir(path='.')",
    "remove" => os_remove: "remove(path)",
    "unlink" => os_remove: "unlink(path)",
    "makedirs" => os_makedirs: "makedirs(path, exist_ok=False)",
    "mkdir" => os_makedirs: "mkdir(path)",
};

fn os_getuid(_: &mut Interp, _a: Args) -> R {
    // SAFETY: getuid has no preconditions.
    Ok(Value::Int(i64::from(unsafe { libc::getuid() })))
}
fn os_geteuid(_: &mut Interp, _a: Args) -> R {
    // SAFETY: geteuid has no preconditions.
    Ok(Value::Int(i64::from(unsafe { libc::geteuid() })))
}
fn os_getpid(_: &mut Interp, _a: Args) -> R {
    Ok(Value::Int(i64::from(std::process::id())))
}
fn os_getcwd(_: &mut Interp, _a: Args) -> R {
    std::env::current_dir()
        .map(|p| Value::str(p.display().to_string()))
        .map_err(|e| raise("OSError", e.to_string()))
}
fn os_getenv(_: &mut Interp, mut a: Args) -> R {
    let k = a.req(0, "key", "getenv")?.text("key")?;
    Ok(std::env::var(&*k)
        .map(Value::str)
        .unwrap_or_else(|_| a.get(1, "default").unwrap_or(Value::None)))
}
fn io_err(e: std::io::Error, path: &str) -> crate::lang::error::Flow {
    let kind = match e.kind() {
        std::io::ErrorKind::NotFound => "FileNotFoundError",
        std::io::ErrorKind::PermissionDenied => "PermissionError",
        std::io::ErrorKind::AlreadyExists => "FileExistsError",
        _ => "OSError",
    };
    raise(kind, format!("{e}: '{path}'"))
}
fn os_listdir(_: &mut Interp, mut a: Args) -> R {
    let p = a
        .get(0, "path")
        .map(|v| v.text("path"))
        .transpose()?
        .unwrap_or_else(|| Rc::from("."));
    let mut names: Vec<String> = std::fs::read_dir(&*p)
        .map_err(|e| io_err(e, &p))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .collect();
    names.sort();
    Ok(Value::list(names.into_iter().map(Value::str).collect()))
}
fn os_remove(_: &mut Interp, mut a: Args) -> R {
    let p = a.req(0, "path", "remove")?.text("path")?;
    std::fs::remove_file(&*p).map_err(|e| io_err(e, &p))?;
    Ok(Value::None)
}
fn os_makedirs(_: &mut Interp, mut a: Args) -> R {
    let p = a.req(0, "path", "makedirs")?.text("path")?;
    let exist_ok = a.get(2, "exist_ok").is_some_and(|v| v.truthy());
    if exist_ok && std::path::Path::new(&*p).is_dir() {
        return Ok(Value::None);
    }
    std::fs::create_dir_all(&*p).map_err(|e| io_err(e, &p))?;
    Ok(Value::None)
}

pub fn make_path() -> Value {
    module("os.path", PATH, vec![("sep", Value::str("/"))])
}

static PATH: &[Builtin] = funcs! {
    "exists" => p_exists: "exists(path)",
    "isfile" => p_isfile: "isfile(path)",
    "isdir" => p_isdir: "isdir(path)",
    "join" => p_join: "join(a, *parts)",
    "basename" => p_basename: "basename(path)",
    "dirname" => p_dirname: "dirname(path)",
    "splitext" => p_splitext: "splitext(path): (root, ext)",
    "abspath" => p_abspath: "abspath(path)",
    "expanduser" => p_expanduser: "expanduser(path)",
    "getsize" => p_getsize: "getsize(path)",
};

fn path_arg(a: &mut Args, f: &str) -> R<Rc<str>> {
    a.req(0, "path", f)?.text("path")
}
fn p_exists(_: &mut Interp, mut a: Args) -> R {
    Ok(Value::Bool(
        std::path::Path::new(&*path_arg(&mut a, "exists")?).exists(),
    ))
}
fn p_isfile(_: &mut Interp, mut a: Args) -> R {
    Ok(Value::Bool(
        std::path::Path::new(&*path_arg(&mut a, "isfile")?).is_file(),
    ))
}
fn p_isdir(_: &mut Interp, mut a: Args) -> R {
    Ok(Value::Bool(
        std::path::Path::new(&*path_arg(&mut a, "isdir")?).is_dir(),
    ))
}
fn p_join(_: &mut Interp, a: Args) -> R {
    let mut out = String::new();
    for v in &a.pos {
        let s = v.text("path")?;
        if s.starts_with('/') {
            out = s.to_string();
        } else if out.is_empty() || out.ends_with('/') {
            out.push_str(&s);
        } else {
            out.push('/');
            out.push_str(&s);
        }
    }
    Ok(Value::str(out))
}
fn p_basename(_: &mut Interp, mut a: Args) -> R {
    let p = path_arg(&mut a, "basename")?;
    Ok(Value::str(p.rsplit('/').next().unwrap_or("")))
}
fn p_dirname(_: &mut Interp, mut a: Args) -> R {
    let p = path_arg(&mut a, "dirname")?;
    Ok(Value::str(match p.rfind('/') {
        Some(0) => "/".to_string(),
        Some(i) => p[..i].to_string(),
        None => String::new(),
    }))
}
fn p_splitext(_: &mut Interp, mut a: Args) -> R {
    let p = path_arg(&mut a, "splitext")?;
    let base_start = p.rfind('/').map(|i| i + 1).unwrap_or(0);
    Ok(match p[base_start..].rfind('.').filter(|&i| i > 0) {
        Some(i) => Value::tuple(vec![
            Value::str(&p[..base_start + i]),
            Value::str(&p[base_start + i..]),
        ]),
        None => Value::tuple(vec![Value::Str(p.clone()), Value::str("")]),
    })
}
fn p_abspath(_: &mut Interp, mut a: Args) -> R {
    let p = path_arg(&mut a, "abspath")?;
    let cwd = std::env::current_dir().map_err(|e| raise("OSError", e.to_string()))?;
    Ok(Value::str(cwd.join(&*p).display().to_string()))
}
fn p_expanduser(_: &mut Interp, mut a: Args) -> R {
    let p = path_arg(&mut a, "expanduser")?;
    Ok(Value::str(
        match (p.strip_prefix('~'), std::env::var("HOME")) {
            (Some(rest), Ok(h)) => format!("{h}{rest}"),
            _ => p.to_string(),
        },
    ))
}
fn p_getsize(_: &mut Interp, mut a: Args) -> R {
    let p = path_arg(&mut a, "getsize")?;
    std::fs::metadata(&*p)
        .map(|m| Value::Int(m.len() as i64))
        .map_err(|e| io_err(e, &p))
}

// ------------------------------------------------------------ datetime

pub fn make_datetime() -> Value {
    let dt = module("datetime.datetime", DATETIME, vec![]);
    let td = Value::Builtin(&TIMEDELTA);
    module(
        "datetime",
        &[],
        vec![
            ("datetime", dt),
            ("timedelta", td),
            ("date", module("datetime.date", DATE, vec![])),
        ],
    )
}

static DATETIME: &[Builtin] = funcs! {
    "now" => dt_now: "now(): the local date and time",
    "utcnow" => dt_utcnow: "utcnow(): the UTC date and time",
    "today" => dt_now: "today(): the local date and time",
    "fromtimestamp" => dt_fromtimestamp: "fromtimestamp(t): the local date and time of a timestamp",
};

static DATE: &[Builtin] = funcs! {
    "today" => dt_today: "today(): the local date",
};

static TIMEDELTA: Builtin = Builtin {
    name: "timedelta",
    f: td_new,
    doc: "timedelta(days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0)",
};

/// A point in time (seconds since the epoch), shown in local time or UTC.
pub struct DateTime {
    t: f64,
    utc: bool,
    date_only: bool,
}

fn dt(t: f64, utc: bool) -> Value {
    Value::Native(Rc::new(DateTime {
        t,
        utc,
        date_only: false,
    }))
}

fn dt_now(_: &mut Interp, _a: Args) -> R {
    Ok(dt(now(), false))
}
fn dt_utcnow(_: &mut Interp, _a: Args) -> R {
    Ok(dt(now(), true))
}
fn dt_today(_: &mut Interp, _a: Args) -> R {
    Ok(Value::Native(Rc::new(DateTime {
        t: now(),
        utc: false,
        date_only: true,
    })))
}
fn dt_fromtimestamp(_: &mut Interp, mut a: Args) -> R {
    Ok(dt(a.req(0, "t", "fromtimestamp")?.float("t")?, false))
}

impl DateTime {
    fn fmt(&self, f: &str) -> String {
        if self.utc {
            let secs = self.t as libc::time_t;
            // SAFETY: gmtime_r writes into the zeroed struct we own.
            let tm = unsafe {
                let mut tm: libc::tm = std::mem::zeroed();
                libc::gmtime_r(&secs, &mut tm);
                tm
            };
            super::strftime_tm(f, &tm)
        } else {
            strftime(f, self.t)
        }
    }
    fn micros(&self) -> i64 {
        ((self.t.fract()) * 1e6).round() as i64 % 1_000_000
    }
    fn text(&self) -> String {
        if self.date_only {
            return self.fmt("%Y-%m-%d");
        }
        let us = self.micros();
        if us == 0 {
            self.fmt("%Y-%m-%d %H:%M:%S")
        } else {
            format!("{}.{us:06}", self.fmt("%Y-%m-%d %H:%M:%S"))
        }
    }
}

impl Native for DateTime {
    fn type_name(&self) -> &str {
        if self.date_only {
            "date"
        } else {
            "datetime"
        }
    }
    fn repr(&self) -> String {
        format!(
            "datetime.datetime({})",
            self.fmt("%Y, %-m, %-d, %-H, %-M, %-S")
        )
    }
    fn attrs(&self) -> Vec<String> {
        [
            "strftime",
            "isoformat",
            "timestamp",
            "year",
            "month",
            "day",
            "hour",
            "minute",
            "second",
            "microsecond",
            "date",
            "time",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
    fn get_attr(&self, _i: &mut Interp, name: &str) -> Option<R> {
        let num = |f: &str| Value::Int(self.fmt(f).parse().unwrap_or(0));
        Some(Ok(match name {
            "year" => num("%Y"),
            "month" => num("%m"),
            "day" => num("%d"),
            "hour" => num("%H"),
            "minute" => num("%M"),
            "second" => num("%S"),
            "microsecond" => Value::Int(self.micros()),
            _ => return None,
        }))
    }
    fn call_method(&self, _i: &mut Interp, _this: &Value, name: &str, mut a: Args) -> Option<R> {
        Some(match name {
            "strftime" => match a.get(0, "format").map(|v| v.text("format")) {
                Some(Ok(f)) => Ok(Value::str(self.fmt(&f))),
                Some(Err(e)) => Err(e),
                None => Err(raise("TypeError", "strftime() needs a format")),
            },
            "isoformat" => {
                let us = self.micros();
                let base = self.fmt("%Y-%m-%dT%H:%M:%S");
                Ok(Value::str(if us == 0 {
                    base
                } else {
                    format!("{base}.{us:06}")
                }))
            }
            "timestamp" => Ok(Value::Float(self.t)),
            "date" => Ok(Value::Native(Rc::new(DateTime {
                t: self.t,
                utc: self.utc,
                date_only: true,
            }))),
            "__str__" => Ok(Value::str(self.text())),
            "__sub__" => match &a.get(0, "other") {
                Some(Value::Native(n)) => match n.as_any().downcast_ref::<DateTime>() {
                    Some(o) => Ok(Value::Native(Rc::new(TimeDelta(self.t - o.t)))),
                    None => match n.as_any().downcast_ref::<TimeDelta>() {
                        Some(d) => Ok(dt(self.t - d.0, self.utc)),
                        None => Err(raise("TypeError", "unsupported operand for -")),
                    },
                },
                _ => Err(raise("TypeError", "unsupported operand for -")),
            },
            "__add__" => match &a.get(0, "other") {
                Some(Value::Native(n)) => match n.as_any().downcast_ref::<TimeDelta>() {
                    Some(d) => Ok(dt(self.t + d.0, self.utc)),
                    None => Err(raise("TypeError", "unsupported operand for +")),
                },
                _ => Err(raise("TypeError", "unsupported operand for +")),
            },
            _ => return None,
        })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A duration in seconds.
pub struct TimeDelta(pub f64);

fn td_new(_: &mut Interp, mut a: Args) -> R {
    let mut s = 0.0;
    for (name, k) in [
        ("days", 86400.0),
        ("seconds", 1.0),
        ("microseconds", 1e-6),
        ("milliseconds", 1e-3),
        ("minutes", 60.0),
        ("hours", 3600.0),
        ("weeks", 604800.0),
    ] {
        if let Some(v) = a.kw(name) {
            s += v.float(name)? * k;
        }
    }
    if let Some(d) = a.pos.first() {
        s += d.float("days")? * 86400.0;
    }
    Ok(Value::Native(Rc::new(TimeDelta(s))))
}

impl Native for TimeDelta {
    fn type_name(&self) -> &str {
        "timedelta"
    }
    fn repr(&self) -> String {
        format!(
            "datetime.timedelta(seconds={})",
            crate::lang::repr::float_repr(self.0)
        )
    }
    fn attrs(&self) -> Vec<String> {
        vec![
            "total_seconds".into(),
            "seconds".into(),
            "days".into(),
            "microseconds".into(),
        ]
    }
    fn get_attr(&self, _i: &mut Interp, name: &str) -> Option<R> {
        Some(Ok(match name {
            "days" => Value::Int((self.0 / 86400.0).floor() as i64),
            "seconds" => Value::Int((self.0.rem_euclid(86400.0)).floor() as i64),
            "microseconds" => Value::Int(((self.0.fract().abs()) * 1e6).round() as i64),
            _ => return None,
        }))
    }
    fn call_method(&self, _i: &mut Interp, _this: &Value, name: &str, _a: Args) -> Option<R> {
        Some(match name {
            "total_seconds" => Ok(Value::Float(self.0)),
            "__str__" => {
                let t = self.0.abs();
                let (h, m, s) = (
                    (t / 3600.0).floor(),
                    ((t % 3600.0) / 60.0).floor(),
                    t % 60.0,
                );
                Ok(Value::str(format!(
                    "{}{}:{:02}:{:09.6}",
                    if self.0 < 0.0 { "-" } else { "" },
                    h,
                    m,
                    s
                )))
            }
            _ => return None,
        })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
