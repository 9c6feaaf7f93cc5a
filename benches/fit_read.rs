//! How fast `fit` reads a Stack Exchange dump, and that its memory follows
//! the posts, not the file.
//!
//! The bench writes two synthetic `Posts.xml` files with the same posts
//! (questions with titles and tags, answers from a heavy-tailed pool of
//! members, the askers' own follow-ups, accepted answers) and different
//! body lengths: short bodies, and bodies as long as a real dump's
//! (Stack Overflow's rows average about 1.5 kB). A fresh child process
//! reads and fits each, then reports its peak resident set (VmHWM, Linux),
//! the posts read and the time taken. The bench fails if the long-bodied
//! file, about ten times larger, needs more than 25 % + 4 MiB above the
//! short one's peak: the reader would then be holding the file, not the
//! posts.
//!
//! Run: `cargo bench --bench fit_read` (300,000 posts, the long file about
//! 500 MB). CI smoke-runs it with `-- --test` (12,000 posts).

mod common;
use common::peak_kib;
use entraide::fit;
use entraide::scenario;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const CHILD_FLAG: &str = "--child-fit";
/// 2022-01-03T00:00:00Z, a Monday, in ms since the epoch.
const START_MS: u64 = 1_641_168_000_000;

/// A small deterministic generator (SplitMix64): the file is the same on
/// every machine, and the bench needs no seed plumbing.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Writes a dump of `questions` questions (about 2.5 posts each) spread
/// over two years, with bodies of about `body_bytes`.
fn write_dump(path: &Path, questions: u64, body_bytes: usize) -> (u64, u64) {
    const TAGS: [&str; 12] = [
        "billing", "sim", "roaming", "wifi", "fibre", "invoice", "mobile", "tv", "router",
        "contract", "porting", "app",
    ];
    let file = std::fs::File::create(path).expect("dump file");
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut mix = Mix(2026);
    let body: String =
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit &amp;lt;code&amp;gt; "
            .chars()
            .cycle()
            .take(body_bytes)
            .collect();
    writeln!(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>").unwrap();
    let span_ms = 2 * 365 * 86_400_000u64;
    let mut id = 0u64;
    let mut posts = 0u64;
    for q in 0..questions {
        let at = START_MS + span_ms * q / questions + mix.below(3_600_000);
        id += 1;
        let question = id;
        let asker = 1_000_000 + mix.below(questions);
        let answers = [0u64, 1, 1, 2, 2, 3, 4][mix.below(7) as usize];
        let accepted = (answers > 0 && mix.unit() < 0.4).then_some(question + 1);
        let tag = TAGS[mix.below(TAGS.len() as u64) as usize];
        let second = TAGS[mix.below(TAGS.len() as u64) as usize];
        writeln!(
            out,
            "  <row Id=\"{question}\" PostTypeId=\"1\"{} CreationDate=\"{}\" Score=\"{}\" ViewCount=\"{}\" Body=\"&lt;p&gt;{body}&lt;/p&gt;&#xA;\" OwnerUserId=\"{asker}\" LastActivityDate=\"{}\" Title=\"How do I fix my {tag}?\" Tags=\"|{tag}|{second}|\" AnswerCount=\"{answers}\" CommentCount=\"0\" ContentLicense=\"CC BY-SA 4.0\" />",
            accepted.map_or(String::new(), |a| format!(" AcceptedAnswerId=\"{a}\"")),
            stamp(at),
            mix.below(20),
            mix.below(5000),
            stamp(at),
        )
        .unwrap();
        posts += 1;
        let mut answer_at = at;
        for k in 0..answers {
            answer_at += 60_000 + (mix.unit().powi(3) * 86_400_000.0) as u64;
            id += 1;
            // Members: a heavy tail (a few answer most); one answer in
            // ten is the asker's own follow-up.
            let author = if k > 0 && mix.unit() < 0.1 {
                asker
            } else {
                (mix.unit().powi(4) * 20_000.0) as u64 + 1
            };
            writeln!(
                out,
                "  <row Id=\"{id}\" PostTypeId=\"2\" ParentId=\"{question}\" CreationDate=\"{}\" Score=\"{}\" Body=\"&lt;p&gt;{body}&lt;/p&gt;\" OwnerUserId=\"{author}\" LastActivityDate=\"{}\" CommentCount=\"0\" ContentLicense=\"CC BY-SA 4.0\" />",
                stamp(answer_at),
                mix.below(10),
                stamp(answer_at),
            )
            .unwrap();
            posts += 1;
        }
    }
    writeln!(out, "</posts>").unwrap();
    out.flush().unwrap();
    (posts, std::fs::metadata(path).map(|m| m.len()).unwrap_or(0))
}

/// `ms` since the epoch as the dump writes times: naive UTC, milliseconds.
fn stamp(ms: u64) -> String {
    let days = (ms / 86_400_000) as i64;
    let rest = ms % 86_400_000;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}",
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000
    )
}

