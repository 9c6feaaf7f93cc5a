//! The staff roster: the one owner of each staff member's shift state and
//! task, and of each team's list of idle members. Behaviour (`staff.rs`)
//! decides what a member does; this file keeps "on shift", "busy" and
//! "idle" consistent with each other.

use super::confirmations::Pending;
use super::ids::StaffId;
use super::questions::QuestionRef;
use crate::scenario::{Scenario, TeamId, TopicId};

/// What a busy staff member is doing.
#[derive(Debug, Clone, Copy)]
pub enum Task {
    Answer(QuestionRef),
    Escalate(QuestionRef),
    Confirm(Pending),
}

#[derive(Debug, Clone)]
struct StaffMember {
    team: TeamId,
    on_shift: bool,
    task: Option<Task>,
    /// Position in the team's idle list, when idle and on shift.
    idle_index: Option<usize>,
}

/// One shift pattern of a team: its members (consecutive ids) and when,
/// within a week, they go on and off shift.
#[derive(Debug, Clone)]
pub struct Pattern {
    first: u32,
    count: u32,
    /// Shift changes within a week: (ms from Monday 00:00, on?).
    pub changes: Vec<(u64, bool)>,
}

impl Pattern {
    pub fn members(&self) -> impl Iterator<Item = StaffId> + use<> {
        (self.first..self.first + self.count).map(StaffId)
    }
}

#[derive(Debug, Clone, Default)]
struct Team {
    idle: Vec<StaffId>,
    patterns: Vec<Pattern>,
}

#[derive(Debug)]
pub struct Roster {
    members: Vec<StaffMember>,
    teams: Vec<Team>,
    /// Per topic: the teams that cover it.
    topic_teams: Vec<Vec<TeamId>>,
    /// Per topic: whether a team with staff covers it (else nobody will
    /// ever confirm an answer there).
    staffed_topic: Vec<bool>,
    /// Members on shift with a task (those past their shift's end are
    /// finishing overtime and take nothing new).
    busy_on_shift: u32,
}

