//! Staff: teams with a head count, the topics they cover and a weekly
//! shift schedule, applying the intervention policy.
//!
//! A question the community could answer becomes eligible for staff once
//! it has waited the intervention delay; an account question after the
//! account delay. A free staff member takes the first eligible question of
//! the team's topics in policy order (oldest, chased first, or account
//! first), else confirms an expert's answer (recognition), else waits.
//! Account questions are escalated: a public acknowledgement (the first
//! response), private messages, a hand-off to the back office, which
//! resolves them later. Work running past the end of a shift is finished
//! and counted as overtime.

use super::expert::ExpertId;
use super::question::{QuestionRef, Status};
use super::{Event, Observer, World};
use crate::engine::EventQueue;
use crate::metrics::{Outcome, Responder};
use crate::scenario::{Priority, TeamId};
use crate::time::{MS_PER_WEEK, SimTime};

#[derive(Debug, Clone, Copy)]
pub enum Task {
    Answer(QuestionRef),
    Escalate(QuestionRef),
    Confirm(ExpertId),
}

#[derive(Debug, Clone)]
pub struct StaffMember {
    team: TeamId,
    on_shift: bool,
    task: Option<Task>,
    /// Position in the team's idle list, when idle and on shift.
    idle_index: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct TeamState {
    idle: Vec<u32>,
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone, Default)]
struct Pattern {
    members: Vec<u32>,
    /// Shift changes within a week: (ms from Monday 00:00, on?).
    changes: Vec<(u64, bool)>,
}