/// In the child: read and fit `path` (Mercure as the base), and print the
/// peak memory in KiB, the posts read, and the seconds spent reading and
/// fitting.
fn child(path: &Path) {
    let base_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mercure.toml");
    let base = scenario::load(&base_path, &[])
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario;
    let options = fit::Options::default();
    let started = Instant::now();
    let log = fit::read_log(path, &options).unwrap_or_else(|e| panic!("{e}"));
    let read = started.elapsed().as_secs_f64();
    let fitted = fit::fit(&log, &base, &options);
    let total = started.elapsed().as_secs_f64();
    println!(
        "{} {} {read:.3} {:.3}",
        peak_kib().unwrap_or(0),
        fitted.posts,
        total - read
    );
}

struct Measured {
    kib: f64,
    posts: u64,
    read_s: f64,
    fit_s: f64,
}

fn measure(exe: &Path, dump: &Path) -> Measured {
    let out = Command::new(exe)
        .arg(CHILD_FLAG)
        .arg(dump)
        .output()
        .expect("child runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    Measured {
        kib: f[0].parse().expect("peak"),
        posts: f[1].parse().expect("posts"),
        read_s: f[2].parse().expect("seconds"),
        fit_s: f[3].parse().expect("seconds"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == CHILD_FLAG) {
        child(&PathBuf::from(&args[i + 1]));
        return;
    }
    if peak_kib().is_none() {
        println!("fit_read: /proc/self/status has no VmHWM here; nothing measured");
        return;
    }
    let smoke = args.iter().any(|a| a == "--test");
    let questions = if smoke { 4_800 } else { 120_000 };
    let dir = std::env::temp_dir().join(format!("entraide-fit-read-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let exe = std::env::current_exe().expect("own path");
    let mut peaks = Vec::new();
    for (label, body) in [("short bodies", 60), ("long bodies", 1_400)] {
        let dump = dir.join(format!("Posts-{body}.xml"));
        let (posts, bytes) = write_dump(&dump, questions, body);
        let m = measure(&exe, &dump);
        assert_eq!(m.posts, posts, "every generated post is read");
        println!(
            "fit_read: {label}: {posts} posts, {:.0} MB: read at {:.2} M posts/s ({:.0} MB/s), fitted in {:.2} s; peak RSS {:.1} MiB ({:.0} bytes per post)",
            bytes as f64 / 1e6,
            posts as f64 / m.read_s / 1e6,
            bytes as f64 / m.read_s / 1e6,
            m.fit_s,
            m.kib / 1024.0,
            m.kib * 1024.0 / posts as f64,
        );
        peaks.push(m.kib);
        let _ = std::fs::remove_file(&dump);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let (short, long) = (peaks[0], peaks[1]);
    assert!(
        long <= 1.25 * short + 4096.0,
        "memory grows with the file, not the posts: {short} KiB with short bodies, {long} KiB with long ones"
    );
}
