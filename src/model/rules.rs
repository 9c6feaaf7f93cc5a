//! One short deterministic test per behavioural rule, on a tiny forum
//! built for the purpose (`Forum`): constant distributions, no random
//! arrivals (questions are posted by the test at chosen times), and agents
//! put online or on shift exactly when a rule needs them. Each test drives
//! the same behaviour code as a full run, through the same events.

use super::ids::ExpertId;
use super::members::ExpertState;
use super::questions::QuestionRef;
use super::{Event, Observer, World};
use crate::engine::{EventQueue, run_until};
use crate::metrics::summary::{QuestionRow, Summary};
use crate::scenario::{self, Scenario, TopicId};
use crate::time::{MS_PER_HOUR, MS_PER_MINUTE, SimTime};

/// One topic, no arrivals of its own, nobody answering unless a test says
/// so, every time constant, no engagement changes unless a test sets them.
const BASE: &str = r#"
name = "rules"
[simulation]
horizon = "2w"
warmup = "0s"
response_targets = ["1h"]
[demand]
questions_per_day = 0
[demand.topics.general]
share = 1.0
expert_coverage = 1.0
[customers]
patience = { dist = "constant", value = "100h" }
max_chases = 0
complain_probability = 0.0
accept_probability = 0.0
become_expert_probability = 0.0
conversion_delay = { dist = "constant", value = "1d" }
[experts]
initial = 0
activity = { dist = "constant", value = 1.0 }
session = { dist = "constant", value = "100h" }
writing_time = { dist = "constant", value = "30m" }
correct_probability = 1.0
level_thresholds = [1000]
[experts.engagement]
initial = { dist = "constant", value = 0.5 }
newcomer = 0.5
leave_below = 0.1
daily_decay = 0.0
accepted = 0.0
confirmed = 0.0
promoted = 0.0
preempted = 0.0
chased = 0.0
overloaded = 0.0
[staff.teams.agents]
count = 0
shifts = [{ share = 1.0, hours = ["mon-sun 00:00-24:00"] }]
answer_time = { dist = "constant", value = "10m" }
confirm_time = { dist = "constant", value = "5m" }
escalation_time = { dist = "constant", value = "20m" }
[back_office]
resolution_time = { dist = "constant", value = "1d" }
[policy]
intervention_delay = "0s"
account_delay = "0s"
confirm_expert_answers = false
priority = "oldest"
"#;

/// The test forum: `BASE` with `--set`-style overrides.
fn forum(sets: &[&str]) -> Scenario {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    match scenario::parse(BASE, "rules.toml", &sets) {
        Ok(loaded) => loaded.scenario,
        Err(error) => panic!("the test forum is invalid: {error}"),
    }
}

fn at(hours: u64, minutes: u64) -> SimTime {
    SimTime(hours * MS_PER_HOUR + minutes * MS_PER_MINUTE)
}

/// Keeps every question row (closed, or open at the end).
#[derive(Default)]
struct Trace {
    rows: Vec<QuestionRow>,
}

impl Observer for Trace {
    fn question(&mut self, row: &QuestionRow) {
        self.rows.push(row.clone());
    }
    fn wants_questions(&self) -> bool {
        true
    }
}

/// A world and its queue, advanced by the test.
struct Sim<'a> {
    world: World<'a, Trace>,
    queue: EventQueue<Event>,
}

impl<'a> Sim<'a> {
    fn new(sc: &'a Scenario, trace: &'a mut Trace) -> Sim<'a> {
        let mut queue = EventQueue::default();
        let world = World::new(sc, 1, trace, &mut queue);
        Sim { world, queue }
    }

    /// Handles every event up to and including `t`.
    fn run_to(&mut self, t: SimTime) {
        if let Err((_, stop)) = run_until(&mut self.world, &mut self.queue, t) {
            panic!("the run stopped: {}", stop.message());
        }
        self.world.now = t;
    }

    /// Posts a question at `t` in the only topic.
    fn post(&mut self, t: SimTime, needs_account: bool) -> QuestionRef {
        self.run_to(t);
        self.world
            .post_question(&mut self.queue, TopicId(0), needs_account)
            .unwrap_or_else(|stop| panic!("{}", stop.message()))
    }

    /// Adds an expert (the initial cohort's draws) and puts them online now.
    fn expert_online(&mut self) -> ExpertId {
        let e = self.world.members.next_id();
        self.world.add_expert(&mut self.queue, None);
        self.world.on_expert_came_online(&mut self.queue, e);
        e
    }

    /// The customer of `r` runs out of patience now (a chase, or giving up).
    fn patience_runs_out(&mut self, r: QuestionRef) {
        let token = self.world.questions.get(r).expect("live").patience_token;
        self.world.on_patience_ran_out(&mut self.queue, r, token);
    }

    fn picked_up(&self, r: QuestionRef) -> Option<SimTime> {
        self.world.questions.get(r).and_then(|q| q.picked_up)
    }

    fn engagement(&self, e: ExpertId) -> f64 {
        self.world.members.engagement(e, self.world.now)
    }

    /// Runs to the horizon and closes the books.
    fn finish(mut self) -> Summary {
        self.run_to(self.world.horizon);
        self.world.finish(0, None)
    }
}

