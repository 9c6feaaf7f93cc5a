//! A deterministic fuzz test over every input reader (issue 9): the
//! scenario reader (with `extends`), `--set`, the sweep file and the
//! command-line sweep specs (`--vary`, `--baseline`, `--shard`). There is
//! no post-log reader yet; when one lands, it gets a generator here.
//!
//! Inputs are seeded mutants of the shipped scenarios and sweep file
//! (lines deleted, duplicated, swapped; values turned into other types or
//! extreme numbers; long strings, unicode, broken syntax, unknown keys,
//! deep nesting, `extends` to missing files and cycles) and random
//! `--set PATH=VALUE` (paths from the reference's field list and random
//! ones, values from a pool of nasty ones).
//!
//! Two parts:
//! - in process, `ENTRAIDE_FUZZ_CASES` inputs (10^5 by default) through
//!   the library's readers under `catch_unwind`: each is accepted, or
//!   refused with an error that names its file and a field path or a TOML
//!   line; a seeded sample of the accepted scenarios is also simulated on
//!   a short horizon, and must not panic;
//! - through the binary, a smaller seeded sample (`ENTRAIDE_FUZZ_BINARY`,
//!   a few hundred): `check` and `run` agree, the exit code is 0, 1 or 2
//!   (never 101, an abort or a signal), exit 2 names the file and a path
//!   or line on stderr, exit 1 says why.
//!
//! Every case is a pure function of (`ENTRAIDE_FUZZ_SEED`, its kind, its
//! index), so a failure prints what reproduces it alone:
//! `ENTRAIDE_FUZZ_SEED=S ENTRAIDE_FUZZ_ONLY=INDEX cargo test --test fuzz`.
//! Inputs it found that broke a reader are kept in `tests/malformed/fuzz/`
//! and replayed by `fuzz_regressions_are_refused_cleanly`.

mod common;

use entraide::scenario::{self, ScenarioError};
use entraide::sweep::{self, Sweep, SweepError};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// Configuration and reproduction
// ---------------------------------------------------------------------------

const DEFAULT_SEED: u64 = 0x0F0F_2026_1202_0009;
/// In-process inputs, over all the readers.
const DEFAULT_CASES: u64 = 100_000;
/// Inputs run through the binary (each is two to four processes).
const DEFAULT_BINARY_CASES: u64 = 600;

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={text:?}: expected a whole number")))
}

fn seed() -> u64 {
    env_number("ENTRAIDE_FUZZ_SEED").unwrap_or(DEFAULT_SEED)
}

/// Share of the in-process budget of each reader, in percent.
fn cases(share_percent: u64) -> u64 {
    env_number("ENTRAIDE_FUZZ_CASES").unwrap_or(DEFAULT_CASES) * share_percent / 100
}

/// The case indices to run: all of `0..n`, or the one `ENTRAIDE_FUZZ_ONLY`.
fn indices(n: u64) -> Vec<u64> {
    match env_number("ENTRAIDE_FUZZ_ONLY") {
        Some(i) => vec![i],
        None => (0..n).collect(),
    }
}

/// The generator of one case: a function of the seed, the reader and the
/// index alone, so that any case can be replayed on its own.
fn case_rng(kind: &str, index: u64) -> Pcg64Mcg {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in kind.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    Pcg64Mcg::seed_from_u64(seed() ^ h ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

fn reproduce(kind: &str, index: u64) -> String {
    format!(
        "reproduce: ENTRAIDE_FUZZ_SEED={:#x} ENTRAIDE_FUZZ_ONLY={index} cargo test --test fuzz {kind}",
        seed()
    )
}

/// Collects failures; fails the test at the end with the first few, each
/// with its input and how to reproduce it.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn add(&mut self, kind: &str, index: u64, what: String, input: &str) {
        let input = if input.len() > 4000 {
            format!("{}… ({} bytes)", truncate(input, 4000), input.len())
        } else {
            input.to_string()
        };
        self.0.push(format!(
            "{kind} case {index}: {what}\n{}\n--- input ---\n{input}\n--- end ---",
            reproduce(kind, index)
        ));
    }

    fn assert_none(&self, kind: &str, total: usize) {
        assert!(
            self.0.is_empty(),
            "{kind}: {} of {total} cases failed; the first ones:\n\n{}",
            self.0.len(),
            self.0
                .iter()
                .take(6)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
}

fn truncate(text: &str, max: usize) -> &str {
    let mut at = max.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    &text[..at]
}

/// Calls `f` under `catch_unwind`; a panic becomes "panicked at FILE:LINE: MESSAGE".
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    common::panics::quietly(f)
}

// ---------------------------------------------------------------------------
// The scratch directory: shipped scenarios, and files for `extends`
// ---------------------------------------------------------------------------

/// The shipped scenarios and sweep file, and files that `extends` can
/// point at: a two-file cycle, a file extending itself, an empty file.
/// Built once per test binary; read only afterwards.
fn fixtures() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("fuzz-fixtures-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("sub")).expect("create fixtures");
        for entry in fs::read_dir(common::root().join("scenarios")).expect("scenarios/") {
            let path = entry.expect("entry").path();
            fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy scenario");
        }
        let files = [
            ("cycle-a.toml", "extends = \"cycle-b.toml\"\nname = \"a\"\n"),
            ("cycle-b.toml", "extends = \"cycle-a.toml\"\nname = \"b\"\n"),
            ("self.toml", "extends = \"self.toml\"\n"),
            ("empty.toml", ""),
            ("broken.toml", "[demand\nquestions_per_day = 1\n"),
            (
                "bad-value.toml",
                "extends = \"mercure.toml\"\n[demand]\nquestions_per_day = \"many\"\n",
            ),
            (
                "sub/up.toml",
                "extends = \"../mercure.toml\"\nname = \"up\"\n",
            ),
        ];
        for (name, text) in files {
            fs::write(dir.join(name), text).expect("write fixture");
        }
        dir
    })
}

const BASES: &[&str] = &[
    "mercure.toml",
    "erlang-a.toml",
    "airline-24-7.toml",
    "mercure-immediate.toml",
    "mercure-no-experts.toml",
];
const SWEEP_FILE: &str = "delay-x-staffing.sweep.toml";

fn fixture_text(name: &str) -> String {
    fs::read_to_string(fixtures().join(name)).expect("read fixture")
}

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

fn below(rng: &mut Pcg64Mcg, n: usize) -> usize {
    rng.random_range(0..n.max(1))
}

