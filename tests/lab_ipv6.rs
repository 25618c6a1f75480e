//! IPv6 end to end in the netns lab (scripts/lab6.sh): echo 128 gets 129,
//! r2's routes give unreachable 1/0, 1/1 and 1/3, a closed UDP port 1/4, a
//! 1400-byte probe through the 1280-byte link Packet Too Big with mtu 1280,
//! hop limit 1 Time Exceeded 3/0, a blackhole nothing. Oracles are the
//! addresses and codes, never timing; timeouts are far beyond what the lab
//! needs. Runs as root and skips with the reason elsewhere.

mod common;
use common::Lab;

/// Runs one sr1 in the prober and returns "type code src [mtu]" of the answer.
fn answer(lab: &Lab, probe: &str) -> String {
    let (out, err, code) = lab.code(&format!(
        "r = sr1({probe}, timeout=10, verbose=0)\n\
         print('none' if r is None else f'{{r.payload.type}} {{r.payload.code}} {{r[IPv6].src}}' + (f' {{r.payload.mtu}}' if r.payload.type == 2 else ''))"
    ));
    assert_eq!(code, 0, "{probe}: {err}");
    out.trim().to_string()
}

#[test]
fn ipv6_answers_and_errors_in_the_lab() {
    let Some(lab) = Lab::up6("ipv6_answers_and_errors_in_the_lab") else {
        return;
    };
    let t = lab.var("TARGET_ADDR");
    let r1 = lab.var("R1_ADDR");
    let r2 = lab.var("R2_ADDR");
    let link = lab.var("TARGET_LINK_ADDR");
    let echo = |dst: &str, extra: &str| {
        format!("IPv6(dst='{dst}'{extra})/ICMPv6EchoRequest(id=0x77, seq=1, data=b'packsmith')")
    };
    assert_eq!(answer(&lab, &echo(&t, "")), format!("129 0 {t}"));
    assert_eq!(
        answer(&lab, &echo(&lab.var("UNREACH_ADDR"), "")),
        format!("1 0 {r2}")
    );
    assert_eq!(
        answer(&lab, &echo(&lab.var("PROHIBIT_ADDR"), "")),
        format!("1 1 {r2}")
    );
    assert_eq!(
        answer(&lab, &echo(&lab.var("NOBODY_ADDR"), "")),
        format!("1 3 {r2}")
    );
    assert_eq!(answer(&lab, &echo(&t, ", hlim=1")), format!("3 0 {r1}"));
    assert_eq!(
        answer(
            &lab,
            &format!("IPv6(dst='{t}')/UDP(sport=40000, dport=33434)")
        ),
        format!("1 4 {link}")
    );
    assert_eq!(
        answer(
            &lab,
            &format!("IPv6(dst='{t}')/ICMPv6EchoRequest(id=9)/('x' * 1400)")
        ),
        format!("2 0 {r2} 1280")
    );
    // a blackhole answers nothing: the probe stays unanswered
    let (out, err, code) = lab.code(&format!(
        "a, u = sr({}, timeout=1, verbose=0)\nprint(len(a), len(u))",
        echo(&lab.var("DROP_ADDR"), "")
    ));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "0 1");
}

/// A set of IPv6 probes in one sr: every answer is paired with its probe
/// (echo by id/seq, errors by the quoted datagram), none crosses over.
#[test]
fn ipv6_sr_pairs_every_answer_with_its_probe() {
    let Some(lab) = Lab::up6("ipv6_sr_pairs_every_answer_with_its_probe") else {
        return;
    };
    let (out, err, code) = lab.code(
        "a, u = sr(IPv6(dst=['2001:2:0:100::1', '2001:2:0:100::2', '2001:2:0:10::5', '2001:2:0:11::5'], hlim=[1, 64])/ICMPv6EchoRequest(id=3, seq=(1, 2)), timeout=10, verbose=0)\n\
         for s, r in sorted(a, key=lambda x: (x[0].dst, x[0].hlim, x[0].payload.seq)):\n\
         \x20   print(s.dst, s.hlim, s.payload.seq, r.payload.type, r.payload.code, r[IPv6].src, r.payload.seq if r.payload.type == 129 else r[IPerror6].dst)\n\
         print(len(a), len(u))",
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.last().copied(), Some("16 0"), "{out}");
    for l in &lines[..lines.len() - 1] {
        let f: Vec<&str> = l.split(' ').collect();
        let (dst, hlim, seq, ty, code, src, what) = (f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
        match (hlim, dst) {
            ("1", _) => assert_eq!((ty, code, src), ("3", "0", "2001:2::fe"), "{l}"),
            (_, d) if d.starts_with("2001:2:0:100:") => {
                assert_eq!((ty, src, what), ("129", d, seq), "{l}")
            }
            (_, d) if d.starts_with("2001:2:0:10:") => {
                assert_eq!((ty, code, what), ("1", "0", d), "{l}")
            }
            (_, d) => assert_eq!((ty, code, what), ("1", "1", d), "{l}"),
        }
    }
}
