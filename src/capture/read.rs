//! Streaming reader: one record at a time from any `Read`, in a buffer that
//! only grows to the largest record. Damage stops the stream with an error
//! that names the byte offset; everything before it has been returned.

use super::{describe_content, first_layer, Error, ErrorKind, Format};
use crate::packet::{Timestamp, WirePacket};
use pcap_file::pcap::{PcapParseError, PcapParser, PcapTsResolution};
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketOption;
use pcap_file::pcapng::blocks::opt_common::CommonOption;
use pcap_file::pcapng::blocks::packet::PacketOption;
use pcap_file::pcapng::{Block, PcapNgParseError, PcapNgParser};
use std::io::Read;

/// Records bigger than this are taken as damage, not data (Wireshark's own
/// limit is 256 KiB for most link types).
const MAX_RECORD: usize = 64 << 20;
const INITIAL_BUFFER: usize = 256 << 10;

/// One packet record, borrowed from the reader's buffer.
#[derive(Debug)]
pub struct Record<'a> {
    /// 1-based position among the file's packets.
    pub number: u64,
    /// Byte offset of the record in the file.
    pub offset: u64,
    pub time: Timestamp,
    pub linktype: u32,
    pub data: &'a [u8],
    /// Length on the wire (more than `data.len()` when the capture was cut
    /// to a snap length).
    pub orig_len: u32,
    pub comment: Option<String>,
}

impl Record<'_> {
    /// The packet, kept as bytes and dissected on demand.
    pub fn to_wire(&self) -> WirePacket {
        let mut w = WirePacket::new(first_layer(self.linktype), self.data, self.time);
        w.comment = self.comment.as_deref().map(Box::from);
        w.wirelen = Some(self.orig_len);
        w
    }
}

enum Parser {
    Pcap {
        parser: PcapParser,
        linktype: u32,
        nano: bool,
    },
    PcapNg(Box<PcapNgParser>),
}

/// What one parse step found, without borrowing the buffer.
struct Found {
    /// Bytes the block or record used.
    used: usize,
    /// A packet: where its data sits in the parsed slice and its metadata.
    packet: Option<(usize, usize, Timestamp, u32, u32, Option<String>)>,
}

enum Step {
    Found(Found),
    /// The buffer holds only part of the next record (it claims `usize` bytes).
    Incomplete(usize),
    Damaged(String),
}

/// The byte stream and the window of it held in memory.
struct Input {
    src: Box<dyn Read>,
    name: String,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// File offset of `buf[start]`.
    base: u64,
    eof: bool,
}

impl Input {
    fn avail(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    fn advance(&mut self, n: usize) {
        self.start += n;
        self.base += n as u64;
    }

    /// Makes at least `want` bytes available from `start`, or all that is left.
    fn fill_to(&mut self, want: usize) -> Result<(), Error> {
        if self.end - self.start >= want || self.eof {
            return Ok(());
        }
        // move what is left to the front, growing the buffer for big records
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        while self.end < want {
            // grow as the bytes arrive, so a record header that lies about
            // its length costs no more memory than the file really has
            if self.end == self.buf.len() {
                let grow = (self.buf.len() * 2)
                    .min(want.next_power_of_two())
                    .max(self.end + 1);
                self.buf.resize(grow, 0);
            }
            match self.src.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(&self.name, &e)),
            }
        }
        Ok(())
    }
}

/// A streaming pcap/pcapng reader.
pub struct Reader {
    input: Input,
    done: bool,
    parser: Parser,
    format: Format,
    count: u64,
    /// Damage read past (each kind once), for the caller to report.
    warnings: Vec<String>,
    warned: std::collections::HashSet<String>,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Reader({}, {} packets read)",
            self.input.name, self.count
        )
    }
}

fn is_pcap_magic(m: &[u8]) -> bool {
    matches!(
        m,
        [0xa1, 0xb2, 0xc3, 0xd4]
            | [0xd4, 0xc3, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0x3c, 0x4d]
            | [0x4d, 0x3c, 0xb2, 0xa1]
    )
}

