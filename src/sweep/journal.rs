//! The journal of a sweep: one line per finished run, appended as runs
//! finish (in whatever order threads finish them), each line carrying its
//! run index and a checksum. After a crash (Ctrl-C, `kill -9`, power cut)
//! every complete line is kept; a torn or garbled last line fails its
//! checksum and is cut off, and its run is simply done again.
//!
//! Line format: `run,<the runs.csv row>,<fnv1a-64 of "run,row" in hex>`.

use super::plan::fnv1a;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

pub const FILE: &str = "runs.journal";

/// Appends finished runs; syncs to disk at most every second, so a power
/// cut loses at most the last second of lines (and never corrupts one
/// unnoticed).
pub struct Journal {
    file: File,
    last_sync: Instant,
}

/// A journal line's parts, if it is whole and its checksum holds.
pub fn parse_line(line: &str) -> Option<(u64, &str)> {
    let (body, checksum) = line.rsplit_once(',')?;
    let checksum = u64::from_str_radix(checksum, 16).ok()?;
    if fnv1a(body.as_bytes()) != checksum {
        return None;
    }
    let (run, row) = body.split_once(',')?;
    Some((run.parse().ok()?, row))
}

/// A run in the journal: its index, where its row text is, and the line
/// it is on (from 1, for messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub run: u64,
    pub offset: u64,
    pub len: u32,
    pub line: u64,
}

impl Entry {
    /// Where its line ends: after the row, the checksum (`,` and 16 hex
    /// digits) and the newline.
    pub fn line_end(&self) -> u64 {
        self.offset + u64::from(self.len) + 18
    }
}

/// Reads a journal: the runs it holds and the length of its valid prefix.
/// Stops at the first invalid line: what follows a torn write cannot be
/// trusted.
///
/// A line identical to an earlier one (same run, same row: a copy, say
/// from a journal concatenated with its backup) is skipped: it adds
/// nothing, and skipping it gives the same tables as the journal without
/// it. Two different lines for one run are both returned, for the caller
/// to refuse (`Sweep::pending_runs`): which one is right cannot be known.
pub fn scan(path: &Path) -> io::Result<(Vec<Entry>, u64)> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) => return Err(e),
    };
    let mut reader = BufReader::new(file);
    let mut entries = Vec::new();
    let mut offset = 0u64;
    let mut line = String::new();
    let mut line_number = 0u64;
    // The checksum of each run's first line, to spot exact copies.
    let mut seen = std::collections::HashMap::new();
    loop {
        line_number += 1;
        line.clear();
        let n = match reader.read_line(&mut line) {
            Ok(n) => n,
            // Invalid UTF-8: a garbled tail.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => break,
            Err(e) => return Err(e),
        };
        if n == 0 || !line.ends_with('\n') {
            break;
        }
        match parse_line(line.trim_end_matches('\n')) {
            Some((run, row)) => {
                let checksum = fnv1a(format!("{run},{row}").as_bytes());
                let copy = seen.get(&run) == Some(&checksum);
                seen.entry(run).or_insert(checksum);
                if !copy {
                    let row_start = offset + (line.len() - 1 - row.len() - 17) as u64;
                    entries.push(Entry {
                        run,
                        offset: row_start,
                        len: row.len() as u32,
                        line: line_number,
                    });
                }
            }
            None => break,
        }
        offset += n as u64;
    }
    Ok((entries, offset))
}

impl Journal {
    /// Opens a journal for appending after cutting it to `valid_len`.
    pub fn open(path: &Path, valid_len: u64) -> io::Result<Journal> {
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .write(true)
            .truncate(false)
            .open(path)?;
        file.set_len(valid_len)?;
        file.seek(SeekFrom::End(0))?;
        Ok(Journal {
            file,
            last_sync: Instant::now(),
        })
    }

    /// Appends one run in a single write.
    pub fn append(&mut self, run: u64, row: &str) -> io::Result<()> {
        let body = format!("{run},{row}");
        let line = format!("{body},{:016x}\n", fnv1a(body.as_bytes()));
        self.file.write_all(line.as_bytes())?;
        if self.last_sync.elapsed() >= Duration::from_secs(1) {
            self.file.sync_data()?;
            self.last_sync = Instant::now();
        }
        Ok(())
    }

    pub fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn torn_and_garbled_tails_are_cut() {
        let dir = std::env::temp_dir().join(format!("entraide-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(FILE);
        let _ = std::fs::remove_file(&path);
        let mut j = Journal::open(&path, 0).unwrap();
        j.append(3, "0,a,3").unwrap();
        j.append(1, "0,b,1").unwrap();
        drop(j);
        // A torn write: half a line, no newline.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"2,0,c,2,deadbe").unwrap();
        drop(f);
        let (entries, valid) = scan(&path).unwrap();
        assert_eq!(entries.iter().map(|e| e.run).collect::<Vec<_>>(), [3, 1]);
        let mut text = String::new();
        File::open(&path)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        let e = entries[1];
        let (start, end) = (e.offset as usize, (e.offset + u64::from(e.len)) as usize);
        assert_eq!(&text[start..end], "0,b,1");
        // Reopening cuts the tail; appending goes on from there.
        let mut j = Journal::open(&path, valid).unwrap();
        j.append(2, "0,c,2").unwrap();
        drop(j);
        assert_eq!(scan(&path).unwrap().0.len(), 3);
        // A whole line with a wrong checksum (a flipped byte) is not trusted.
        let mut text = std::fs::read_to_string(&path).unwrap();
        text = text.replacen("0,b,1", "0,b,9", 1);
        std::fs::write(&path, text).unwrap();
        assert_eq!(scan(&path).unwrap().0.len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_exact_copy_of_a_line_is_skipped_a_different_one_is_kept() {
        let dir = std::env::temp_dir().join(format!("entraide-journal-dup-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(FILE);
        let _ = std::fs::remove_file(&path);
        let mut j = Journal::open(&path, 0).unwrap();
        j.append(3, "0,a,3").unwrap();
        j.append(1, "0,b,1").unwrap();
        j.append(3, "0,a,3").unwrap();
        drop(j);
        let (entries, valid) = scan(&path).unwrap();
        let runs: Vec<(u64, u64)> = entries.iter().map(|e| (e.run, e.line)).collect();
        assert_eq!(runs, [(3, 1), (1, 2)]);
        assert_eq!(valid, std::fs::metadata(&path).unwrap().len());
        let mut j = Journal::open(&path, valid).unwrap();
        j.append(1, "0,b,999").unwrap();
        drop(j);
        let (entries, _) = scan(&path).unwrap();
        let runs: Vec<(u64, u64)> = entries.iter().map(|e| (e.run, e.line)).collect();
        assert_eq!(runs, [(3, 1), (1, 2), (1, 4)]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