/// Three questions wait for a staff member who comes on shift at 08:00:
/// the oldest (05:00), a newer one whose customer chased (06:00, chased at
/// 07:00) and the newest, an account question (07:30). Returns which one
/// the staff member picks up at 08:00.
fn first_taken_under(priority: &str) -> &'static str {
    let sc = forum(&[
        "staff.teams.agents.count=1",
        r#"staff.teams.agents.shifts=[{ share = 1.0, hours = ["mon-sun 08:00-16:00"] }]"#,
        "customers.max_chases=1",
        &format!("policy.priority={priority}"),
    ]);
    let mut trace = Trace::default();
    let mut sim = Sim::new(&sc, &mut trace);
    let oldest = sim.post(at(5, 0), false);
    let chased = sim.post(at(6, 0), false);
    sim.run_to(at(7, 0));
    sim.patience_runs_out(chased);
    let account = sim.post(at(7, 30), true);
    sim.run_to(at(8, 0));
    let taken: Vec<&str> = [(oldest, "oldest"), (chased, "chased"), (account, "account")]
        .into_iter()
        .filter(|&(r, _)| sim.picked_up(r) == Some(at(8, 0)))
        .map(|(_, name)| name)
        .collect();
    assert_eq!(
        taken.len(),
        1,
        "one staff member takes one question: {taken:?}"
    );
    taken[0]
}

#[test]
fn staff_priority_oldest_takes_the_oldest() {
    assert_eq!(first_taken_under("oldest"), "oldest");
}

#[test]
fn staff_priority_chased_first_takes_a_chased_question_before_older_ones() {
    assert_eq!(first_taken_under("chased_first"), "chased");
}

#[test]
fn staff_priority_account_first_takes_an_account_question_before_older_ones() {
    assert_eq!(first_taken_under("account_first"), "account");
}

/// An expert is writing (10 h, from 00:30) when staff, on shift from
/// 01:00, answer another question of the topic posted at 01:00, after the
/// intervention `delay`; returns the expert's loss of engagement.
fn engagement_lost_when_staff_answer_after(delay: &str) -> f64 {
    let sc = forum(&[
        "staff.teams.agents.count=1",
        r#"staff.teams.agents.shifts=[{ share = 1.0, hours = ["mon-sun 01:00-23:00"] }]"#,
        "experts.writing_time={ dist = \"constant\", value = \"10h\" }",
        "experts.engagement.preempted=0.1",
        "experts.engagement.fair_chance=2h",
        &format!("policy.intervention_delay={delay}"),
    ]);
    let mut trace = Trace::default();
    let mut sim = Sim::new(&sc, &mut trace);
    let e = sim.expert_online();
    let before = sim.engagement(e);
    let busy = sim.post(at(0, 30), false);
    assert_eq!(
        sim.picked_up(busy),
        Some(at(0, 30)),
        "the idle expert takes it"
    );
    let other = sim.post(at(1, 0), false);
    sim.run_to(at(6, 0));
    assert!(
        sim.world.questions.get(other).is_none(),
        "staff answered it"
    );
    assert!(matches!(
        sim.world.members.get(e).state(),
        ExpertState::Writing(_)
    ));
    before - sim.engagement(e)
}

#[test]
fn staff_preempt_experts_only_within_the_fair_chance() {
    // Answered 10 minutes after posting: within the 2 h fair chance.
    let lost = engagement_lost_when_staff_answer_after("0s");
    assert!((lost - 0.1).abs() < 1e-12, "lost {lost}");
    // Answered at 3 h 10 min: the community had its chance.
    assert_eq!(engagement_lost_when_staff_answer_after("3h"), 0.0);
}