/// Splits a head count over shift patterns by share, largest remainder
/// first, so the parts always add up to the count.
fn split_count(count: u32, shares: &[f64]) -> Vec<u32> {
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

impl<O: Observer> World<'_, O> {
    pub(super) fn start_staff(&mut self, queue: &mut EventQueue<Event>) {
        let mut on_at_start = Vec::new();
        for (t, team) in self.sc.staff.teams.iter().enumerate() {
            let shares: Vec<f64> = team.shifts.iter().map(|s| s.share).collect();
            let parts = split_count(team.count, &shares);
            let mut state = TeamState::default();
            for (p, (pattern, n)) in team.shifts.iter().zip(parts).enumerate() {
                let changes = pattern.windows.changes();
                let members: Vec<u32> = (0..n)
                    .map(|_| {
                        self.staff.push(StaffMember {
                            team: t,
                            on_shift: false,
                            task: None,
                            idle_index: None,
                        });
                        (self.staff.len() - 1) as u32
                    })
                    .collect();
                if pattern.windows.contains(0) {
                    on_at_start.extend(&members);
                }
                // The first change after time zero; a change at Monday
                // 00:00 itself is already reflected in the initial state.
                let first = changes
                    .iter()
                    .position(|c| c.0 > 0)
                    .map(|i| (i, changes[i].0))
                    .or((!changes.is_empty()).then_some((0, MS_PER_WEEK)));
                if let Some((index, at)) = first {
                    queue.schedule(
                        SimTime(at),
                        Event::ShiftChanged {
                            team: t as u16,
                            pattern: p as u16,
                            index: index as u32,
                        },
                    );
                }
                state.patterns.push(Pattern { members, changes });
            }
            self.teams.push(state);
        }
        for s in on_at_start {
            self.set_on_shift(s, true);
        }
    }

    /// Moves a staff member on or off shift, keeping the levels right.
    fn set_on_shift(&mut self, s: u32, on: bool) {
        let now = self.now;
        let member = &mut self.staff[s as usize];
        if member.on_shift == on {
            return;
        }
        member.on_shift = on;
        let (team, busy) = (member.team, member.task.is_some());
        let r = &mut self.m.teams[team];
        let delta = if on { 1 } else { -1 };
        r.on_shift.add(now, delta);
        if busy {
            r.busy_on_shift.add(now, delta);
            r.busy_off_shift.add(now, -delta);
        } else if on {
            self.push_idle(s);
        } else {
            self.remove_idle(s);
        }
    }

    fn push_idle(&mut self, s: u32) {
        let team = self.staff[s as usize].team;
        let idle = &mut self.teams[team].idle;
        self.staff[s as usize].idle_index = Some(idle.len());
        idle.push(s);
    }

    fn remove_idle(&mut self, s: u32) {
        let team = self.staff[s as usize].team;
        let Some(index) = self.staff[s as usize].idle_index.take() else {
            return;
        };
        let idle = &mut self.teams[team].idle;
        idle.swap_remove(index);
        if let Some(&moved) = idle.get(index) {
            self.staff[moved as usize].idle_index = Some(index);
        }
    }

    pub(super) fn on_shift_changed(
        &mut self,
        queue: &mut EventQueue<Event>,
        team: TeamId,
        pattern: usize,
        index: usize,
    ) {
        let now = self.now;
        let p = &self.teams[team].patterns[pattern];
        let (offset, on) = p.changes[index];
        let members = p.members.clone();
        // Schedule the next change of this pattern.
        let next = (index + 1) % p.changes.len();
        let week_start = now.as_millis() - offset % MS_PER_WEEK;
        let next_offset = p.changes[next].0;
        let next_at = if next_offset > offset {
            week_start + next_offset
        } else {
            week_start + MS_PER_WEEK + next_offset
        };
        if SimTime(next_at) <= self.horizon {
            queue.schedule(
                SimTime(next_at),
                Event::ShiftChanged {
                    team: team as u16,
                    pattern: pattern as u16,
                    index: next as u32,
                },
            );
        }
        for s in members {
            self.set_on_shift(s, on);
            if on && self.staff[s as usize].task.is_none() {
                self.staff_take_next(queue, s);
            }
        }
    }

    fn staff_class(&self, r: QuestionRef) -> u8 {
        let Some(q) = self.questions.get(r) else {
            return 0;
        };
        match self.sc.policy.priority {
            Priority::Oldest => 0,
            Priority::ChasedFirst => u8::from(q.chases == 0),
            Priority::AccountFirst => u8::from(!q.needs_account),
        }
    }

    /// Puts a waiting question back where experts and (if eligible) staff
    /// can see it.
    pub(super) fn return_to_pools(&mut self, r: QuestionRef) {
        let class = self.staff_class(r);
        let Some(q) = self.questions.get_mut(r) else {
            return;
        };
        q.staff_class = class;
        let (topic, posted, community, eligible) = (
            q.topic,
            q.posted,
            q.community_answerable(),
            q.staff_eligible,
        );
        if community {
            self.expert_pool[topic].insert((posted, r.slot));
        }
        if eligible {
            self.staff_pool[topic].insert((class, posted, r.slot));
        }
    }

    pub(super) fn make_staff_eligible(&mut self, queue: &mut EventQueue<Event>, r: QuestionRef) {
        let class = self.staff_class(r);
        let Some(q) = self.questions.get_mut(r) else {
            return;
        };
        q.staff_eligible = true;
        q.staff_class = class;
        if q.status == Status::Waiting {
            let (topic, posted) = (q.topic, q.posted);
            self.staff_pool[topic].insert((class, posted, r.slot));
            self.offer_to_staff(queue, topic);
        }
    }

    pub(super) fn on_intervention_delay_elapsed(
        &mut self,
        queue: &mut EventQueue<Event>,
        r: QuestionRef,
    ) {
        if self.questions.get(r).is_some_and(|q| !q.staff_eligible) {
            self.make_staff_eligible(queue, r);
        }
    }

    /// New work in a topic: an idle member of a team covering it (the team
    /// with the most idle members) takes the team's next task.
    pub(super) fn offer_to_staff(&mut self, queue: &mut EventQueue<Event>, topic: usize) {
        let mut best: Option<(usize, TeamId)> = None;
        for &t in &self.topic_teams[topic] {
            let idle = self.teams[t].idle.len();
            if idle > 0 && best.is_none_or(|(n, _)| idle > n) {
                best = Some((idle, t));
            }
        }
        if let Some((_, t)) = best
            && let Some(&s) = self.teams[t].idle.last()
        {
            self.staff_take_next(queue, s);
        }
    }

    /// A free, on-shift member takes the next task, or stays idle.
    fn staff_take_next(&mut self, queue: &mut EventQueue<Event>, s: u32) {
        let team = self.staff[s as usize].team;
        let topics = &self.sc.staff.teams[team].topics;
        let mut best: Option<(u8, SimTime, u32)> = None;
        for &k in topics {
            if let Some(&first) = self.staff_pool[k].first()
                && best.is_none_or(|b| first < b)
            {
                best = Some(first);
            }
        }
        let task = if let Some((_, _, slot)) = best
            && let Some((r, q)) = self.questions.at_slot(slot)
        {
            if q.needs_account {
                Task::Escalate(r)
            } else {
                Task::Answer(r)
            }
        } else {
            let mut oldest: Option<(SimTime, usize)> = None;
            for &k in topics {
                if let Some(&(t, _)) = self.confirmations[k].front()
                    && oldest.is_none_or(|(o, _)| t < o)
                {
                    oldest = Some((t, k));
                }
            }
            match oldest.and_then(|(_, k)| self.confirmations[k].pop_front()) {
                Some((_, e)) => Task::Confirm(e),
                None => return,
            }
        };
        self.start_task(queue, s, task);
    }

    fn start_task(&mut self, queue: &mut EventQueue<Event>, s: u32, task: Task) {
        let now = self.now;
        let team_id = self.staff[s as usize].team;
        let team = &self.sc.staff.teams[team_id];
        let took = match task {
            Task::Answer(r) => {
                self.claim(r);
                team.answer_time.sample_duration(&mut self.staff_rng)
            }
            Task::Escalate(r) => {
                self.claim(r);
                // The public acknowledgement is the customer's first response.
                self.first_response(r, Responder::Escalation);
                let q = self.question_mut(r);
                q.escalated = true;
                if q.counted {
                    self.m.escalated += 1;
                }
                team.escalation_time.sample_duration(&mut self.staff_rng)
            }
            Task::Confirm(_) => team.confirm_time.sample_duration(&mut self.staff_rng),
        };
        self.remove_idle(s);
        let member = &mut self.staff[s as usize];
        member.task = Some(task);
        let r = &mut self.m.teams[team_id];
        if member.on_shift {
            r.busy_on_shift.add(now, 1);
        } else {
            r.busy_off_shift.add(now, 1);
        }
        queue.schedule(now + took, Event::StaffTaskFinished(s));
    }

    pub(super) fn on_staff_task_finished(&mut self, queue: &mut EventQueue<Event>, s: u32) {
        let now = self.now;
        let member = &mut self.staff[s as usize];
        let Some(task) = member.task.take() else {
            return;
        };
        let (team, on_shift) = (member.team, member.on_shift);
        let r = &mut self.m.teams[team];
        if on_shift {
            r.busy_on_shift.add(now, -1);
        } else {
            r.busy_off_shift.add(now, -1);
        }
        match task {
            Task::Answer(q) => self.staff_answered(queue, team, q),
            Task::Escalate(q) => {
                if self.m.after_warmup(now) {
                    self.m.teams[team].escalations += 1;
                }
                self.m.hour.escalations += 1;
                if let Some(question) = self.questions.get_mut(q) {
                    question.status = Status::BackOffice;
                    let delay = self
                        .sc
                        .back_office
                        .resolution_time
                        .sample_duration(&mut self.back_office_rng);
                    queue.schedule(now + delay, Event::BackOfficeResolved(q));
                }
            }
            Task::Confirm(e) => {
                if self.m.after_warmup(now) {
                    self.m.teams[team].confirmations += 1;
                }
                self.m.hour.confirmations += 1;
                let weight = self.sc.experts.engagement.confirmed;
                self.recognise(e, weight);
            }
        }
        if on_shift {
            self.push_idle(s);
            self.staff_take_next(queue, s);
        }
    }

    fn staff_answered(&mut self, queue: &mut EventQueue<Event>, team: TeamId, r: QuestionRef) {
        let now = self.now;
        if self.m.after_warmup(now) {
            self.m.teams[team].answers += 1;
        }
        self.m.hour.answers_staff += 1;
        let Some(q) = self.questions.get(r) else {
            return;
        };
        let (topic, posted, community) = (q.topic, q.posted, q.community_answerable());
        let preempts = community
            && q.first_response.is_none()
            && now.since(posted) < self.sc.experts.engagement.fair_chance;
        self.first_response(r, Responder::Staff);
        self.add_knowledge(topic);
        if preempts {
            let weight = self.sc.experts.engagement.preempted;
            self.penalise_online_experts(topic, weight);
        }
        self.customer_got_answer(queue, r, None);
        self.close(r, Outcome::ResolvedByStaff);
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
