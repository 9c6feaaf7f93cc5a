//! Weekly shift windows: "mon-fri 09:00-18:00", "sat,sun 10:00-14:00",
//! "mon-sun 22:00-06:00" (a window that ends before it starts runs past
//! midnight into the next day).

use crate::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_WEEK};

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The on-shift part of a week, as sorted, disjoint `[start, end)` spans in
/// milliseconds from Monday 00:00. A span may end past the week's end when
/// it wraps from Sunday into Monday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyWindows {
    pub spans: Vec<(u64, u64)>,
}

impl WeeklyWindows {
    /// Parses a pattern's windows; an error says what was expected.
    pub fn parse(windows: &[String]) -> Result<WeeklyWindows, String> {
        if windows.is_empty() {
            return Err(
                "empty schedule: give at least one window like \"mon-fri 09:00-18:00\"".into(),
            );
        }
        let mut spans = Vec::new();
        for text in windows {
            spans.extend(parse_window(text)?);
        }
        // Fold everything into one week, splitting spans that wrap, then
        // look for overlaps.
        let mut folded: Vec<(u64, u64, &str)> = Vec::new();
        for (span, text) in spans {
            let (start, end) = span;
            if end <= MS_PER_WEEK {
                folded.push((start, end, text));
            } else {
                folded.push((start, MS_PER_WEEK, text));
                folded.push((0, end - MS_PER_WEEK, text));
            }
        }
        folded.sort();
        for pair in folded.windows(2) {
            if pair[1].0 < pair[0].1 {
                return Err(format!(
                    "overlapping schedule: {:?} and {:?} both cover {}",
                    pair[0].2,
                    pair[1].2,
                    describe_instant(pair[1].0)
                ));
            }
        }
        // Merge touching spans (Mon 00:00-24:00 then Tue 00:00-...).
        let mut merged: Vec<(u64, u64)> = Vec::new();
        for (start, end, _) in folded {
            match merged.last_mut() {
                Some(last) if last.1 == start => last.1 = end,
                _ => merged.push((start, end)),
            }
        }
        Ok(WeeklyWindows { spans: merged })
    }

    /// Whether the whole week is covered (no shift changes ever).
    pub fn always_on(&self) -> bool {
        self.spans == [(0, MS_PER_WEEK)]
    }

    /// Whether an instant (ms within the week) is on shift.
    pub fn contains(&self, week_ms: u64) -> bool {
        self.spans.iter().any(|&(s, e)| s <= week_ms && week_ms < e)
    }

    /// Shift changes within a week, sorted: (ms from Monday 00:00, on?).
    /// A span running to the week's end and one starting at Monday 00:00
    /// are one shift across the week boundary, so no change is listed there.
    pub fn changes(&self) -> Vec<(u64, bool)> {
        if self.always_on() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let wraps = self.spans.first().is_some_and(|s| s.0 == 0)
            && self.spans.last().is_some_and(|s| s.1 == MS_PER_WEEK);
        for (i, &(start, end)) in self.spans.iter().enumerate() {
            if !(wraps && i == 0) {
                out.push((start, true));
            }
            if !(wraps && i == self.spans.len() - 1) {
                out.push((end % MS_PER_WEEK, false));
            }
        }
        out.sort();
        out
    }

    /// Hours on shift per week.
    pub fn hours_per_week(&self) -> f64 {
        self.spans.iter().map(|(s, e)| (e - s) as f64).sum::<f64>() / MS_PER_HOUR as f64
    }
}

fn describe_instant(ms: u64) -> String {
    let day = DAY_NAMES[((ms / MS_PER_DAY) % 7) as usize];
    let minutes = (ms % MS_PER_DAY) / MS_PER_MINUTE;
    format!("{day} {:02}:{:02}", minutes / 60, minutes % 60)
}

/// A span of the week and the window text it came from (for messages).
type Span<'t> = ((u64, u64), &'t str);