impl Reader {
    /// Opens a capture file.
    pub fn open(path: &str) -> Result<Reader, Error> {
        let f = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
        if f.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(Error::new(
                ErrorKind::Io,
                format!("{path}: is a directory, not a capture file"),
            ));
        }
        Reader::new(Box::new(f), path)
    }

    /// Reads a capture from any byte stream (`name` appears in errors).
    pub fn new(src: Box<dyn Read>, name: &str) -> Result<Reader, Error> {
        let mut input = Input {
            src,
            name: name.to_string(),
            buf: vec![0; INITIAL_BUFFER],
            start: 0,
            end: 0,
            base: 0,
            eof: false,
        };
        input.fill_to(32)?;
        let head = input.avail();
        let damaged = |m: String| Error::at(ErrorKind::Damaged, 0, format!("{name}: {m}"));
        let (parser, format) = if head.get(..4).is_some_and(is_pcap_magic) {
            if head.len() < 24 {
                return Err(damaged(format!(
                    "the pcap file header is cut short ({} of 24 bytes)",
                    head.len()
                )));
            }
            let (rest, parser) =
                PcapParser::new(head).map_err(|e| damaged(format!("bad pcap header: {e}")))?;
            let used = head.len() - rest.len();
            let h = parser.header();
            input.advance(used);
            let p = Parser::Pcap {
                linktype: u32::from(h.datalink),
                nano: h.ts_resolution == PcapTsResolution::NanoSecond,
                parser,
            };
            (p, Format::Pcap)
        } else if head.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
            loop {
                let avail = input.avail();
                match PcapNgParser::new(avail) {
                    Ok((rest, parser)) => {
                        let used = avail.len() - rest.len();
                        input.advance(used);
                        break (Parser::PcapNg(Box::new(parser)), Format::PcapNg);
                    }
                    Err(PcapNgParseError::IncompleteBuffer(..)) if !input.eof => {
                        let want = (input.end - input.start) * 2;
                        if want > MAX_RECORD {
                            return Err(damaged(format!(
                                "the pcapng section header claims more than {MAX_RECORD} bytes"
                            )));
                        }
                        input.fill_to(want)?;
                    }
                    Err(PcapNgParseError::IncompleteBuffer(..)) => {
                        return Err(damaged(format!(
                            "the pcapng section header is cut short ({} bytes in the file)",
                            input.end - input.start
                        )))
                    }
                    Err(e) => {
                        // the byte-order magic is the only field checked here
                        let at = if ng_error(&e).contains("magic") {
                            " at byte offset 8 (the byte-order magic; 1a2b3c4d expected)"
                        } else {
                            ""
                        };
                        return Err(Error::at(
                            ErrorKind::Damaged,
                            8,
                            format!("{name}: bad pcapng section header{at}: {}", ng_error(&e)),
                        ));
                    }
                }
            }
        } else {
            return Err(Error::at(
                ErrorKind::NotCapture,
                0,
                format!(
                    "{name}: not a pcap or pcapng file; it looks like {}",
                    describe_content(&head[..head.len().min(32)])
                ),
            ));
        };
        Ok(Reader {
            warnings: Vec::new(),
            warned: std::collections::HashSet::new(),
            input,
            done: false,
            parser,
            format,
            count: 0,
        })
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// The link type of a pcap file, or of a pcapng file's first interface.
    pub fn linktype(&self) -> Option<u32> {
        match &self.parser {
            Parser::Pcap { linktype, .. } => Some(*linktype),
            Parser::PcapNg(p) => p.interfaces().first().map(|i| u32::from(i.linktype)),
        }
    }

    /// True when a pcap file stores nanosecond timestamps.
    pub fn nano(&self) -> bool {
        matches!(self.parser, Parser::Pcap { nano: true, .. })
    }

    /// Packets returned so far.
    pub fn packets_read(&self) -> u64 {
        self.count
    }

    /// File offset just past the last record returned.
    pub fn offset(&self) -> u64 {
        self.input.base
    }

    pub fn name(&self) -> &str {
        &self.input.name
    }

    /// The next packet as bytes (`None` at the end; after an error, `None`).
    pub fn next_wire(&mut self) -> Option<Result<WirePacket, Error>> {
        self.next_record().map(|r| r.map(|r| r.to_wire()))
    }

    /// The next packet record, borrowed until the next call.
    pub fn next_record(&mut self) -> Option<Result<Record<'_>, Error>> {
        loop {
            if self.done {
                return None;
            }
            if self.input.start == self.input.end {
                if let Err(e) = self.input.fill_to(1) {
                    self.done = true;
                    return Some(Err(e));
                }
                if self.input.start == self.input.end {
                    self.done = true;
                    return None;
                }
            }
            let (base, next) = (self.input.base, self.count + 1);
            match self.step() {
                Step::Found(f) => {
                    let at = self.input.start;
                    self.input.advance(f.used);
                    if let Some((s, len, time, linktype, orig_len, comment)) = f.packet {
                        self.count += 1;
                        if (orig_len as usize) < len {
                            let n = self.count;
                            self.warn_once("orig_len", || format!(
                                "packet #{n} at byte offset {base} says it was {orig_len} bytes on the wire but {len} were captured; read as captured (later such packets are not reported)"
                            ));
                        }
                        return Some(Ok(Record {
                            number: self.count,
                            offset: base,
                            time,
                            linktype,
                            data: &self.input.buf[at + s..at + s + len],
                            orig_len,
                            comment,
                        }));
                    }
                }
                Step::Incomplete(claimed) => {
                    let have = self.input.end - self.input.start;
                    let name = &self.input.name;
                    let fail = if self.input.eof {
                        Some(format!(
                            "{name}: the file ends inside packet #{next} at byte offset {base}: the record needs {} bytes, {have} remain (did a writer stop mid-way?)",
                            claimed.max(have + 1),
                        ))
                    } else if claimed > MAX_RECORD {
                        Some(format!(
                            "{name}: packet #{next} at byte offset {base} claims {claimed} bytes; the file is damaged"
                        ))
                    } else {
                        None
                    };
                    let result = match fail {
                        Some(m) => Err(Error::at(ErrorKind::Damaged, base, m)),
                        None => self.input.fill_to((have + 1).max(claimed + 64)),
                    };
                    if let Err(e) = result {
                        self.done = true;
                        return Some(Err(e));
                    }
                }
                Step::Damaged(what) => {
                    self.done = true;
                    return Some(Err(Error::at(
                        ErrorKind::Damaged,
                        base,
                        format!(
                            "{}: damaged record after packet #{} at byte offset {base}: {what}",
                            self.input.name, self.count
                        ),
                    )));
                }
            }
        }
    }

    /// Parses what sits at the start of the buffer.
    fn step(&mut self) -> Step {
        let avail = &self.input.buf[self.input.start..self.input.end];
        let base_ptr = avail.as_ptr() as usize;
        match &mut self.parser {
            Parser::Pcap {
                parser,
                linktype,
                nano,
            } => match parser.next_raw_packet(avail) {
                Ok((rest, raw)) => {
                    let f = u64::from(raw.ts_frac);
                    // fractions past a second carry over, as Wireshark reads them
                    let (secs, nanos) = if *nano {
                        (u64::from(raw.ts_sec) + f / 1_000_000_000, f % 1_000_000_000)
                    } else {
                        (
                            u64::from(raw.ts_sec) + f / 1_000_000,
                            (f % 1_000_000) * 1000,
                        )
                    };
                    let time = Timestamp {
                        secs: secs as i64,
                        nanos: nanos as u32,
                    };
                    let s = raw.data.as_ptr() as usize - base_ptr;
                    Step::Found(Found {
                        used: avail.len() - rest.len(),
                        packet: Some((s, raw.data.len(), time, *linktype, raw.orig_len, None)),
                    })
                }
                Err(PcapParseError::IncompleteBuffer(need, _)) => Step::Incomplete(need + 16),
                Err(e) => Step::Damaged(e.to_string()),
            },
            Parser::PcapNg(parser) => match parser.next_block(avail) {
                Ok((rest, block)) => {
                    let used = avail.len() - rest.len();
                    let linktype_of = |id: usize| {
                        parser
                            .interfaces()
                            .get(id)
                            .map(|i| u32::from(i.linktype))
                            .unwrap_or(1)
                    };
                    let packet = match block {
                        Block::EnhancedPacket(b) => {
                            let comment = b.options.iter().find_map(|o| match o {
                                EnhancedPacketOption::Common(CommonOption::Comment(c)) => {
                                    Some(c.to_string())
                                }
                                _ => None,
                            });
                            Some((
                                b.data.as_ptr() as usize - base_ptr,
                                b.data.len(),
                                duration_ts(b.timestamp),
                                linktype_of(b.interface_id as usize),
                                b.original_len,
                                comment,
                            ))
                        }
                        Block::SimplePacket(b) => Some((
                            b.data.as_ptr() as usize - base_ptr,
                            b.data.len(),
                            Timestamp::default(),
                            linktype_of(0),
                            b.original_len,
                            None,
                        )),
                        Block::Packet(b) => {
                            let comment = b.options.iter().find_map(|o| match o {
                                PacketOption::Common(CommonOption::Comment(c)) => {
                                    Some(c.to_string())
                                }
                                _ => None,
                            });
                            Some((
                                b.data.as_ptr() as usize - base_ptr,
                                b.data.len(),
                                duration_ts(b.timestamp),
                                linktype_of(usize::from(b.interface_id)),
                                b.original_len,
                                comment,
                            ))
                        }
                        _ => None,
                    };
                    Step::Found(Found { used, packet })
                }
                Err(PcapNgParseError::IncompleteBuffer(need, have)) => {
                    // `need` counts from inside the block; ask for the whole block
                    Step::Incomplete(need.max(have) + 12)
                }
                Err(e) => {
                    // a packet block pcap-file refuses for its content (a
                    // comment that is not UTF-8...) is decoded here instead,
                    // as tshark reads it; other blocks that change no state
                    // are skipped with a warning
                    let why = ng_error(&e);
                    let endianness = parser.section().endianness;
                    // an interface whose if_tsresol is out of range is kept,
                    // read in microseconds (the default), as tshark keeps it
                    if let Some((patched, bad)) = patch_idb_tsresol(avail, endianness) {
                        if parser.next_block(&patched).is_ok() {
                            let n = parser.interfaces().len().saturating_sub(1);
                            let w = format!(
                                "interface {n}: if_tsresol {bad:#04x} is not a valid resolution; its timestamps are read as microseconds"
                            );
                            push_once(&mut self.warned, &mut self.warnings, w);
                            return Step::Found(Found {
                                used: patched.len(),
                                packet: None,
                            });
                        }
                    }
                    let interfaces = parser.interfaces().to_vec();
                    match parser.next_raw_block(avail) {
                        Ok((rest, raw)) => {
                            let used = avail.len() - rest.len();
                            let packet = if raw.type_ == 6 {
                                lenient_epb(&raw.body, endianness, &interfaces).map(
                                    |(start, len, time, iface, orig, comment)| {
                                        let body_at = raw.body.as_ptr() as usize - base_ptr;
                                        let lt = interfaces
                                            .get(iface)
                                            .map(|i| u32::from(i.linktype))
                                            .unwrap_or(1);
                                        (body_at + start, len, time, lt, orig, comment)
                                    },
                                )
                            } else {
                                None
                            };
                            let short_orig = packet.as_ref().is_some_and(|p| (p.4 as usize) < p.1);
                            let w = if short_orig {
                                // reported by next_record, once
                                None
                            } else if raw.type_ == 5 && packet.is_none() {
                                let id = u32_in(&raw.body, 0, endianness).unwrap_or(0);
                                Some(format!("skipped the statistics of interface {id}, which the file never describes ({} interfaces)", interfaces.len()))
                            } else if packet.is_none() {
                                Some(format!(
                                    "skipped a damaged block (type {:#x}): {why}",
                                    raw.type_
                                ))
                            } else {
                                Some(format!("read past: {why}"))
                            };
                            if let Some(w) = w {
                                push_once(&mut self.warned, &mut self.warnings, w);
                            }
                            Step::Found(Found { used, packet })
                        }
                        Err(_) => Step::Damaged(why),
                    }
                }
            },
        }
    }
}

