//! `packsmith read FILE`: one numbered summary line per packet of a pcap or
//! pcapng file (time relative to the first packet, as tshark shows it), or
//! each packet's `show()`, or one JSON object per line. Streams: memory stays
//! flat whatever the file's size.

use crate::capture::{self, Reader};
use crate::lang::filter::PacketFilter;
use crate::lang::RunError;
use crate::packet::json::escape;
use crate::packet::{show, Packet, Timestamp};
use std::io::Write;

/// What to print and which packets.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// A file name, or `-` for standard input.
    pub path: String,
    /// Stop after this many printed packets.
    pub count: Option<u64>,
    /// A language expression over `p` (`ICMP in p and p.ttl < 5`).
    pub filter: Option<String>,
    /// `show()` each packet under its line.
    pub show: bool,
    /// One JSON object per packet instead of text.
    pub json: bool,
    /// A hexdump under each packet's line.
    pub hex: bool,
}

/// Why reading stopped early.
pub enum Failure {
    /// The file could not be read (after the packets that could).
    Capture(capture::Error),
    /// The filter expression is wrong (syntax or runtime).
    Filter(RunError),
}

/// Reads `o.path` and writes lines to `out`. Packets before any damage are
/// printed before the error is returned. A closed output (a pager or `head`
/// quitting) ends the run quietly.
pub fn run(o: &Options, out: &mut dyn Write) -> Result<u64, Failure> {
    let mut filter = match &o.filter {
        Some(text) => Some(PacketFilter::compile("--filter", text).map_err(Failure::Filter)?),
        None => None,
    };
    let mut reader = if o.path == "-" {
        Reader::new(Box::new(std::io::stdin()), "<stdin>")
    } else {
        Reader::open(&o.path)
    }
    .map_err(Failure::Capture)?;
    let digits = if reader.nano() { 9 } else { 6 };
    let mut first: Option<Timestamp> = None;
    let mut printed = 0u64;
    let mut number = 0u64;
    let mut line = String::with_capacity(256);
    while o.count.is_none_or(|c| printed < c) {
        let next = reader.next_wire();
        let warnings = reader.take_warnings();
        if !warnings.is_empty() {
            let _ = out.flush();
            for m in warnings {
                eprintln!("packsmith: warning: {}: {m}", o.path);
            }
        }
        let w = match next {
            None => break,
            Some(Ok(w)) => w,
            Some(Err(e)) => {
                let _ = out.flush();
                return Err(Failure::Capture(e));
            }
        };
        number += 1;
        let t0 = *first.get_or_insert(w.time);
        let p = w.packet();
        if let Some(f) = filter.as_mut() {
            if !f.matches(p.clone()).map_err(Failure::Filter)? {
                continue;
            }
        }
        printed += 1;
        line.clear();
        let rel = w.time.since(&t0);
        if o.json {
            json_line(
                &mut line,
                number,
                &w.time,
                w.time.nanos_since(&t0),
                &w.bytes,
                reader.linktype(),
                &p,
            );
        } else {
            text_line(&mut line, number, rel, digits, &p);
            if o.show {
                line.push_str(&show::show(&p));
            }
            if o.hex {
                line.push_str(&show::hexdump(&w.bytes));
                line.push('\n');
            }
        }
        if out.write_all(line.as_bytes()).is_err() {
            return Ok(printed);
        }
    }
    let _ = out.flush();
    Ok(printed)
}

fn text_line(line: &mut String, number: u64, rel: f64, digits: usize, p: &Packet) {
    use std::fmt::Write as _;
    let _ = write!(
        line,
        "{number:>5} {rel:>w$.digits$} {}",
        show::summary(p),
        w = digits + 5
    );
    if let Some(c) = &p.comment {
        let _ = write!(line, "  # {}", printable(c));
    }
    line.push('\n');
}

fn json_line(
    line: &mut String,
    number: u64,
    time: &Timestamp,
    rel_ns: i128,
    bytes: &[u8],
    linktype: Option<u32>,
    p: &Packet,
) {
    use std::fmt::Write as _;
    let _ = write!(
        line,
        "{{\"number\":{number},\"time\":{}.{:09},\"relative\":{}{}.{:09},\"relative_ns\":{rel_ns},\"length\":{}",
        time.secs,
        time.nanos,
        // exact: from integer nanoseconds, never through a float
        if rel_ns < 0 { "-" } else { "" },
        rel_ns.unsigned_abs() / 1_000_000_000,
        rel_ns.unsigned_abs() % 1_000_000_000,
        bytes.len()
    );
    if let Some(lt) = linktype {
        let _ = write!(line, ",\"linktype\":{lt}");
    }
    let _ = write!(
        line,
        ",\"summary\":{},\"layers\":[",
        escape(&show::summary(p))
    );
    for (li, l) in p.layers.iter().enumerate() {
        if li > 0 {
            line.push(',');
        }
        let _ = write!(
            line,
            "{{\"layer\":{},\"fields\":{{",
            escape(l.def.display_name(l.quoted))
        );
        let mut sep = "";
        for (fi, f) in l.def.fields.iter().enumerate() {
            if !l.present(fi) {
                continue;
            }
            let text = show::field_repr(p, li, fi);
            // numbers stay numbers (hex displays too); names, addresses and
            // bytes are strings as show() writes them
            let number = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
                text.parse::<u64>().ok()
            } else {
                text.strip_prefix("0x")
                    .and_then(|h| u64::from_str_radix(h, 16).ok())
            };
            let value = match number {
                Some(n) => n.to_string(),
                None => escape(&text),
            };
            let _ = write!(line, "{sep}{}:{value}", escape(f.name));
            sep = ",";
        }
        line.push_str("}}");
    }
    line.push(']');
    if let Some(c) = &p.comment {
        let _ = write!(line, ",\"comment\":{}", escape(c));
    }
    line.push_str("}\n");
}

/// Capture text made safe for a terminal: a comment is data from the file,
/// so control characters (ESC, BEL, CR, newlines...) are shown escaped
/// instead of being sent to the terminal.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}
