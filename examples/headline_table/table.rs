//! The headline results table of `docs/results.md`: which scenarios it
//! shows, its columns, and how each cell is read from a run's
//! `summary.json`. Shared by the `headline_table` example, which runs the
//! scenarios, and by `tests/docs.rs`, which checks the table in the docs.
//!
//! Each column is a list of (summary key, format) cells. To show replicated
//! runs with intervals instead, read the same keys from a sweep's
//! `points.csv` (`MEASURE_mean`, `MEASURE_ci95`) and add a format that
//! prints `mean ± ci95`: the column list does not change.

use serde_json::Value;

/// The shipped scenarios, one row each, in this order.
pub const SCENARIOS: [&str; 5] = [
    "mercure",
    "mercure-immediate",
    "mercure-no-experts",
    "airline-24-7",
    "erlang-a",
];

/// How a value is printed. `null` prints as a dash.
#[derive(Clone, Copy)]
pub enum Format {
    /// The scenario's name, as text.
    Text,
    /// A share in [0, 1], as a percentage with one decimal.
    Percent,
    /// Hours, with two decimals.
    Hours,
    /// A plain number with one decimal.
    OneDecimal,
    /// A count.
    Count,
}

pub struct Column {
    pub title: &'static str,
    /// Dotted keys into `summary.json`; several cells are joined by " / ".
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
        title: "staff answers",
        cells: &[("staff.answers", Format::Count)],
    },
    Column {
        title: "exited / complained",
        cells: &[
            ("questions.exited", Format::Count),
            ("questions.complained", Format::Count),
        ],
    },
];

/// The table in Markdown, header included, one row per summary.
pub fn markdown(summaries: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let titles: Vec<&str> = COLUMNS.iter().map(|c| c.title).collect();
    out.push_str(&format!("| {} |\n", titles.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(COLUMNS.len())));
    for summary in summaries {
        let mut row = Vec::new();
        for column in COLUMNS {
            let cells = column
                .cells
                .iter()
                .map(|&(key, format)| cell(summary, key, format))
                .collect::<Result<Vec<_>, _>>()?;
            row.push(cells.join(" / "));
        }
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    Ok(out)
}

fn cell(summary: &Value, key: &str, format: Format) -> Result<String, String> {
    let value = key
        .split('.')
        .try_fold(summary, |node, part| node.get(part))
        .ok_or_else(|| format!("summary.json has no key {key}"))?;
    if value.is_null() {
        return Ok("–".into());
    }
    let number = || {
        value
            .as_f64()
            .ok_or_else(|| format!("{key} is not a number: {value}"))
    };
    Ok(match format {
        Format::Text => value
            .as_str()
            .ok_or_else(|| format!("{key} is not text: {value}"))?
            .to_string(),
        Format::Percent => format!("{:.1} %", 100.0 * number()?),
        Format::Hours => format!("{:.2}", number()?),
        Format::OneDecimal => format!("{:.1}", number()?),
        Format::Count => format!("{}", number()?),
    })
}
