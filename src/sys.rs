//! Process-level plumbing: the SIGINT handler behind Ctrl-C, and what a
//! failed write to stdout does.

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

/// Ends the process after stdout could not be written. A closed pipe
/// (`packsmith read big.pcap | head -1`) ends it quietly, the way coreutils
/// end under SIGPIPE (status 141 in a shell); any other error (`> /dev/full`)
/// prints one line naming the OS error and exits with status 1.
pub fn stdout_write_failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        // SAFETY: restoring the default action and raising the signal ends
        // the process as the default SIGPIPE disposition would have.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
            libc::raise(libc::SIGPIPE);
        }
        std::process::exit(141);
    }
    // the OS text without Rust's " (os error N)" suffix, as coreutils print it
    let msg = crate::fsutil::os_text(e);
    let mut err = std::io::stderr().lock();
    let _ = std::io::Write::write_all(
        &mut err,
        format!("packsmith: write error: {msg}\n").as_bytes(),
    );
    std::process::exit(1);
}

/// Standard output for the tools: every write error ends the process through
/// [`stdout_write_failed`] instead of being ignored.
pub struct CheckedStdout;

impl std::io::Write for CheckedStdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        loop {
            match std::io::stdout().lock().write(buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => stdout_write_failed(&e),
                ok => return ok,
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match std::io::stdout().lock().flush() {
            Err(e) => stdout_write_failed(&e),
            ok => ok,
        }
    }
}

/// Seconds given by a user (a timeout, an interval) as a Duration without
/// ever panicking: NaN and negative values are no time at all, values too
/// large for a Duration (1e300, infinity) are the longest one.
pub fn duration(secs: f64) -> std::time::Duration {
    if secs.is_nan() || secs <= 0.0 {
        return std::time::Duration::ZERO;
    }
    std::time::Duration::try_from_secs_f64(secs).unwrap_or(std::time::Duration::MAX)
}

/// The instant `secs` from now, or `None` when that is too far away to
/// represent (an infinite timeout: no deadline).
pub fn deadline(secs: f64) -> Option<std::time::Instant> {
    std::time::Instant::now().checked_add(duration(secs))
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_from_any_float() {
        use std::time::Duration;
        assert_eq!(super::duration(f64::NAN), Duration::ZERO);
        assert_eq!(super::duration(-1.0), Duration::ZERO);
        assert_eq!(super::duration(1e300), Duration::MAX);
        assert_eq!(super::duration(f64::INFINITY), Duration::MAX);
        assert_eq!(super::duration(0.5), Duration::from_millis(500));
        assert!(super::deadline(f64::INFINITY).is_none());
        assert!(super::deadline(1.0).is_some());
    }
}
