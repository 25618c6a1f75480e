//! The network-namespace lab for integration tests: brought up by
//! `scripts/lab.sh up ID` with a name unique to this test, torn down on drop.
//! Without root (or without `ip netns`), tests print why and skip.

#![allow(dead_code)]

use std::collections::HashMap;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn root() -> String {
    env!("CARGO_MANIFEST_DIR").to_string()
}

pub fn bin() -> String {
    assert_cmd::cargo::cargo_bin("packsmith")
        .display()
        .to_string()
}

/// Why this machine cannot run a lab (`lab.sh check`), or `None` if it can.
pub fn lab_unavailable() -> Option<String> {
    unavailable("lab.sh")
}

fn unavailable(script: &str) -> Option<String> {
    let script = format!("{}/scripts/{script}", root());
    match Command::new("bash").arg(&script).arg("check").output() {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(String::from_utf8_lossy(&o.stdout).trim().to_string()),
        Err(e) => Some(format!("cannot run {script}: {e}")),
    }
}

pub struct Lab {
    pub id: String,
    pub vars: HashMap<String, String>,
    script: &'static str,
}

impl Lab {
    /// Brings the IPv4 lab (scripts/lab.sh) up, or prints the reason and
    /// returns `None` (the caller skips).
    pub fn up(test: &str) -> Option<Lab> {
        Lab::up_with("lab.sh", test)
    }

    /// The IPv6 lab (scripts/lab6.sh).
    pub fn up6(test: &str) -> Option<Lab> {
        Lab::up_with("lab6.sh", test)
    }

