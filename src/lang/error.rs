//! Errors: syntax errors (span, what was expected, rendered with miette) and
//! runtime exceptions (instances of Python's exception classes, with a
//! traceback of spans, rendered the way Python prints them).

use super::ast::Span;
use super::value::{Class, Instance, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// A syntax error: where, what, and what was expected there.
#[derive(Clone, Debug)]
pub struct SyntaxError {
    /// Python's class for it: SyntaxError, or its relatives IndentationError,
    /// TabError and (for a chain too deep to compile) RecursionError.
    pub kind: &'static str,
    pub span: Span,
    pub message: String,
    pub expected: String,
    pub help: Option<String>,
}

impl SyntaxError {
    pub fn new(span: Span, message: impl Into<String>, expected: impl Into<String>) -> SyntaxError {
        SyntaxError {
            kind: "SyntaxError",
            span,
            message: message.into(),
            expected: expected.into(),
            help: None,
        }
    }

    /// The same error reported as Python's `kind` (TabError...).
    pub fn kind(mut self, kind: &'static str) -> SyntaxError {
        self.kind = kind;
        self
    }
}

/// Non-local control flow: exceptions and the statements that jump.
pub enum Flow {
    Raise(Box<Exc>),
    Return(Value),
    Break,
    Continue,
}

impl std::fmt::Debug for Flow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Flow::Raise(e) => {
                let (name, msg) = exc_parts(&e.value);
                write!(f, "{name}: {msg}")
            }
            Flow::Return(_) => write!(f, "return"),
            Flow::Break => write!(f, "break"),
            Flow::Continue => write!(f, "continue"),
        }
    }
}

/// A raised exception and where it travelled.
pub struct Exc {
    pub value: Value,
    pub trace: Vec<Frame>,
}

#[derive(Clone)]
pub struct Frame {
    pub span: Span,
    pub func: Rc<str>,
    /// Call depth the frame belongs to (one frame per depth is recorded).
    pub depth: usize,
}

pub type R<T = Value> = Result<T, Flow>;

/// Python's built-in exception hierarchy: (name, parent).
const HIERARCHY: &[(&str, &str)] = &[
    ("BaseException", ""),
    ("SystemExit", "BaseException"),
    ("KeyboardInterrupt", "BaseException"),
    ("GeneratorExit", "BaseException"),
    ("Exception", "BaseException"),
    ("ArithmeticError", "Exception"),
    ("ZeroDivisionError", "ArithmeticError"),
    ("OverflowError", "ArithmeticError"),
    ("LookupError", "Exception"),
    ("IndexError", "LookupError"),
    ("KeyError", "LookupError"),
    ("AssertionError", "Exception"),
    ("AttributeError", "Exception"),
    ("NameError", "Exception"),
    ("UnboundLocalError", "NameError"),
    ("TypeError", "Exception"),
    ("ValueError", "Exception"),
    ("UnicodeError", "ValueError"),
    ("UnicodeDecodeError", "UnicodeError"),
    ("UnicodeEncodeError", "UnicodeError"),
    ("RuntimeError", "Exception"),
    ("NotImplementedError", "RuntimeError"),
    ("RecursionError", "RuntimeError"),
    ("StopIteration", "Exception"),
    ("EOFError", "Exception"),
    ("ImportError", "Exception"),
    ("ModuleNotFoundError", "ImportError"),
    ("MemoryError", "Exception"),
    ("OSError", "Exception"),
    ("FileNotFoundError", "OSError"),
    ("FileExistsError", "OSError"),
    ("PermissionError", "OSError"),
    ("IsADirectoryError", "OSError"),
    ("TimeoutError", "OSError"),
    ("SyntaxError", "Exception"),
    ("Scapy_Exception", "Exception"),
    ("Warning", "Exception"),
    ("UserWarning", "Warning"),
    ("DeprecationWarning", "Warning"),
];

thread_local! {
    static CLASSES: RefCell<HashMap<&'static str, Rc<Class>>> = RefCell::new(HashMap::new());
    static SOURCES: RefCell<Vec<(Rc<str>, Rc<str>)>> = const { RefCell::new(Vec::new()) };
}

