//! Frames over IPv6 in the netns lab (scripts/lab6.sh): `srp1` and `sendp`
//! find the next hop's MAC by neighbour solicitation, as Scapy's
//! getmacbyip6 does, with the kernel of r1 answering. Oracles are MACs read
//! from `ip link` and the codes of the answers; waits are far beyond what
//! the lab needs. Runs as root and skips with the reason elsewhere.

mod common;
use common::Lab;

/// The MAC of `dev` in `node`'s namespace, as `ip -br link` prints it.
fn mac(lab: &Lab, node: &str, dev: &str) -> String {
    let o = lab.run(node, &["ip", "-br", "link", "show", "dev", dev]);
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    text.split_whitespace()
        .nth(2)
        .unwrap_or_else(|| panic!("no MAC for {dev} in {text:?}"))
        .to_string()
}

#[test]
fn frames_reach_ipv6_targets_through_neighbour_discovery() {
    let Some(lab) = Lab::up6("frames_reach_ipv6_targets_through_neighbour_discovery") else {
        return;
    };
    let t = lab.var("TARGET_ADDR");
    // the prober's only link is p-r1; r1's end is r1-p (scripts/lab6.sh)
    let (mine, gw) = (mac(&lab, "prober", "p-r1"), mac(&lab, "r1", "r1-p"));
    let (out, err, code) = lab.code(&format!(
        "r = srp1(Ether()/IPv6(dst='{t}')/ICMPv6EchoRequest(id=4, data=b'nd'), iface='p-r1', timeout=10, verbose=0)\n\
         print('none' if r is None else f'{{r[Ether].src}} {{r[Ether].dst}} {{r[IPv6].src}} {{r.payload.type}} {{r.payload.data}}')\n\
         a, u = srp(Ether()/IPv6(dst='{t}', hlim=[1, 2])/ICMPv6EchoRequest(id=5), iface='p-r1', timeout=10, verbose=0)\n\
         print(sorted((s[IPv6].hlim, r.payload.type) for s, r in a), len(u))\n\
         sendp(Ether()/IPv6(dst='{t}')/ICMPv6EchoRequest(id=6), iface='p-r1', verbose=0)\n\
         print('sent')"
    ));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], format!("{gw} {mine} {t} 129 b'nd'"), "{out}");
    assert_eq!(
        lines[1], "[(1, 3), (2, 3)] 0",
        "hop limits 1 and 2 expire at r1 and r2"
    );
    assert_eq!(lines[2], "sent");
}

/// Link-scope destinations need an interface (`iface=`) and take their
/// source from it: multicast echo to ff02::1 on r1's link to r2 is answered
/// by r2, at layer 3 and at layer 2, and so is an echo to r2's link-local
/// address itself.
#[test]
fn link_scope_echo_on_a_given_interface() {
    let Some(lab) = Lab::up6("link_scope_echo_on_a_given_interface") else {
        return;
    };
    let link_local = |dev: &str, node: &str| {
        let o = lab.run(
            node,
            &[
                "ip", "-6", "-br", "addr", "show", "dev", dev, "scope", "link",
            ],
        );
        let t = String::from_utf8_lossy(&o.stdout).to_string();
        t.split_whitespace()
            .nth(2)
            .and_then(|a| a.split('/').next())
            .unwrap_or_else(|| panic!("no link-local address on {dev}: {t:?}"))
            .to_string()
    };
    let (mine, peer) = (link_local("r1-r2", "r1"), link_local("r2-r1", "r2"));
    let program = format!(
        "a, u = sr(IPv6(dst='ff02::1')/ICMPv6EchoRequest(id=9), iface='r1-r2', multi=True, timeout=5, verbose=0)\n\
         print(len(a), len(u), ' '.join(f'{{s[IPv6].src}} {{r[IPv6].src}} {{r.payload.type}}' for s, r in a))\n\
         a, u = srp(Ether()/IPv6(dst='ff02::1')/ICMPv6EchoRequest(id=10), iface='r1-r2', multi=True, timeout=5, verbose=0)\n\
         print(len(a), len(u), ' '.join(f'{{s[IPv6].src}} {{r[IPv6].src}} {{r.payload.type}}' for s, r in a))\n\
         r = sr1(IPv6(dst='{peer}')/ICMPv6EchoRequest(id=11), iface='r1-r2', timeout=10, verbose=0)\n\
         print(r[IPv6].src, r[IPv6].dst, r.payload.type)"
    );
    let bin = common::bin();
    let o = lab.run("r1", &[bin.as_str(), "-c", &program]);
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // r2 answers from the address its source selection picks towards our
    // link-local one: its link-local or its global address on that link
    let r2 = lab.var("R2_ADDR");
    let lines: Vec<&str> = out.lines().collect();
    for l in &lines[..2] {
        let ok = [
            format!("1 0 {mine} {peer} 129"),
            format!("1 0 {mine} {r2} 129"),
        ];
        assert!(ok.contains(&l.to_string()), "{out}");
    }
    assert_eq!(lines[2], format!("{peer} {mine} 129"), "{out}");
}

/// The responder's socket receives every multicast frame of its link while
/// it runs (neighbour solicitations go to solicited-node groups, which a real
/// card filters otherwise), and the membership ends with it.
#[test]
fn the_responder_joins_all_multicast_while_it_runs() {
    let Some(lab) = Lab::up6("the_responder_joins_all_multicast_while_it_runs") else {
        return;
    };
    let dev = lab.var("RESPONDER_IF");
    let allmulti = || {
        let o = lab.run("responder", &["ip", "-d", "link", "show", "dev", &dev]);
        let t = String::from_utf8_lossy(&o.stdout).to_string();
        let n = t
            .split_whitespace()
            .skip_while(|w| *w != "allmulti")
            .nth(1)
            .and_then(|n| n.parse::<u32>().ok());
        n.unwrap_or_else(|| panic!("no allmulti count in {t:?}"))
    };
    assert_eq!(allmulti(), 0);
    let mut child = std::process::Command::new("ip")
        .args(["netns", "exec", &lab.ns("responder"), &common::bin()])
        .args([
            "respond",
            "--iface",
            &dev,
            "--addr",
            &lab.var("RESPONDER_NET"),
            "--timeout",
            "30",
            "--quiet",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("respond starts");
    // the count rises once the socket is open (polled, no fixed sleep)
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while allmulti() == 0 && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let during = allmulti();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(during, 1, "one membership while responding");
    assert_eq!(allmulti(), 0, "the membership ends with the socket");
}