#[test]
fn an_expert_never_retakes_the_question_they_got_wrong() {
    let sc = forum(&["experts.correct_probability=0.0"]);
    let mut trace = Trace::default();
    let mut sim = Sim::new(&sc, &mut trace);
    let first = sim.expert_online();
    let r = sim.post(at(1, 0), false);
    assert_eq!(
        sim.world.members.get(first).state(),
        ExpertState::Writing(r)
    );
    sim.run_to(at(1, 30));
    // Wrong: back in the pool, the author idle beside it, not writing it.
    assert!(sim.world.questions.is_waiting(r));
    assert_eq!(sim.world.members.get(first).state(), ExpertState::Idle);
    // Someone else may take it.
    let second = sim.expert_online();
    assert_eq!(
        sim.world.members.get(second).state(),
        ExpertState::Writing(r)
    );
}

#[test]
fn work_past_the_end_of_a_shift_is_finished_and_counted_as_overtime() {
    let sc = forum(&[
        "simulation.horizon=1d",
        "staff.teams.agents.count=1",
        r#"staff.teams.agents.shifts=[{ share = 1.0, hours = ["mon-sun 08:00-09:00"] }]"#,
        "staff.teams.agents.answer_time={ dist = \"constant\", value = \"2h\" }",
    ]);
    let mut trace = Trace::default();
    let mut sim = Sim::new(&sc, &mut trace);
    let r = sim.post(at(8, 30), false);
    sim.run_to(at(10, 29));
    assert!(sim.world.questions.get(r).is_some(), "still being answered");
    sim.run_to(at(10, 30));
    assert!(sim.world.questions.get(r).is_none(), "answered at 10:30");
    let staff = sim.finish().staff;
    assert_eq!(staff.hours_on_shift, 1.0);
    assert_eq!(staff.busy_hours, 2.0);
    assert_eq!(staff.overtime_hours, 1.5, "busy 09:00-10:30 off shift");
}

/// An expert answers at 01:30; the only staff member comes on at 08:00.
fn confirmations_done_with(confirm_within: &str) -> u64 {
    let sc = forum(&[
        "simulation.horizon=1d",
        "staff.teams.agents.count=1",
        r#"staff.teams.agents.shifts=[{ share = 1.0, hours = ["mon-sun 08:00-16:00"] }]"#,
        "policy.confirm_expert_answers=true",
        &format!("policy.confirm_within={confirm_within}"),
    ]);
    let mut trace = Trace::default();
    let mut sim = Sim::new(&sc, &mut trace);
    sim.expert_online();
    sim.post(at(1, 0), false);
    sim.finish().staff.confirmations
}

#[test]
fn a_confirmation_staff_do_not_reach_within_confirm_within_lapses() {
    assert_eq!(confirmations_done_with("24h"), 1);
    // Lapses are checked hourly: at 07:00 the answer is 5 h 30 min old.
    assert_eq!(confirmations_done_with("5h"), 0, "lapsed before the shift");
}

/// Nobody answers; patience is 1 h and the customer chases twice.
fn unanswered_customer(complain_probability: &str) -> QuestionRow {
    let sc = forum(&[
        "simulation.horizon=1d",
        "customers.patience={ dist = \"constant\", value = \"1h\" }",
        "customers.max_chases=2",
        &format!("customers.complain_probability={complain_probability}"),
    ]);
    let mut trace = Trace::default();
    let mut sim = Sim::new(&sc, &mut trace);
    sim.post(at(0, 0), false);
    sim.run_to(at(5, 0));
    drop(sim);
    assert_eq!(trace.rows.len(), 1);
    trace.rows.remove(0)
}

#[test]
fn customers_chase_max_chases_times_then_voice_or_exit() {
    let voiced = unanswered_customer("1.0");
    assert_eq!(voiced.chases, 2);
    assert_eq!(voiced.outcome, "complained");
    assert_eq!(voiced.closed_hours, Some(3.0), "patience 1 h, three times");
    let left = unanswered_customer("0.0");
    assert_eq!((left.chases, left.outcome), (2, "exited"));
}

#[test]
fn a_customer_who_got_a_good_answer_may_join_the_experts_later() {
    let sc = forum(&[
        "staff.teams.agents.count=1",
        "customers.become_expert_probability=1.0",
    ]);
    let mut trace = Trace::default();
    let mut sim = Sim::new(&sc, &mut trace);
    sim.post(at(1, 0), false);
    sim.run_to(at(25, 9));
    assert_eq!(
        sim.world.members.all().len(),
        0,
        "answered at 01:10, joins a day later"
    );
    sim.run_to(at(25, 10));
    let joined = sim.world.members.all();
    assert_eq!(joined.len(), 1);
    assert!(!joined[0].initial);
    let e = ExpertId(0);
    assert!(
        (sim.engagement(e) - 0.5).abs() < 1e-12,
        "a newcomer's engagement"
    );
    assert_eq!(sim.finish().experts.joined, 1);
}

