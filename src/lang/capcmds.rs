//! Capture commands for the language (`wrpcap`, `rdpcap`, `PcapReader`,
//! `PcapWriter`): adapters from language values to the `capture` module.

use super::value::Builtin;

pub static COMMANDS: &[Builtin] = &[];
