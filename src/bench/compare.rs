//! `entraide bench --compare OLD.json`: this run against an earlier one,
//! case by case: the ratio new / old of events per second (best wall
//! times), and whether it lies beyond the noise of the repeats.
//!
//! The noise of a file's case is the spread of its repeats, (worst -
//! best) / best wall time; a change is flagged when the ratio is above
//! 1 + n or below 1 / (1 + n), with n the larger of the two files' spreads
//! and `MIN_NOISE`. Repeats on a busy machine spread more, which widens
//! the band instead of flagging noise as a change.

use super::report::{Build, CaseReport, Report, SCHEMA, columns};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The smallest band: a single measurement (spread 0) still varies by a
/// few per cent from run to run on an idle machine.
pub const MIN_NOISE: f64 = 0.02;

/// The comparison, as `--json` writes it under `compared_with`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Comparison {
    /// The old file, as given.
    pub file: String,
    pub old_entraide_version: String,
    pub old_build: Build,
    pub cases: Vec<CaseComparison>,
    /// What makes the two files less comparable: a different build,
    /// `--quick` on one side only.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CaseComparison {
    pub name: String,
    pub events_per_second_old: Option<f64>,
    pub events_per_second_new: Option<f64>,
    /// new / old.
    pub ratio: Option<f64>,
    /// The band's n: a ratio within [1 / (1 + n), 1 + n] is noise.
    pub noise: Option<f64>,
    /// "faster", "slower", "within noise", "only in old" or "only in new".
    pub verdict: String,
    /// Whether both simulated the same customers and events: false when
    /// the model (or the case) changed between the two, so the rates are
    /// of different work.
    pub same_work: Option<bool>,
}

/// Reads a file written by `entraide bench --json`; the message names the
/// file and says what is wrong with it.
pub fn read(path: &Path) -> Result<Report, String> {
    let at = path.display();
    let text = crate::scenario::read_input(path)
        .map_err(|e| format!("--compare {at}: cannot read: {e}"))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!("--compare {at}: not JSON ({e}); expected the output of `entraide bench --json`")
    })?;
    match value.get("schema").and_then(|s| s.as_u64()) {
        None => {
            return Err(format!(
                "--compare {at}: no \"schema\" number: expected the output of `entraide bench --json`"
            ));
        }
        Some(s) if s != u64::from(SCHEMA) => {
            return Err(format!(
                "--compare {at}: schema {s}; this entraide reads schema {SCHEMA} (compare files written by the same schema)"
            ));
        }
        Some(_) => {}
    }
    serde_json::from_value(value)
        .map_err(|e| format!("--compare {at}: not a complete `entraide bench --json` file: {e}"))
}

fn verdict(ratio: f64, noise: f64) -> &'static str {
    if ratio > 1.0 + noise {
        "faster"
    } else if ratio < 1.0 / (1.0 + noise) {
        "slower"
    } else {
        "within noise"
    }
}

fn compare_case(old: Option<&CaseReport>, new: Option<&CaseReport>) -> CaseComparison {
    let name = new.or(old).map(|c| c.name.clone()).unwrap_or_default();
    match (old, new) {
        (Some(o), Some(n)) => {
            let ratio = n.events_per_second / o.events_per_second;
            let noise = o.spread().max(n.spread()).max(MIN_NOISE);
            CaseComparison {
                name,
                events_per_second_old: Some(o.events_per_second),
                events_per_second_new: Some(n.events_per_second),
                ratio: Some(ratio),
                noise: Some(noise),
                verdict: verdict(ratio, noise).into(),
                same_work: Some(o.events == n.events && o.customers == n.customers),
            }
        }
        _ => CaseComparison {
            name,
            events_per_second_old: old.map(|c| c.events_per_second),
            events_per_second_new: new.map(|c| c.events_per_second),
            ratio: None,
            noise: None,
            verdict: if old.is_some() {
                "only in old"
            } else {
                "only in new"
            }
            .into(),
            same_work: None,
        },
    }
}

/// `new` against `old` (read from `file`): every case of either, in the
/// new file's order, then the old file's other cases.
pub fn compare(file: &str, old: &Report, new: &Report) -> Comparison {
    let find = |r: &'_ Report, name: &str| r.cases.iter().find(|c| c.name == name).cloned();
    let mut cases: Vec<CaseComparison> = new
        .cases
        .iter()
        .map(|n| compare_case(find(old, &n.name).as_ref(), Some(n)))
        .collect();
    for o in &old.cases {
        if find(new, &o.name).is_none() {
            cases.push(compare_case(Some(o), None));
        }
    }
    let mut notes = Vec::new();
    if old.quick != new.quick {
        notes.push(format!(
            "{file} was {} --quick and this run {}: the cases simulate different horizons",
            if old.quick { "run with" } else { "run without" },
            if new.quick { "is" } else { "is not" }
        ));
    }
    if old.build != new.build {
        notes.push(format!(
            "different builds: {file} by {}, this run by {}",
            describe(&old.build),
            describe(&new.build)
        ));
    }
    if old.repeat.min(new.repeat) < 3 {
        notes.push(format!(
            "{} measurement(s) per case on one side: the noise band is then mostly its {:.0} % floor, too narrow for a shared machine; use --repeat 3 or more",
            old.repeat.min(new.repeat),
            100.0 * MIN_NOISE
        ));
    }
    if old.threads != new.threads {
        notes.push(format!(
            "the sweep ran on {} threads in {file}, on {} now",
            old.threads, new.threads
        ));
    }
    for c in &cases {
        if c.same_work == Some(false) {
            notes.push(format!(
                "{}: the simulation differs (other customers or events): the model or the case changed",
                c.name
            ));
        }
    }
    Comparison {
        file: file.to_string(),
        old_entraide_version: old.entraide_version.clone(),
        old_build: old.build.clone(),
        cases,
        notes,
    }
}

fn describe(b: &Build) -> String {
    format!(
        "{} (opt-level {}) {} {}",
        b.profile,
        b.opt_level,
        b.target,
        b.rustc.as_deref().unwrap_or("rustc unknown")
    )
}

impl Comparison {
    /// The table for people.
    pub fn render(&self) -> String {
        let mut out = format!(
            "against {} (entraide {}): events/s, new / old\n\n",
            self.file, self.old_entraide_version
        );
        let rate = |x: Option<f64>| x.map_or("-".into(), crate::numbers::count);
        let mut rows = vec![
            [
                "case",
                "old events/s",
                "new events/s",
                "new/old",
                "noise",
                "verdict",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for c in &self.cases {
            rows.push(vec![
                c.name.clone(),
                rate(c.events_per_second_old),
                rate(c.events_per_second_new),
                c.ratio.map_or("-".into(), |r| format!("{r:.3}")),
                c.noise
                    .map_or("-".into(), |n| format!("±{:.1} %", 100.0 * n)),
                c.verdict.clone(),
            ]);
        }
        out.push_str(&columns(&rows));
        for note in &self.notes {
            out.push_str(&format!("note: {note}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_band_is_symmetric_in_ratio() {
        assert_eq!(verdict(1.05, 0.02), "faster");
        assert_eq!(verdict(1.0 / 1.05, 0.02), "slower");
        assert_eq!(verdict(1.019, 0.02), "within noise");
        assert_eq!(verdict(1.0 / 1.019, 0.02), "within noise");
        assert_eq!(verdict(1.5, 0.6), "within noise");
    }
}
