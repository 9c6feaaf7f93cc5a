//! Why a scenario could not be loaded: the error type the callers match on,
//! and the one problem (field path, what was expected) the reader collects.

use std::fmt;

/// How many characters of a value a message echoes.
pub const ECHO_CHARS: usize = 60;

/// A value as a message echoes it: whole up to `ECHO_CHARS` characters,
/// else its start, "…" and its length, so that a 100 KB value does not
/// become a 100 KB message.
pub fn shorten(value: &str) -> String {
    let length = value.chars().count();
    if length <= ECHO_CHARS {
        value.to_string()
    } else {
        let start: String = value.chars().take(ECHO_CHARS).collect();
        format!("{start}… ({length} characters)")
    }
}

/// `shorten` on every run of non-space characters in `text` longer than
/// `ECHO_CHARS * 4`: the last guard, on the error line itself, against a
/// long value echoed by any message. The margin keeps long file paths whole.
pub fn clip_long_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4096));
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() > ECHO_CHARS * 4 {
            out.push_str(&shorten(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() {
            flush(&mut run, &mut out);
            out.push(c);
        } else {
            run.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// One thing wrong with a scenario: where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// Why a scenario could not be loaded. Every variant names the file.
#[derive(Debug)]
pub enum ScenarioError {
    Read {
        file: String,
        error: std::io::Error,
    },
    Syntax {
        file: String,
        message: String,
    },
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Read { file, error } => write!(f, "{file}: cannot read: {error}"),
            ScenarioError::Syntax { file, message } => {
                write!(f, "{file}: not valid TOML: {}", message.trim_end())
            }
            ScenarioError::Invalid { file, problems } => {
                let n = problems.len();
                writeln!(
                    f,
                    "{file}: invalid scenario ({n} problem{}):",
                    if n == 1 { "" } else { "s" }
                )?;
                for (i, p) in problems.iter().enumerate() {
                    write!(f, "  {}: {}", shorten(&p.path), p.message)?;
                    if i + 1 < n {
                        writeln!(f)?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ScenarioError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_with_their_length() {
        assert_eq!(shorten("3h"), "3h");
        let long = "x".repeat(100_000);
        assert_eq!(
            shorten(&long),
            format!("{}… (100000 characters)", "x".repeat(60))
        );
        let line = format!("found {long:?} (from --set)");
        assert_eq!(
            clip_long_values(&line),
            format!(
                "found \"{}… (100002 characters) (from --set)",
                "x".repeat(59)
            )
        );
        let path = format!("/{}/file.toml: cannot read", "d".repeat(150));
        assert_eq!(clip_long_values(&path), path);
    }
}