    fn up_with(name: &'static str, test: &str) -> Option<Lab> {
        if let Some(why) = unavailable(name) {
            eprintln!("skipped {test}: {why}");
            return None;
        }
        let script = format!("{}/scripts/{name}", root());
        let id = format!(
            "p{}x{}",
            std::process::id() % 100_000,
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let out = Command::new("bash")
            .arg(&script)
            .arg("up")
            .arg(&id)
            .output()
            .expect("run lab.sh up");
        if !out.status.success() {
            let _ = Command::new("bash")
                .arg(&script)
                .arg("down")
                .arg(&id)
                .output();
            panic!(
                "lab.sh up {id} failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let vars = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                l.split_once('=')
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            })
            .collect();
        Some(Lab {
            id,
            vars,
            script: name,
        })
    }

    pub fn var(&self, k: &str) -> String {
        self.vars
            .get(k)
            .cloned()
            .unwrap_or_else(|| panic!("lab.sh did not report {k}: {:?}", self.vars))
    }

    /// The namespace of `node` (prober, r1, r2, target).
    pub fn ns(&self, node: &str) -> String {
        self.var(&format!("{}_NS", node.to_uppercase()))
    }

    /// Runs a command in a node's namespace.
    pub fn run(&self, node: &str, args: &[&str]) -> Output {
        Command::new("ip")
            .args(["netns", "exec", &self.ns(node)])
            .args(args)
            .output()
            .expect("ip netns exec")
    }

    /// Runs packsmith in the prober's namespace.
    pub fn packsmith(&self, args: &[&str]) -> Output {
        let b = bin();
        let mut all = vec![b.as_str()];
        all.extend_from_slice(args);
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.ns("prober")])
            .args(&all)
            .env("NO_COLOR", "1");
        c.output().expect("run packsmith in the prober namespace")
    }

    /// Runs a `-c` program in the prober namespace; returns (stdout, stderr, code).
    pub fn code(&self, program: &str) -> (String, String, i32) {
        let o = self.packsmith(&["-c", program]);
        (
            String::from_utf8_lossy(&o.stdout).to_string(),
            String::from_utf8_lossy(&o.stderr).to_string(),
            o.status.code().unwrap_or(-1),
        )
    }

    /// The first address of a prefix variable (`198.18.101.0/24` -> `198.18.101.1`).
    pub fn host_in(&self, var: &str) -> String {
        let net = self.var(var);
        let base = net.split('/').next().unwrap_or(&net).to_string();
        let mut parts: Vec<u32> = base.split('.').filter_map(|p| p.parse().ok()).collect();
        if let Some(last) = parts.last_mut() {
            *last += 1;
        }
        parts
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(".")
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let script = format!("{}/scripts/{}", root(), self.script);
        let _ = Command::new("bash")
            .arg(&script)
            .arg("down")
            .arg(&self.id)
            .output();
    }
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// packsmith's own dissection of a capture in tshark's `-T fields -e
/// frame.number -e icmp.type -e icmp.code -e icmp.mtu` layout: one row per
/// packet, ICMP types and codes outer first then the quoted ICMP header of an
/// error, comma-separated.
pub fn packsmith_icmp_rows(path: &std::path::Path) -> Vec<String> {
    const PROGRAM: &str = r#"import sys
for i, p in enumerate(rdpcap(sys.argv[1])):
    types, codes, mtu = [], [], ""
    for layer in (ICMP, ICMPerror):
        if layer in p:
            types.append(str(p[layer].type))
            codes.append(str(p[layer].code))
    if ICMP in p and p[ICMP].type == 3 and p[ICMP].code == 4:
        mtu = str(p[ICMP].nexthopmtu)
    print("%d\t%s\t%s\t%s" % (i + 1, ",".join(types), ",".join(codes), mtu))
"#;
    let out = Command::new(bin())
        .arg("-c")
        .arg(PROGRAM)
        .arg(path)
        .env("NO_COLOR", "1")
        .output()
        .expect("run packsmith -c");
    assert!(
        out.status.success(),
        "packsmith could not read {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect()
}

/// Wireshark's expert severity PI_WARN (epan/proto.h): chat 0x200000, note
/// 0x400000, warn 0x600000, error 0x800000.
pub const PI_WARN: u64 = 0x0060_0000;

pub fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The oracle for every capture the suite writes: tshark reads `path` with no
/// packet flagged malformed and no expert item at warning or above, and its
/// ICMP type/code/MTU rows equal packsmith's own. Returns false (after
/// printing why) when tshark is not installed.
pub fn tshark_agrees(path: &std::path::Path) -> bool {
    if !tshark_available() {
        eprintln!("skipped the tshark comparison: tshark is not installed (.ci/run installs it)");
        return false;
    }
    let out = Command::new("tshark")
        .arg("-r")
        .arg(path)
        .args(["-T", "fields", "-E", "separator=/t", "-E", "aggregator=,"])
        .args(["-e", "frame.number", "-e", "icmp.type", "-e", "icmp.code"])
        .args(["-e", "icmp.mtu", "-e", "_ws.malformed"])
        .args(["-e", "_ws.expert.severity", "-e", "_ws.expert.message"])
        .output()
        .expect("run tshark");
    let name = path.display();
    assert!(
        out.status.success(),
        "tshark could not read {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut theirs = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert!(f.len() >= 6, "{name}: odd tshark line {line:?}");
        assert!(
            f[4].is_empty(),
            "tshark: {name} frame {} malformed: {line}",
            f[0]
        );
        for sev in f[5].split(',').filter(|x| !x.is_empty()) {
            let v: u64 = sev.parse().expect("severity is a number");
            assert!(
                v < PI_WARN,
                "tshark: {name} frame {} expert severity {v:#x}: {line}",
                f[0]
            );
        }
        theirs.push(f[..4].join("\t"));
    }
    assert_eq!(
        packsmith_icmp_rows(path),
        theirs,
        "{name}: packsmith (left) and tshark (right) type/code/mtu"
    );
    true
}

/// `InEchoReps` from a /proc/net/snmp text (its `Icmp:` header and value lines).
#[allow(dead_code)]
pub fn icmp_in_echo_replies(snmp: &str) -> u64 {
    let rows: Vec<&str> = snmp.lines().filter(|l| l.starts_with("Icmp: ")).collect();
    let [names, values] = rows[..] else {
        return 0;
    };
    names
        .split_whitespace()
        .zip(values.split_whitespace())
        .find(|(n, _)| *n == "InEchoReps")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
}

/// Hides what legitimately differs between two runs: times.
pub fn normalize(s: &str) -> String {
    let t = regex::Regex::new(r"time=\d+(\.\d+)? ms")
        .expect("re")
        .replace_all(s, "time=T ms");
    let t = regex::Regex::new(r"time \d+ms")
        .expect("re")
        .replace_all(&t, "time Tms");
    let t = regex::Regex::new(r"rtt min/avg/max/mdev = \S+ ms")
        .expect("re")
        .replace_all(&t, "rtt T");
    let t = regex::Regex::new(r"\d+\.\d+ ms")
        .expect("re")
        .replace_all(&t, "T ms");
    t.lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
}

/// Runs the reference tool and packsmith against the same lab. traceroute(8)'s
/// adaptive wait (`-w MAX,HERE,NEAR`: give up on a probe HERE times the round
/// trip of an answer already seen) expires under load and prints `*` for a hop
/// that did answer, so the reference always gets fixed waits that cannot
/// expire in the lab: the MAX packsmith is given (5 s by default), HERE and
/// NEAR off.
pub fn both(lab: &Lab, reference: &[&str], ours: &[&str]) -> (String, String) {
    let mut reference: Vec<&str> = reference.to_vec();
    let fixed_wait;
    if reference.first() == Some(&"traceroute") {
        let max = ours
            .iter()
            .position(|a| *a == "-w")
            .and_then(|i| ours.get(i + 1))
            .copied()
            .unwrap_or("5");
        fixed_wait = format!("{max},0,0");
        if let Some(i) = reference.iter().position(|a| *a == "-w") {
            reference.remove(i);
            if i < reference.len() {
                reference.remove(i);
            }
        }
        reference.insert(1, "-w");
        reference.insert(2, &fixed_wait);
    }
    let r = lab.run("prober", &reference);
    let o = lab.packsmith(ours);
    (
        normalize(&String::from_utf8_lossy(&r.stdout)),
        normalize(&String::from_utf8_lossy(&o.stdout)),
    )
}

/// A process in a lab namespace whose stdout lines are collected as they come.
pub struct Watched {
    child: std::process::Child,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Watched {
    pub fn start(lab: &Lab, node: &str, args: &[&str]) -> Watched {
        use std::io::BufRead;
        let mut child = std::process::Command::new("ip")
            .args(["netns", "exec", &lab.ns(node), &bin()])
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start packsmith");
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (out, l2) = (child.stdout.take().expect("stdout"), lines.clone());
        std::thread::spawn(move || {
            for l in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                if let Ok(mut v) = l2.lock() {
                    v.push(l);
                }
            }
        });
        Watched { child, lines }
    }

    pub fn text(&self) -> String {
        self.lines.lock().map(|v| v.join("\n")).unwrap_or_default()
    }

    /// Polls (generous bound) until a line contains `what`.
    pub fn wait_for(&self, what: &str) {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !self.text().contains(what) {
            assert!(
                std::time::Instant::now() < until,
                "no line with {what:?}:\n{}",
                self.text()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Ctrl-C, then everything it printed (stdout, stderr).
    pub fn stop(self) -> (String, String) {
        let _ = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let Watched { child, lines } = self;
        let out = child.wait_with_output().expect("responder ends");
        // the reader thread holds stdout; give it the rest
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::sync::Arc::strong_count(&lines) > 1 && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let text = lines.lock().map(|v| v.join("\n")).unwrap_or_default();
        (text, String::from_utf8_lossy(&out.stderr).to_string())
    }
}
