//! Names the commit a binary was built from, for `packsmith --version`.

use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown commit".to_string());
    println!("cargo:rustc-env=PACKSMITH_COMMIT={commit}");
    // a new commit or branch switch rebuilds the version string; in a linked
    // worktree HEAD is in its own git dir and the refs in the common one
    let git_dir = git_path("--git-dir");
    let common = git_path("--git-common-dir");
    for f in [
        format!("{git_dir}/HEAD"),
        format!("{common}/refs/heads"),
        format!("{common}/packed-refs"),
    ] {
        if std::path::Path::new(&f).exists() {
            println!("cargo:rerun-if-changed={f}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}

/// `git rev-parse <flag>` (`.git` when git can't say).
fn git_path(flag: &str) -> String {
    Command::new("git")
        .args(["rev-parse", flag])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| ".git".to_string())
}
