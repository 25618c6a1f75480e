//! Streaming writer. Classic pcap holds one link type, chosen by the first
//! packet (or `linktype=`); pcapng gets one interface per link type, so mixed
//! first layers are fine there and refused, with the reason, in pcap.
//! Headers are flushed as soon as they are written, so a writer killed
//! mid-way leaves a file that reads up to its last whole packet.

use super::read::Reader;
use super::{linktype_name, Error, ErrorKind, Format};
use crate::packet::decl::LayerDef;
use crate::packet::{Timestamp, WirePacket};
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapTsResolution, PcapWriter};
use pcap_file::pcapng::blocks::enhanced_packet::{EnhancedPacketBlock, EnhancedPacketOption};
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption, InterfaceTsResolution,
};
use pcap_file::pcapng::blocks::opt_common::CommonOption;
use pcap_file::pcapng::blocks::section_header::{SectionHeaderBlock, SectionHeaderOption};
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::{DataLink, Endianness};
use std::borrow::Cow;
use std::io::Write;
use std::time::Duration;

/// Big enough for any IPv4 packet with its link header (Wireshark's maximum).
/// The largest record written (what tshark and libpcap accept).
const SNAPLEN: u32 = 262_144;
/// The snapshot length a pcap header states: 65535, as Scapy writes it
/// (tools that size their buffers from it expect that value).
const HEADER_SNAPLEN: u32 = 65_535;

/// How to write.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// `None`: from the file name (`.pcapng` or pcap).
    pub format: Option<Format>,
    /// Force a link type (`None`: from each packet's first layer).
    pub linktype: Option<u32>,
    /// Nanosecond timestamps (`Some(false)`: microseconds). `None` keeps
    /// full precision: pcapng is written in nanoseconds, and a pcap in
    /// nanoseconds when its first packet's time has digits past the
    /// microsecond (a capture read from a nanosecond file), so reading and
    /// writing back loses nothing.
    pub nano: Option<bool>,
    /// Add to an existing file instead of replacing it.
    pub append: bool,
    /// Flush after every packet.
    pub sync: bool,
}

/// True when records of `linktype` can hold `f`: its first layer is the
/// link type's, or the one the link type's layer picks for these bytes
/// (raw IP, 101, holds IPv4 and IPv6).
fn fits(f: &Frame, linktype: u32) -> bool {
    f.first.linktypes.contains(&linktype)
        || crate::layers::for_linktype(linktype)
            .and_then(|d| d.dispatch)
            .is_some_and(|pick| std::ptr::eq(pick(f.data), f.first))
}

/// One packet to write.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    pub data: &'a [u8],
    /// The packet's first layer, which decides its link type.
    pub first: &'static LayerDef,
    pub time: Timestamp,
    /// Length on the wire when the data was cut short (default: the data's).
    pub orig_len: Option<u32>,
    /// A pcapng packet comment (classic pcap has nowhere to put it).
    pub comment: Option<&'a str>,
}

impl<'a> Frame<'a> {
    pub fn of_wire(w: &'a WirePacket) -> Frame<'a> {
        Frame {
            data: &w.bytes,
            first: w.first,
            time: w.time,
            orig_len: w.wirelen,
            comment: w.comment.as_deref(),
        }
    }
}

enum Sink {
    /// A pcap file whose header waits for the first packet's link type.
    Pending(Box<dyn Write>),
    Pcap(PcapWriter<Box<dyn Write>>),
    PcapNg(PcapNgWriter<Box<dyn Write>>),
    Closed,
}

/// A streaming pcap/pcapng writer.
pub struct Writer {
    name: std::sync::Arc<str>,
    sink: Sink,
    format: Format,
    nano: bool,
    /// pcap with `nano: None`: resolution chosen at the first packet.
    nano_auto: bool,
    sync: bool,
    /// The link type asked for.
    wanted: Option<u32>,
    /// pcap: the file's link type once its header is out.
    linktype: Option<u32>,
    /// pcapng: the link type of each interface of the current section.
    interfaces: Vec<u32>,
    count: u64,
    warnings: Vec<String>,
    /// For [`Writer::replace`]: the temporary that `close` renames into place.
    replace: Option<crate::fsutil::Replace>,
}

/// Drops the first `skip` bytes written (the header pcap-file insists on
/// writing when we append to a file that has one).
struct SkipHeader {
    inner: Box<dyn Write>,
    skip: usize,
}

impl Write for SkipHeader {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.skip == 0 {
            return self.inner.write(buf);
        }
        let n = self.skip.min(buf.len());
        self.skip -= n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn pcap_header(linktype: u32, nano: bool, endianness: Endianness) -> PcapHeader {
    PcapHeader {
        snaplen: HEADER_SNAPLEN,
        datalink: DataLink::from(linktype),
        ts_resolution: if nano {
            PcapTsResolution::NanoSecond
        } else {
            PcapTsResolution::MicroSecond
        },
        endianness,
        ..PcapHeader::default()
    }
}

fn write_err(name: &str, e: impl std::error::Error) -> Error {
    // the innermost cause is the OS error ("No space left on device"), not
    // the wrapper's "I/O error while writing"
    Error::new(
        ErrorKind::Io,
        format!("{name}: cannot write: {}", crate::fsutil::os_text(&e)),
    )
}

impl Writer {
    /// Creates (or, with `append`, extends) a capture file.
    pub fn create(path: &str, opts: &WriteOptions) -> Result<Writer, Error> {
        let existing = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if opts.append && existing > 0 {
            return Writer::append(path, opts);
        }
        let f = std::fs::File::create(path).map_err(|e| Error::io(path, &e))?;
        let out: Box<dyn Write> = Box::new(std::io::BufWriter::with_capacity(256 << 10, f));
        let format = opts.format.unwrap_or_else(|| Format::for_path(path));
        Writer::start(out, path, format, opts)
    }

