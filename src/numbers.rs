//! How numbers print for people, in one place: counts with thousands
//! separators, plurals, and floats in messages without binary noise.
//! The terminal table, the report and the scenario messages all use these,
//! so a figure reads the same wherever it appears.

/// Digits grouped by three with commas: "999", "1,000", "141,095".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count held as a float (a mean, hours): rounded, then grouped.
pub fn count(x: f64) -> String {
    if x.is_finite() {
        thousands(x.round() as i64)
    } else {
        "-".into()
    }
}

/// "1 team", "2 teams", "0 teams": the count and the right form.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        thousands(n as i64),
        if n == 1 { one } else { many }
    )
}

/// A float for a message: at most 10 significant digits, so that a sum
/// such as 0.7 + 0.35 prints as `1.05`, not `1.0499999999999998`, while a
/// number the user wrote prints as written.
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return format!("{x}");
    }
    let rounded: f64 = format!("{x:.9e}").parse().unwrap_or(x);
    // Very large or small numbers in scientific notation, not 300 digits.
    if !(1e-5..1e15).contains(&rounded.abs()) {
        format!("{rounded:e}")
    } else {
        format!("{rounded}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(69408), "69,408");
        assert_eq!(thousands(-1234567), "-1,234,567");
        assert_eq!(count(141095.4), "141,095");
        assert_eq!(count(f64::NAN), "-");
    }

    #[test]
    fn plurals_agree_with_their_count() {
        assert_eq!(plural(1, "team", "teams"), "1 team");
        assert_eq!(plural(0, "team", "teams"), "0 teams");
        assert_eq!(plural(12000, "day", "days"), "12,000 days");
    }

    #[test]
    fn floats_in_messages_carry_no_binary_noise() {
        assert_eq!(format!("{}", 0.7 + 0.35), "1.0499999999999998");
        assert_eq!(fmt_num(0.7 + 0.35), "1.05");
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(1.0), "1");
        assert_eq!(fmt_num(0.123456789), "0.123456789");
        assert_eq!(fmt_num(1e300), "1e300");
        assert_eq!(fmt_num(-2.5e-7), "-2.5e-7");
        assert_eq!(fmt_num(100_000_000.0), "100000000");
        assert_eq!(fmt_num(f64::INFINITY), "inf");
        assert_eq!(fmt_num(0.0), "0");
    }
}