/// The built-in exception class called `name` (`IOError` is `OSError`).
pub fn exc_class(name: &str) -> Option<Rc<Class>> {
    let name = match name {
        "IOError" | "EnvironmentError" | "socket.error" => "OSError",
        n => n,
    };
    CLASSES.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_empty() {
            for (n, parent) in HIERARCHY {
                let bases = c.get(parent).cloned().into_iter().collect();
                c.insert(
                    n,
                    Rc::new(Class {
                        name: Rc::from(*n),
                        bases,
                        attrs: RefCell::new(HashMap::new()),
                    }),
                );
            }
        }
        c.get(name).cloned()
    })
}

/// Names of all built-in exception classes.
pub fn exc_names() -> impl Iterator<Item = &'static str> {
    HIERARCHY.iter().map(|(n, _)| *n)
}

/// An exception instance of class `cls` with `args`.
pub fn exc_instance(cls: Rc<Class>, args: Vec<Value>) -> Value {
    let mut attrs = HashMap::new();
    attrs.insert(Rc::from("args"), Value::tuple(args));
    Value::Instance(Rc::new(Instance {
        class: cls,
        attrs: RefCell::new(attrs),
    }))
}

/// Raises the built-in exception `kind` with a message.
pub fn raise(kind: &str, msg: impl Into<String>) -> Flow {
    let cls = exc_class(kind)
        .or_else(|| exc_class("Exception"))
        .expect("Exception class exists");
    Flow::Raise(Box::new(Exc {
        value: exc_instance(cls, vec![Value::str(msg.into())]),
        trace: Vec::new(),
    }))
}

/// Raises with an extra note printed under the message (did-you-mean hints).
pub fn raise_with_note(kind: &str, msg: impl Into<String>, note: Option<String>) -> Flow {
    let f = raise(kind, msg);
    if let (Flow::Raise(e), Some(note)) = (&f, note) {
        if let Value::Instance(i) = &e.value {
            i.attrs
                .borrow_mut()
                .insert(Rc::from("__notes__"), Value::list(vec![Value::str(note)]));
        }
    }
    f
}

/// True when the exception value is an instance of the class called `name`.
pub fn exc_is(v: &Value, name: &str) -> bool {
    match (v, exc_class(name)) {
        (Value::Instance(i), Some(c)) => i.class.is_sub(&c),
        _ => false,
    }
}

/// The class name and message of an exception value (`str(e)`).
pub fn exc_parts(v: &Value) -> (String, String) {
    match v {
        Value::Instance(i) => {
            let name = i.class.name.to_string();
            let args = i.attrs.borrow().get("args").cloned();
            let msg = match &args {
                Some(Value::Tuple(t)) if t.is_empty() => String::new(),
                Some(Value::Tuple(t)) if t.len() == 1 => {
                    if i.class.name.as_ref() == "KeyError" {
                        super::repr::repr(&t[0])
                    } else {
                        super::repr::to_str(&t[0])
                    }
                }
                Some(other) => super::repr::repr(other),
                None => String::new(),
            };
            (name, msg)
        }
        other => (other.type_name(), super::repr::to_str(other)),
    }
}

