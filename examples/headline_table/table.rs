//! The headline results table of `docs/results.md`: which scenarios it
//! shows, how many replications, its columns, how each replication's values
//! are read from its `Summary`, how they are kept in `replications.csv`
//! beside this file, and how the table and its one-sentence note on the
//! spread of single runs are printed from them. Shared by the
//! `headline_table` example, which runs the replications, and by
//! `tests/docs.rs`, which checks the docs against the kept values and the
//! kept values against fresh runs.
//!
//! A value is kept as text: a number as `serde_json` prints it (the
//! shortest text that reads back to the same `f64`, integers without a
//! decimal point), a string as it is, null as an empty field. So a fresh
//! run matches a kept row exactly or not at all.

#![allow(dead_code)] // the example and the test each use a subset

use entraide::stats::{self, Estimate};
use serde_json::Value;

/// Replications of each scenario. With 20, the 95 % half-width of a mean
/// is about 0.47 standard deviations of a single run, and the whole table
/// is about 70 s of CPU (a Mercure year is about 0.4 s, an Erlang-A two
/// years about 1.9 s).
pub const REPLICATIONS: u32 = 20;

/// The shipped scenarios, one row each, in this order: `scenarios/NAME.toml`.
pub const SCENARIOS: [&str; 5] = [
    "mercure",
    "mercure-immediate",
    "mercure-no-experts",
    "airline-24-7",
    "erlang-a",
];

/// The figure whose spread across single runs the note under the table
/// quotes: (scenario, key). Staff answers of Mercure vary the most.
pub const SPREAD: (&str, &str) = ("mercure", "staff.answers");

/// How a cell is printed: `mean ± half-width`, the half-width with the
/// mean's decimals. A cell where some replication has no value (null)
/// prints as a dash, as `run --replications` does.
#[derive(Clone, Copy)]
pub enum Format {
    /// The scenario's name, as text (the same in every replication).
    Text,
    /// A share in [0, 1], as a percentage with one decimal.
    Percent,
    /// Hours, with two decimals.
    Hours,
    /// A plain number with one decimal.
    OneDecimal,
    /// A count of the run (over its horizon after the warm-up), whole.
    Count,
}

pub struct Column {
    pub title: &'static str,
    /// Dotted keys into the run's `summary.json`; several cells are joined
    /// by " / ".
    pub cells: &'static [(&'static str, Format)],
}

pub const COLUMNS: &[Column] = &[
    Column {
        title: "scenario",
        cells: &[("scenario.name", Format::Text)],
    },
    Column {
        title: "expert share of first responses",
        cells: &[("answers.expert_share", Format::Percent)],
    },
    Column {
        title: "first response, median (h)",
        cells: &[("first_response.median_hours", Format::Hours)],
    },
    Column {
        title: "first response, p90 (h)",
        cells: &[("first_response.p90_hours", Format::Hours)],
    },
    Column {
        title: "backlog, mean",
        cells: &[("backlog.mean", Format::OneDecimal)],
    },
    Column {
        title: "expert retention at 365 d",
        cells: &[("experts.retention_365d", Format::Percent)],
    },
    Column {
        title: "staff answers per run",
        cells: &[("staff.answers", Format::Count)],
    },
    Column {
        title: "exited / complained per run",
        cells: &[
            ("questions.exited", Format::Count),
            ("questions.complained", Format::Count),
        ],
    },
];

/// Every key of the table, in column order: the value fields of a row.
pub fn keys() -> Vec<&'static str> {
    COLUMNS
        .iter()
        .flat_map(|c| c.cells.iter().map(|&(key, _)| key))
        .collect()
}

/// One replication of one scenario, as kept in `replications.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub scenario: String,
    pub replication: u32,
    pub seed: u64,
    /// One per key of [`keys`], as text; empty for null.
    pub values: Vec<String>,
}

