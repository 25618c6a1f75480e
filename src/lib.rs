//! packsmith: a packet crafting shell with Scapy's language, built for speed.
//!
//! Data flows one way: `lang` parses and evaluates text into values, `packet`
//! builds them into bytes that `net` sends; `net` receives bytes that `packet`
//! dissects into results shown by `packet::show` or saved by `capture`.

pub mod capture;
pub mod cli;
pub mod fsutil;
pub mod fuzzing;
pub mod lang;
pub mod layers;
pub mod net;
pub mod packet;
pub mod repl;
pub mod suggest;
pub mod sys;
pub mod tools;
pub mod wire;
