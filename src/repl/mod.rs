//! The interactive shell: `>>> ` and `... ` prompts, blocks and open
//! brackets continue on the next line, bare expressions print their repr and
//! set `_`, errors are shown and the session goes on, Ctrl-C cancels the line
//! or the running command, Ctrl-D leaves. History persists under the XDG
//! state directory.

mod helper;

use crate::lang::ast::StmtKind;
use crate::lang::error::add_source;
use crate::lang::{self, output, parser, Interp, RunError};
use colored::Colorize;
use rustyline::error::ReadlineError;
use rustyline::{Config, Editor};
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

/// Where the history file lives (`$XDG_STATE_HOME/packsmith/history`).
pub fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("packsmith").join("history"))
}

/// True while an entry needs more lines: open brackets, an unterminated
/// triple-quoted string, a trailing backslash, or a block (a line ending in
/// `:`) not yet closed by an empty line.
pub fn needs_more(text: &str) -> bool {
    if text.trim().is_empty() {
        return false;
    }
    if let Err(e) = lang::lexer::tokenize(text, u32::MAX) {
        if e.message.contains("never closed") || e.message == "unterminated string literal" {
            return true;
        }
    }
    if text.trim_end_matches('\n').ends_with('\\') {
        return true;
    }
    let opens_block = text.lines().any(|l| {
        let code = l.split('#').next().unwrap_or("").trim_end();
        code.ends_with(':')
    });
    opens_block
        && !text.ends_with("\n\n")
        && text.lines().last().is_some_and(|l| !l.trim().is_empty())
}

const BANNER: &str =
    "packsmith — Scapy's language, thousands of times faster. help() for a tour, Ctrl-D to leave.";

pub fn run(color: bool, net: Rc<dyn crate::net::Network>) -> i32 {
    let interp = Rc::new(RefCell::new(Interp::new(vec![String::new()], net)));
    let config = Config::builder()
        .auto_add_history(false)
        .completion_type(rustyline::CompletionType::List)
        .max_history_size(10_000)
        .map(|b| b.build())
        .unwrap_or_default();
    let mut rl: Editor<helper::Helper, rustyline::history::DefaultHistory> =
        match Editor::with_config(config) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("packsmith: cannot start the line editor: {e}");
                return 1;
            }
        };
    rl.set_helper(Some(helper::Helper {
        interp: interp.clone(),
        color,
    }));
    let hist = history_path();
    if let Some(h) = &hist {
        let _ = rl.load_history(h);
    }
    // through lang::output, which never panics on a closed stdout
    output::println(&if color {
        BANNER.bold().to_string()
    } else {
        BANNER.to_string()
    });
    output::flush();
    let mut entry = String::new();
    loop {
        let prompt = if entry.is_empty() { ">>> " } else { "... " };
        match rl.readline(prompt) {
            Ok(line) => {
                entry.push_str(&line);
                entry.push('\n');
                if needs_more(&entry) {
                    continue;
                }
                let text = std::mem::take(&mut entry);
                if text.trim().is_empty() {
                    continue;
                }
                let _ = rl.add_history_entry(text.trim_end());
                if let Some(h) = &hist {
                    if let Some(dir) = h.parent() {
                        let _ = std::fs::create_dir_all(dir);
                    }
                    save_history(&mut rl, h);
                }
                crate::sys::clear_interrupt();
                eval_entry(&mut interp.borrow_mut(), &text, color);
            }
            Err(ReadlineError::Interrupted) => {
                if !entry.is_empty() {
                    entry.clear();
                }
                output::println("KeyboardInterrupt");
                output::flush();
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("packsmith: {e}");
                break;
            }
        }
    }
    output::flush();
    0
}

/// Runs one REPL entry; expression statements print their repr.
pub fn eval_entry(interp: &mut Interp, text: &str, color: bool) {
    let file = add_source("<stdin>", text);
    let stmts = match parser::parse_program(text, file) {
        Ok(s) => s,
        Err(e) => {
            eprint!("{}", lang::render_error(&RunError::Syntax(e), color));
            return;
        }
    };
    for s in &stmts {
        let r = match &s.kind {
            // a repr that raises (too deep, a user __repr__) is reported as
            // the error it is, as Python does
            StmtKind::Expr(e) => interp.eval_top(e).and_then(|v| {
                if !matches!(v, lang::value::Value::None) {
                    output::println(&interp.repr(&v).map_err(lang::interp::to_exc)?);
                    interp.globals.set("_", v);
                }
                Ok(())
            }),
            _ => interp.run(std::slice::from_ref(s)),
        };
        output::flush();
        if let Err(e) = r {
            let err = lang::classify(e);
            if let RunError::Exit(..) = err {
                std::process::exit(lang::exit_code(&err));
            }
            eprint!("{}", lang::render_error(&err, color));
            break;
        }
    }
}

/// Saves the history through a temporary renamed over the file, so a full
/// disk or a crash mid-write never leaves it truncated.
fn save_history<H: rustyline::Helper, I: rustyline::history::History>(
    rl: &mut rustyline::Editor<H, I>,
    path: &std::path::Path,
) {
    match crate::fsutil::create(path) {
        Ok((f, Some(rep))) => {
            drop(f);
            if rl.save_history(rep.temporary()).is_ok() {
                let _ = rep.commit();
            }
        }
        Ok((_, None)) => {
            let _ = rl.save_history(path);
        }
        Err(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_rules() {
        assert!(needs_more("x = (1,\n"));
        assert!(needs_more("for i in range(3):\n"));
        assert!(needs_more("for i in range(3):\n    print(i)\n"));
        assert!(!needs_more("for i in range(3):\n    print(i)\n\n"));
        assert!(!needs_more("for i in range(3): print(i)\n"));
        assert!(!needs_more("x = 1\n"));
        assert!(needs_more("s = \"\"\"abc\n"));
    }
}
