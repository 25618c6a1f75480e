//! `open()`: text and binary files for scripts (`with open(...) as f`).

use super::error::{raise, R};
use super::interp::{Args, Interp};
use super::value::*;
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

pub struct File {
    path: String,
    binary: bool,
    /// Unread content (read modes).
    data: RefCell<Vec<u8>>,
    pos: RefCell<usize>,
    writer: RefCell<Option<std::io::BufWriter<std::fs::File>>>,
}

pub fn open(path: &str, mode: &str) -> R {
    let binary = mode.contains('b');
    let os_err = |e: std::io::Error| {
        let kind = match e.kind() {
            std::io::ErrorKind::NotFound => "FileNotFoundError",
            std::io::ErrorKind::PermissionDenied => "PermissionError",
            _ => "OSError",
        };
        raise(
            kind,
            format!(
                "[Errno {}] {}: '{path}'",
                e.raw_os_error().unwrap_or(0),
                e.to_string().split(" (os error").next().unwrap_or("")
            ),
        )
    };
    let (data, writer) = if mode.contains('w') || mode.contains('a') || mode.contains('x') {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .append(mode.contains('a'))
            .truncate(mode.contains('w'))
            .create_new(mode.contains('x'))
            .open(path)
            .map_err(os_err)?;
        (Vec::new(), Some(std::io::BufWriter::new(f)))
    } else {
        (std::fs::read(path).map_err(os_err)?, None)
    };
    Ok(Value::Native(Rc::new(File {
        path: path.to_string(),
        binary,
        data: RefCell::new(data),
        pos: RefCell::new(0),
        writer: RefCell::new(writer),
    })))
}

impl File {
    fn wrap(&self, b: &[u8]) -> Value {
        if self.binary {
            Value::bytes(b.to_vec())
        } else {
            Value::str(String::from_utf8_lossy(b).to_string())
        }
    }
    fn take_line(&self) -> Option<Vec<u8>> {
        let data = self.data.borrow();
        let mut pos = self.pos.borrow_mut();
        if *pos >= data.len() {
            return None;
        }
        let end = data[*pos..]
            .iter()
            .position(|b| *b == b'\n')
            .map(|i| *pos + i + 1)
            .unwrap_or(data.len());
        let line = data[*pos..end].to_vec();
        *pos = end;
        Some(line)
    }
}

impl Native for File {
    fn type_name(&self) -> &str {
        "file"
    }
    fn repr(&self) -> String {
        format!("<file '{}'>", self.path)
    }
    fn attrs(&self) -> Vec<String> {
        [
            "read",
            "readline",
            "readlines",
            "write",
            "writelines",
            "close",
            "flush",
            "__enter__",
            "__exit__",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
    fn get_attr(&self, _i: &mut Interp, name: &str) -> Option<R> {
        match name {
            "name" => Some(Ok(Value::str(self.path.as_str()))),
            "closed" => Some(Ok(Value::Bool(false))),
            _ => None,
        }
    }
    fn call_method(
        &self,
        interp: &mut Interp,
        this: &Value,
        name: &str,
        mut args: Args,
    ) -> Option<R> {
        Some(match name {
            "read" => {
                let data = self.data.borrow();
                let mut pos = self.pos.borrow_mut();
                let n = args
                    .get(0, "size")
                    .and_then(|v| v.as_int())
                    .filter(|n| *n >= 0);
                let end = n
                    .map(|n| (*pos + n as usize).min(data.len()))
                    .unwrap_or(data.len());
                let out = self.wrap(&data[(*pos).min(end)..end]);
                *pos = end;
                Ok(out)
            }
            "readline" => Ok(self
                .take_line()
                .map(|l| self.wrap(&l))
                .unwrap_or_else(|| self.wrap(b""))),
            "readlines" => {
                let mut out = Vec::new();
                while let Some(l) = self.take_line() {
                    out.push(self.wrap(&l));
                }
                Ok(Value::list(out))
            }
            "write" | "writelines" => {
                let v = args.get(0, "s").unwrap_or(Value::None);
                let items = if name == "writelines" {
                    match interp.iterate(&v) {
                        Ok(it) => match it.collect::<R<Vec<_>>>() {
                            Ok(v) => v,
                            Err(e) => return Some(Err(e)),
                        },
                        Err(e) => return Some(Err(e)),
                    }
                } else {
                    vec![v]
                };
                let mut w = self.writer.borrow_mut();
                let Some(w) = w.as_mut() else {
                    return Some(Err(raise("OSError", "file not open for writing")));
                };
                let mut n = 0;
                for it in items {
                    let bytes = match &it {
                        Value::Str(s) if !self.binary => s.as_bytes().to_vec(),
                        Value::Bytes(b) if self.binary => b.to_vec(),
                        other => {
                            return Some(Err(raise(
                                "TypeError",
                                format!(
                                    "write() argument must be {}, not {}",
                                    if self.binary { "bytes" } else { "str" },
                                    other.type_name()
                                ),
                            )))
                        }
                    };
                    n += bytes.len();
                    if let Err(e) = w.write_all(&bytes) {
                        return Some(Err(raise("OSError", e.to_string())));
                    }
                }
                Ok(Value::Int(n as i64))
            }
            "flush" | "close" | "__exit__" => {
                if let Some(w) = self.writer.borrow_mut().as_mut() {
                    if let Err(e) = w.flush() {
                        return Some(Err(raise("OSError", e.to_string())));
                    }
                }
                Ok(Value::None)
            }
            "__enter__" => Ok(this.clone()),
            _ => return None,
        })
    }
    fn iter(&self, _i: &mut Interp) -> Option<R<Box<dyn Iterator<Item = R>>>> {
        let mut lines = Vec::new();
        while let Some(l) = self.take_line() {
            lines.push(self.wrap(&l));
        }
        Some(Ok(Box::new(lines.into_iter().map(Ok))))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Drop for File {
    fn drop(&mut self) {
        if let Some(w) = self.writer.get_mut().as_mut() {
            let _ = w.flush();
        }
    }
}