/// The row of a run's summary (serialised as in `summary.json`).
pub fn row(scenario: &str, replication: u32, seed: u64, summary: &Value) -> Result<Row, String> {
    let values = keys()
        .into_iter()
        .map(|key| {
            let value = key
                .split('.')
                .try_fold(summary, |node, part| node.get(part))
                .ok_or_else(|| format!("summary.json has no key {key}"))?;
            Ok(match value {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                other => return Err(format!("{key} is neither a number nor text: {other}")),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Row {
        scenario: scenario.to_string(),
        replication,
        seed,
        values,
    })
}

/// `replications.csv`: a header, then one line per row.
pub fn csv(rows: &[Row]) -> Result<String, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = ["scenario", "replication", "seed"]
        .into_iter()
        .chain(keys())
        .map(String::from);
    writer.write_record(header).map_err(|e| e.to_string())?;
    for r in rows {
        let fields = [
            r.scenario.clone(),
            r.replication.to_string(),
            r.seed.to_string(),
        ];
        writer
            .write_record(fields.iter().chain(&r.values))
            .map_err(|e| e.to_string())?;
    }
    let bytes = writer.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// Reads `replications.csv`; its header must be this table's.
pub fn parse_csv(text: &str) -> Result<Vec<Row>, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let expected: Vec<&str> = ["scenario", "replication", "seed"]
        .into_iter()
        .chain(keys())
        .collect();
    let header = reader.headers().map_err(|e| e.to_string())?;
    if header.iter().ne(expected.iter().copied()) {
        return Err(format!(
            "the header is {:?}, expected {expected:?}: the columns changed, regenerate the file",
            header.iter().collect::<Vec<_>>()
        ));
    }
    reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            let record = record.map_err(|e| e.to_string())?;
            let number = |j: usize| {
                record[j]
                    .parse::<u64>()
                    .map_err(|e| format!("line {}: {}: {e}", i + 2, expected[j]))
            };
            Ok(Row {
                scenario: record[0].to_string(),
                replication: u32::try_from(number(1)?).map_err(|e| e.to_string())?,
                seed: number(2)?,
                values: record.iter().skip(3).map(String::from).collect(),
            })
        })
        .collect()
}

/// The rows of each scenario of [`SCENARIOS`], in order, checked to be
/// replications 0..REPLICATIONS in order, and nothing else.
fn by_scenario(rows: &[Row]) -> Result<Vec<&[Row]>, String> {
    let n = REPLICATIONS as usize;
    if rows.len() != SCENARIOS.len() * n {
        return Err(format!(
            "{} rows, expected {} scenarios × {n} replications",
            rows.len(),
            SCENARIOS.len()
        ));
    }
    let groups: Vec<&[Row]> = rows.chunks(n).collect();
    for (g, (group, name)) in groups.iter().zip(SCENARIOS).enumerate() {
        for (r, row) in group.iter().enumerate() {
            if row.scenario != name || row.replication as usize != r {
                return Err(format!(
                    "row {} is {} replication {}, expected {name} replication {r}",
                    g * n + r + 1,
                    row.scenario,
                    row.replication
                ));
            }
        }
    }
    Ok(groups)
}

/// The values of `key` over a scenario's replications; `None` if any is
/// null (a mean over the others would be conditional on the value existing,
/// the rule of `run --replications`).
fn sample(group: &[Row], key: &str) -> Result<Option<Vec<f64>>, String> {
    let index = keys()
        .iter()
        .position(|k| *k == key)
        .ok_or_else(|| format!("{key} is not a key of the table"))?;
    group
        .iter()
        .map(|row| {
            let text = &row.values[index];
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<f64>().map(Some).map_err(|e| {
                format!(
                    "{} replication {}: {key} = {text:?}: {e}",
                    row.scenario, row.replication
                )
            })
        })
        .collect::<Result<Option<Vec<f64>>, String>>()
}

fn cell(group: &[Row], key: &str, format: Format) -> Result<String, String> {
    if let Format::Text = format {
        let index = keys().iter().position(|k| *k == key).unwrap_or(0);
        let first = &group[0].values[index];
        if group.iter().any(|row| &row.values[index] != first) {
            return Err(format!("{key} differs between replications"));
        }
        return Ok(first.clone());
    }
    let Some(xs) = sample(group, key)? else {
        return Ok("–".into());
    };
    let e = Estimate::of(&xs);
    let (scale, decimals, unit) = match format {
        Format::Percent => (100.0, 1, " %"),
        Format::Hours => (1.0, 2, ""),
        Format::OneDecimal => (1.0, 1, ""),
        Format::Count | Format::Text => (1.0, 0, ""),
    };
    let (mean, half_width) = (scale * e.mean, scale * e.half_width);
    let d = decimals_for(decimals, half_width);
    Ok(format!("{mean:.d$} ± {half_width:.d$}{unit}"))
}

/// The column's decimals, or up to two more if the half-width would
/// otherwise print as 0, so that an interval shows its first significant
/// digit (`0.65 ± 0.03 %`, not `0.6 ± 0.0 %`). A half-width still 0 at two
/// more decimals (every replication nearly the same) prints as 0 with
/// them.
fn decimals_for(column: usize, half_width: f64) -> usize {
    if !(half_width.is_finite() && half_width > 0.0) {
        return column;
    }
    // The decimal of the first significant digit: 0.004 -> 3, 0.04 -> 2.
    let first_digit = (-half_width.log10()).ceil().max(0.0) as usize;
    first_digit.clamp(column, column + 2)
}

