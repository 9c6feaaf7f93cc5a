//! The summary as a readable table for the terminal: a label column and
//! a value column, no line wider than `WIDTH`. A label too long for its
//! column puts its value on the next line; a value too long for its
//! column wraps after a comma, under itself.

use crate::metrics::summary::{Summary, Times};
use crate::numbers::{count, thousands};
use std::fmt::Write;

/// The widest line the table prints: a terminal's 80 columns.
pub const WIDTH: usize = 80;
/// The label column, after the two-space indent.
const LABEL: usize = 32;
/// Where values start.
const VALUE_AT: usize = 2 + LABEL + 1;

fn int(n: u64) -> String {
    thousands(n as i64)
}

/// `text` cut after commas into pieces of at most `width` characters
/// (a piece with no comma to cut at stays whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    for part in text.split_inclusive(", ") {
        match pieces.last_mut() {
            Some(last) if last.chars().count() + part.trim_end().chars().count() <= width => {
                last.push_str(part)
            }
            _ => {
                if let Some(last) = pieces.last_mut() {
                    last.truncate(last.trim_end().len());
                }
                pieces.push(part.to_string());
            }
        }
    }
    if let Some(last) = pieces.last_mut() {
        last.truncate(last.trim_end().len());
    }
    if pieces.is_empty() {
        pieces.push(String::new());
    }
    pieces
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| format!("{:.1} %", 100.0 * x))
}

fn hours(x: Option<f64>) -> String {
    match x {
        None => "-".into(),
        Some(h) if h < 1.0 => format!("{:.0} min", h * 60.0),
        Some(h) if h < 48.0 => format!("{h:.1} h"),
        Some(h) => format!("{:.1} d", h / 24.0),
    }
}

fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        String::new()
    } else {
        format!("  ({:.1} %)", 100.0 * part as f64 / whole as f64)
    }
}

struct Table {
    out: String,
}

impl Table {
    fn section(&mut self, title: &str) {
        let _ = writeln!(self.out, "\n{title}");
    }
    fn row(&mut self, label: &str, value: impl AsRef<str>) {
        let value = value.as_ref();
        let pieces = wrap(value, WIDTH - VALUE_AT);
        let mut pieces = pieces.iter();
        if label.chars().count() > LABEL {
            let _ = writeln!(self.out, "  {label}");
        } else if let Some(first) = pieces.next() {
            let _ = writeln!(self.out, "  {label:<LABEL$} {first}");
        }
        for piece in pieces {
            let _ = writeln!(self.out, "{:VALUE_AT$}{piece}", "");
        }
    }

    /// A value that does not break (the sparkline): beside its label if
    /// the line stays within `WIDTH`, else on its own line below it.
    fn wide_row(&mut self, label: &str, value: &str) {
        if VALUE_AT + value.chars().count() <= WIDTH && label.chars().count() <= LABEL {
            self.row(label, value);
        } else {
            let _ = writeln!(self.out, "  {label}\n    {value}");
        }
    }
    fn times(&mut self, t: &Times) {
        self.row("median", hours(t.median_hours));
        self.row("mean", hours(t.mean_hours));
        self.row("p90", hours(t.p90_hours));
        self.row("p99", hours(t.p99_hours));
        for (target, share) in &t.within.0 {
            self.row(&format!("within {target}"), pct(Some(*share)));
        }
    }
}

/// The backlog over the horizon in one line of block characters: hourly
/// means averaged into at most `width` buckets, scaled to the largest.
#[derive(Debug, Clone)]
pub struct Sparkline {
    bucket_hours: u64,
    sums: Vec<f64>,
    counts: Vec<u64>,
}

impl Sparkline {
    pub fn new(total_hours: u64, width: u64) -> Sparkline {
        let bucket_hours = total_hours.div_ceil(width.max(1)).max(1);
        Sparkline {
            bucket_hours,
            sums: Vec::new(),
            counts: Vec::new(),
        }
    }