/// A copy of the Interface Description Block at the start of `avail` with
/// every out-of-range if_tsresol replaced by 6 (microseconds), and the first
/// bad value; `None` when it is not such a block or has no bad resolution.
fn patch_idb_tsresol(avail: &[u8], endianness: pcap_file::Endianness) -> Option<(Vec<u8>, u8)> {
    let u32_at = |at: usize| u32_in(avail, at, endianness).map(|v| v as usize);
    if u32_at(0)? != 1 {
        return None;
    }
    let total = u32_at(4)?;
    let mut block = avail.get(..total)?.to_vec();
    let end = total.checked_sub(4)?;
    let mut at = 16;
    let mut bad = None;
    while at + 4 <= end {
        let code = u32_at_16(&block, at, endianness);
        let len = usize::from(u32_at_16(&block, at + 2, endianness));
        if code == 0 {
            break;
        }
        if code == 9 && len >= 1 && at + 4 < end {
            let v = block[at + 4];
            let valid = if v & 0x80 != 0 {
                v & 0x7f <= 29
            } else {
                v <= 9
            };
            if !valid {
                bad.get_or_insert(v);
                block[at + 4] = 6;
            }
        }
        at += 4 + len.div_ceil(4) * 4;
    }
    bad.map(|b| (block, b))
}