    /// Writes a whole capture that replaces `path` only once it is complete
    /// (`wrpcap`): the packets go to a temporary file beside it, which
    /// [`Writer::close`] renames over the target. Dropping the writer without
    /// closing it (an error mid-way) leaves the old file untouched. Devices
    /// and FIFOs are written through. With `append`, the file is extended in
    /// place as [`Writer::create`] does.
    pub fn replace(path: &str, opts: &WriteOptions) -> Result<Writer, Error> {
        let existing = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if opts.append && existing > 0 {
            return Writer::append(path, opts);
        }
        let (f, replace) =
            crate::fsutil::create(std::path::Path::new(path)).map_err(|e| Error::io(path, &e))?;
        let out: Box<dyn Write> = Box::new(std::io::BufWriter::with_capacity(256 << 10, f));
        let format = opts.format.unwrap_or_else(|| Format::for_path(path));
        let mut w = Writer::start(out, path, format, opts)?;
        w.replace = replace;
        Ok(w)
    }

    /// Writes a capture to any byte sink (stdout, memory).
    pub fn to_stream(
        out: Box<dyn Write>,
        name: &str,
        format: Format,
        opts: &WriteOptions,
    ) -> Result<Writer, Error> {
        Writer::start(out, name, format, opts)
    }

    fn start(
        mut out: Box<dyn Write>,
        name: &str,
        format: Format,
        opts: &WriteOptions,
    ) -> Result<Writer, Error> {
        let sink = match format {
            Format::Pcap => match (opts.linktype, opts.nano) {
                (Some(lt), Some(nano)) => Sink::Pcap(
                    PcapWriter::with_header(out, pcap_header(lt, nano, Endianness::native()))
                        .map_err(|e| write_err(name, e))?,
                ),
                _ => Sink::Pending(out),
            },
            Format::PcapNg => {
                let shb = SectionHeaderBlock {
                    endianness: Endianness::native(),
                    options: vec![SectionHeaderOption::UserApplication(Cow::Owned(format!(
                        "packsmith {}",
                        env!("CARGO_PKG_VERSION")
                    )))],
                    ..SectionHeaderBlock::default()
                };
                out.flush().map_err(|e| write_err(name, e))?;
                Sink::PcapNg(
                    PcapNgWriter::with_section_header(out, shb).map_err(|e| write_err(name, e))?,
                )
            }
        };
        let mut w = Writer {
            name: name.into(),
            sink,
            format,
            nano: opts.nano.unwrap_or(format == Format::PcapNg),
            nano_auto: opts.nano.is_none() && format == Format::Pcap,
            sync: opts.sync,
            wanted: opts.linktype,
            linktype: opts.linktype.filter(|_| format == Format::Pcap),
            interfaces: Vec::new(),
            count: 0,
            warnings: Vec::new(),
            replace: None,
        };
        w.flush()?;
        Ok(w)
    }

