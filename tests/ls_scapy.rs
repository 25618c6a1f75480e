//! `ls(Layer)` and `ls(packet)` print exactly what Scapy 2.8 prints, for
//! every layer packsmith has. The expected text comes from the shared
//! `scapy_display.txt` where it has the block, and from `ls_scapy28.txt`
//! (generated once with Scapy 2.8; see its first line) for the rest.
//! Only the ICMP timestamps' defaults differ: they are the clock's.

mod common;

use std::process::Command;

/// The `=== >>> expr` blocks of a display file: (expression, expected text).
fn blocks(file: &str) -> Vec<(String, String)> {
    let path = format!("{}/tests/vectors/{file}", common::root());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(expr) = line.strip_prefix("=== >>> ") {
            out.push((expr.to_string(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    for (_, body) in &mut out {
        while body.ends_with("\n\n") || body == "\n" {
            body.pop();
        }
    }
    out
}

/// The ICMP timestamps default to the time of day in ms: their digits are
/// left out of the comparison.
fn without_clock(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("ts_") {
                l.chars()
                    .map(|c| if c.is_ascii_digit() { '#' } else { c })
                    .collect()
            } else {
                l.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect()
}

fn packsmith_ls(expr: &str) -> String {
    let out = Command::new(common::bin())
        .args(["-c", expr])
        .env("NO_COLOR", "1")
        .output()
        .expect("run packsmith");
    assert!(
        out.status.success(),
        "{expr}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn check(file: &str, wanted: impl Fn(&str) -> bool) -> usize {
    let mut n = 0;
    let mut failures = Vec::new();
    for (expr, want) in blocks(file) {
        if !expr.starts_with("ls(") || !wanted(&expr) {
            continue;
        }
        let got = packsmith_ls(&expr);
        if without_clock(&got) != without_clock(&want) {
            failures.push(format!(
                "=== {expr}\n--- Scapy 2.8\n{want}--- packsmith\n{got}"
            ));
        }
        n += 1;
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    n
}

#[test]
fn ls_of_the_shared_display_layers_is_scapys() {
    assert_eq!(check("scapy_display.txt", |_| true), 10);
}

#[test]
fn ls_of_every_other_layer_and_of_packets_is_scapys() {
    assert!(check("ls_scapy28.txt", |_| true) >= 60);
}

/// `verbose=True` adds the enum names and flag names under each field. Our
/// name tables of EtherTypes, ARP hardware types, ICMP types and ICMPv6 and
/// SLL codes aren't Scapy's (other names, more entries): those layers'
/// listings differ on purpose.
#[test]
fn ls_verbose_is_scapys_but_for_our_name_tables() {
    let ours_differ = [
        "Ether",
        "ARP",
        "ICMP",
        "ICMPerror",
        "ICMPv6DestUnreach",
        "CookedLinux",
        "CookedLinuxV2",
    ];
    let n = check("ls_verbose_scapy28.txt", |e| {
        !ours_differ
            .iter()
            .any(|l| e == format!("ls({l}, verbose=True)"))
    });
    assert_eq!(n, packsmith::layers::names().count() - ours_differ.len());
}

/// Every layer packsmith knows has its block in one of the two files.
#[test]
fn every_layer_is_covered() {
    let mut have: Vec<String> = blocks("scapy_display.txt")
        .into_iter()
        .chain(blocks("ls_scapy28.txt"))
        .map(|(e, _)| e)
        .collect();
    have.sort();
    for name in packsmith::layers::names() {
        let want = format!("ls({name})");
        assert!(
            have.binary_search(&want).is_ok(),
            "no Scapy 2.8 ls() text for {name}"
        );
    }
}

#[test]
fn help_keeps_the_field_docs() {
    let text = packsmith_ls("help(IP)");
    assert!(text.contains("# header length in 32-bit words"), "{text}");
    assert!(text.contains("src        : SourceIPField"), "{text}");
}