fn pick<'a, T: ?Sized>(rng: &mut Pcg64Mcg, items: &'a [&'a T]) -> &'a T {
    items[below(rng, items.len())]
}

/// Values of every TOML type, and numbers at the edges.
const NASTY_VALUES: &[&str] = &[
    "0",
    "-1",
    "1",
    "-0.0",
    "0.5",
    "1.0000000001",
    "1e308",
    "-1e308",
    "1e-308",
    "5e-324",
    "nan",
    "-nan",
    "inf",
    "-inf",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551615",
    "99999999999999999999999",
    "4294967295",
    "4294967296",
    "65535",
    "65536",
    "100000000",
    "0x7fffffffffffffff",
    "0b1",
    "1_000",
    "true",
    "false",
    "\"\"",
    "\"x\"",
    "\"3h\"",
    "\"-1h\"",
    "\"0s\"",
    "\"1e400h\"",
    "\"nanh\"",
    "\"1ms\"",
    "\"999999999999999d\"",
    "\"18446744073709551615ms\"",
    "\"mon-sun 00:00-24:00\"",
    "\"sun 23:59-00:00\"",
    "\"mon-fri 25:00-26:00\"",
    "\"oldest\"",
    "\"é✓😀\"",
    "\"\\u0000\"",
    "[]",
    "[1]",
    "[0, 0, 0]",
    "[\"a\", 1]",
    "[[]]",
    "[1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308]",
    "{}",
    "{ dist = \"exponential\", mean = \"1h\" }",
    "{ dist = \"exponential\", mean = 0 }",
    "{ dist = \"lognormal\", mean = \"1ms\", sd = \"1000d\" }",
    "{ dist = \"pareto\", scale = \"1h\", shape = 1.0 }",
    "{ dist = \"weibull\", shape = 0.01, scale = \"1h\" }",
    "{ dist = \"gamma\", shape = 1e-300, mean = \"1h\" }",
    "{ dist = \"uniform\", min = \"1h\", max = \"1h\" }",
    "{ dist = \"constant\", value = 1e308 }",
    "{ dist = \"nosuch\" }",
    "{ share = 1.0, hours = [\"mon-sun 00:00-24:00\"] }",
    "[{ share = 1.0, hours = [] }]",
    "1979-05-27T07:32:00Z",
    "07:32:00",
];

/// Strings as the contents of a `"..."` (already TOML-escaped).
const NASTY_STRINGS: &[&str] = &[
    "",
    " ",
    "3x",
    "3",
    "-1h",
    "0ms",
    "1e400h",
    "nanh",
    "infh",
    "0.0001ms",
    "18446744073709551615ms",
    "999999999999999999d",
    "5w",
    "1h30m",
    "mon-sun 00:00-24:00",
    "mon-sun 25:00-26:00",
    "sun 23:00-23:00",
    "fri-mon 22:00-06:00",
    "mon 24:00-01:00",
    "mon-fri 09:00-18:00, sat 10:00-12:00",
    "nosuch",
    "oldest",
    "chased_first",
    "account_first",
    "pareto",
    "weibull",
    "constant",
    "é✓😀",
    "\\t\\n",
    "..",
    "../../../../nonexistent",
    "/dev/null",
    ".",
];

const UNICODE: &[&str] = &[
    "é", "✓", "😀", "\u{202e}", "\u{0301}", "ß", "中文", "\u{feff}",
];

/// A value that is long: a string, a long list, a deep array.
fn long_value(rng: &mut Pcg64Mcg) -> String {
    // Mostly a few kilobytes; one in ten is long enough to matter (a
    // message must not echo 100 KB).
    let scale = if below(rng, 10) == 0 { 100_000 } else { 2_000 };
    match below(rng, 4) {
        0 => format!("\"{}\"", "x".repeat(1 + below(rng, 2 * scale))),
        1 => format!("[{}]", vec!["1.0"; 1 + below(rng, scale / 5)].join(", ")),
        2 => {
            let depth = 1 + below(rng, 400);
            format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
        }
        _ => {
            let depth = 1 + below(rng, 400);
            format!("{}1{}", "{ a = ".repeat(depth), " }".repeat(depth))
        }
    }
}

fn random_value(rng: &mut Pcg64Mcg) -> String {
    match below(rng, 20) {
        0 => long_value(rng),
        1 => format!("\"{}\"", random_text(rng)),
        2 => format!("{}", rng.random::<i64>()),
        3 => format!("{:e}", f64::from_bits(rng.random::<u64>())).replace("NaN", "nan"),
        4 => format!("{}", rng.random_range(-10.0..10.0f64)),
        5 => format!(
            "\"{}{}\"",
            rng.random_range(0..100_000u64),
            pick(rng, &["ms", "s", "m", "h", "d", "w", "min", "x", ""])
        ),
        _ => pick(rng, NASTY_VALUES).to_string(),
    }
}

fn random_text(rng: &mut Pcg64Mcg) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789 .:-,_=[]{}#\\'";
    let n = below(rng, 16);
    (0..n)
        .map(|_| {
            if below(rng, 10) == 0 {
                pick(rng, UNICODE).to_string()
            } else {
                (ALPHABET[below(rng, ALPHABET.len())] as char).to_string()
            }
        })
        .collect()
}

/// A byte range `start..end` of a text.
type Span = (usize, usize);

/// Where numbers and string contents are in `text`, outside comments.
fn tokens(text: &str) -> (Vec<Span>, Vec<Span>) {
    let (mut numbers, mut strings) = (Vec::new(), Vec::new());
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bytes = line.as_bytes();
        let (mut i, mut open) = (0, None);
        while i < bytes.len() {
            let c = bytes[i];
            match open {
                Some(start) if c == b'"' => {
                    strings.push((offset + start, offset + i));
                    open = None;
                }
                Some(_) => {}
                None if c == b'#' => break,
                None if c == b'"' => open = Some(i + 1),
                None if c.is_ascii_digit()
                    && (i == 0
                        || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
                {
                    let start = i;
                    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                        i += 1;
                    }
                    numbers.push((offset + start, offset + i));
                    continue;
                }
                None => {}
            }
            i += 1;
        }
        offset += line.len();
    }
    (numbers, strings)
}

/// The byte range of the value of each `key = value` line (to its end,
/// comments included: a broken tail is a mutation too).
fn value_spans(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#')
            && !trimmed.starts_with('[')
            && let Some(eq) = line.find('=')
        {
            spans.push((offset + eq + 1, offset + line.trim_end().len()));
        }
        offset += line.len();
    }
    spans
}

