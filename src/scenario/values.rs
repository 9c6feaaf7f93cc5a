//! TOML values as the reader needs them: numbers whatever their TOML type,
//! durations, a value described for a message, and the "did you mean"
//! suggestion for a mistyped key.

use super::error::shorten;
use crate::time::{SimDuration, parse_duration};
use toml::Value;

pub(super) fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

pub(super) fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string {:?}", shorten(s)),
        Value::Integer(i) => format!("the number {i}"),
        Value::Float(f) => format!("the number {f}"),
        Value::Boolean(b) => format!("{b}"),
        Value::Datetime(d) => format!("the date {d}"),
        Value::Array(_) => "a list".to_string(),
        Value::Table(_) => "a table".to_string(),
    }
}

pub(super) fn read_duration(v: &Value) -> Result<SimDuration, String> {
    match v {
        // A long string is echoed shortened, not by parse_duration's message.
        Value::String(s) if s.chars().count() > super::error::ECHO_CHARS => parse_duration(s)
            .map_err(|_| {
                format!(
                    "expected a duration string like \"90s\", \"6m\" or \"3h\", found {}",
                    describe(v)
                )
            }),
        Value::String(s) => parse_duration(s).map_err(|e| e.to_string()),
        Value::Integer(0) => Ok(SimDuration::ZERO),
        other => Err(format!(
            "expected a duration string like \"90s\", \"6m\" or \"3h\", found {}",
            describe(other)
        )),
    }
}

/// The known key closest to a mistyped one, if it is close enough to be a
/// typo (edit distance at most 2, or a third of the length).
pub(super) fn closest<'k>(key: &str, known: &'k [String]) -> Option<&'k str> {
    let limit = (key.len() / 3).max(2);
    known
        .iter()
        .map(|k| (edit_distance(key, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