fn format_of(key: &str) -> Format {
    COLUMNS
        .iter()
        .flat_map(|c| c.cells.iter())
        .find(|(k, _)| *k == key)
        .map_or(Format::OneDecimal, |&(_, f)| f)
}

/// The table in Markdown, header included, one row per scenario, then a
/// blank line and the note on the spread of single runs ([`SPREAD`]).
pub fn markdown(rows: &[Row]) -> Result<String, String> {
    let groups = by_scenario(rows)?;
    let mut out = String::new();
    let titles: Vec<&str> = COLUMNS.iter().map(|c| c.title).collect();
    out.push_str(&format!("| {} |\n", titles.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(COLUMNS.len())));
    for group in &groups {
        let mut cells = Vec::new();
        for column in COLUMNS {
            let parts = column
                .cells
                .iter()
                .map(|&(key, format)| cell(group, key, format))
                .collect::<Result<Vec<_>, _>>()?;
            cells.push(parts.join(" / "));
        }
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out.push('\n');
    out.push_str(&spread_note(&groups)?);
    Ok(out)
}

/// One sentence: how far apart single runs of [`SPREAD`] are, against the
/// interval of their mean.
fn spread_note(groups: &[&[Row]]) -> Result<String, String> {
    let (name, key) = SPREAD;
    let i = SCENARIOS
        .iter()
        .position(|s| *s == name)
        .ok_or_else(|| format!("{name} is not a scenario of the table"))?;
    let xs = sample(groups[i], key)?.ok_or_else(|| format!("{name}: {key} is null"))?;
    let (lo, hi) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    let title = COLUMNS
        .iter()
        .find(|c| c.cells.iter().any(|(k, _)| *k == key))
        .map_or(key, |c| c.title);
    Ok(format!(
        "Single runs spread much wider than the intervals: over the {n} replications of \
         `{name}`, {title} range from {lo:.0} to {hi:.0} (standard deviation {sd:.0}), \
         while their mean is {mean}.\n",
        n = xs.len(),
        sd = stats::sd(&xs),
        mean = cell(groups[i], key, format_of(key))?,
    ))
}

/// The markers around the generated part of `docs/results.md`.
pub const BEGIN: &str = "<!-- headline-table -->\n";
pub const END: &str = "<!-- /headline-table -->";

/// The generated part of `docs/results.md` (between the markers), and the
/// rest of the page (before and after them).
pub fn split_page(text: &str) -> Result<(&str, &str, &str), String> {
    let start = text
        .find(BEGIN)
        .ok_or("docs/results.md has no `<!-- headline-table -->` line")?
        + BEGIN.len();
    let stop = start
        + text[start..]
            .find(END)
            .ok_or("docs/results.md has no `<!-- /headline-table -->` after the table")?;
    Ok((&text[..start], &text[start..stop], &text[stop..]))
}

/// The figures `MEAN ± HALF-WIDTH` (with ` %` when it follows) that the
/// page quotes outside the generated part and that no cell of the table
/// holds, each once: the sentences to update after the table changed.
pub fn stale_quotes(page: &str) -> Result<Vec<String>, String> {
    let (before, table, after) = split_page(page)?;
    let cells: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with('|'))
        .flat_map(|l| l.split(['|', '/']))
        .map(str::trim)
        .collect();
    let mut stale: Vec<String> = Vec::new();
    for quote in [before, after].iter().flat_map(|text| quotes(text)) {
        if !cells.contains(&quote.as_str()) && !stale.contains(&quote) {
            stale.push(quote);
        }
    }
    Ok(stale)
}

/// Every `NUMBER ± NUMBER` in `text`, with ` %` when it follows.
pub fn quotes(text: &str) -> Vec<String> {
    let number = |s: &str, from_end: bool| -> usize {
        let ok = |c: char| c.is_ascii_digit() || c == '.' || c == '-' || c == '−';
        if from_end {
            s.chars()
                .rev()
                .take_while(|&c| ok(c))
                .map(char::len_utf8)
                .sum()
        } else {
            s.chars().take_while(|&c| ok(c)).map(char::len_utf8).sum()
        }
    };
    let mut found = Vec::new();
    for (at, _) in text.match_indices(" ± ") {
        let left = &text[..at];
        let right = &text[at + " ± ".len()..];
        let l = number(left, true);
        // A full stop after the half-width ends the sentence.
        let r = right[..number(right, false)].trim_end_matches('.').len();
        if l == 0 || r == 0 {
            continue;
        }
        let mut quote = format!("{} ± {}", &left[left.len() - l..], &right[..r]);
        if right[r..].starts_with(" %") {
            quote.push_str(" %");
        }
        found.push(quote);
    }
    found
}