/// A random dotted path: from the reference, with its `*` and `[]` filled
/// in, or made up.
fn random_path(rng: &mut Pcg64Mcg, fields: &[String]) -> String {
    let names = [
        "technical",
        "commercial",
        "agents",
        "activation",
        "general",
        "billing",
        "nosuch",
        "é",
    ];
    let fill = |rng: &mut Pcg64Mcg, path: &str| -> String {
        path.split('.')
            .map(|s| match s {
                "*" => pick(rng, &names).to_string(),
                "[]" => pick(rng, &["0", "1", "2", "99", "-1", "x"]).to_string(),
                s => s.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    };
    let field = below(rng, fields.len());
    let base = fill(rng, &fields[field]);
    match below(rng, 10) {
        0..=5 => base,
        6 => format!("{base}.{}", pick(rng, &["x", "0", "dist", "mean", "share"])),
        7 => {
            let mut segments: Vec<&str> = base.split('.').collect();
            segments.truncate(1 + below(rng, segments.len()));
            segments.join(".")
        }
        8 => {
            // a typo: one character dropped
            let mut s = base.clone();
            if !s.is_empty() {
                let mut at = below(rng, s.len());
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                s.remove(at);
            }
            s
        }
        _ => pick(
            rng,
            &[
                "",
                ".",
                "a..b",
                "nosuch",
                "demand.",
                ".demand",
                "demand.topics",
                "staff.teams.x.y.z",
                "policy.priority.0",
                "é.✓",
                " simulation.horizon ",
                "demand.hourly_profile.24",
                "demand.hourly_profile.18446744073709551616",
            ],
        )
        .to_string(),
    }
}

fn random_set(rng: &mut Pcg64Mcg, fields: &[String]) -> String {
    let path = random_path(rng, fields);
    match below(rng, 24) {
        // A plausible value, so that a fair share of the cases is
        // accepted and simulated.
        20..=23 => format!(
            "{path}={}",
            pick(
                rng,
                &[
                    "0",
                    "1",
                    "2",
                    "0.5",
                    "0.01",
                    "10",
                    "100",
                    "\"1h\"",
                    "3h",
                    "0s",
                    "30m",
                    "2d",
                    "true",
                    "false",
                    "oldest",
                    "[1, 1, 1, 1, 1, 1, 1]",
                    "{ dist = \"exponential\", mean = \"1h\" }",
                    "{ dist = \"lognormal\", mean = 2, sd = 1 }"
                ]
            )
        ),
        0 => path,
        1 => format!("{path}=={}", random_value(rng)),
        2 => format!("{path}={}", random_text(rng)),
        _ => format!("{path}={}", random_value(rng)),
    }
}

/// Applies one random mutation to a TOML text; returns what it did.
fn mutate(text: &mut String, rng: &mut Pcg64Mcg, fields: &[String]) -> String {
    let lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let line = |rng: &mut Pcg64Mcg| below(rng, lines.len());
    match below(rng, 16) {
        0 if !lines.is_empty() => {
            let i = line(rng);
            let mut out = lines.clone();
            out.remove(i);
            *text = out.concat();
            format!("delete line {}", i + 1)
        }
        1 if !lines.is_empty() => {
            let i = line(rng);
            let mut out = lines.clone();
            let mut copy = out[i].clone();
            if !copy.ends_with('\n') {
                copy.push('\n');
            }
            out.insert(i, copy);
            *text = out.concat();
            format!("duplicate line {}", i + 1)
        }
        2 if lines.len() >= 2 => {
            let (i, j) = (line(rng), line(rng));
            let mut out = lines.clone();
            out.swap(i, j);
            if !out.last().is_some_and(|l| l.ends_with('\n')) {
                out.push("\n".into());
            }
            *text = out.concat();
            format!("swap lines {} and {}", i + 1, j + 1)
        }
        3 | 4 => {
            let (numbers, _) = tokens(text);
            if numbers.is_empty() {
                return "no number".into();
            }
            let (a, b) = numbers[below(rng, numbers.len())];
            let value = random_value(rng);
            text.replace_range(a..b, &value);
            format!("number at byte {a} -> {}", truncate(&value, 40))
        }
        5 | 6 => {
            let (_, strings) = tokens(text);
            if strings.is_empty() {
                return "no string".into();
            }
            let (a, b) = strings[below(rng, strings.len())];
            let value = if below(rng, 3) == 0 {
                random_text(rng).replace(['"', '\\'], "")
            } else {
                pick(rng, NASTY_STRINGS).to_string()
            };
            text.replace_range(a..b, &value);
            format!("string at byte {a} -> {value:?}")
        }
        7 | 8 => {
            let spans = value_spans(text);
            if spans.is_empty() {
                return "no value".into();
            }
            let (a, b) = spans[below(rng, spans.len())];
            let value = random_value(rng);
            text.replace_range(a..b, &format!(" {value}"));
            format!("value at byte {a} -> {}", truncate(&value, 40))
        }
        9 => {
            let at = char_boundary(text, below(rng, text.len() + 1));
            text.truncate(at);
            format!("truncate at byte {at}")
        }
        10 => {
            let at = char_boundary(text, below(rng, text.len() + 1));
            let junk = pick(
                rng,
                &[
                    "[",
                    "]",
                    "=",
                    "\"",
                    "{",
                    "}",
                    "\n",
                    "#",
                    ",",
                    "'''",
                    "\"\"\"",
                    "\\",
                    "\r",
                    "\t",
                    "\u{0}",
                    "\n[[x]]\n",
                    "\n[demand]\n",
                    "é",
                    "😀",
                ],
            );
            text.insert_str(at, junk);
            format!("insert {junk:?} at byte {at}")
        }
        11 => {
            // an unknown key, or a known path as a dotted key, at the top
            let key = if below(rng, 2) == 0 {
                random_path(rng, fields)
            } else {
                format!(
                    "nosuch_{}",
                    random_text(rng).replace(|c: char| !c.is_ascii_alphanumeric(), "")
                )
            };
            let value = random_value(rng);
            let quoted = if key.is_empty()
                || key.contains(|c: char| {
                    !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
                }) {
                format!("\"{}\"", key.replace(['"', '\\'], ""))
            } else {
                key.clone()
            };
            let insert = format!("{quoted} = {value}\n");
            let at = if below(rng, 2) == 0 {
                0
            } else {
                lines.iter().take(line(rng)).map(String::len).sum()
            };
            text.insert_str(at, &insert);
            format!("insert {} at byte {at}", truncate(&insert, 60))
        }
        12 => {
            let target = pick(
                rng,
                &[
                    "\"mercure.toml\"",
                    "\"missing.toml\"",
                    "\"cycle-a.toml\"",
                    "\"self.toml\"",
                    "\"empty.toml\"",
                    "\"broken.toml\"",
                    "\"bad-value.toml\"",
                    "\"sub/up.toml\"",
                    "\"sub\"",
                    "\".\"",
                    "\"\"",
                    "\"/dev/null\"",
                    "\"mercure.sweep.toml\"",
                    "\"delay-x-staffing.sweep.toml\"",
                    "1",
                    "[\"mercure.toml\"]",
                    "{ file = \"mercure.toml\" }",
                ],
            );
            *text = format!("extends = {target}\n{text}");
            format!("extends = {target}")
        }
        13 => {
            let at = lines.iter().take(line(rng)).map(String::len).sum();
            let header = pick(
                rng,
                &[
                    "[policy.x]",
                    "[[policy]]",
                    "[demand.topics.\"é✓\"]",
                    "[demand.topics.new]\nshare = 0.1",
                    "[staff.teams.new]\ncount = 1",
                    "[a.b.c.d.e.f.g.h]",
                    "[simulation]",
                    "[]",
                    "[sweep]\nscenario = \"mercure.toml\"",
                ],
            );
            text.insert_str(at, &format!("{header}\n"));
            format!("insert {header:?} at byte {at}")
        }
        14 => {
            let spans = value_spans(text);
            if spans.is_empty() {
                return "no value".into();
            }
            let (a, b) = spans[below(rng, spans.len())];
            let value = long_value(rng);
            text.replace_range(a..b, &format!(" {value}"));
            format!("value at byte {a} -> a long value of {} bytes", value.len())
        }
        _ => {
            // unicode in a key
            let at = char_boundary(text, below(rng, text.len() + 1));
            let u = pick(rng, UNICODE);
            text.insert_str(at, u);
            format!("insert {u:?} at byte {at}")
        }
    }
}

fn char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn mutant(rng: &mut Pcg64Mcg, original: &str, fields: &[String]) -> (String, Vec<String>) {
    let mut text = original.to_string();
    let steps = (0..1 + below(rng, 4))
        .map(|_| mutate(&mut text, rng, fields))
        .collect();
    (text, steps)
}

/// A `--set` that is likely accepted: a field of the reference (one
/// without a user-chosen name) at its default, scaled when a number.
fn plausible_set(rng: &mut Pcg64Mcg) -> String {
    use entraide::scenario::defaults::FieldDefault;
    let fields: Vec<(String, toml::Value)> = scenario::defaults::reference()
        .into_iter()
        .filter(|f| !f.path.contains('*'))
        .filter_map(|f| match f.default {
            FieldDefault::Value(v) => Some((f.path.replace("[]", "0"), v)),
            _ => None,
        })
        .collect();
    let (path, value) = &fields[below(rng, fields.len())];
    let factor = *pick(rng, &[&0.0, &0.5, &1.0, &1.0, &2.0, &10.0]);
    let value = match value {
        toml::Value::Float(x) => toml::Value::Float(x * factor),
        toml::Value::Integer(n) => toml::Value::Integer((*n as f64 * factor) as i64),
        other => other.clone(),
    };
    format!("{path}={value}")
}

fn reference_paths() -> Vec<String> {
    scenario::defaults::reference()
        .iter()
        .map(|f| f.path.to_string())
        .collect()
}

// ---------------------------------------------------------------------------
// What a refusal must say
// ---------------------------------------------------------------------------

/// Checks a scenario error: it names `file` (or the base file it came
/// from), and says where: a field path for each problem, a line for a
/// syntax error.
fn bad_scenario_error(error: &ScenarioError, file: &str) -> Option<String> {
    let shown = error.to_string();
    match error {
        // It names the file it could not read.
        ScenarioError::Read { .. } => return None,
        ScenarioError::Syntax { message, .. } => {
            if !message.contains("line ") {
                return Some(format!("a syntax error with no line: {shown}"));
            }
        }
        ScenarioError::Invalid { problems, .. } => {
            if problems.is_empty() {
                return Some(format!("invalid with no problem: {shown}"));
            }
            if let Some(p) = problems.iter().find(|p| p.path.trim().is_empty()) {
                return Some(format!("a problem with no path ({:?}): {shown}", p.message));
            }
        }
    }
    // It names the file it is about: `file`, or the base that `file`
    // extends when the problem is there.
    let named = match error {
        ScenarioError::Read { file, .. }
        | ScenarioError::Syntax { file, .. }
        | ScenarioError::Invalid { file, .. } => file,
    };
    if named.trim().is_empty() || !shown.starts_with(named.as_str()) {
        return Some(format!("the error names no file: {shown}"));
    }
    // A base's problem reads `base.toml (extended by child.toml)`.
    let named = match named.split_once(" (extended by ") {
        Some((base, child)) if child.trim_end_matches(')') == file || child.ends_with(".toml)") => {
            base
        }
        _ => named.as_str(),
    };
    if named != file && !named.ends_with(".toml") && !named.starts_with("/dev/") {
        return Some(format!("the error names {named:?}, not {file:?}: {shown}"));
    }
    None
}

// ---------------------------------------------------------------------------
// A short simulation of an accepted scenario
// ---------------------------------------------------------------------------

/// Simulated days at most: a mutant's year is cut to this.
const SIM_DAYS: u64 = 2;
/// Events a simulated mutant may take, roughly (see `estimated_events`).
const MAX_EVENTS: f64 = 3e5;

/// A rough count of the events of `s` on its (shortened) horizon: the
/// questions and their chases, the experts' sessions, the staff shifts.
/// Mutants far past `MAX_EVENTS` are read and checked but not simulated:
/// their cost is the `limits` work of issue 9, not a reader's fault.
fn estimated_events(s: &scenario::Scenario) -> f64 {
    let days = s.simulation.horizon.as_days();
    let questions = s.demand.questions_per_day * days * (2.0 + f64::from(s.customers.max_chases));
    let hours_online = s
        .experts
        .activity
        .mean()
        .min(s.experts.max_activity_hours)
        .max(0.0);
    let session_hours = (s.experts.session.mean() / 3.6e6).max(1e-9);
    let experts = f64::from(s.experts.initial) * days * (1.0 + hours_online / session_hours);
    let staff: f64 = s
        .staff
        .teams
        .iter()
        .map(|t| f64::from(t.count) * days * (2.0 + 24.0 * t.shifts.len() as f64))
        .sum();
    let grows = s.customers.become_expert_probability * questions;
    questions + experts + staff + grows * (1.0 + hours_online / session_hours)
}

fn shorten(s: &mut scenario::Scenario) {
    let max = entraide::time::SimDuration::from_days(SIM_DAYS);
    if s.simulation.horizon > max {
        s.simulation.horizon = max;
    }
    if s.simulation.warmup >= s.simulation.horizon {
        s.simulation.warmup = entraide::time::SimDuration(0);
    }
    s.simulation.max_open_questions = s.simulation.max_open_questions.min(5000);
}

/// Simulates an accepted scenario, shortened, if it is cheap enough.
/// Returns whether it ran, or the panic.
fn simulate_short(mut s: scenario::Scenario) -> Result<bool, String> {
    shorten(&mut s);
    if estimated_events(&s) > MAX_EVENTS {
        return Ok(false);
    }
    guarded(|| entraide::model::simulate(&s, 7, &mut entraide::model::NoObserver)).map(|_| true)
}

/// One in `SIMULATE_EVERY` accepted inputs is simulated.
const SIMULATE_EVERY: u64 = 8;

/// The slowest cases of a test, to keep an eye on what the budget buys.
struct Slowest {
    last: Option<(u64, Instant)>,
    top: Vec<(Duration, u64)>,
}

impl Slowest {
    fn new() -> Slowest {
        Slowest {
            last: None,
            top: Vec::new(),
        }
    }

    /// Called at the start of each case (and once after the last).
    fn lap(&mut self, index: Option<u64>) {
        let now = Instant::now();
        if let Some((i, start)) = self.last.take() {
            self.top.push((now - start, i));
            self.top.sort_by(|a, b| b.cmp(a));
            self.top.truncate(3);
        }
        self.last = index.map(|i| (i, now));
    }

    fn describe(&mut self) -> String {
        self.lap(None);
        self.top
            .iter()
            .map(|(d, i)| format!("case {i} {d:.1?}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Default, Debug)]
struct Tally {
    accepted: u64,
    refused: u64,
    simulated: u64,
    too_costly: u64,
}

/// Judges one reader call on a fuzzed scenario (`stage` names the call):
/// a panic fails the case, a refusal must name its file and paths, and one
/// accepted scenario in `SIMULATE_EVERY` is simulated briefly.
fn judge_scenario(
    result: Result<Result<scenario::Loaded, ScenarioError>, String>,
    stage: &str,
    file: &str,
    (kind, index, input): (&str, u64, &str),
    tally: &mut Tally,
    failures: &mut Failures,
) {
    match result {
        Err(panic) => failures.add(kind, index, format!("{stage} {panic}"), input),
        Ok(Err(error)) => {
            tally.refused += 1;
            if let Some(what) = bad_scenario_error(&error, file) {
                failures.add(kind, index, what, input);
            }
        }
        Ok(Ok(loaded)) => {
            tally.accepted += 1;
            if index % SIMULATE_EVERY == 0 {
                match simulate_short(loaded.scenario) {
                    Ok(true) => tally.simulated += 1,
                    Ok(false) => tally.too_costly += 1,
                    Err(panic) => failures.add(kind, index, format!("simulate {panic}"), input),
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// In process: the scenario reader
// ---------------------------------------------------------------------------

#[test]
fn scenario_mutants() {
    const KIND: &str = "scenario_mutants";
    let fields = reference_paths();
    let originals: Vec<String> = BASES.iter().map(|b| fixture_text(b)).collect();
    let mut failures = Failures::default();
    let mut tally = Tally::default();
    let n = cases(50);
    let started = Instant::now();
    let mut slowest = Slowest::new();
    for index in indices(n) {
        slowest.lap(Some(index));
        let mut rng = case_rng(KIND, index);
        let base = below(&mut rng, BASES.len());
        let (text, steps) = mutant(&mut rng, &originals[base], &fields);
        // Named as if beside the shipped scenarios, so that `extends`
        // finds them (and the cycle files).
        let file = fixtures().join(format!("mutant-of-{}", BASES[base]));
        let file = file.to_string_lossy().into_owned();
        let input = format!("{} [{}]\n{text}", BASES[base], steps.join("; "));
        let result = guarded(|| scenario::parse(&text, &file, &[]));
        judge_scenario(
            result,
            "parse",
            &file,
            (KIND, index, &input),
            &mut tally,
            &mut failures,
        );
    }
    eprintln!(
        "{KIND}: {n} cases in {:.1?}: {tally:?}; slowest: {}",
        started.elapsed(),
        slowest.describe()
    );
    failures.assert_none(KIND, n as usize);
    if env_number("ENTRAIDE_FUZZ_ONLY").is_none() {
        // The generator must reach both sides, and the simulator.
        assert!(tally.refused >= n / 4, "{tally:?}");
        assert!(tally.accepted >= n / 10, "{tally:?}");
        assert!(tally.simulated >= n / SIMULATE_EVERY / 20, "{tally:?}");
    }
}

// ---------------------------------------------------------------------------
// In process: --set
// ---------------------------------------------------------------------------

#[test]
fn set_overrides() {
    const KIND: &str = "set_overrides";
    let fields = reference_paths();
    let trees: Vec<(String, toml::Table)> = BASES
        .iter()
        .map(|b| {
            let path = fixtures().join(b);
            let tree = scenario::load_tree(&path).expect("a shipped scenario loads");
            (path.to_string_lossy().into_owned(), tree)
        })
        .collect();
    let mut failures = Failures::default();
    let mut tally = Tally::default();
    let n = cases(35);
    let started = Instant::now();
    let mut slowest = Slowest::new();
    for index in indices(n) {
        slowest.lap(Some(index));
        let mut rng = case_rng(KIND, index);
        let (file, tree) = &trees[below(&mut rng, trees.len())];
        let plausible = below(&mut rng, 3) == 0;
        let sets: Vec<String> = (0..1 + below(&mut rng, 3))
            .map(|_| {
                if plausible {
                    plausible_set(&mut rng)
                } else {
                    random_set(&mut rng, &fields)
                }
            })
            .collect();
        let input = format!(
            "{file} {}",
            sets.iter()
                .map(|s| format!("--set {s:?}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let result = guarded(|| scenario::from_tree(tree.clone(), file, &sets));
        judge_scenario(
            result,
            "from_tree",
            file,
            (KIND, index, &input),
            &mut tally,
            &mut failures,
        );
    }
    eprintln!(
        "{KIND}: {n} cases in {:.1?}: {tally:?}; slowest: {}",
        started.elapsed(),
        slowest.describe()
    );
    failures.assert_none(KIND, n as usize);
    if env_number("ENTRAIDE_FUZZ_ONLY").is_none() {
        assert!(tally.refused >= n / 4, "{tally:?}");
        assert!(tally.accepted >= n / 20, "{tally:?}");
        assert!(tally.simulated >= n / SIMULATE_EVERY / 40, "{tally:?}");
    }
}

// ---------------------------------------------------------------------------
// In process: the sweep file and the command-line sweep specs
// ---------------------------------------------------------------------------

/// Values of a `--vary`: lists, ranges of each kind, with edges.
fn random_vary_values(rng: &mut Pcg64Mcg) -> String {
    let number = |rng: &mut Pcg64Mcg| -> String {
        match below(rng, 4) {
            0 => pick(
                rng,
                &[
                    "0",
                    "-1",
                    "1",
                    "9223372036854775807",
                    "-9223372036854775808",
                    "9223372036854775808",
                    "1e308",
                    "nan",
                    "inf",
                    "-0",
                    "0.1",
                    "1e-320",
                ],
            )
            .to_string(),
            1 => format!("{}", rng.random::<i64>()),
            2 => format!(
                "{}{}",
                rng.random_range(0..1000u32),
                pick(rng, &["ms", "s", "m", "h", "d", "w"])
            ),
            _ => format!("{}", rng.random_range(0..50u32)),
        }
    };
    // One in a hundred: the largest grid a factor may have.
    if below(rng, 100) == 0 {
        return "0..99999:1".into();
    }
    match below(rng, 6) {
        0 | 1 => {
            let (a, b, s) = (number(rng), number(rng), number(rng));
            format!("{a}..{b}:{s}")
        }
        2 => format!("{}..{}", number(rng), number(rng)),
        3 => (0..1 + below(rng, 5))
            .map(|_| number(rng))
            .collect::<Vec<_>>()
            .join(","),
        4 => random_text(rng),
        _ => pick(
            rng,
            &[
                "",
                ",",
                "1,,2",
                "1,1",
                "0h,1h,2h",
                "6..24:6",
                "1h..8h:1h",
                "0.1..0.5:0.1",
                "0..100000:1",
                "[{ share = 1.0, hours = [\"mon-sun 00:00-24:00\"] }]",
                "\n",
                "1\r2",
            ],
        )
        .to_string(),
    }
}

/// `--vary`, `--baseline` and `--shard` strings, read as the command line
/// reads them.
fn sweep_specs_case(
    rng: &mut Pcg64Mcg,
    fields: &[String],
) -> (String, Result<Result<(), String>, String>) {
    match below(rng, 3) {
        0 => {
            let spec = if below(rng, 10) == 0 {
                random_text(rng)
            } else {
                format!("{}={}", random_path(rng, fields), random_vary_values(rng))
            };
            let result = guarded(|| sweep::plan::parse_vary(&spec).map(|_| ()));
            (format!("--vary {spec:?}"), result)
        }
        1 => {
            let spec = format!("{}={}", random_path(rng, fields), random_value(rng));
            let result = guarded(|| sweep::plan::parse_baseline(&spec).map(|_| ()));
            (format!("--baseline {spec:?}"), result)
        }
        _ => {
            let spec = match below(rng, 3) {
                0 => random_text(rng),
                1 => format!("{}/{}", rng.random::<u64>(), rng.random::<u64>()),
                _ => format!(
                    "{}/{}",
                    pick(
                        rng,
                        &[
                            "0",
                            "1",
                            "2",
                            "-1",
                            "18446744073709551615",
                            "18446744073709551616",
                            ""
                        ]
                    ),
                    pick(rng, &["0", "1", "2", "-1", "18446744073709551615", ""])
                ),
            };
            let result = guarded(|| sweep::plan::parse_shard(&spec).map(|_| ()));
            (format!("--shard {spec:?}"), result)
        }
    }
}

/// A refusal of a sweep input names the sweep file, the scenario, or the
/// flag it came from, and a field or what was expected.
fn bad_sweep_error(error: &SweepError, sweep_file: &str) -> Option<String> {
    let shown = error.to_string();
    match error {
        SweepError::Scenario(e) => bad_scenario_error(e, sweep_file),
        SweepError::Io { .. } => None,
        SweepError::Usage(_) | SweepError::Failed(_) => {
            let names_file = shown.contains(sweep_file) || shown.contains(".toml");
            let names_flag = shown.starts_with("--");
            (!names_file && !names_flag)
                .then(|| format!("the error names neither file nor flag: {shown}"))
        }
    }
}

/// Sweeps of at most this many points are prepared (every point's
/// scenario validated); larger ones are only read.
const MAX_PREPARED_POINTS: u64 = 12;

#[test]
fn sweep_files() {
    const KIND: &str = "sweep_files";
    let fields = reference_paths();
    let original = fixture_text(SWEEP_FILE);
    let dir = fixtures();
    let file = dir.join(format!("mutant-{}.sweep.toml", std::process::id()));
    let file_name = file.to_string_lossy().into_owned();
    let mut failures = Failures::default();
    let mut tally = Tally::default();
    let mut prepared = 0u64;
    let n = cases(15);
    let started = Instant::now();
    let mut slowest = Slowest::new();
    for index in indices(n) {
        slowest.lap(Some(index));
        let mut rng = case_rng(KIND, index);
        if below(&mut rng, 4) == 0 {
            let (input, result) = sweep_specs_case(&mut rng, &fields);
            match result {
                Err(panic) => failures.add(KIND, index, panic, &input),
                Ok(Ok(())) => tally.accepted += 1,
                Ok(Err(message)) => {
                    tally.refused += 1;
                    if !message.starts_with("--") && !message.contains("--") {
                        failures.add(
                            KIND,
                            index,
                            format!("the error names no flag: {message}"),
                            &input,
                        );
                    }
                }
            }
            continue;
        }
        let mut text = original.clone();
        let mut steps = Vec::new();
        for _ in 0..1 + below(&mut rng, 3) {
            if below(&mut rng, 3) == 0 {
                // A factor of its own: the line of a [sweep.vary] entry.
                let line = format!(
                    "\"{}\" = \"{}\"\n",
                    random_path(&mut rng, &fields).replace(['"', '\\'], ""),
                    random_vary_values(&mut rng).replace(['"', '\\', '\n', '\r'], "")
                );
                steps.push(format!("append {}", line.trim_end()));
                text.push_str(&line);
            } else {
                steps.push(mutate(&mut text, &mut rng, &fields));
            }
        }
        let input = format!("[{}]\n{text}", steps.join("; "));
        // A new file each time, removed at once: rewriting one file in
        // place makes ext4 flush it to disk at every close (auto_da_alloc),
        // which cost more than the reading.
        let _ = fs::remove_file(&file);
        fs::write(&file, &text).expect("write the sweep mutant");
        let request = guarded(|| sweep::read_sweep_file(&file));
        let _ = fs::remove_file(&file);
        let request = match request {
            Err(panic) => {
                failures.add(KIND, index, format!("read_sweep_file {panic}"), &input);
                continue;
            }
            Ok(Err(error)) => {
                tally.refused += 1;
                if let Some(what) = bad_sweep_error(&error, &file_name) {
                    failures.add(KIND, index, what, &input);
                }
                continue;
            }
            // Not a sweep file: `sweep` reads it as a scenario, which the
            // scenario test covers.
            Ok(Ok(None)) => continue,
            Ok(Ok(Some(request))) => request,
        };
        let points = request
            .factors
            .iter()
            .fold(1u64, |p, f| p.saturating_mul(f.values.len() as u64));
        if points > MAX_PREPARED_POINTS || index % 2 != 0 {
            tally.accepted += 1;
            continue;
        }
        prepared += 1;
        match guarded(|| Sweep::prepare(request)) {
            Err(panic) => failures.add(KIND, index, format!("Sweep::prepare {panic}"), &input),
            Ok(Err(error)) => {
                tally.refused += 1;
                if let Some(what) = bad_sweep_error(&error, &file_name) {
                    failures.add(KIND, index, what, &input);
                }
            }
            Ok(Ok(_)) => tally.accepted += 1,
        }
    }
    let _ = fs::remove_file(&file);
    eprintln!(
        "{KIND}: {n} cases in {:.1?}: {prepared} prepared, {tally:?}; slowest: {}",
        started.elapsed(),
        slowest.describe()
    );
    failures.assert_none(KIND, n as usize);
    if env_number("ENTRAIDE_FUZZ_ONLY").is_none() {
        assert!(tally.refused >= n / 10, "{tally:?}");
        assert!(tally.accepted >= n / 10, "{tally:?}");
        assert!(prepared >= n / 50, "only {prepared} prepared");
    }
}

// ---------------------------------------------------------------------------
// Through the binary
// ---------------------------------------------------------------------------

/// A child that runs longer than this is a failure: a short run of a
/// mutant must not hang.
const CHILD_TIMEOUT: Duration = Duration::from_secs(60);
/// The address space a child may take (`ulimit -v`, KiB): a mutant that
/// would take the machine's memory must stop cleanly under it.
const CHILD_MEMORY_KIB: u64 = 4 * 1024 * 1024;
/// Appended to both `check` and `run`, so that they read the same input.
const SHORT: &[&str] = &[
    "--set",
    "simulation.horizon=1d",
    "--set",
    "simulation.warmup=0s",
    "--set",
    "simulation.max_open_questions=5000",
];

/// Runs the binary under a memory limit and a timeout; `None` on timeout.
fn run_binary(args: &[String]) -> Option<Output> {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(
            "ulimit -v {CHILD_MEMORY_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_entraide"))
        .args(args)
        .current_dir(fixtures())
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn sh");
    // Drain the pipes on threads, so that a chatty child cannot block.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut v).ok();
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut v).ok();
        v
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > CHILD_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Some(Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    })
}

/// What an exit must look like: 0, 1 with a message, or 2 naming the file
/// and a path or line; never a panic, an abort or a signal.
fn bad_exit(out: &Output, file: &str) -> Option<String> {
    use std::os::unix::process::ExitStatusExt;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        return Some(format!("panicked:\n{stderr}"));
    }
    match out.status.code() {
        Some(0) => None,
        Some(1) if stderr.trim().is_empty() => Some("exit 1 with nothing on stderr".into()),
        Some(1) => None,
        Some(2) => {
            // The file, or the base it extends (named by its own path).
            let names_file = stderr.contains(file) || stderr.contains(".toml");
            // Where: a TOML line, a problem line `  PATH: what` of an
            // invalid scenario, a sweep field, a flag, or the file that
            // cannot be read.
            let problem_line = |l: &str| {
                l.strip_prefix("  ")
                    .and_then(|l| l.split_once(": "))
                    .is_some_and(|(path, _)| !path.trim().is_empty())
            };
            let locates = stderr.contains("line ")
                || stderr.lines().any(problem_line)
                || stderr.contains("sweep.")
                || stderr.contains("--")
                || stderr.contains("cannot read");
            (!names_file || !locates)
                .then(|| format!("exit 2 without the file and a path or line:\n{stderr}"))
        }
        Some(code) => Some(format!("exit {code}:\n{stderr}")),
        None => Some(format!(
            "killed by signal {:?}:\n{stderr}",
            out.status.signal()
        )),
    }
}

/// The first line of stderr that is not a warning: the error, which
/// `check` and `run` must give alike.
fn error_lines(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("warning:"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn binary_check_and_run_agree() {
    const KIND: &str = "binary_check_and_run_agree";
    let fields = reference_paths();
    let originals: Vec<String> = BASES.iter().map(|b| fixture_text(b)).collect();
    let sweep_original = fixture_text(SWEEP_FILE);
    let dir = fixtures();
    let mut failures = Failures::default();
    let mut codes = [0u64; 3];
    let mut run_codes = [0u64; 3];
    let mut sweeps_run = 0u64;
    let n = env_number("ENTRAIDE_FUZZ_BINARY").unwrap_or(DEFAULT_BINARY_CASES);
    let started = Instant::now();
    let arg = |s: &str| s.to_string();
    let mut slowest = Slowest::new();
    for index in indices(n) {
        slowest.lap(Some(index));
        let mut rng = case_rng(KIND, index);
        let name = format!("bin-{}-{index}.toml", std::process::id());
        let path = dir.join(&name);
        if index % 6 == 5 {
            // A sweep file: `sweep --check`, then a one-replication sweep
            // of a shortened grid.
            let (text, steps) = mutant(&mut rng, &sweep_original, &fields);
            let name = name.replace(".toml", ".sweep.toml");
            let path = dir.join(&name);
            fs::write(&path, &text).expect("write the sweep mutant");
            let input = format!("{name} [{}]\n{text}", steps.join("; "));
            let mut args = vec![
                arg("sweep"),
                arg(&name),
                arg("--check"),
                arg("--replications"),
                arg("1"),
            ];
            args.extend(SHORT.iter().map(|s| arg(s)));
            match run_binary(&args) {
                None => failures.add(
                    KIND,
                    index,
                    format!("{args:?}: no exit in {CHILD_TIMEOUT:?}"),
                    &input,
                ),
                Some(out) => {
                    if let Some(what) = bad_exit(&out, &name) {
                        failures.add(KIND, index, format!("{args:?}: {what}"), &input);
                    }
                    // Accepted and small: run it, one replication of a day.
                    let points: Option<u64> = String::from_utf8_lossy(&out.stdout)
                        .split_once(": ok: ")
                        .and_then(|(_, rest)| rest.split_whitespace().next()?.parse().ok());
                    if out.status.code() == Some(0) && points.is_some_and(|p| p <= 24) {
                        let out_dir = format!("bin-out-{}-{index}", std::process::id());
                        args[2] = arg("--quiet");
                        args.extend([arg("--out"), out_dir.clone()]);
                        match run_binary(&args) {
                            None => failures.add(
                                KIND,
                                index,
                                format!("{args:?}: no exit in {CHILD_TIMEOUT:?}"),
                                &input,
                            ),
                            Some(ran) => {
                                sweeps_run += 1;
                                if let Some(what) = bad_exit(&ran, &name) {
                                    failures.add(KIND, index, format!("{args:?}: {what}"), &input);
                                } else if ran.status.code() == Some(2) {
                                    failures.add(
                                        KIND,
                                        index,
                                        format!(
                                            "sweep --check accepted it, the sweep refused it:\n{}",
                                            String::from_utf8_lossy(&ran.stderr)
                                        ),
                                        &input,
                                    );
                                }
                            }
                        }
                        let _ = fs::remove_dir_all(dir.join(&out_dir));
                    }
                }
            }
            let _ = fs::remove_file(&path);
            continue;
        }
        let base = below(&mut rng, BASES.len());
        let (text, steps) = if index % 3 == 2 {
            (originals[base].clone(), vec!["unchanged".to_string()])
        } else {
            mutant(&mut rng, &originals[base], &fields)
        };
        // Mutants alone; mutants with random --set; the shipped file with
        // --set, plausible (mostly accepted, so simulated) or random.
        let plausible = index % 3 == 2 && below(&mut rng, 2) == 0;
        let sets: Vec<String> = if index % 3 == 0 {
            Vec::new()
        } else {
            (0..1 + below(&mut rng, 2))
                .map(|_| {
                    if plausible {
                        plausible_set(&mut rng)
                    } else {
                        random_set(&mut rng, &fields)
                    }
                })
                .collect()
        };
        fs::write(&path, &text).expect("write the mutant");
        let input = format!(
            "{name} (a mutant of {}: [{}]) {}\n{text}",
            BASES[base],
            steps.join("; "),
            sets.iter()
                .map(|s| format!("--set {s:?}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let mut extra: Vec<String> = sets
            .iter()
            .flat_map(|s| [arg("--set"), s.clone()])
            .collect();
        extra.extend(SHORT.iter().map(|s| arg(s)));
        if index % 4 == 1 {
            // A backlog cap a busy forum reaches within the day: `run`
            // stops on a runtime limit (exit 1) where `check` accepts.
            extra.extend([arg("--set"), arg("simulation.max_open_questions=30")]);
        }
        // Cases the in-process test would not simulate are only checked.
        let cheap = match guarded(|| {
            scenario::load(
                &path,
                &extra.iter().skip(1).step_by(2).cloned().collect::<Vec<_>>(),
            )
        }) {
            Ok(Ok(loaded)) => estimated_events(&loaded.scenario) <= MAX_EVENTS,
            _ => true,
        };
        let mut check = vec![arg("check"), arg(&name)];
        check.extend(extra.iter().cloned());
        let mut run = vec![arg("run"), arg(&name), arg("--quiet")];
        run.extend(extra.iter().cloned());
        let Some(checked) = run_binary(&check) else {
            failures.add(
                KIND,
                index,
                format!("{check:?}: no exit in {CHILD_TIMEOUT:?}"),
                &input,
            );
            continue;
        };
        if let Some(what) = bad_exit(&checked, &name) {
            failures.add(KIND, index, format!("{check:?}: {what}"), &input);
        }
        let code = checked.status.code().unwrap_or(-1);
        if let Some(slot) = usize::try_from(code).ok().and_then(|c| codes.get_mut(c)) {
            *slot += 1;
        }
        if !cheap && code == 0 {
            let _ = fs::remove_file(&path);
            continue;
        }
        let Some(ran) = run_binary(&run) else {
            failures.add(
                KIND,
                index,
                format!("{run:?}: no exit in {CHILD_TIMEOUT:?}"),
                &input,
            );
            continue;
        };
        if let Some(what) = bad_exit(&ran, &name) {
            failures.add(KIND, index, format!("{run:?}: {what}"), &input);
        }
        if let Some(slot) = ran
            .status
            .code()
            .and_then(|c| usize::try_from(c).ok())
            .and_then(|c| run_codes.get_mut(c))
        {
            *slot += 1;
        }
        let agree = match (code, ran.status.code()) {
            (0, Some(0 | 1)) => true,
            (2, Some(2)) => error_lines(&checked) == error_lines(&ran),
            (c, r) => Some(c) == r,
        };
        if !agree {
            failures.add(
                KIND,
                index,
                format!(
                    "check and run disagree: check exit {code}, run exit {:?}\n--- check stderr ---\n{}\n--- run stderr ---\n{}",
                    ran.status.code(),
                    String::from_utf8_lossy(&checked.stderr),
                    String::from_utf8_lossy(&ran.stderr)
                ),
                &input,
            );
        }
        let _ = fs::remove_file(&path);
    }
    eprintln!(
        "{KIND}: {n} cases in {:.1?}: check exits 0/1/2: {codes:?}, run exits 0/1/2: {run_codes:?}, {sweeps_run} sweeps run; slowest: {}",
        started.elapsed(),
        slowest.describe()
    );
    failures.assert_none(KIND, n as usize);
    if env_number("ENTRAIDE_FUZZ_ONLY").is_none() {
        assert!(
            codes[0] >= n / 12 && codes[2] >= n / 6 && run_codes[1] >= 1 && sweeps_run >= n / 60,
            "check exits 0/1/2: {codes:?}, {sweeps_run} sweeps run"
        );
    }
}

// ---------------------------------------------------------------------------
// Inputs the fuzzer found, kept as regression cases
// ---------------------------------------------------------------------------

/// Each file of `tests/malformed/fuzz/` once broke a reader. Its first
/// lines are `#` comments: what it broke, `# args: ...` for the
/// command-line arguments it needs (a `--set`; a `*.sweep.toml` is run
/// with `sweep --check`), and `# expect: TEXT` for each text stderr must
/// hold. `check` (or `sweep --check`) must refuse it or accept it
/// cleanly, and `run` must agree.
#[test]
fn fuzz_regressions_are_refused_cleanly() {
    let dir = common::root().join("tests/malformed/fuzz");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("tests/malformed/fuzz exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no regression case in {}", dir.display());
    for file in files {
        let text = fs::read_to_string(&file).expect("read the regression case");
        assert!(
            text.starts_with('#'),
            "{}: start with a `#` comment saying what it broke",
            file.display()
        );
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        fs::write(fixtures().join(&name), &text).expect("copy the case");
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
        let args: Vec<String> = header
            .iter()
            .find_map(|l| l.strip_prefix("# args:"))
            .map(|a| a.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let expected: Vec<&str> = header
            .iter()
            .filter_map(|l| l.strip_prefix("# expect:"))
            .map(str::trim)
            .collect();
        let is_sweep = name.ends_with(".sweep.toml");
        let commands: Vec<Vec<String>> = if is_sweep {
            vec![
                ["sweep".to_string(), name.clone(), "--check".to_string()]
                    .into_iter()
                    .chain(args.iter().cloned())
                    .collect(),
            ]
        } else {
            ["check", "run"]
                .iter()
                .map(|c| {
                    [c.to_string(), name.clone()]
                        .into_iter()
                        .chain(args.iter().cloned())
                        .chain(SHORT.iter().map(|s| s.to_string()))
                        .collect()
                })
                .collect()
        };
        let mut codes = Vec::new();
        for command in &commands {
            let out = run_binary(command)
                .unwrap_or_else(|| panic!("{command:?}: no exit in {CHILD_TIMEOUT:?}"));
            if let Some(what) = bad_exit(&out, &name) {
                panic!("{}: {command:?}: {what}", file.display());
            }
            let stderr = String::from_utf8_lossy(&out.stderr);
            for needle in &expected {
                assert!(
                    stderr.contains(needle),
                    "{}: {command:?}: stderr should contain {needle:?}:\n{stderr}",
                    file.display()
                );
            }
            codes.push(out.status.code());
        }
        if let [check, run] = codes[..] {
            assert!(
                check == run || (check == Some(0) && run == Some(1)),
                "{}: check exit {check:?}, run exit {run:?}",
                file.display()
            );
        }
    }
}