    pub fn add(&mut self, hour: u64, value: f64) {
        let i = (hour / self.bucket_hours) as usize;
        if self.sums.len() <= i {
            self.sums.resize(i + 1, 0.0);
            self.counts.resize(i + 1, 0);
        }
        self.sums[i] += value;
        self.counts[i] += 1;
    }

    pub fn line(&self) -> String {
        const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
        let means: Vec<f64> = self
            .sums
            .iter()
            .zip(&self.counts)
            .map(|(s, &n)| s / n.max(1) as f64)
            .collect();
        let top = means.iter().copied().fold(0.0, f64::max);
        means
            .iter()
            .map(|m| {
                let level = if top > 0.0 {
                    (m / top * 7.0).round() as usize
                } else {
                    0
                };
                BLOCKS[level.min(7)]
            })
            .collect()
    }
}

/// Renders the summary; `backlog_line`, if any, ends it (a sparkline of
/// the backlog over the horizon).
pub fn render(s: &Summary, backlog_line: Option<&Sparkline>) -> String {
    let mut t = Table { out: String::new() };
    let _ = writeln!(
        t.out,
        "entraide: {} (seed {}), {:.0} days simulated, statistics over the last {:.0}",
        s.scenario.name, s.scenario.seed, s.scenario.horizon_days, s.scenario.measured_days
    );
    let q = &s.questions;
    t.section("Questions");
    t.row(
        "posted",
        format!("{}  ({} a day)", int(q.posted), count(q.per_day)),
    );
    t.row(
        "resolved by experts",
        format!(
            "{}{}",
            int(q.resolved_by_experts),
            share(q.resolved_by_experts, q.posted)
        ),
    );
    t.row(
        "resolved by staff",
        format!(
            "{}{}",
            int(q.resolved_by_staff),
            share(q.resolved_by_staff, q.posted)
        ),
    );
    t.row(
        "escalated to the back office",
        format!("{}{}", int(q.escalated), share(q.escalated, q.posted)),
    );
    t.row(
        "customer left silently (exit)",
        format!("{}{}", int(q.exited), share(q.exited, q.posted)),
    );
    t.row(
        "customer complained (voice)",
        format!("{}{}", int(q.complained), share(q.complained, q.posted)),
    );
    t.row("still open at the end", int(q.open));
    let a = &s.answers;
    t.section("Who answers first");
    t.row(
        "experts",
        format!("{}  ({})", int(a.first_by_experts), pct(a.expert_share)),
    );
    t.row("staff answer", int(a.first_by_staff));
    t.row("staff escalation", int(a.first_by_escalation));
    t.section("Time to first response");
    t.times(&s.first_response);
    t.section("Time to resolution");
    t.times(&s.resolution);
    t.section("Backlog (unanswered questions)");
    t.row("mean", format!("{:.1}", s.backlog.mean));
    t.row("peak", int(s.backlog.peak.max(0) as u64));
    t.row("at the end", int(s.backlog.end.max(0) as u64));
    if let Some(spark) = backlog_line {
        t.wide_row(
            &format!("over the run (peak {})", int(s.backlog.peak.max(0) as u64)),
            &spark.line(),
        );
    }
    let e = &s.experts;
    t.section("Expert members");
    t.row(
        "at start / at end",
        format!("{} / {}", int(e.initial), int(e.end)),
    );
    t.row(
        "joined / left",
        format!("{} / {}", int(e.joined), int(e.departed)),
    );
    t.row("online on average", format!("{:.1}", e.mean_online));
    for (label, r) in [
        ("initial cohort kept, 30 d", e.retention_30d),
        ("at 90 d", e.retention_90d),
        ("at 180 d", e.retention_180d),
        ("at 365 d", e.retention_365d),
    ] {
        t.row(label, pct(r));
    }
    t.row(
        "answers by the top 1 % / 10 %",
        format!("{} / {}", pct(e.top_1pct_share), pct(e.top_10pct_share)),
    );
    t.row(
        "top expert, answers a month",
        e.top_answers_per_month.map_or("-".into(), count),
    );
    let c = &s.customers;
    t.section("Customers");
    t.row("chased at least once", int(c.chased));
    t.section("Staff");
    t.row(
        "answers / confirmations / escalations",
        format!(
            "{} / {} / {}",
            int(s.staff.answers),
            int(s.staff.confirmations),
            int(s.staff.escalations)
        ),
    );
    t.row("hours on shift", count(s.staff.hours_on_shift));
    t.row("utilisation on shift", pct(s.staff.utilisation));
    t.row("overtime hours", format!("{:.1}", s.staff.overtime_hours));
    for (name, team) in &s.staff.teams {
        t.row(
            &format!("team {name} ({} staff)", int(team.count)),
            format!(
                "{} answers, {} confirmations, {} escalations, {} busy, {:.1} h overtime",
                int(team.answers),
                int(team.confirmations),
                int(team.escalations),
                pct(team.utilisation),
                team.overtime_hours
            ),
        );
    }
    t.section("Engine");
    t.row("events", int(s.engine.events));
    if let Some(why) = &s.engine.stopped_early {
        t.row("STOPPED EARLY", why);
    }
    t.out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mercure's golden summary, with figures past 10,000 and a team name
    /// too long for the label column.
    fn summary() -> Summary {
        let text = include_str!("../../tests/golden/mercure.json");
        let mut s: Summary = crate::replicate::read_summary(text).expect("a summary");
        let team = s.staff.teams.values().next().expect("a team").clone();
        s.staff
            .teams
            .insert("night-and-weekend-escalations".to_string(), team);
        s.staff.hours_on_shift = 69408.0;
        s
    }

    #[test]
    fn no_line_overflows_and_values_share_one_column() {
        let mut spark = Sparkline::new(24 * 365, 60);
        for h in 0..24 * 365 {
            spark.add(h, (h % 97) as f64);
        }
        let text = render(&summary(), Some(&spark));
        for line in text.lines() {
            assert!(line.chars().count() <= WIDTH, "{line:?}");
        }
        // A value starts at the value column, or its label stands alone
        // and the value follows on the next line.
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let label_part: String = line.chars().take(VALUE_AT).collect();
            let labelled = line.starts_with("  ") && !line.starts_with("    ");
            if labelled && line.chars().count() > VALUE_AT && !label_part.ends_with(' ') {
                let next = lines.get(i + 1).copied().unwrap_or("");
                assert!(next.starts_with("    "), "{line:?} runs into its value");
            }
        }
        assert!(
            text.contains("  answers / confirmations / escalations\n"),
            "{text}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("    ") && l.contains('█')),
            "the sparkline on its own line: {text}"
        );
    }

    #[test]
    fn every_count_from_10_000_has_separators() {
        let text = render(&summary(), None);
        assert!(
            text.contains("hours on shift                   69,408\n"),
            "{text}"
        );
        assert!(text.contains("141,095  (419 a day)"), "{text}");
        // No run of five digits or more anywhere (the seed is 2012).
        let mut run = 0;
        for c in text.chars() {
            run = if c.is_ascii_digit() { run + 1 } else { 0 };
            assert!(run < 5, "{text}");
        }
        assert!(text.contains("(18 staff)"), "{text}");
    }

    #[test]
    fn long_values_wrap_after_a_comma() {
        assert_eq!(wrap("a, b, c", 3), ["a,", "b,", "c"]);
        assert_eq!(wrap("a, b, c", 4), ["a,", "b, c"]);
        assert_eq!(wrap("a, b, c", 10), ["a, b, c"]);
        assert_eq!(wrap("unbreakable", 4), ["unbreakable"]);
        assert_eq!(wrap("", 4), [""]);
    }
}