fn notes(v: &Value) -> Vec<String> {
    match v {
        Value::Instance(i) => match i.attrs.borrow().get("__notes__") {
            Some(Value::List(l)) => l.borrow().iter().map(super::repr::to_str).collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

// ------------------------------------------------------------ source files

/// Registers a source text for error rendering; returns its file id.
pub fn add_source(name: &str, text: &str) -> u32 {
    SOURCES.with(|s| {
        let mut s = s.borrow_mut();
        s.push((Rc::from(name), Rc::from(text)));
        (s.len() - 1) as u32
    })
}

pub fn source(file: u32) -> Option<(Rc<str>, Rc<str>)> {
    SOURCES.with(|s| s.borrow().get(file as usize).cloned())
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    // a UTF-8 byte-order mark opening the file is not a column
    let bom = usize::from(line_start == 0 && before.starts_with('\u{feff}'));
    (line, before[line_start..].chars().count() + 1 - bom)
}

/// `file:line:col` for a span.
pub fn location(span: Span) -> String {
    match source(span.file) {
        Some((name, text)) => {
            let (l, c) = line_col(&text, span.start as usize);
            format!("{name}:{l}:{c}")
        }
        None => "<unknown>".into(),
    }
}

/// Renders a syntax error with the offending source underlined.
pub fn render_syntax(e: &SyntaxError, color: bool) -> String {
    let (name, text) = source(e.span.file).unwrap_or_else(|| (Rc::from("<input>"), Rc::from("")));
    let (line, col) = line_col(&text, e.span.start as usize);
    let start = (e.span.start as usize).min(text.len());
    let len = (e.span.end.saturating_sub(e.span.start) as usize)
        .max(1)
        .min(text.len().saturating_sub(start).max(1));
    let message = format!("{}: {} at {name}:{line}:{col}", e.kind, e.message);
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map(|i| i + 1)
        .unwrap_or(0);
    let line_end = text
        .get(start..)
        .and_then(|t| t.find('\n'))
        .map(|i| start + i)
        .unwrap_or(text.len());
    if line_end.saturating_sub(line_start) > LONG_LINE {
        // miette pads with a u16 width: past column 65535 it panics, and a
        // megabyte-long line is no use on a terminal anyway. Show a window.
        let l = text.get(line_start..line_end).unwrap_or("");
        return render_long_line(&message, l, col, e);
    }
    let diag = SyntaxDiag {
        message,
        src: miette::NamedSource::new(name.as_ref(), text.to_string()),
        at: (start, len).into(),
        label: format!("expected {}", e.expected),
        help: e.help.clone(),
    };
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    if handler.render_report(&mut out, &diag).is_err() {
        out = format!("{}\n  expected {}\n", diag.message, e.expected);
    }
    out
}

/// Lines longer than this (in bytes) are shown as a window around the error.
const LONG_LINE: usize = 2000;

/// A syntax error on a very long line: 40 characters either side of `col`
/// (1-based, in characters), a caret under it, then what was expected.
fn render_long_line(message: &str, line: &str, col: usize, e: &SyntaxError) -> String {
    let from = col.saturating_sub(41);
    let window: String = line.chars().skip(from).take(81).collect();
    let lead = if from > 0 { "..." } else { "" };
    let caret = " ".repeat(lead.len() + col - 1 - from);
    let mut out = format!(
        "{message}\n    {lead}{window}\n    {caret}^ expected {}\n",
        e.expected
    );
    if let Some(h) = &e.help {
        out.push_str(&format!("  help: {h}\n"));
    }
    out
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
struct SyntaxDiag {
    message: String,
    #[source_code]
    src: miette::NamedSource<String>,
    #[label("{label}")]
    at: miette::SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
}

/// Renders an uncaught exception as Python does, with columns and carets.
pub fn render_traceback(e: &Exc) -> String {
    let mut out = String::new();
    if !e.trace.is_empty() {
        out.push_str("Traceback (most recent call last):\n");
    }
    for f in e.trace.iter().rev() {
        let Some((name, text)) = source(f.span.file) else {
            continue;
        };
        let (line, col) = line_col(&text, f.span.start as usize);
        out.push_str(&format!(
            "  File \"{name}\", line {line}, column {col}, in {}\n",
            f.func
        ));
        let line_start = text[..(f.span.start as usize).min(text.len())]
            .rfind('\n')
            .map(|i| i + 1)
            .unwrap_or(0);
        let line_text = text[line_start..].lines().next().unwrap_or("");
        let trimmed = line_text.trim_start();
        let indent = line_text.len() - trimmed.len();
        out.push_str(&format!("    {}\n", trimmed.trim_end()));
        let s = (f.span.start as usize).saturating_sub(line_start);
        let e_ = ((f.span.end as usize).saturating_sub(line_start))
            .min(line_text.len())
            .max(s + 1);
        if s >= indent && !(s == indent && e_ >= line_text.trim_end().len()) {
            let pad: usize = line_text[indent..s.min(line_text.len())].chars().count();
            let width = line_text
                .get(s..e_)
                .map(|x| x.chars().count())
                .unwrap_or(1)
                .max(1);
            out.push_str(&format!("    {}{}\n", " ".repeat(pad), "^".repeat(width)));
        }
    }
    let (name, msg) = exc_parts(&e.value);
    if msg.is_empty() {
        out.push_str(&format!("{name}\n"));
    } else {
        out.push_str(&format!("{name}: {msg}\n"));
    }
    for n in notes(&e.value) {
        out.push_str(&format!("{n}\n"));
    }
    out
}
