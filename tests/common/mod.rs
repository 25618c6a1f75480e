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

pub struct Lab {
    pub id: String,
    pub vars: HashMap<String, String>,
}

impl Lab {
    /// Brings a lab up, or prints the reason and returns `None` (the caller skips).
    pub fn up(test: &str) -> Option<Lab> {
        let script = format!("{}/scripts/lab.sh", root());
        let check = Command::new("bash").arg(&script).arg("check").output();
        match check {
            Ok(o) if o.status.success() => {}
            Ok(o) => {
                eprintln!(
                    "skipped {test}: {}",
                    String::from_utf8_lossy(&o.stdout).trim()
                );
                return None;
            }
            Err(e) => {
                eprintln!("skipped {test}: cannot run {script}: {e}");
                return None;
            }
        }
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
        Some(Lab { id, vars })
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
        let script = format!("{}/scripts/lab.sh", root());
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
