//! Reads a post log written as tidy CSV (`crate::posts` gives the
//! columns), streaming: one row at a time, so a large export never sits
//! in memory as text. The first malformed row stops the read with its line
//! and column, unless `--skip-bad-rows` skips and counts it.

use super::clock::Clock;
use super::log::{LogBuilder, PostLog, Problem, Row};
use crate::posts::{Kind, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, Role};
use std::io::Read;

/// Where each column is, by name; optional ones may be missing.
struct Columns {
    required: [usize; 5],
    optional: [Option<usize>; 4],
    names: Vec<String>,
}

impl Columns {
    fn find(headers: &csv::StringRecord, roles_inferred: bool) -> Result<Columns, Problem> {
        let names: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
        let position = |name: &str| names.iter().position(|h| h == name);
        let mut required = [0; 5];
        let mut missing = Vec::new();
        for (i, name) in REQUIRED_COLUMNS.iter().enumerate() {
            match position(name) {
                Some(p) => required[i] = p,
                // Roles may be inferred from --staff-authors: the column
                // may then be absent (it is read as empty).
                None if *name == "role" && roles_inferred => required[i] = usize::MAX,
                None => missing.push(*name),
            }
        }
        if !missing.is_empty() {
            return Err(Problem::at(
                1,
                None,
                format!(
                    "missing column{} {}: a post log needs {} (found: {})",
                    if missing.len() > 1 { "s" } else { "" },
                    missing.join(", "),
                    REQUIRED_COLUMNS.join(", "),
                    names.join(", ")
                ),
            ));
        }
        let optional = OPTIONAL_COLUMNS.map(position);
        Ok(Columns {
            required,
            optional,
            names,
        })
    }

    /// "column 5 (created_at)"
    fn label(&self, index: usize) -> String {
        format!("column {} ({})", index + 1, self.names[index])
    }
}

/// Reads a CSV post log from `input` (the builder names the file).
pub fn read(
    input: impl Read,
    clock: &Clock,
    mut builder: LogBuilder,
    roles_inferred: bool,
) -> Result<PostLog, Problem> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| Problem::at(1, None, format!("cannot read the header: {e}")))?
        .clone();
    let columns = Columns::find(&headers, roles_inferred)?;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                if let Err(problem) = read_row(&record, line, &columns, clock, &mut builder) {
                    builder.bad_row(problem)?;
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let message = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_string(),
                    _ => e.to_string(),
                };
                let problem = Problem::at(line, None, message);
                // A broken row is skipped like any other; an I/O error ends.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(problem);
                }
                builder.bad_row(problem)?;
            }
        }
    }
    builder.finish()
}

fn read_row(
    record: &csv::StringRecord,
    line: u64,
    columns: &Columns,
    clock: &Clock,
    builder: &mut LogBuilder,
) -> Result<(), Problem> {
    let cell = |index: usize| -> Result<&str, Problem> {
        record.get(index).map(str::trim).ok_or_else(|| {
            Problem::at(
                line,
                None,
                format!(
                    "{} fields, but the header has {}",
                    record.len(),
                    columns.names.len()
                ),
            )
        })
    };
    let [thread_col, post_col, author_col, role_col, at_col] = columns.required;
    let required = |index: usize| -> Result<&str, Problem> {
        let value = cell(index)?;
        if value.is_empty() {
            return Err(Problem::at(
                line,
                Some(columns.label(index)),
                "empty: every post needs one",
            ));
        }
        Ok(value)
    };
    let thread = required(thread_col)?;
    let post = required(post_col)?;
    let author = required(author_col)?;
    let role = if role_col == usize::MAX {
        None
    } else {
        match cell(role_col)? {
            "" => None,
            name => Some(Role::from_name(name).ok_or_else(|| {
                Problem::at(
                    line,
                    Some(columns.label(role_col)),
                    format!("{name:?} is not a role: expected customer, expert or staff"),
                )
            })?),
        }
    };
    let at = clock
        .parse(required(at_col)?)
        .map_err(|message| Problem::at(line, Some(columns.label(at_col)), message))?;
    let [_reply_to, topic_col, accepted_col, kind_col] = columns.optional;
    let optional = |index: Option<usize>| -> Result<Option<&str>, Problem> {
        index
            .map(cell)
            .transpose()
            .map(|v| v.filter(|v| !v.is_empty()))
    };
    let topic = optional(topic_col)?;
    let accepted = match optional(accepted_col)? {
        None => false,
        Some(v) => parse_bool(v).ok_or_else(|| {
            Problem::at(
                line,
                accepted_col.map(|i| columns.label(i)),
                format!("{v:?} is not a yes/no value: expected true or false"),
            )
        })?,
    };
    let kind = optional(kind_col)?
        .map(|name| {
            Kind::from_name(name).ok_or_else(|| {
                Problem::at(
                    line,
                    kind_col.map(|i| columns.label(i)),
                    format!(
                        "{name:?} is not a kind of post: expected question, chase, answer, confirmation or escalation"
                    ),
                )
            })
        })
        .transpose()?;
    builder.add(Row {
        line,
        thread,
        post,
        author,
        role,
        at,
        topic,
        accepted,
        kind,
    })
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "t" => Some(true),
        "false" | "0" | "no" | "n" | "f" => Some(false),
        _ => None,
    }
}
