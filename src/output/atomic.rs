//! Files that appear whole or not at all: write to a temporary file in the
//! same directory, flush it to disk, then rename over the target (rename
//! is atomic within a file system). An interrupted run leaves at most a
//! stray `.tmp` file, never a truncated result.
//!
//! The temporary name is unique to the process and the file
//! (`.NAME.PID.N.tmp`), so two processes writing the same target never
//! write into one temporary file; the last rename wins whole.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Numbers the temporary files of this process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A file being written; `commit` makes it appear under its final name.
/// Dropped without a successful commit (a failed write, a full disk), it
/// removes its temporary file.
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    /// `None` once committed.
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::other(format!("{} is not a file path", target.display())))?
            .to_string_lossy();
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = target.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()));
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp,
            writer: Some(BufWriter::new(file)),
        })
    }

    pub fn commit(mut self) -> io::Result<()> {
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        if let Err(e) = fs::rename(&self.temp, &self.target) {
            let _ = fs::remove_file(&self.temp);
            return Err(e);
        }
        // Make the rename itself durable, so that a power cut cannot lose
        // the new name after the caller went on (e.g. deleted a journal).
        if let Some(dir) = self.target.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            if let Ok(handle) = File::open(dir) {
                let _ = handle.sync_all();
            }
        }
        Ok(())
    }
}

impl AtomicFile {
    fn writer(&mut self) -> io::Result<&mut BufWriter<File>> {
        self.writer
            .as_mut()
            .ok_or_else(|| io::Error::other("write after commit"))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer()?.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer()?.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed (commit takes the writer and removes the temporary
        // file itself if the rename fails): the write failed or was given
        // up. Close the file without flushing its buffer, then remove it.
        if let Some(writer) = self.writer.take() {
            let (file, _unflushed) = writer.into_parts();
            drop(file);
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Writes a whole file atomically.
pub fn write(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(target)?;
    file.write_all(bytes)?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appears_only_on_commit() {
        let dir = std::env::temp_dir().join(format!("entraide-atomic-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("out.txt");
        let _ = fs::remove_file(&target);
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"hello").unwrap();
        assert!(
            !target.exists(),
            "nothing under the final name before commit"
        );
        f.commit().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "hello");
        fs::remove_dir_all(&dir).unwrap();
    }

    fn entries(dir: &Path) -> Vec<std::ffi::OsString> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect()
    }

    #[test]
    fn dropped_or_failed_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("entraide-atomic-drop-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let mut f = AtomicFile::create(&dir.join("given-up.txt")).unwrap();
        f.write_all(b"half").unwrap();
        drop(f);
        assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
        // A rename that fails: the target is a non-empty directory.
        let target = dir.join("a-directory");
        fs::create_dir_all(target.join("inside")).unwrap();
        assert!(write(&target, b"x").is_err());
        assert_eq!(entries(&dir), ["a-directory"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
