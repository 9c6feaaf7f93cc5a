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

use super::ids::StaffId;
use super::questions::QuestionRef;
use super::roster::Task;
use super::{Event, Observer, World};
use crate::engine::EventQueue;
use crate::metrics::{Outcome, Responder};
use crate::posts::{Author, Kind};
use crate::scenario::{TeamId, TopicId};
use crate::time::{MS_PER_WEEK, SimDuration, SimTime};

impl<O: Observer> World<'_, O> {
    /// Puts the members whose pattern is on at time zero on shift, and
    /// schedules each pattern's first shift change.
    pub(super) fn start_staff(&mut self, queue: &mut EventQueue<Event>) {
        let mut on_at_start = Vec::new();
        for (t, team) in self.sc.staff.teams.iter().enumerate() {
            let t = TeamId::new(t);
            for (p, pattern) in team.shifts.iter().enumerate() {
                let shifts = self.roster.pattern(t, p);
                if pattern.windows.contains(0) {
                    on_at_start.extend(shifts.members());
                }
                // The first change after time zero; a change at Monday
                // 00:00 itself is already reflected in the initial state.
                let changes = &shifts.changes;
                let first = changes
                    .iter()
                    .position(|c| c.0 > 0)
                    .map(|i| (i, changes[i].0))
                    .or((!changes.is_empty()).then_some((0, MS_PER_WEEK)));
                if let Some((index, at)) = first {
                    queue.schedule_in(
                        SimDuration(at),
                        Event::ShiftChanged {
                            team: t,
                            pattern: p as u16,
                            index: index as u32,
                        },
                    );
                }
            }
        }
        for s in on_at_start {
            self.set_on_shift(s, true);
        }
    }

    /// Moves a staff member on or off shift, keeping the levels right.
    fn set_on_shift(&mut self, s: StaffId, on: bool) {
        if let Some((team, busy)) = self.roster.set_on_shift(s, on) {
            self.metrics.staff.shift_changed(self.now, team, on, busy);
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
        let p = self.roster.pattern(team, pattern);
        let (offset, on) = p.changes[index];
        let members = p.members();
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
            queue.schedule_at(
                SimTime(next_at),
                Event::ShiftChanged {
                    team,
                    pattern: pattern as u16,
                    index: next as u32,
                },
            );
        }
        for s in members {
            self.set_on_shift(s, on);
            if on && !self.roster.is_busy(s) {
                self.staff_take_next(queue, s);
            }
        }
    }

    /// `r` has waited its delay: staff may take it; offer it if waiting.
    pub(super) fn make_staff_eligible(&mut self, queue: &mut EventQueue<Event>, r: QuestionRef) {
        if self.questions.make_staff_eligible(r)
            && let Some(q) = self.questions.get(r)
        {
            if self.observer.wants_staff_arrivals() {
                let waiting = self.questions.waiting_for_staff() - 1;
                let in_system = waiting + self.roster.busy_on_shift();
                self.observer.staff_arrival(self.now, q.counted, in_system);
            }
            self.offer_to_staff(queue, q.topic);
        }
    }

    pub(super) fn on_intervention_delay_elapsed(
        &mut self,
        queue: &mut EventQueue<Event>,
        r: QuestionRef,
    ) {
        self.make_staff_eligible(queue, r);
    }

    /// New work in a topic: an idle member of a team covering it (the team
    /// with the most idle members) takes the team's next task.
    pub(super) fn offer_to_staff(&mut self, queue: &mut EventQueue<Event>, topic: TopicId) {
        if let Some(s) = self.roster.idle_for(topic) {
            self.staff_take_next(queue, s);
        }
    }

    /// A free, on-shift member takes the next task: the first eligible
    /// question of the team's topics in policy order, else the oldest
    /// confirmation; or stays idle.
    fn staff_take_next(&mut self, queue: &mut EventQueue<Event>, s: StaffId) {
        let topics = &self.sc.staff.teams[self.roster.team_of(s).index()].topics;
        let task = if let Some(r) = self.questions.next_for_staff(topics)
            && let Some(q) = self.questions.get(r)
        {
            if q.needs_account {
                Task::Escalate(r)
            } else {
                Task::Answer(r)
            }
        } else {
            match self.confirmations.take_oldest(topics) {
                Some(e) => Task::Confirm(e),
                None => return,
            }
        };
        self.start_task(queue, s, task);
    }

    fn start_task(&mut self, queue: &mut EventQueue<Event>, s: StaffId, task: Task) {
        let now = self.now;
        let team_id = self.roster.team_of(s);
        let team = &self.sc.staff.teams[team_id.index()];
        let took = match task {
            Task::Answer(r) => {
                self.claim(r);
                team.answer_time.sample_duration(&mut self.streams.staff)
            }
            Task::Escalate(r) => {
                self.claim(r);
                // The public acknowledgement is the customer's first response.
                if let Some(q) = self.questions.get(r) {
                    let (thread, topic) = (q.id, q.topic);
                    self.post(thread, topic, Kind::Escalation, Author::Staff(s.0), false);
                }
                self.first_response(r, Responder::Escalation);
                let counted = self.questions.mark_escalated(r);
                self.metrics.questions.escalation_started(counted);
                team.escalation_time
                    .sample_duration(&mut self.streams.staff)
            }
            Task::Confirm(_) => team.confirm_time.sample_duration(&mut self.streams.staff),
        };
        let on_shift = self.roster.start(s, task);
        self.metrics.staff.busy(now, team_id, on_shift, 1);
        queue.schedule_in(took, Event::StaffTaskFinished(s));
    }

    pub(super) fn on_staff_task_finished(&mut self, queue: &mut EventQueue<Event>, s: StaffId) {
        let now = self.now;
        let Some((task, team, on_shift)) = self.roster.finish(s) else {
            return;
        };
        self.metrics.staff.busy(now, team, on_shift, -1);
        match task {
            Task::Answer(q) => self.staff_answered(queue, s, team, q),
            Task::Escalate(q) => {
                self.metrics.staff.escalation_handed_off(now, team);
                if self.questions.hand_to_back_office(q) {
                    let delay = self
                        .sc
                        .back_office
                        .resolution_time
                        .sample_duration(&mut self.streams.back_office);
                    queue.schedule_in(delay, Event::BackOfficeResolved(q));
                }
            }
            Task::Confirm(c) => {
                self.metrics.staff.confirmed(now, team);
                self.post(
                    c.thread,
                    c.topic,
                    Kind::Confirmation,
                    Author::Staff(s.0),
                    false,
                );
                let weight = self.sc.experts.engagement.confirmed;
                self.members.recognise(c.author, now, weight);
            }
        }
        if on_shift {
            self.staff_take_next(queue, s);
        }
    }

    fn staff_answered(
        &mut self,
        queue: &mut EventQueue<Event>,
        s: StaffId,
        team: TeamId,
        r: QuestionRef,
    ) {
        let now = self.now;
        self.metrics.staff.answered(now, team);
        let Some(q) = self.questions.get(r) else {
            return;
        };
        let (topic, posted, community, thread) =
            (q.topic, q.posted, q.community_answerable(), q.id);
        let preempts = community
            && q.first_response.is_none()
            && now.since(posted) < self.sc.experts.engagement.fair_chance;
        self.first_response(r, Responder::Staff);
        self.add_knowledge(topic);
        if preempts {
            let weight = self.sc.experts.engagement.preempted;
            self.penalise_witnesses(topic, weight);
        }
        let accepted = self.customer_got_answer(queue, r, None);
        self.post(thread, topic, Kind::Answer, Author::Staff(s.0), accepted);
        self.close(r, Outcome::ResolvedByStaff);
    }
}