/// Splits a head count over shift patterns by share, largest remainder
/// first, so the parts always add up to the count.
pub fn split_count(count: u32, shares: &[f64]) -> Vec<u32> {
    let exact: Vec<f64> = shares.iter().map(|s| s * f64::from(count)).collect();
    let mut parts: Vec<u32> = exact.iter().map(|x| x.floor() as u32).collect();
    let mut left = count.saturating_sub(parts.iter().sum());
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = exact[a] - exact[a].floor();
        let rb = exact[b] - exact[b].floor();
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for i in order {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

impl Roster {
    /// Every team's members, split over its shift patterns, all off shift.
    pub fn new(sc: &Scenario) -> Roster {
        let topics = sc.demand.topics.len();
        let mut members = Vec::new();
        let mut teams = Vec::new();
        for (t, team) in sc.staff.teams.iter().enumerate() {
            let shares: Vec<f64> = team.shifts.iter().map(|s| s.share).collect();
            let parts = split_count(team.count, &shares);
            let mut state = Team::default();
            for (pattern, n) in team.shifts.iter().zip(parts) {
                let first = members.len() as u32;
                members.extend((0..n).map(|_| StaffMember {
                    team: TeamId::new(t),
                    on_shift: false,
                    task: None,
                    idle_index: None,
                }));
                state.patterns.push(Pattern {
                    first,
                    count: n,
                    changes: pattern.windows.changes(),
                });
            }
            teams.push(state);
        }
        Roster {
            members,
            teams,
            topic_teams: (0..topics)
                .map(|topic| {
                    let topic = TopicId::new(topic);
                    (0..sc.staff.teams.len())
                        .filter(|&t| sc.staff.teams[t].topics.contains(&topic))
                        .map(TeamId::new)
                        .collect()
                })
                .collect(),
            staffed_topic: (0..topics)
                .map(|topic| {
                    let topic = TopicId::new(topic);
                    sc.staff
                        .teams
                        .iter()
                        .any(|t| t.count > 0 && t.topics.contains(&topic))
                })
                .collect(),
            busy_on_shift: 0,
        }
    }

    /// Members on shift and busy, all teams together.
    pub fn busy_on_shift(&self) -> u32 {
        self.busy_on_shift
    }

    pub fn pattern(&self, team: TeamId, pattern: usize) -> &Pattern {
        &self.teams[team.index()].patterns[pattern]
    }

    pub fn team_of(&self, s: StaffId) -> TeamId {
        self.members[s.index()].team
    }

    pub fn is_busy(&self, s: StaffId) -> bool {
        self.members[s.index()].task.is_some()
    }

    /// Whether a team with staff covers `topic`.
    pub fn staffed(&self, topic: TopicId) -> bool {
        self.staffed_topic[topic.index()]
    }

    /// Moves a member on or off shift. Returns the member's team and
    /// whether they are busy, or `None` if nothing changed.
    pub fn set_on_shift(&mut self, s: StaffId, on: bool) -> Option<(TeamId, bool)> {
        let member = &mut self.members[s.index()];
        if member.on_shift == on {
            return None;
        }
        member.on_shift = on;
        let (team, busy) = (member.team, member.task.is_some());
        if busy {
            if on {
                self.busy_on_shift += 1;
            } else {
                self.busy_on_shift -= 1;
            }
        } else {
            if on {
                self.push_idle(s);
            } else {
                self.remove_idle(s);
            }
        }
        Some((team, busy))
    }

    fn push_idle(&mut self, s: StaffId) {
        let team = self.members[s.index()].team;
        let idle = &mut self.teams[team.index()].idle;
        self.members[s.index()].idle_index = Some(idle.len());
        idle.push(s);
    }

    fn remove_idle(&mut self, s: StaffId) {
        let team = self.members[s.index()].team;
        let Some(index) = self.members[s.index()].idle_index.take() else {
            return;
        };
        let idle = &mut self.teams[team.index()].idle;
        idle.swap_remove(index);
        if let Some(&moved) = idle.get(index) {
            self.members[moved.index()].idle_index = Some(index);
        }
    }

    /// An idle member of a team covering `topic`: of the team with the most
    /// idle members (the first such team on a tie), the last to go idle.
    pub fn idle_for(&self, topic: TopicId) -> Option<StaffId> {
        let mut best: Option<(usize, TeamId)> = None;
        for &t in &self.topic_teams[topic.index()] {
            let idle = self.teams[t.index()].idle.len();
            if idle > 0 && best.is_none_or(|(n, _)| idle > n) {
                best = Some((idle, t));
            }
        }
        best.and_then(|(_, t)| self.teams[t.index()].idle.last().copied())
    }

    /// The member starts `task`. Returns whether they are on shift.
    pub fn start(&mut self, s: StaffId, task: Task) -> bool {
        self.remove_idle(s);
        let member = &mut self.members[s.index()];
        member.task = Some(task);
        self.busy_on_shift += u32::from(member.on_shift);
        member.on_shift
    }

    /// The member finishes their task: idle again if on shift. Returns the
    /// task, the team and whether they are on shift (`None` if idle).
    pub fn finish(&mut self, s: StaffId) -> Option<(Task, TeamId, bool)> {
        let member = &mut self.members[s.index()];
        let task = member.task.take()?;
        let (team, on_shift) = (member.team, member.on_shift);
        if on_shift {
            self.busy_on_shift -= 1;
            self.push_idle(s);
        }
        Some((task, team, on_shift))
    }
}

#[cfg(test)]
mod tests {
    use super::split_count;

    #[test]
    fn head_count_split_adds_up() {
        assert_eq!(split_count(36, &[0.5, 0.5]), vec![18, 18]);
        assert_eq!(split_count(20, &[0.35, 0.35, 0.3]), vec![7, 7, 6]);
        assert_eq!(split_count(10, &[1.0 / 3.0; 3]).iter().sum::<u32>(), 10);
        assert_eq!(split_count(0, &[1.0]), vec![0]);
    }
}
