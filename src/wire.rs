//! Byte-level helpers: the RFC 1071 Internet checksum, pseudo-headers and
//! big-endian bit-field reading and writing. Knows nothing about layers.

/// One's-complement sum of `data` as 16-bit big-endian words, folded to 32 bits
/// but not yet complemented. Odd trailing bytes are padded with a zero byte.
pub fn ones_sum(data: &[u8], mut acc: u32) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        acc = acc.wrapping_add(u32::from(u16::from_be_bytes([c[0], c[1]])));
        // keep the accumulator from overflowing on very large inputs
        if acc & 0x8000_0000 != 0 {
            acc = (acc & 0xffff) + (acc >> 16);
        }
    }
    if let [last] = chunks.remainder() {
        acc = acc.wrapping_add(u32::from(*last) << 8);
    }
    acc
}

/// Folds a one's-complement accumulator and complements it.
pub fn finish(mut acc: u32) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// The Internet checksum (RFC 1071) of `data`.
pub fn checksum(data: &[u8]) -> u16 {
    finish(ones_sum(data, 0))
}

/// The IPv4 pseudo-header sum (RFC 768/793): source, destination, protocol, length.
pub fn pseudo_header_sum(src: u32, dst: u32, proto: u8, len: u16) -> u32 {
    let mut acc = 0u32;
    acc += src >> 16;
    acc += src & 0xffff;
    acc += dst >> 16;
    acc += dst & 0xffff;
    acc += u32::from(proto);
    acc += u32::from(len);
    acc
}

/// Checksum of `data` preceded by an IPv4 pseudo-header.
pub fn checksum_with_pseudo(src: u32, dst: u32, proto: u8, len: u16, data: &[u8]) -> u16 {
    finish(ones_sum(data, pseudo_header_sum(src, dst, proto, len)))
}

/// Writes the low `bits` bits of `value` at bit offset `bit_off` (MSB first) into `buf`.
/// `buf` must be long enough; callers size it from the layer declaration.
pub fn put_bits(buf: &mut [u8], bit_off: usize, bits: u32, value: u64) {
    let mut remaining = bits;
    let mut pos = bit_off;
    while remaining > 0 {
        let byte = pos / 8;
        let in_byte = (pos % 8) as u32;
        let take = (8 - in_byte).min(remaining);
        let shift = remaining - take;
        let chunk = ((value >> shift) & ((1u64 << take) - 1)) as u8;
        let dst_shift = 8 - in_byte - take;
        let mask = (((1u16 << take) - 1) as u8) << dst_shift;
        buf[byte] = (buf[byte] & !mask) | (chunk << dst_shift);
        remaining -= take;
        pos += take as usize;
    }
}

/// Reads `bits` bits at bit offset `bit_off` (MSB first). Returns `None` when the
/// buffer is too short.
pub fn get_bits(buf: &[u8], bit_off: usize, bits: u32) -> Option<u128> {
    let end_bit = bit_off + bits as usize;
    if end_bit.div_ceil(8) > buf.len() {
        return None;
    }
    // fast paths for byte-aligned fields
    if bit_off % 8 == 0 && bits % 8 == 0 {
        let start = bit_off / 8;
        let mut v = 0u128;
        for b in &buf[start..start + bits as usize / 8] {
            v = (v << 8) | u128::from(*b);
        }
        return Some(v);
    }
    let mut v = 0u128;
    let mut remaining = bits;
    let mut pos = bit_off;
    while remaining > 0 {
        let byte = buf[pos / 8];
        let in_byte = (pos % 8) as u32;
        let take = (8 - in_byte).min(remaining);
        let chunk = (byte >> (8 - in_byte - take)) & (((1u16 << take) - 1) as u8);
        v = (v << take) | u128::from(chunk);
        remaining -= take;
        pos += take as usize;
    }
    Some(v)
}

/// Big-endian u16 at `off`, if present.
pub fn be16(buf: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*buf.get(off)?, *buf.get(off + 1)?]))
}

/// Big-endian u32 at `off`, if present.
pub fn be32(buf: &[u8], off: usize) -> Option<u32> {
    let s = buf.get(off..off + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Formats an IPv4 address held as a big-endian u32.
pub fn ipv4_to_string(a: u32) -> String {
    std::net::Ipv4Addr::from(a).to_string()
}

/// Formats a MAC address held in the low 48 bits of a u64.
pub fn mac_to_string(m: u64) -> String {
    let b = m.to_be_bytes();
    format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        b[2], b[3], b[4], b[5], b[6], b[7]
    )
}

/// Parses `aa:bb:cc:dd:ee:ff` (or `-` separators) into the low 48 bits of a u64.
pub fn parse_mac(s: &str) -> Option<u64> {
    let parts: Vec<&str> = s.split([':', '-']).collect();
    if parts.len() != 6 {
        return None;
    }
    let mut v = 0u64;
    for p in parts {
        if p.is_empty() || p.len() > 2 {
            return None;
        }
        v = (v << 8) | u64::from(u8::from_str_radix(p, 16).ok()?);
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(checksum(&data), !0xddf2);
    }

    #[test]
    fn odd_length_is_zero_padded() {
        assert_eq!(
            checksum(&[0x12, 0x34, 0x56]),
            checksum(&[0x12, 0x34, 0x56, 0x00])
        );
    }

    #[test]
    fn ip_header_checksum_verifies_to_zero() {
        let hdr = hex("45000014000100004000edc1c6120001c6120102");
        assert_eq!(checksum(&hdr), 0);
    }

    #[test]
    fn bits_round_trip() {
        let mut buf = [0u8; 4];
        put_bits(&mut buf, 0, 4, 4);
        put_bits(&mut buf, 4, 4, 5);
        put_bits(&mut buf, 16, 3, 2);
        put_bits(&mut buf, 19, 13, 185);
        assert_eq!(buf, [0x45, 0x00, 0x40, 0xb9]);
        assert_eq!(get_bits(&buf, 0, 4), Some(4));
        assert_eq!(get_bits(&buf, 4, 4), Some(5));
        assert_eq!(get_bits(&buf, 16, 3), Some(2));
        assert_eq!(get_bits(&buf, 19, 13), Some(185));
        assert_eq!(get_bits(&buf, 24, 16), None);
    }

    #[test]
    fn mac_parse_and_format() {
        let m = parse_mac("02:00:00:00:00:01").unwrap();
        assert_eq!(m, 0x0200_0000_0001);
        assert_eq!(mac_to_string(m), "02:00:00:00:00:01");
        assert_eq!(parse_mac("02:00:00:00:00"), None);
        assert_eq!(parse_mac("zz:00:00:00:00:00"), None);
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
}