    /// Opens an existing capture to add packets: pcap records continue in
    /// the file's own link type, resolution and byte order; pcapng gets a new
    /// section. A damaged file is refused rather than made worse.
    fn append(path: &str, opts: &WriteOptions) -> Result<Writer, Error> {
        let mut r = Reader::open(path)?;
        while let Some(rec) = r.next_record() {
            if let Err(e) = rec {
                return Err(Error {
                    message: format!("cannot append: {}", e.message),
                    ..e
                });
            }
        }
        let count = r.packets_read();
        let format = r.format();
        let linktype = r.linktype();
        let nano = r.nano();
        drop(r);
        let mut head = [0u8; 4];
        {
            use std::io::Read;
            let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
            f.read_exact(&mut head).map_err(|e| Error::io(path, &e))?;
        }
        let f = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| Error::io(path, &e))?;
        let out: Box<dyn Write> = Box::new(std::io::BufWriter::with_capacity(256 << 10, f));
        let mut w = match format {
            Format::Pcap => {
                let lt = linktype.unwrap_or(1);
                if let Some(want) = opts.linktype.filter(|w| *w != lt) {
                    return Err(Error::new(
                        ErrorKind::Unwritable,
                        format!(
                            "{path}: cannot append {} (linktype={want}) records to a file of {} ({lt}) records",
                            linktype_name(want),
                            linktype_name(lt)
                        ),
                    ));
                }
                let endianness =
                    if head == [0xd4, 0xc3, 0xb2, 0xa1] || head == [0x4d, 0x3c, 0xb2, 0xa1] {
                        Endianness::Little
                    } else {
                        Endianness::Big
                    };
                let skip: Box<dyn Write> = Box::new(SkipHeader {
                    inner: out,
                    skip: 24,
                });
                let pw = PcapWriter::with_header(skip, pcap_header(lt, nano, endianness))
                    .map_err(|e| write_err(path, e))?;
                Writer {
                    name: path.into(),
                    sink: Sink::Pcap(pw),
                    format,
                    nano,
                    nano_auto: false,
                    sync: opts.sync,
                    wanted: opts.linktype,
                    linktype: Some(lt),
                    interfaces: Vec::new(),
                    count,
                    warnings: Vec::new(),
                    replace: None,
                }
            }
            Format::PcapNg => {
                let mut w = Writer::start(out, path, Format::PcapNg, opts)?;
                w.count = count;
                w
            }
        };
        w.flush()?;
        Ok(w)
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// Packets in the file (those already there when appending included).
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Notes for the user (link types guessed for raw bytes), taken once.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// The link type a frame is written with, or why it cannot be.
    fn linktype_for(&mut self, f: &Frame) -> Result<u32, Error> {
        let n = self.count + 1;
        let own = f.first.linktypes.first().copied();
        let fixed = match self.format {
            Format::Pcap => self.linktype.or(self.wanted),
            Format::PcapNg => self.wanted,
        };
        match (own, fixed) {
            (Some(lt), None) => Ok(lt),
            (Some(_), Some(file)) if fits(f, file) => Ok(file),
            (Some(lt), Some(file)) => {
                let hint = if self.format == Format::Pcap && self.wanted.is_none() {
                    "; write a .pcapng file (or format=\"pcapng\") to mix first layers"
                } else {
                    ""
                };
                Err(Error::new(
                    ErrorKind::Unwritable,
                    format!(
                        "{}: packet #{n} starts with {} ({}, link type {lt}) but the file holds {} (link type {file}) records{hint}",
                        self.name,
                        f.first.name,
                        linktype_name(lt),
                        linktype_name(file),
                    ),
                ))
            }
            (None, Some(file)) => Ok(file),
            (None, None) => {
                let lt = self.interfaces.first().copied().unwrap_or(1);
                if self.count == 0 || self.interfaces.is_empty() {
                    self.warnings.push(format!(
                        "{}: packet #{n} is raw bytes with no link layer; writing it as {} (pass linktype= to choose)",
                        self.name,
                        linktype_name(lt)
                    ));
                }
                Ok(lt)
            }
        }
    }

