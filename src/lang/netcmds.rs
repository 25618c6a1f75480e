//! Commands that reach outside the process (the engine, captures). Each is a
//! thin adapter from language values to the `net` and `capture` modules.

use super::value::Builtin;

pub static COMMANDS: &[Builtin] = &[];
