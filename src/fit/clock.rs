//! Times in a post log: RFC 3339 with an offset (`2024-01-01T10:00:00Z`,
//! `...+01:00`), or naive (`2024-01-01 10:00:00`, as many exports write
//! them), which need `--timezone` (an IANA name such as `Europe/Paris`, or
//! `UTC`).
//!
//! Each time gives two numbers: the instant (ms since 1970 UTC), for every
//! duration, and the **local civil time** (the same count, read as if the
//! wall clock were UTC), for the hour-of-week profiles, since people keep
//! local hours. The local time is the wall clock in `--timezone` when one
//! is given, else the clock as written with its own offset.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, tz::Offset};

/// How a log's times are read.
#[derive(Debug, Clone)]
pub struct Clock {
    /// The zone naive times are written in.
    naive: Option<TimeZone>,
    /// The zone whose wall clock the profiles use (None: as written).
    zone: Option<TimeZone>,
}

/// One parsed time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub instant_ms: i64,
    /// The local wall clock, in milliseconds since 1970-01-01T00:00 (local).
    pub local_ms: i64,
}

impl Stamp {
    /// Hour of the week in local time, 0 = Monday 00:00-01:00.
    pub fn hour_of_week(self) -> usize {
        let hours = self.local_ms.div_euclid(3_600_000);
        // 1970-01-01 was a Thursday: day 0 is weekday 3 (Monday = 0).
        let day = (hours.div_euclid(24) + 3).rem_euclid(7);
        (day * 24 + hours.rem_euclid(24)) as usize
    }
}

impl Clock {
    /// `zone`: an IANA time zone name, `UTC`, or None.
    pub fn new(zone: Option<&str>) -> Result<Clock, String> {
        let zone = zone
            .map(|name| {
                TimeZone::get(name).map_err(|_| {
                    format!(
                        "--timezone {name:?} is not a time zone: give an IANA name such as Europe/Paris, or UTC"
                    )
                })
            })
            .transpose()?;
        Ok(Clock {
            naive: zone.clone(),
            zone,
        })
    }

    /// Naive times in UTC (the Stack Exchange dump's convention), profiles
    /// on `zone`'s wall clock (default UTC).
    pub fn naive_utc(zone: Option<&str>) -> Result<Clock, String> {
        let mut clock = Clock::new(zone)?;
        clock.naive = Some(TimeZone::UTC);
        if clock.zone.is_none() {
            clock.zone = Some(TimeZone::UTC);
        }
        Ok(clock)
    }

    /// Parses one time, or says what was expected.
    pub fn parse(&self, text: &str) -> Result<Stamp, String> {
        let text = text.trim();
        let (civil, offset) = split_offset(text);
        let datetime: DateTime = civil
            .replacen(' ', "T", 1)
            .parse()
            .map_err(|_| expected(text))?;
        let instant = match offset {
            Some(offset) => {
                let offset = parse_offset(offset).ok_or_else(|| expected(text))?;
                offset.to_timestamp(datetime).map_err(|_| expected(text))?
            }
            None => {
                let zone = self.naive.as_ref().ok_or_else(|| {
                    format!(
                        "{text:?} has no UTC offset: give --timezone (e.g. --timezone Europe/Paris, or UTC) for naive times"
                    )
                })?;
                zone.to_timestamp(datetime).map_err(|_| expected(text))?
            }
        };
        let local = match (&self.zone, offset) {
            (Some(zone), _) => zone.to_datetime(instant),
            (None, _) => datetime,
        };
        Ok(Stamp {
            instant_ms: instant.as_millisecond(),
            local_ms: Offset::UTC
                .to_timestamp(local)
                .map(Timestamp::as_millisecond)
                .map_err(|_| expected(text))?,
        })
    }
}

fn expected(text: &str) -> String {
    format!(
        "{text:?} is not a time: expected RFC 3339, e.g. 2024-01-01T10:00:00Z or 2024-01-01T10:00:00+01:00 (naive times need --timezone)"
    )
}

/// Splits `...Z` or `...+01:00` / `...-0500` into the civil part and the
/// offset; a date's own dashes are not an offset.
fn split_offset(text: &str) -> (&str, Option<&str>) {
    if let Some(civil) = text.strip_suffix(['Z', 'z']) {
        return (civil, Some("Z"));
    }
    // An offset starts after the time part (past "YYYY-MM-DDTHH").
    let tail_start = text.find(['T', 't', ' ']).map_or(text.len(), |i| i + 1);
    match text[tail_start..].rfind(['+', '-']) {
        Some(i) => (&text[..tail_start + i], Some(&text[tail_start + i..])),
        None => (text, None),
    }
}

fn parse_offset(text: &str) -> Option<Offset> {
    if text == "Z" {
        return Some(Offset::UTC);
    }
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = text[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_give_the_instant_and_keep_the_written_wall_clock() {
        let clock = Clock::new(None).unwrap();
        let z = clock.parse("2024-01-01T10:00:00Z").unwrap();
        let paris = clock.parse("2024-01-01T11:00:00+01:00").unwrap();
        assert_eq!(z.instant_ms, 1_704_103_200_000);
        assert_eq!(paris.instant_ms, z.instant_ms);
        // Monday 2024-01-01: 10 h and 11 h of the week's first day.
        assert_eq!(z.hour_of_week(), 10);
        assert_eq!(paris.hour_of_week(), 11);
        let ms = clock.parse("2024-01-07T23:59:59.250-05:00").unwrap();
        assert_eq!(ms.hour_of_week(), 167);
        assert_eq!(ms.instant_ms % 1000, 250);
    }

    #[test]
    fn naive_times_need_a_zone_and_follow_its_daylight_saving() {
        let err = Clock::new(None)
            .unwrap()
            .parse("2024-01-01 10:00:00")
            .unwrap_err();
        assert!(err.contains("--timezone"), "{err}");
        let paris = Clock::new(Some("Europe/Paris")).unwrap();
        let winter = paris.parse("2024-01-01 10:00:00").unwrap();
        let summer = paris.parse("2024-07-01T10:00:00").unwrap();
        assert_eq!(winter.instant_ms, 1_704_099_600_000); // 09:00Z
        assert_eq!(summer.instant_ms, 1_719_820_800_000); // 08:00Z
        assert_eq!(winter.hour_of_week(), 10);
        // With a zone, an instant written in UTC is read on the local clock.
        assert_eq!(paris.parse("2024-07-01T08:00:00Z").unwrap(), summer);
    }

    #[test]
    fn bad_times_and_zones_say_what_was_expected() {
        let clock = Clock::naive_utc(None).unwrap();
        for bad in [
            "",
            "yesterday",
            "2024-13-01T00:00:00Z",
            "2024-01-01T25:00Z",
            "2024-01-01T10:00:00+2",
        ] {
            let err = clock.parse(bad).unwrap_err();
            assert!(err.contains("RFC 3339"), "{bad}: {err}");
        }
        let err = Clock::new(Some("Mars/Olympus")).unwrap_err();
        assert!(err.contains("IANA"), "{err}");
    }
}