    /// Writes one packet.
    pub fn write(&mut self, f: &Frame) -> Result<(), Error> {
        let n = self.count + 1;
        let lt = self.linktype_for(f)?;
        if f.time.secs < 0 || (self.format == Format::Pcap && f.time.secs > i64::from(u32::MAX)) {
            return Err(Error::new(
                ErrorKind::Unwritable,
                format!(
                    "{}: packet #{n} has time {}.{:09}, which {} cannot store",
                    self.name,
                    f.time.secs,
                    f.time.nanos,
                    self.format.name()
                ),
            ));
        }
        if f.data.len() > SNAPLEN as usize {
            return Err(Error::new(
                ErrorKind::Unwritable,
                format!(
                    "{}: packet #{n} is {} bytes; captures hold at most {SNAPLEN}",
                    self.name,
                    f.data.len()
                ),
            ));
        }
        let ts = Duration::new(f.time.secs as u64, f.time.nanos.min(999_999_999));
        let data_len = u32::try_from(f.data.len()).unwrap_or(u32::MAX);
        let orig_len = f.orig_len.unwrap_or(data_len).max(data_len);
        let name = self.name.clone();
        if let Sink::Pending(_) = self.sink {
            let Sink::Pending(out) = std::mem::replace(&mut self.sink, Sink::Closed) else {
                return Err(write_err(&name, std::io::Error::other("writer state")));
            };
            if self.nano_auto {
                self.nano = f.time.nanos % 1000 != 0;
            }
            let pw = PcapWriter::with_header(out, pcap_header(lt, self.nano, Endianness::native()))
                .map_err(|e| write_err(&name, e))?;
            self.sink = Sink::Pcap(pw);
            self.linktype = Some(lt);
            // the header reaches the disk before any packet
            self.flush()?;
        }
        if !self.nano && f.time.nanos % 1000 != 0 && self.nano_auto {
            self.nano_auto = false;
            self.warnings.push(format!(
                "{name}: packet #{n} has a time in nanoseconds but the file stores microseconds (set by its first packet); nano=True keeps them"
            ));
        }
        match &mut self.sink {
            Sink::Pcap(pw) => {
                let p = PcapPacket::new(ts, orig_len, f.data).map_err(|e| {
                    Error::new(
                        ErrorKind::Unwritable,
                        format!("{name}: packet #{n} cannot be written: {e}"),
                    )
                })?;
                pw.write_packet(&p).map_err(|e| write_err(&name, e))?;
            }
            Sink::PcapNg(nw) => {
                let iface = match self.interfaces.iter().position(|x| *x == lt) {
                    Some(i) => i,
                    None => {
                        let mut options = vec![InterfaceDescriptionOption::IfName(Cow::Owned(
                            format!("packsmith-{}", self.interfaces.len()),
                        ))];
                        if self.nano {
                            options.push(InterfaceDescriptionOption::IfTsResol(
                                InterfaceTsResolution::NANO,
                            ));
                        }
                        nw.write_pcapng_block(InterfaceDescriptionBlock {
                            linktype: DataLink::from(lt),
                            snaplen: HEADER_SNAPLEN,
                            options,
                        })
                        .map_err(|e| write_err(&name, e))?;
                        self.interfaces.push(lt);
                        self.interfaces.len() - 1
                    }
                };
                let options = match f.comment {
                    Some(c) => vec![EnhancedPacketOption::Common(CommonOption::Comment(
                        Cow::Borrowed(c),
                    ))],
                    None => Vec::new(),
                };
                nw.write_pcapng_block(EnhancedPacketBlock {
                    interface_id: iface as u32,
                    timestamp: ts,
                    original_len: orig_len,
                    data: Cow::Borrowed(f.data),
                    options,
                })
                .map_err(|e| write_err(&name, e))?;
            }
            Sink::Pending(_) | Sink::Closed => {
                return Err(Error::new(
                    ErrorKind::Io,
                    format!("{name}: the writer is closed"),
                ))
            }
        }
        self.count += 1;
        if self.sync {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes a packet kept as bytes.
    pub fn write_wire(&mut self, w: &WirePacket) -> Result<(), Error> {
        self.write(&Frame::of_wire(w))
    }

    pub fn flush(&mut self) -> Result<(), Error> {
        let r = match &mut self.sink {
            Sink::Pending(w) => w.flush(),
            Sink::Pcap(w) => w
                .flush()
                .map_err(|e| std::io::Error::other(crate::fsutil::os_text(&e))),
            Sink::PcapNg(w) => w.get_mut().flush(),
            Sink::Closed => Ok(()),
        };
        r.map_err(|e| write_err(&self.name, e))
    }

    /// Finishes the file: a pcap that got no packets still gets its header
    /// (Ethernet unless `linktype=` said otherwise).
    pub fn close(&mut self) -> Result<(), Error> {
        if let Sink::Pending(_) = self.sink {
            if let Sink::Pending(out) = std::mem::replace(&mut self.sink, Sink::Closed) {
                let lt = self.wanted.unwrap_or(1);
                let pw =
                    PcapWriter::with_header(out, pcap_header(lt, self.nano, Endianness::native()))
                        .map_err(|e| write_err(&self.name, e))?;
                self.sink = Sink::Pcap(pw);
            }
        }
        let r = self.flush();
        self.sink = Sink::Closed;
        r?;
        match self.replace.take() {
            Some(rep) => rep.commit().map_err(|e| write_err(&self.name, e)),
            None => Ok(()),
        }
    }

    pub fn is_closed(&self) -> bool {
        matches!(self.sink, Sink::Closed)
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // a replacing writer never closed (an error mid-way) is abandoned:
        // its temporary goes, the old file stays
        if self.replace.is_none() {
            let _ = self.close();
        }
    }
}
