//! Buffered standard output for `print` and the display functions. Flushed
//! when the buffer fills, before anything goes to stderr, before reading
//! input or sleeping, and at exit; line by line when stdout is a terminal.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};

thread_local! {
    static BUF: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(64 * 1024));
    static TTY: bool = std::io::stdout().is_terminal();
}

/// Writes text as is.
pub fn print(s: &str) {
    BUF.with(|b| {
        let mut b = b.borrow_mut();
        b.extend_from_slice(s.as_bytes());
        if b.len() >= 64 * 1024 || (TTY.with(|t| *t) && s.contains('\n')) {
            drain(&mut b);
        }
    });
}

/// Writes text and a newline.
pub fn println(s: &str) {
    BUF.with(|b| {
        let mut b = b.borrow_mut();
        b.extend_from_slice(s.as_bytes());
        b.push(b'\n');
        if b.len() >= 64 * 1024 || TTY.with(|t| *t) {
            drain(&mut b);
        }
    });
}

pub fn flush() {
    BUF.with(|b| drain(&mut b.borrow_mut()));
}

fn drain(b: &mut Vec<u8>) {
    if b.is_empty() {
        return;
    }
    let mut out = std::io::stdout().lock();
    // a closed pipe ends the process quietly; any other error (a full disk)
    // ends it with one line on stderr and status 1
    if let Err(e) = out.write_all(b).and_then(|_| out.flush()) {
        b.clear();
        drop(out);
        crate::sys::stdout_write_failed(&e);
    }
    b.clear();
}

/// Writes a line to stderr after flushing stdout, so the two stay in order.
pub fn eprintln(s: &str) {
    flush();
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{s}");
}
