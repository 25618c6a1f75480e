//! Writing files without ever destroying one: a regular file (or a path that
//! does not exist yet) is written to a temporary file in the same directory
//! and renamed over the target only once everything is on disk, so an error
//! or a full disk leaves the old file as it was. Symbolic links are followed
//! (the link stays, its target is replaced). Anything that is not a regular
//! file (`/dev/null`, a FIFO, a terminal) is written through and never
//! unlinked.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static SERIAL: AtomicU64 = AtomicU64::new(0);

/// A temporary file waiting to replace its target. Dropping it without
/// [`Replace::commit`] deletes the temporary and leaves the target alone.
#[derive(Debug)]
pub struct Replace {
    tmp: PathBuf,
    target: PathBuf,
    done: bool,
}

impl Replace {
    /// Puts the written file in place: its data is synced to disk first, then
    /// it is renamed over the target in one step.
    pub fn commit(mut self) -> io::Result<()> {
        File::open(&self.tmp)?.sync_all()?;
        std::fs::rename(&self.tmp, &self.target)?;
        self.done = true;
        Ok(())
    }

    /// The temporary file's path (where the data is until commit).
    pub fn temporary(&self) -> &Path {
        &self.tmp
    }
}

impl Drop for Replace {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Opens `path` for writing from the start. Returns the file to write and,
/// for a regular file or a new path, the [`Replace`] that must be committed
/// to put the data in place; `None` for a device or FIFO written through.
pub fn create(path: &Path) -> io::Result<(File, Option<Replace>)> {
    // follow symbolic links so the link survives and its target is replaced
    let target = match std::fs::canonicalize(path) {
        Ok(t) => t,
        Err(_) => path.to_path_buf(),
    };
    let meta = std::fs::metadata(&target).ok();
    if let Some(m) = &meta {
        if !m.is_file() {
            if m.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "Is a directory",
                ));
            }
            let f = OpenOptions::new().write(true).open(&target)?;
            return Ok((f, None));
        }
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "file".into());
    loop {
        let tmp = dir.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            SERIAL.fetch_add(1, Ordering::Relaxed)
        ));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => {
                if let Some(m) = &meta {
                    let _ = f.set_permissions(m.permissions());
                }
                let r = Replace {
                    tmp,
                    target,
                    done: false,
                };
                return Ok((f, Some(r)));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Writes `bytes` to `path` through [`create`]: all or nothing.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let (mut f, replace) = create(path)?;
    f.write_all(bytes)?;
    f.flush()?;
    drop(f);
    match replace {
        Some(r) => r.commit(),
        None => Ok(()),
    }
}

/// The operating system's text for an error, without Rust's
/// " (os error N)" suffix: "No space left on device".
pub fn os_text(e: &dyn std::error::Error) -> String {
    let mut last = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        last = s.to_string();
        src = s.source();
    }
    last.split(" (os error").next().unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_abandoned_write_leaves_the_old_file() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("x.pcap");
        std::fs::write(&p, b"old").expect("seed");
        {
            use std::io::Write;
            let (mut f, r) = create(&p).expect("create");
            f.write_all(b"partial").expect("write");
            assert!(r.is_some());
        } // dropped without commit
        assert_eq!(std::fs::read(&p).expect("read"), b"old");
        let left: Vec<_> = std::fs::read_dir(d.path()).expect("dir").collect();
        assert_eq!(left.len(), 1, "the temporary is gone");
    }

    #[test]
    fn a_symlink_stays_a_symlink() {
        let d = tempfile::tempdir().expect("tempdir");
        let real = d.path().join("real");
        let link = d.path().join("link");
        std::fs::write(&real, b"old").expect("seed");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        write(&link, b"new").expect("write");
        assert!(std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).expect("read"), b"new");
    }

    #[test]
    fn devices_are_written_through() {
        let (_, r) = create(Path::new("/dev/null")).expect("open /dev/null");
        assert!(r.is_none());
        let e = write(Path::new("/dev/full"), b"x").expect_err("ENOSPC");
        assert_eq!(os_text(&e), "No space left on device");
    }
}
