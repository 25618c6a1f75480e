//! Captures: pcap and pcapng files, read and written as streams so millions
//! of packets take constant memory. `pcap-file` does the block encoding
//! underneath; nothing outside this module sees its types.
//!
//! Which layer a record starts with comes from the layer declarations
//! (`LayerDef::linktypes`), so a new link-layer protocol is readable and
//! writable by declaring its link type where it is declared.

mod read;
mod write;

pub use read::{Reader, Record};
pub use write::{Frame, WriteOptions, Writer};

use crate::packet::decl::LayerDef;
use std::fmt;

/// The two file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pcap,
    PcapNg,
}

impl Format {
    /// pcapng for `.pcapng` (and `.ntar`) names, classic pcap otherwise.
    pub fn for_path(path: &str) -> Format {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".pcapng") || lower.ends_with(".ntar") {
            Format::PcapNg
        } else {
            Format::Pcap
        }
    }

    /// `"pcap"` or `"pcapng"`.
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "pcap" => Some(Format::Pcap),
            "pcapng" | "ng" => Some(Format::PcapNg),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Pcap => "pcap",
            Format::PcapNg => "pcapng",
        }
    }
}

/// What went wrong, for mapping onto the language's exceptions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file does not exist.
    NotFound,
    /// Any other operating-system error (permissions, disk full...).
    Io,
    /// The file is not a pcap or pcapng file at all.
    NotCapture,
    /// The file is a capture but damaged or cut short.
    Damaged,
    /// The packets cannot be written as asked (mixed link types in pcap,
    /// timestamps out of range, oversized packets).
    Unwritable,
}

/// A capture error: what, and where in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// Byte offset in the file where the problem starts.
    pub offset: Option<u64>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            offset: None,
        }
    }
    pub fn at(kind: ErrorKind, offset: u64, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            offset: Some(offset),
        }
    }
    pub(crate) fn io(path: &str, e: &std::io::Error) -> Error {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            ErrorKind::NotFound
        } else {
            ErrorKind::Io
        };
        Error::new(kind, format!("{path}: {}", crate::fsutil::os_text(e)))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// A short name for a link type, as Wireshark calls it.
pub fn linktype_name(linktype: u32) -> String {
    match linktype {
        0 => "BSD loopback".into(),
        1 => "Ethernet".into(),
        101 => "raw IP".into(),
        108 => "OpenBSD loopback".into(),
        113 => "Linux cooked".into(),
        228 => "raw IPv4".into(),
        229 => "raw IPv6".into(),
        276 => "Linux cooked v2".into(),
        n => format!("link type {n}"),
    }
}

/// The layer a record of `linktype` starts with; `Raw` when no layer
/// declares it (the bytes are kept and written back unchanged).
pub fn first_layer(linktype: u32) -> &'static LayerDef {
    crate::layers::for_linktype(linktype).unwrap_or_else(crate::layers::raw)
}

/// What a file that is not a capture seems to be, from its first bytes.
pub fn describe_content(head: &[u8]) -> String {
    const KNOWN: &[(&[u8], &str)] = &[
        (b"\x1f\x8b", "gzip-compressed data (gunzip it first)"),
        (b"BZh", "bzip2-compressed data (bunzip2 it first)"),
        (b"\xfd7zXZ\x00", "xz-compressed data (unxz it first)"),
        (
            b"\x28\xb5\x2f\xfd",
            "zstd-compressed data (unzstd it first)",
        ),
        (b"PK\x03\x04", "a zip archive"),
        (b"\x7fELF", "an ELF executable"),
        (b"%PDF", "a PDF document"),
        (
            b"snoop\x00\x00\x00",
            "a Sun snoop capture (convert it with editcap)",
        ),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
    ];
    if head.is_empty() {
        return "an empty file".into();
    }
    for (magic, what) in KNOWN {
        if head.starts_with(magic) {
            return (*what).into();
        }
    }
    let text = head
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if text {
        let t = String::from_utf8_lossy(head);
        let t = t.trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            return "JSON text".into();
        }
        if t.starts_with('<') {
            return "XML or HTML text".into();
        }
        if t.chars()
            .all(|c| c.is_ascii_hexdigit() || c.is_whitespace())
        {
            return "hexadecimal text (try `bytes.fromhex(...)`)".into();
        }
        return "text".into();
    }
    let shown: Vec<String> = head.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("binary data starting with {}", shown.join(" "))
}

#[cfg(test)]
mod tests;