type Lenient = (usize, usize, Timestamp, usize, u32, Option<String>);

/// An Enhanced Packet Block body decoded without pcap-file's strictness:
/// (data start in the body, data length, time, interface, original length,
/// comment read lossily). `None` if the body is too short for its fields.
fn lenient_epb(
    body: &[u8],
    endianness: pcap_file::Endianness,
    interfaces: &[pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionBlock],
) -> Option<Lenient> {
    let u32_at = |at: usize| u32_in(body, at, endianness);
    let iface = u32_at(0)? as usize;
    let ts = (u64::from(u32_at(4)?) << 32) | u64::from(u32_at(8)?);
    let caplen = u32_at(12)? as usize;
    let orig = u32_at(16)?;
    let data_end = 20usize.checked_add(caplen)?;
    body.get(20..data_end)?;
    let time = interfaces
        .get(iface)
        .map(|i| i.ts_resolution().decode_timestamp(ts))
        .map(duration_ts)
        .unwrap_or_else(|| duration_ts(std::time::Duration::from_micros(ts)));
    let mut at = data_end.div_ceil(4) * 4;
    let mut comment = None;
    while let (Some(code), Some(len)) = (
        body.get(at..at + 2)
            .map(|_| u32_at_16(body, at, endianness)),
        body.get(at + 2..at + 4)
            .map(|_| u32_at_16(body, at + 2, endianness)),
    ) {
        if code == 0 {
            break;
        }
        let len = usize::from(len);
        let Some(v) = body.get(at + 4..at + 4 + len) else {
            break;
        };
        if code == 1 && comment.is_none() {
            comment = Some(String::from_utf8_lossy(v).into_owned());
        }
        at += 4 + len.div_ceil(4) * 4;
    }
    Some((20, caplen, time, iface, orig, comment))
}

