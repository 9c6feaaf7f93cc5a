//! The post log: one row per public post of a forum, the format `run
//! --trace` writes (`posts.csv`) and `fit` reads. A simulated forum can so
//! be fitted back, and a real forum's export, written in the same columns,
//! fitted the same way. The format is documented in docs/fit.md.
//!
//! Columns, in this order: `thread_id, post_id, author_id, role,
//! created_at, reply_to, topic, accepted, kind`. The first five are
//! required on input; the others may be absent or empty.

use crate::time::SimTime;

/// The columns a log must have.
pub const REQUIRED_COLUMNS: [&str; 5] = ["thread_id", "post_id", "author_id", "role", "created_at"];
/// The columns a log may have.
pub const OPTIONAL_COLUMNS: [&str; 4] = ["reply_to", "topic", "accepted", "kind"];

/// Who wrote a post, as the log says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The asker of the thread (the question and their follow-ups).
    Customer,
    /// A member who is not staff, answering someone else's thread.
    Expert,
    Staff,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Customer, Role::Expert, Role::Staff];

    pub fn name(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Expert => "expert",
            Role::Staff => "staff",
        }
    }

    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// What a post is. Real logs rarely say; the simulator always does, and
/// `fit` infers it when the column is absent (the thread's first post is
/// its question, the asker's later posts before an answer are chases,
/// every other post is an answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Question,
    /// The asker bumps an unanswered thread.
    Chase,
    Answer,
    /// A staff member confirms an expert's answer ("I confirm what X said").
    Confirmation,
    /// A staff member's public acknowledgement of an account question,
    /// handed to the back office.
    Escalation,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Question,
        Kind::Chase,
        Kind::Answer,
        Kind::Confirmation,
        Kind::Escalation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Question => "question",
            Kind::Chase => "chase",
            Kind::Answer => "answer",
            Kind::Confirmation => "confirmation",
            Kind::Escalation => "escalation",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The author of a simulated post. Each question is asked by a customer of
/// its own (the model has no returning askers), named after the thread; a
/// customer recruited into the experts keeps that name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Author {
    Customer(u64),
    Expert(u32),
    Staff(u32),
}

/// One public post of a simulated forum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Post {
    /// The thread: its question's sequence number.
    pub thread: u64,
    pub at: SimTime,
    pub author: Author,
    pub kind: Kind,
    /// Index into the scenario's topics.
    pub topic: usize,
    /// The asker marked it as the solution.
    pub accepted: bool,
}

/// Who is who across a forum's history: a customer recruited into the
/// experts is the same person, so their answers as an expert have their
/// asker's identity. Fed by `Observer::expert_joined`.
#[derive(Debug, Default)]
pub struct Recruits {
    /// Per expert id: the thread whose asker they were, if recruited.
    recruited_from: Vec<Option<u64>>,
}

impl Recruits {
    pub fn joined(&mut self, expert: u32, recruited_from: Option<u64>) {
        let i = expert as usize;
        if self.recruited_from.len() <= i {
            self.recruited_from.resize(i + 1, None);
        }
        self.recruited_from[i] = recruited_from;
    }

    /// The person behind `author`: a recruited expert is the customer
    /// they were.
    pub fn person(&self, author: Author) -> Author {
        match author {
            Author::Expert(e) => match self.recruited_from.get(e as usize).copied().flatten() {
                Some(thread) => Author::Customer(thread),
                None => author,
            },
            _ => author,
        }
    }
}

impl Post {
    pub fn role(&self) -> Role {
        match self.author {
            Author::Customer(_) => Role::Customer,
            Author::Expert(_) => Role::Expert,
            Author::Staff(_) => Role::Staff,
        }
    }
}

/// The calendar instant simulated time zero stands for in a written log:
/// Monday 1 January 2024, 00:00 UTC. Any Monday midnight would do (the
/// model's week starts on Monday); a fixed one makes logs comparable.
pub const EPOCH_UNIX_SECONDS: i64 = 1_704_067_200;

/// `at` as an RFC 3339 UTC timestamp with milliseconds, counted from
/// `EPOCH_UNIX_SECONDS`: "2024-01-01T03:25:07.042Z".
pub fn timestamp(at: SimTime) -> String {
    let ms = at.as_millis();
    let seconds = EPOCH_UNIX_SECONDS + (ms / 1000) as i64;
    let (days, in_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3600,
        in_day / 60 % 60,
        in_day % 60,
        ms % 1000
    )
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`): exact for every day an i64 holds here.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{MS_PER_DAY, MS_PER_HOUR};

    #[test]
    fn time_zero_is_monday_the_first_of_january_2024() {
        assert_eq!(timestamp(SimTime::ZERO), "2024-01-01T00:00:00.000Z");
        // 2024 is a leap year: day 59 is 29 February, day 366 is 2025.
        assert_eq!(
            timestamp(SimTime(59 * MS_PER_DAY + 13 * MS_PER_HOUR + 61_042)),
            "2024-02-29T13:01:01.042Z"
        );
        assert_eq!(
            timestamp(SimTime(366 * MS_PER_DAY)),
            "2025-01-01T00:00:00.000Z"
        );
        assert_eq!(
            timestamp(SimTime(10 * 365 * MS_PER_DAY)),
            "2033-12-29T00:00:00.000Z"
        );
    }

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_name(r.name()), Some(r));
        }
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.name()), Some(k));
        }
        assert_eq!(Role::from_name("moderator"), None);
    }
}
