//! The lock on an output directory: one `run` or `sweep` writes into a
//! directory at a time. The lock is a file, `.entraide.lock`, created with
//! `create_new` (so two processes cannot both get it) and holding the
//! holder's process id; it is removed when the lock is dropped.
//!
//! A process killed with `kill -9` cannot remove its lock. A lock whose
//! process no longer runs (on Linux: no `/proc/PID`, or a zombie) is stale,
//! and the next run takes it over. Where that cannot be checked, a lock is
//! taken to be held.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside the directory it locks.
pub const LOCK_FILE: &str = ".entraide.lock";

/// Why a directory could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "{dir} is in use by another entraide process (pid {pid}): wait for it to finish or choose another --out; if no such process runs, delete {lock}",
        dir = dir.display(),
        lock = dir.join(LOCK_FILE).display()
    )]
    Busy { dir: PathBuf, pid: String },
    #[error("{path}: {error}", path = path.display())]
    Io { path: PathBuf, error: io::Error },
}

/// A held lock; dropping it removes the lock file.
#[derive(Debug)]
pub struct DirLock {
    path: PathBuf,
}

impl DirLock {
    /// Locks the existing directory `dir`, taking over a stale lock.
    pub fn acquire(dir: &Path) -> Result<DirLock, LockError> {
        let path = dir.join(LOCK_FILE);
        let io_at = |error| LockError::Io {
            path: path.clone(),
            error,
        };
        // Two attempts: the second after removing a stale lock. If another
        // process takes the stale lock first, the second attempt sees its
        // live pid and reports the directory busy.
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    let written = writeln!(file, "{}", std::process::id());
                    let lock = DirLock { path: path.clone() };
                    written.map_err(io_at)?;
                    return Ok(lock);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let text = match fs::read_to_string(&path) {
                        Ok(text) => text,
                        // Removed between our two calls: try again.
                        Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                        Err(e) => return Err(io_at(e)),
                    };
                    let holder = text.trim();
                    // An empty file is a lock whose holder has not written
                    // its pid yet: held.
                    if holder.parse::<u32>().is_ok_and(is_dead) {
                        match fs::remove_file(&path) {
                            Ok(()) => continue,
                            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                            Err(e) => return Err(io_at(e)),
                        }
                    }
                    return Err(LockError::Busy {
                        dir: dir.to_path_buf(),
                        pid: if holder.is_empty() {
                            "unknown".into()
                        } else {
                            holder.chars().take(20).collect()
                        },
                    });
                }
                Err(e) => return Err(io_at(e)),
            }
        }
        let pid = fs::read_to_string(&path).unwrap_or_default();
        Err(LockError::Busy {
            dir: dir.to_path_buf(),
            pid: pid.trim().chars().take(20).collect(),
        })
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Whether process `pid` surely no longer runs. Only Linux can tell (from
/// `/proc`); elsewhere every holder is taken to be alive.
fn is_dead(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    if !Path::new("/proc/self").exists() {
        return false;
    }
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(e) => e.kind() == io::ErrorKind::NotFound,
        // The state follows the command name in parentheses: Z is a zombie
        // (exited, not yet reaped), X dead.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state == "Z" || state == "X"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("entraide-lock-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn held_then_released() {
        let dir = scratch("held");
        let lock = DirLock::acquire(&dir).unwrap();
        let text = fs::read_to_string(dir.join(LOCK_FILE)).unwrap();
        assert_eq!(text.trim(), std::process::id().to_string());
        let second = DirLock::acquire(&dir).unwrap_err();
        let message = second.to_string();
        assert!(
            message.contains(&format!("pid {}", std::process::id()))
                && message.contains(&dir.display().to_string()),
            "{message}"
        );
        drop(lock);
        assert!(!dir.join(LOCK_FILE).exists());
        drop(DirLock::acquire(&dir).unwrap());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_dead_holder_is_taken_over() {
        let dir = scratch("stale");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        fs::write(dir.join(LOCK_FILE), format!("{pid}\n")).unwrap();
        if Path::new("/proc/self").exists() {
            let lock = DirLock::acquire(&dir).unwrap();
            let text = fs::read_to_string(dir.join(LOCK_FILE)).unwrap();
            assert_eq!(text.trim(), std::process::id().to_string());
            drop(lock);
        } else {
            assert!(DirLock::acquire(&dir).is_err());
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