/// The 32-bit number at `at` in the section's byte order; `None` past the end.
fn u32_in(bytes: &[u8], at: usize, endianness: pcap_file::Endianness) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(match endianness {
        pcap_file::Endianness::Big => u32::from_be_bytes(b),
        pcap_file::Endianness::Little => u32::from_le_bytes(b),
    })
}

/// Records warning `w` unless the same one was already recorded.
fn push_once(
    warned: &mut std::collections::HashSet<String>,
    warnings: &mut Vec<String>,
    w: String,
) {
    if warned.insert(w.clone()) {
        warnings.push(w);
    }
}

fn u32_at_16(body: &[u8], at: usize, endianness: pcap_file::Endianness) -> u16 {
    let b = [body[at], body[at + 1]];
    match endianness {
        pcap_file::Endianness::Big => u16::from_be_bytes(b),
        pcap_file::Endianness::Little => u16::from_le_bytes(b),
    }
}

fn duration_ts(d: std::time::Duration) -> Timestamp {
    Timestamp {
        secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        nanos: d.subsec_nanos(),
    }
}

/// pcap-file's message, with the detail its `InvalidFormat` wrapper hides.
fn ng_error(e: &PcapNgParseError) -> String {
    match e {
        PcapNgParseError::InvalidFormat(f) => f.to_string(),
        other => other.to_string(),
    }
}

impl Reader {
    /// The damage read past since the last call (each kind once per file).
    /// Records the warning `msg` makes, once per `kind` for the whole file.
    fn warn_once(&mut self, kind: &str, msg: impl FnOnce() -> String) {
        if self.warned.insert(kind.to_string()) {
            self.warnings.push(msg());
        }
    }

    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }
}

impl Iterator for Reader {
    type Item = Result<WirePacket, Error>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_wire()
    }
}
