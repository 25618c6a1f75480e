//! The packsmith language: a Python subset with Scapy's packet API.
//!
//! `parser` (nom-based lexer + recursive descent) turns text into an `ast`
//! with spans; `interp` evaluates it. Errors are values: `SyntaxError`s carry
//! a span and what was expected, runtime exceptions carry a traceback.
//!
//! Public API: [`Interp`], [`run_source`], [`RunError`], [`render_error`], [`exit_code`].

pub mod ast;
pub mod attrs;
pub mod builtins;
pub mod capcmds;
pub mod commands;
pub mod completion;
pub mod conf;
pub mod error;
pub mod files;
pub mod filter;
pub mod format;
pub mod inet6cmds;
pub mod interp;
pub mod lexer;
pub mod limits;
pub mod methods;
pub mod modules;
pub mod netcmds;
pub mod ops;
pub mod output;
pub mod packets;
pub mod parser;
pub mod pymods;
pub mod repr;
pub mod toolcmds;
pub mod value;

pub use interp::Interp;

use error::{exc_is, exc_parts, Exc, SyntaxError};
use value::Value;

/// Why a program stopped early.
pub enum RunError {
    Syntax(SyntaxError),
    Runtime(Box<Exc>),
    /// `exit(n)` / `sys.exit(n)`.
    Exit(i32, Option<String>),
}

/// Parses and runs `text` (registered as `name` for error messages).
pub fn run_source(interp: &mut Interp, name: &str, text: &str) -> Result<(), RunError> {
    let file = error::add_source(name, text);
    let stmts = parser::parse_program(text, file).map_err(RunError::Syntax)?;
    let r = interp.run(&stmts).map_err(classify);
    output::flush();
    r
}

/// Turns `SystemExit` into an exit request; other exceptions stay errors.
pub fn classify(e: Box<Exc>) -> RunError {
    if exc_is(&e.value, "SystemExit") {
        let arg = match &e.value {
            Value::Instance(i) => match i.attrs.borrow().get("args") {
                Some(Value::Tuple(t)) => t.first().cloned(),
                _ => None,
            },
            _ => None,
        };
        return match arg {
            None | Some(Value::None) => RunError::Exit(0, None),
            Some(Value::Int(n)) => RunError::Exit(n as i32, None),
            Some(Value::Bool(b)) => RunError::Exit(i32::from(b), None),
            Some(other) => RunError::Exit(1, Some(repr::to_str(&other))),
        };
    }
    RunError::Runtime(e)
}

/// The process exit code for an error: 2 syntax, 77 missing privilege,
/// 130 Ctrl-C, 1 any other runtime error.
pub fn exit_code(e: &RunError) -> i32 {
    match e {
        // too deep to compile is Python's RecursionError, a runtime error
        RunError::Syntax(s) if s.kind == "RecursionError" => 1,
        RunError::Syntax(_) => 2,
        RunError::Exit(c, _) => *c,
        RunError::Runtime(x) if exc_is(&x.value, "KeyboardInterrupt") => 130,
        RunError::Runtime(x)
            if exc_is(&x.value, "PermissionError")
                && exc_parts(&x.value).1.contains("CAP_NET_RAW") =>
        {
            77
        }
        RunError::Runtime(_) => 1,
    }
}

/// Renders an error for the terminal.
pub fn render_error(e: &RunError, color: bool) -> String {
    match e {
        RunError::Syntax(s) => error::render_syntax(s, color),
        RunError::Runtime(x) => error::render_traceback(x),
        RunError::Exit(_, Some(msg)) => format!("{msg}\n"),
        RunError::Exit(..) => String::new(),
    }
}