#[test]
fn reaching_a_status_level_raises_engagement() {
    let sc = forum(&[
        "experts.level_thresholds=[1, 3]",
        "experts.engagement.promoted=0.1",
    ]);
    let mut trace = Trace::default();
    let mut sim = Sim::new(&sc, &mut trace);
    let e = sim.expert_online();
    let mut after = Vec::new();
    for k in 0..4 {
        sim.post(at(k + 1, 0), false);
        sim.run_to(at(k + 1, 30));
        after.push(sim.engagement(e));
    }
    let gains: Vec<f64> = std::iter::once(after[0] - 0.5)
        .chain(after.windows(2).map(|w| w[1] - w[0]))
        .map(|g| (g * 1e9).round() / 1e9)
        .collect();
    assert_eq!(
        gains,
        [0.1, 0.0, 0.1, 0.0],
        "levels at the 1st and 3rd answer"
    );
}

#[test]
fn an_expert_sees_a_thread_with_probability_reads_over_the_sections_new_threads() {
    // 96 questions a day in one section: 4 new threads an hour.
    let seen = |reads: &str| {
        let sc = forum(&[
            "demand.questions_per_day=96",
            &format!("experts.engagement.threads_read_per_hour={reads}"),
        ]);
        super::expert::exposure(&sc)
    };
    assert_eq!(seen("1"), [0.25]);
    assert_eq!(seen("4"), [1.0]);
    assert_eq!(
        seen("10"),
        [1.0],
        "a section smaller than the reads: every thread seen"
    );
    // No demand of its own (this file's forum): every posted thread seen.
    assert_eq!(super::expert::exposure(&forum(&[])), [1.0]);
}

/// A forum's state: thread `A` (5 h old) has waited past the 3 h
/// intervention delay and is open to staff at the state's moment (Monday
/// 10:00); `B` (1 h old) when its delay has run, two hours later. Both are
/// posted at their true ages.
#[test]
fn a_states_threads_keep_their_ages_and_their_delays_run_from_their_questions() {
    let rows = from_state(
        &["staff.teams.agents.count=1", "policy.intervention_delay=3h"],
        &[("A", 5.0, 5.0), ("B", 1.0, 1.0)],
    );
    let picked = |posted: f64| {
        rows.iter()
            .find(|r| (r.posted_hours - posted).abs() < 1e-9)
            .and_then(|r| r.picked_up_hours)
    };
    assert_eq!(picked(5.0), Some(10.0), "A at once");
    assert_eq!(picked(9.0), Some(12.0), "B once its delay has run");
}

/// A state's asker who has waited 9.5 h of a 10 h patience chases half an
/// hour into the run, then gives up after a fresh patience.
#[test]
fn a_states_asker_goes_on_with_the_wait_they_had_sat_through() {
    let rows = from_state(
        &[
            r#"customers.patience={ dist = "constant", value = "10h" }"#,
            "customers.max_chases=1",
        ],
        &[("C", 9.5, 9.5)],
    );
    let c = &rows[0];
    assert_eq!(c.chases, 1);
    assert_eq!(c.closed_hours, Some(10.0 + 0.5 + 10.0));
    assert_eq!(c.outcome, "exited");
}

/// Runs the test forum with `sets`, started from a state at Monday 10:00
/// with `threads` (name, age in hours, current wait in hours), and returns
/// every question row.
fn from_state(sets: &[&str], threads: &[(&str, f64, f64)]) -> Vec<QuestionRow> {
    use crate::state::{FORMAT, ForumState, OpenThread};
    let mut sc = forum(sets);
    let state = ForumState {
        format: FORMAT.into(),
        at: "2024-01-01T10:00:00Z".into(),
        hour_of_week: 10.0,
        source: "rules".into(),
        open_threads: threads
            .iter()
            .map(|&(_, age, waiting)| OpenThread {
                topic: "general".into(),
                age_hours: age,
                chases: 0,
                waiting_hours: waiting,
            })
            .collect(),
        members: Vec::new(),
    };
    let start = crate::state::check(&state, &sc).unwrap_or_else(|p| panic!("{p:?}"));
    crate::state::apply(&mut sc, start);
    let mut trace = Trace::default();
    super::simulate(&sc, 1, &mut trace);
    trace.rows
}
