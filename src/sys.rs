//! Process-level plumbing: the SIGINT handler behind Ctrl-C.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Set by Ctrl-C; the evaluator, the engine and the tools check it.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

static PRESSES: AtomicU32 = AtomicU32::new(0);

extern "C" fn on_sigint(_: libc::c_int) {
    // Ctrl-C asks the running code to stop; pressing it three times while
    // nothing listens (a blocking call) ends the process.
    if INTERRUPTED.swap(true, Ordering::SeqCst) {
        if PRESSES.fetch_add(1, Ordering::SeqCst) >= 1 {
            // SAFETY: _exit is async-signal-safe.
            unsafe { libc::_exit(130) };
        }
    } else {
        PRESSES.store(0, Ordering::SeqCst);
    }
}

/// Routes Ctrl-C to the interpreter's interrupt flag.
pub fn install_sigint_handler() {
    // SAFETY: installing a handler that only touches atomics and _exit.
    unsafe {
        libc::signal(libc::SIGINT, on_sigint as *const () as libc::sighandler_t);
    }
}

/// Clears a pending Ctrl-C (before the REPL runs the next entry).
pub fn clear_interrupt() {
    INTERRUPTED.store(false, Ordering::SeqCst);
    PRESSES.store(0, Ordering::SeqCst);
}
