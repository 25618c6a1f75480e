//! The stack guard: what turns "the process would overflow its stack" into
//! Python's RecursionError. Every recursion over a depth the user controls
//! (evaluation, calls, repr, comparison) asks it before going deeper, so
//! deep nesting fails as Python fails instead of killing the process.

use super::error::{raise, Flow};
use std::cell::Cell;

/// Stack kept free below the guard: enough for the deepest stretch that
/// does not check (a builtin's frames, error rendering, a shallow drop).
fn reserve(stack_size: usize) -> usize {
    (stack_size / 8).clamp(64 << 10, 8 << 20)
}

thread_local! {
    /// (lowest usable address + reserve) of this thread's stack; 0 = not known yet.
    static FLOOR: Cell<usize> = const { Cell::new(0) };
}

/// The current thread's stack: (lowest address, size), from the OS.
#[cfg(target_os = "linux")]
fn stack_bounds() -> Option<(usize, usize)> {
    // SAFETY: pthread_getattr_np fills `attr` for the calling thread and it
    // is destroyed after use; the out-pointers are valid locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return None;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let r = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        (r == 0 && !addr.is_null()).then_some((addr as usize, size))
    }
}

#[cfg(not(target_os = "linux"))]
fn stack_bounds() -> Option<(usize, usize)> {
    None
}

/// An address in the caller's frame.
#[inline(always)]
fn here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// True when less than the reserve is left on this thread's stack.
pub fn stack_low() -> bool {
    let floor = FLOOR.with(|f| {
        if f.get() == 0 {
            f.set(match stack_bounds() {
                Some((low, size)) => low.saturating_add(reserve(size)),
                // unknown: assume a 2 MiB Rust thread stack from here
                None => here().saturating_sub(2 << 20).saturating_add(256 << 10),
            });
        }
        f.get()
    });
    here() < floor
}

/// RecursionError when the stack is nearly used up; `what` ends the message
/// (" while getting the repr of an object", " in comparison").
pub fn stack_guard(what: &str) -> Result<(), Flow> {
    if stack_low() {
        return Err(raise(
            "RecursionError",
            format!("maximum recursion depth exceeded{what}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recurse() -> Result<u64, Flow> {
        stack_guard("")?;
        let pad = std::hint::black_box([0u8; 512]);
        Ok(recurse()? + u64::from(pad[0]))
    }

    #[test]
    fn the_guard_stops_unbounded_recursion_on_a_small_stack() {
        let stopped = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(|| recurse().is_err())
            .expect("thread")
            .join()
            .expect("no stack overflow");
        assert!(stopped);
    }
}