fn parse_window(text: &str) -> Result<Vec<Span<'_>>, String> {
    let expected = || {
        format!(
            "expected a window like \"mon-fri 09:00-18:00\" or \"sat,sun 22:00-06:00\", found {text:?}"
        )
    };
    let mut parts = text.split_whitespace();
    let (Some(days), Some(hours), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(expected());
    };
    let day_list = parse_days(days).map_err(|e| format!("{e} in {text:?}"))?;
    let (from, to) = hours.split_once('-').ok_or_else(expected)?;
    let from = parse_clock(from).ok_or_else(expected)?;
    let to = parse_clock(to).ok_or_else(expected)?;
    if from == to {
        return Err(format!(
            "window {text:?} is empty: its start equals its end"
        ));
    }
    if from == 24 * 60 {
        return Err(format!(
            "window {text:?} starts at 24:00: write 00:00 of the next day"
        ));
    }
    let length = if to > from {
        to - from
    } else {
        to + 24 * 60 - from
    };
    Ok(day_list
        .into_iter()
        .map(|day| {
            let start = day * MS_PER_DAY + from * MS_PER_MINUTE;
            ((start, start + length * MS_PER_MINUTE), text)
        })
        .collect())
}

/// "mon-fri", "sat,sun", "mon-sun", "fri-mon" (wrapping), "wed".
fn parse_days(text: &str) -> Result<Vec<u64>, String> {
    let index = |name: &str| -> Result<u64, String> {
        DAY_NAMES
            .iter()
            .position(|d| *d == name.to_ascii_lowercase())
            .map(|i| i as u64)
            .ok_or_else(|| format!("unknown day {name:?} (use mon, tue, wed, thu, fri, sat, sun)"))
    };
    let mut days = Vec::new();
    for item in text.split(',') {
        match item.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (index(a)?, index(b)?);
                let mut d = a;
                loop {
                    days.push(d);
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => days.push(index(item)?),
        }
    }
    let mut sorted = days.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != days.len() {
        return Err(format!("a day is listed twice in {text:?}"));
    }
    Ok(days)
}

/// "09:00" -> minutes from midnight; "24:00" is allowed as an end.
fn parse_clock(text: &str) -> Option<u64> {
    let (h, m) = text.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    if !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: u64 = h.parse().ok()?;
    let m: u64 = m.parse().ok()?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(windows: &[&str]) -> Result<WeeklyWindows, String> {
        WeeklyWindows::parse(&windows.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn weekday_daytime() {
        let w = parse(&["mon-fri 09:00-18:00"]).unwrap();
        assert_eq!(w.spans.len(), 5);
        assert_eq!(w.hours_per_week(), 45.0);
        assert!(w.contains(9 * MS_PER_HOUR));
        assert!(!w.contains(18 * MS_PER_HOUR));
        assert!(!w.contains(5 * MS_PER_DAY + 10 * MS_PER_HOUR));
        assert_eq!(w.changes().len(), 10);
    }

    #[test]
    fn night_shift_wraps_into_monday() {
        let w = parse(&["mon-sun 22:00-06:00"]).unwrap();
        assert_eq!(w.hours_per_week(), 56.0);
        assert!(
            w.contains(2 * MS_PER_HOUR),
            "Sunday's night runs into Monday 02:00"
        );
        assert!(w.contains(MS_PER_WEEK - MS_PER_HOUR));
        let changes = w.changes();
        assert_eq!(changes.len(), 14);
        assert_eq!(changes[0], (6 * MS_PER_HOUR, false));
    }

    #[test]
    fn round_the_clock_has_no_changes() {
        let w = parse(&["mon-sun 00:00-24:00"]).unwrap();
        assert!(w.always_on());
        assert!(w.changes().is_empty());
        let w = parse(&["mon-fri 00:00-24:00", "sat,sun 00:00-24:00"]).unwrap();
        assert!(w.always_on());
    }

    #[test]
    fn rejects_overlaps_and_nonsense() {
        assert!(parse(&[]).unwrap_err().contains("empty schedule"));
        assert!(
            parse(&["mon-fri 09:00-18:00", "fri 17:00-20:00"])
                .unwrap_err()
                .contains("overlapping")
        );
        assert!(parse(&["mon-mon 09:00-18:00"]).is_ok());
        for bad in [
            "monday 09:00-18:00",
            "mon-fri 9-18",
            "mon-fri 09:00-25:00",
            "mon-fri 09:00-09:00",
            "mon-fri",
            "mon,mon 09:00-10:00",
            "mon-fri 09:60-10:00",
        ] {
            assert!(parse(&[bad]).is_err(), "{bad:?} should be rejected");
        }
    }
}
