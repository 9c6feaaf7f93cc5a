//! Why a scenario could not be loaded: the error type the callers match on,
//! and the one problem (field path, what was expected) the reader collects.

use std::fmt;

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
                    write!(f, "  {}: {}", p.path, p.message)?;
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
