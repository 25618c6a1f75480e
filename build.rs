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
    // a new commit or branch switch rebuilds the version string; git names
    // the files (in a worktree `.git` is a file and they live elsewhere)
    for f in ["HEAD", "refs/heads", "packed-refs"] {
        let path = Command::new("git")
            .args(["rev-parse", "--path-format=absolute", "--git-path", f])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| format!(".git/{f}"));
        if std::path::Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
