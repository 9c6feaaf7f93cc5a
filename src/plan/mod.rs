//! `entraide plan`: the least staff, block by block, with which
//! intervention delay, that meets the forum's targets, with a statistical
//! guarantee. No I/O here: `app` reads the inputs and writes what `run`
//! returns.
//!
//! # Decision variables and cost
//! A **block** is one shift pattern of one planned team: its head count is
//! a decision variable (the team's count is their sum, its shift shares
//! their proportions). The intervention delay is taken from a grid. The
//! cost is staff hours on shift per week, Σ count × the pattern's hours,
//! optionally weighted per team: deterministic, so only the targets need
//! simulating.
//!
//! # Search, per delay
//! 1. **Start** from an analytic seed (`seed`): exact Erlang-A, or
//!    square-root staffing, on the stream of questions the experts leave
//!    to staff, measured on the scenario as given.
//! 2. **Descend**: make the plan feasible (grow every block by a quarter),
//!    then, block by block in order of cost, bisect each block's count
//!    down to the least that stays feasible with the others fixed; repeat
//!    until a pass changes nothing. Every decision is the sequential
//!    feasibility check of `feasibility` over replications under common
//!    random numbers: every plan runs on the same seeds, so a plan and its
//!    neighbour differ by the staffing, not by luck.
//! 3. **Certify** on fresh seeds: the plan must come out feasible and each
//!    plan with one fewer person in any block infeasible. If not, descend
//!    again from there on those seeds and certify on new ones (at most
//!    `CERTIFY_ROUNDS` times). Because the certifying seeds never chose
//!    the plan (each delay has its own), the statement holds: with
//!    probability ≥ the confidence, every target holds within its
//!    tolerance and no plan with one fewer person in a block meets every
//!    target by more than its tolerance (Bonferroni over targets × plans
//!    checked × rounds × delays).
//!
//! With a target on every hour (`every_hour(waiting.p_wait)`), one team
//! and blocks that never overlap, the iterative staffing of Feldman,
//! Mandelbaum, Massey and Whitt (2008) (`iterative`) replaces steps 1 and
//! 2: a time-stable plan, certified as above.

pub mod feasibility;
pub mod iterative;
pub mod journal;
pub mod report;
mod seed;
pub mod targets;

use crate::metrics::summary::Summary;
use crate::model::{NoObserver, simulate};
use crate::rng::mix64;
use crate::scenario::Scenario;
use crate::sweep::plan::replication_seed;
use crate::time::SimDuration;
use feasibility::{Check, Verdict};
use std::collections::HashMap;
use targets::Target;

/// Rounds of certification on fresh seeds before `plan` reports an
/// uncertified answer.
const CERTIFY_ROUNDS: u32 = 4;

/// Replications added at a time when a check needs more (a fixed number,
/// so that the runs spent do not depend on the thread count).
const BATCH: usize = 8;

/// The most replications a plan gets while searching, in first stages.
const SEARCH_CAP_STAGES: usize = 3;

/// The most people a block may get while searching for a feasible plan.
const MAX_BLOCK: u32 = 100_000;

/// Where the search starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The analytic seed of `seed`.
    Analytic,
    /// The scenario's own head counts.
    Scenario,
}

/// Everything `plan` is asked, validated.
#[derive(Debug, Clone)]
pub struct Options {
    /// The intervention delays to try (at least one).
    pub delays: Vec<SimDuration>,
    /// Indices of the teams whose head counts are planned (the others stay
    /// as the scenario has them).
    pub teams: Vec<usize>,
    /// Cost weight per team (1 where not given), by team index.
    pub weights: Vec<f64>,
    /// The probability that the whole statement holds.
    pub confidence: f64,
    pub seed: u64,
    /// Replications before any decision (n₀).
    pub first_stage: usize,
    /// The most replications any one plan gets; a check still open there
    /// is decided by its mean and the answer is marked uncertified.
    pub max_replications: usize,
    pub start: Start,
    pub threads: Option<usize>,
}

/// One planned shift pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub team: usize,
    pub pattern: usize,
    /// Hours on shift a week for one person of the block.
    pub hours_per_week: f64,
    /// Cost of one person: hours a week × the team's weight.
    pub unit_cost: f64,
}

/// A candidate: the delay and the head count of every block.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Plan {
    pub delay: SimDuration,
    pub counts: Vec<u32>,
}

/// What one replication of a plan says: each target's value, and the
/// measures the frontier shows.
#[derive(Debug, Clone)]
pub struct Observation {
    /// The run stopped early: the backlog outgrew its cap (an overloaded
    /// forum), so the plan fails every target.
    pub stopped: bool,
    /// Some target has no value in this run (no staff gives no
    /// utilisation, no waits no waiting times): the plan fails it.
    pub unmeasured: bool,
    pub targets: Vec<f64>,
    pub frontier: [Option<f64>; FRONTIER.len()],
}

/// How a frontier measure is read from a run.
pub type Reader = fn(&Summary) -> Option<f64>;

/// The measures reported for every plan, besides the targets' own.
pub const FRONTIER: [(&str, Reader); 4] = [
    ("experts.retention_365d", |s| s.experts.retention_365d),
    ("answers.expert_share", |s| s.answers.expert_share),
    ("first_response.median_hours", |s| {
        s.first_response.median_hours
    }),
    ("first_response.p90_hours", |s| s.first_response.p90_hours),
];

/// One target's decision for one plan.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetDecision {
    pub verdict: Verdict,
    /// Replications the decision used.
    pub used: usize,
    /// False when the check was still open at `max_replications` and the
    /// mean decided.
    pub certified: bool,
}

/// A plan's decision: feasible when every target's is.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub feasible: bool,
    /// Per target, in order; `None` for targets not looked at once another
    /// had failed.
    pub targets: Vec<Option<TargetDecision>>,
    /// A replication stopped early (the backlog outgrew its cap), or had
    /// no value for a target: failed without a check.
    pub overloaded: bool,
}

impl Decision {
    pub fn certified(&self) -> bool {
        self.targets.iter().flatten().all(|t| t.certified)
    }

    /// The first target that failed.
    pub fn failed(&self) -> Option<usize> {
        self.targets
            .iter()
            .position(|t| t.as_ref().is_some_and(|t| t.verdict == Verdict::Infeasible))
    }
}

/// Why `plan` could not answer.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    /// Something in the request: exit 2.
    Input(String),
    /// A run failed: exit 1.
    Failed(String),
}

/// A certified (or best-effort) answer for one delay.
#[derive(Debug, Clone)]
pub struct Answer {
    pub plan: Plan,
    pub cost: f64,
    /// The seed stream of the decisive round; the plan's and its
    /// neighbours' observations on it are in `Outcome::observations`.
    pub stream: u32,
    pub decision: Decision,
    /// Each block's "one fewer" plan and its decision (blocks at 0 have
    /// none).
    pub neighbours: Vec<(usize, Plan, Decision)>,
    pub certified: bool,
    /// Only estimated, never checked: it costs no less than a certified
    /// answer of an earlier delay.
    pub estimated: bool,
}

/// Everything a plan run found.
#[derive(Debug)]
pub struct Outcome {
    pub blocks: Vec<Block>,
    /// Per delay of the grid where staff can meet the targets, in order.
    pub answers: Vec<Answer>,
    /// The delays where they cannot, and why.
    pub out_of_reach: Vec<(SimDuration, String)>,
    /// The error rate of each decision (Bonferroni).
    pub beta: f64,
    /// Every plan evaluated, per seed stream, with its observations.
    pub observations: HashMap<(u32, Plan), Vec<Observation>>,
    /// Simulated runs and simulated days, all told.
    pub runs: u64,
    pub simulated_days: f64,
}

impl Outcome {
    /// The cheapest answer that meets the targets on its seeds (the
    /// earliest delay of the grid among equals); one that does not only if
    /// none does.
    pub fn recommended(&self) -> Option<&Answer> {
        self.answers.iter().min_by(|a, b| {
            let meets = |x: &Answer| x.estimated || x.decision.feasible;
            meets(b).cmp(&meets(a)).then(a.cost.total_cmp(&b.cost))
        })
    }

    pub fn observed(&self, stream: u32, plan: &Plan) -> &[Observation] {
        self.observations
            .get(&(stream, plan.clone()))
            .map_or(&[], |v| v.as_slice())
    }
}

/// What the progress bar shows: runs so far, the runs the whole plan is
/// expected to take, and the step.
pub struct Progress<'a> {
    pub runs: u64,
    /// An estimate from a model of the search (`Planner::expected_runs`),
    /// for the bar's length and ETA; never below `runs`.
    pub expected: u64,
    /// The step the search is at, when it changes; `None` when only
    /// the run count moved.
    pub step: Option<&'a str>,
}

/// Observations kept from an interrupted plan of the same request, and
/// where new ones go as they come (`journal`; `app` does the I/O).
#[derive(Default)]
pub struct Resume<'a> {
    pub kept: journal::Kept,
    /// Called for each new batch of observations: (stream, plan, the
    /// first one's replication, the batch).
    #[allow(clippy::type_complexity)]
    pub record: Option<&'a mut dyn FnMut(u32, &Plan, usize, &[Observation]) -> Result<(), String>>,
}

/// The blocks of the planned teams, in team then pattern order.
pub fn blocks(scenario: &Scenario, options: &Options) -> Vec<Block> {
    let mut out = Vec::new();
    for &t in &options.teams {
        let team = &scenario.staff.teams[t];
        for (p, shift) in team.shifts.iter().enumerate() {
            let hours = shift.windows.hours_per_week();
            out.push(Block {
                team: t,
                pattern: p,
                hours_per_week: hours,
                unit_cost: hours * options.weights[t],
            });
        }
    }
    out
}

/// The head count of every block as the scenario has it.
pub fn scenario_counts(scenario: &Scenario, blocks: &[Block]) -> Vec<u32> {
    let mut counts = Vec::with_capacity(blocks.len());
    for b in blocks {
        let team = &scenario.staff.teams[b.team];
        let shares: Vec<f64> = team.shifts.iter().map(|s| s.share).collect();
        counts.push(crate::model::split_count(team.count, &shares)[b.pattern]);
    }
    counts
}

/// The scenario a plan runs: `base` with the plan's delay and head counts
/// (each planned team's count the sum of its blocks, its shift shares
/// their proportions, which `roster` splits back exactly).
pub fn scenario_for(base: &Scenario, blocks: &[Block], plan: &Plan) -> Scenario {
    let mut sc = base.clone();
    sc.policy.intervention_delay = plan.delay;
    let mut by_team: Vec<Vec<(usize, u32)>> = vec![Vec::new(); sc.staff.teams.len()];
    for (b, &n) in blocks.iter().zip(&plan.counts) {
        by_team[b.team].push((b.pattern, n));
    }
    for (team, parts) in sc.staff.teams.iter_mut().zip(by_team) {
        if parts.is_empty() {
            continue;
        }
        let total: u32 = parts.iter().map(|p| p.1).sum();
        team.count = total;
        if total > 0 {
            for (pattern, n) in parts {
                team.shifts[pattern].share = f64::from(n) / f64::from(total);
            }
        }
    }
    sc
}

/// The cost of a plan: staff hours on shift a week, weighted.
pub fn cost(blocks: &[Block], counts: &[u32]) -> f64 {
    blocks
        .iter()
        .zip(counts)
        .map(|(b, &n)| b.unit_cost * f64::from(n))
        .sum()
}

/// Runs the whole search: for each delay of the grid, the least-cost
/// plan that meets `targets`, certified. `base` must already measure the
/// targets' times (`targets::add_response_targets`).
pub fn run<'a>(
    base: &'a Scenario,
    targets: &'a [Target],
    options: &'a Options,
    progress: &'a mut dyn FnMut(Progress),
    resume: Resume<'a>,
) -> Result<Outcome, PlanError> {
    let blocks = blocks(base, options);
    if blocks.is_empty() {
        return Err(PlanError::Input(
            "no block to plan: the planned teams have no shift patterns".into(),
        ));
    }
    // Decisions the final statement rests on: every target of the plan and
    // of each of its one-fewer neighbours, in each certifying round (a
    // round that fails is retried on fresh seeds, so every round's
    // decisions could be the ones reported), for each delay of the grid
    // (the cheapest answer is chosen among them).
    let decisions =
        targets.len() * (1 + blocks.len()) * CERTIFY_ROUNDS as usize * options.delays.len();
    let beta = (1.0 - options.confidence) / decisions as f64;
    let pool = crate::workers::pool(options.threads).map_err(PlanError::Failed)?;
    let mut planner = Planner {
        base,
        targets,
        on: iterative::hours_on(base, &blocks),
        blocks,
        options,
        check: Check::new(options.first_stage, beta),
        // The search's decisions only steer (certification decides what is
        // reported), so they spend the error rate over the targets alone.
        search_check: Check::new(
            options.first_stage,
            (1.0 - options.confidence) / targets.len() as f64,
        ),
        pool,
        observations: HashMap::new(),
        runs: 0,
        delay_index: 0,
        runs_at_delay: 0,
        progress,
        resume,
    };
    let mut answers = Vec::new();
    let mut out_of_reach = Vec::new();
    let mut start = planner.start_counts()?;
    for (d, &delay) in options.delays.iter().enumerate() {
        planner.delay_index = d;
        planner.runs_at_delay = planner.runs;
        // Certifying seeds of their own per delay: the next delay starts
        // from this one's answer, so it must not certify on seeds that
        // helped choose it.
        let first_stream = 1 + d as u32 * CERTIFY_ROUNDS;
        // A delay whose plan costs no less than a certified one of an
        // earlier delay cannot be recommended: it is only estimated.
        let to_beat = answers
            .iter()
            .filter(|a: &&Answer| a.certified)
            .map(|a| a.cost)
            .min_by(f64::total_cmp);
        match planner.answer(
            Plan {
                delay,
                counts: start.clone(),
            },
            first_stream,
            to_beat,
        ) {
            Ok(answer) => {
                // The next delay starts from this one's answer: close to
                // it, and on the same seeds.
                start = answer.plan.counts.clone();
                answers.push(answer);
            }
            // Another delay may still reach the targets.
            Err(PlanError::Input(why)) if options.delays.len() > 1 => {
                out_of_reach.push((delay, why))
            }
            Err(e) => return Err(e),
        }
    }
    if answers.is_empty() {
        let reasons: Vec<String> = out_of_reach.into_iter().map(|(_, why)| why).collect();
        return Err(PlanError::Input(reasons.join("\n")));
    }
    Ok(Outcome {
        blocks: planner.blocks,
        answers,
        out_of_reach,
        beta,
        observations: planner.observations,
        runs: planner.runs,
        // Every run of a plan has the scenario's horizon.
        simulated_days: planner.runs as f64 * base.simulation.horizon.as_days(),
    })
}

struct Planner<'a> {
    base: &'a Scenario,
    targets: &'a [Target],
    blocks: Vec<Block>,
    /// Each block's hours on duty through the week, hour by hour
    /// (`iterative::hours_on`): fixed by the blocks, so computed once.
    on: Vec<Vec<bool>>,
    options: &'a Options,
    check: Check,
    search_check: Check,
    pool: rayon::ThreadPool,
    observations: HashMap<(u32, Plan), Vec<Observation>>,
    runs: u64,
    /// The delay of the grid being planned, and the runs when it started
    /// (for `expected_runs`).
    delay_index: usize,
    runs_at_delay: u64,
    progress: &'a mut dyn FnMut(Progress),
    resume: Resume<'a>,
}

/// The master seed of seed stream `k`: stream 0 is the user's seed, so
/// its replication r is replication r of `run --replications` and of a
/// sweep with that seed.
fn stream_master(seed: u64, k: u32) -> u64 {
    match k {
        0 => seed,
        k => mix64(seed ^ mix64(0x9_1a11_0000 + u64::from(k))),
    }
}

impl Planner<'_> {
    fn start_counts(&mut self) -> Result<Vec<u32>, PlanError> {
        let own = scenario_counts(self.base, &self.blocks);
        match self.options.start {
            Start::Scenario => Ok(own),
            // The iterative staffing starts generous, as its authors do.
            Start::Analytic if self.hourly_wait_bound().is_some() => {
                let on = &self.on;
                let unit_cost: Vec<f64> = self.blocks.iter().map(|b| b.unit_cost).collect();
                Ok(iterative::cover(
                    on,
                    &unit_cost,
                    &iterative::generous(self.base),
                ))
            }
            Start::Analytic => {
                let delay = self.base.policy.intervention_delay;
                let pilot = Plan { delay, counts: own };
                self.observe(0, &pilot, self.options.first_stage)?;
                let expert_share = {
                    let obs = &self.observations[&(0, pilot.clone())];
                    let shares: Vec<f64> = obs.iter().filter_map(|o| o.frontier[1]).collect();
                    if shares.is_empty() {
                        0.0
                    } else {
                        crate::stats::mean(&shares)
                    }
                };
                Ok(seed::counts(
                    self.base,
                    &self.blocks,
                    &pilot.counts,
                    self.targets,
                    expert_share,
                ))
            }
        }
    }

    /// The probability of waiting the iterative staffing aims at: the
    /// tightest `every_hour(waiting.p_wait) <= α` less its tolerance, when
    /// the iterative staffing applies to the scenario.
    fn hourly_wait_bound(&self) -> Option<f64> {
        if !iterative::applies(self.base, &self.on) {
            return None;
        }
        self.targets
            .iter()
            .filter(|t| {
                matches!(t.measure, targets::Measure::WaitedInHour(_))
                    && t.direction == targets::Direction::AtMost
            })
            // Aimed a tolerance inside the bound: the sequential check
            // calls a plan feasible for sure only there (within the
            // tolerance either call is allowed, and with 24 hours at the
            // bound one of them would come out above it on fresh seeds).
            .map(|t| {
                let inside = t.threshold - t.tolerance;
                if inside > 0.0 {
                    inside
                } else {
                    t.threshold / 2.0
                }
            })
            .min_by(f64::total_cmp)
    }

    /// The iterative staffing of Feldman, Mandelbaum, Massey and Whitt
    /// (`iterative`) at `delay`, from `counts`, on the first-stage seeds of
    /// `stream`: resize every block from what the staff's arrivals found,
    /// until no block moves by more than one person (the noise of a
    /// finite sample keeps a block trembling by one) or `ROUNDS` rounds.
    fn iterate(
        &mut self,
        stream: u32,
        delay: SimDuration,
        alpha: f64,
        mut counts: Vec<u32>,
    ) -> Result<Plan, PlanError> {
        let on = self.on.clone();
        let unit_cost: Vec<f64> = self.blocks.iter().map(|b| b.unit_cost).collect();
        let equal_days = iterative::seven_equal_days(self.base, &on);
        let master = stream_master(self.options.seed, stream);
        let seeds: Vec<u64> = (0..self.options.first_stage)
            .map(|r| replication_seed(master, r as u32))
            .collect();
        for round in 1..=iterative::ROUNDS {
            self.step(&format!("iterative staffing, round {round}"));
            let plan = Plan {
                delay,
                counts: counts.clone(),
            };
            let scenario = scenario_for(self.base, &self.blocks, &plan);
            let seen =
                iterative::measure(&self.pool, &scenario, &seeds).map_err(PlanError::Failed)?;
            self.runs += seeds.len() as u64;
            self.report_runs();
            let seen = if equal_days {
                seen.pooled_by_day()
            } else {
                seen
            };
            let next = iterative::cover(&on, &unit_cost, &seen.needs(alpha));
            let settled = next.iter().zip(&counts).all(|(a, b)| a.abs_diff(*b) <= 1);
            counts = next;
            if settled {
                break;
            }
        }
        Ok(Plan { delay, counts })
    }

    /// The search on `stream` from `plan`: the iterative staffing (then
    /// grown if some target still fails) when a target asks for a
    /// time-stable wait and it applies, else the descent. (A descent after the iterative staffing was tried: with every hour
    /// near its bound, each block's one-fewer check is decided by noise in
    /// some other hour, and the trimmed plans were no more stable and cost
    /// four times the runs.)
    fn search(&mut self, stream: u32, plan: Plan) -> Result<Plan, PlanError> {
        match self.hourly_wait_bound() {
            // The iterative staffing sizes the hours; growing makes sure the
            // result meets every target (another target, or an hour the
            // rounds left short), and says so when no staffing can.
            Some(alpha) => {
                let plan = self.iterate(stream, plan.delay, alpha, plan.counts)?;
                self.grow(stream, plan)
            }
            None => self.descend(stream, plan),
        }
    }

    /// Descends on stream 0, then certifies on fresh streams.
    /// Certifying rounds run on streams `first_stream`, +1, ….
    /// A plan costing `to_beat` or more is only estimated, on the first
    /// certifying stream's first stage, and reported uncertified.
    fn answer(
        &mut self,
        start: Plan,
        first_stream: u32,
        to_beat: Option<f64>,
    ) -> Result<Answer, PlanError> {
        let mut plan = self.search(0, start)?;
        let plan_cost = cost(&self.blocks, &plan.counts);
        if to_beat.is_some_and(|best| plan_cost >= best) {
            self.observe(first_stream, &plan, self.options.first_stage)?;
            return Ok(Answer {
                cost: plan_cost,
                plan,
                stream: first_stream,
                decision: Decision {
                    feasible: true,
                    targets: vec![None; self.targets.len()],
                    overloaded: false,
                },
                neighbours: Vec::new(),
                certified: false,
                estimated: true,
            });
        }
        let mut round = 1;
        loop {
            // The last round reports the plan on the seeds that chose it:
            // an estimate, not a certificate.
            let last = round > CERTIFY_ROUNDS;
            let stream = first_stream + round.min(CERTIFY_ROUNDS) - 1;
            self.step(&format!("certifying on fresh seeds (round {round})"));
            let decision = self.decide(stream, &plan)?;
            let mut neighbours = Vec::new();
            let mut all_fail = true;
            if decision.feasible {
                for b in 0..self.blocks.len() {
                    if plan.counts[b] == 0 {
                        continue;
                    }
                    let mut fewer = plan.clone();
                    fewer.counts[b] -= 1;
                    let d = self.decide(stream, &fewer)?;
                    all_fail &= !d.feasible;
                    neighbours.push((b, fewer, d));
                }
            }
            let certified = !last
                && decision.feasible
                && all_fail
                && decision.certified()
                && neighbours.iter().all(|n| n.2.certified());
            // The iterative staffing never lowers a block below what the
            // arrivals asked for, so searching again cannot take one off
            // where a one-fewer plan still meets the targets: report it.
            let settled = decision.feasible && self.hourly_wait_bound().is_some();
            if (decision.feasible && all_fail) || settled || last {
                return Ok(Answer {
                    cost: cost(&self.blocks, &plan.counts),
                    plan,
                    stream,
                    decision,
                    neighbours,
                    certified,
                    estimated: false,
                });
            }
            // The fresh seeds disagree: search again on them, and certify
            // the result on seeds that did not choose it.
            plan = self.search(stream, plan)?;
            round += 1;
        }
    }

    /// The least plan below `plan` (or above it, if it fails) whose every
    /// one-fewer neighbour fails, on seed stream `stream`.
    fn descend(&mut self, stream: u32, plan: Plan) -> Result<Plan, PlanError> {
        let plan = self.grow(stream, plan)?;
        self.lower(stream, plan)
    }

    /// `plan` grown until feasible on `stream`: every block by a quarter,
    /// or, when an hour's own target fails (`every_hour`), the cheapest
    /// block working that hour by a quarter, the other hours staying as
    /// they are. An error when growing stops helping (`out_of_reach`).
    fn grow(&mut self, stream: u32, mut plan: Plan) -> Result<Plan, PlanError> {
        self.step("finding a feasible plan");
        let on = self.on.clone();
        // (people grown, the failing target, its mean margin) at each step.
        let mut tried: Vec<(u32, usize, f64)> = Vec::new();
        loop {
            let d = self.decide(stream, &plan)?;
            if d.feasible {
                return Ok(plan);
            }
            // The block an hour's target grows: the cheapest working it.
            let hour_block = match d.failed().map(|i| (i, &self.targets[i].measure)) {
                Some((i, targets::Measure::WaitedInHour(h))) => {
                    let hour = usize::from(*h);
                    let working = |b: usize| (0..7).any(|day| on[b][day * 24 + hour]);
                    let cheapest = (0..self.blocks.len())
                        .filter(|&b| working(b) && plan.counts[b] < MAX_BLOCK)
                        .min_by(|&a, &b| {
                            self.blocks[a]
                                .unit_cost
                                .total_cmp(&self.blocks[b].unit_cost)
                        });
                    match cheapest {
                        Some(b) => Some(b),
                        None => {
                            return Err(PlanError::Input(format!(
                                "no plan meets `{}` at intervention delay {}: no planned block works \
                                 {h:02}:00-{:02}:00 (or every one that does has {MAX_BLOCK} people)",
                                self.targets[i].text,
                                plan.delay,
                                h + 1
                            )));
                        }
                    }
                }
                _ => None,
            };
            let people: u32 = match hour_block {
                Some(b) => plan.counts[b],
                None => plan.counts.iter().fold(0, |a, &n| a.saturating_add(n)),
            };
            if let Some(i) = d.failed() {
                let obs = &self.observations[&(stream, plan.clone())];
                let mean =
                    crate::stats::mean(&obs.iter().map(|o| o.targets[i]).collect::<Vec<_>>());
                tried.push((people, i, self.targets[i].margin(mean)));
            }
            if let Some(why) = self.out_of_reach(&tried, &plan, &d) {
                return Err(PlanError::Input(why));
            }
            let grown = |n: u32| n.saturating_add((n / 4).max(1)).min(MAX_BLOCK);
            match hour_block {
                Some(b) => plan.counts[b] = grown(plan.counts[b]),
                None => plan.counts.iter_mut().for_each(|n| *n = grown(*n)),
            }
        }
    }

    /// Each block bisected down, dearest first, to the least count that
    /// keeps `plan` feasible on `stream` with the others fixed, until a
    /// pass changes nothing.
    fn lower(&mut self, stream: u32, mut plan: Plan) -> Result<Plan, PlanError> {
        self.step("lowering block by block");
        // Dearest blocks first: they save the most; among equals, in time
        // order through the week (a block's staffing carries into the
        // hours after it, as in the iterative algorithm).
        let starts: Vec<usize> = self
            .on
            .iter()
            .map(|on| iterative::first_start(on))
            .collect();
        let mut order: Vec<usize> = (0..self.blocks.len()).collect();
        order.sort_by(|&a, &b| {
            self.blocks[b]
                .unit_cost
                .total_cmp(&self.blocks[a].unit_cost)
                .then(starts[a].cmp(&starts[b]))
                .then(a.cmp(&b))
        });
        loop {
            let mut changed = false;
            for &b in &order {
                if plan.counts[b] == 0 {
                    continue;
                }
                let with = |n: u32| {
                    let mut p = plan.clone();
                    p.counts[b] = n;
                    p
                };
                if !self.decide(stream, &with(plan.counts[b] - 1))?.feasible {
                    continue;
                }
                // Least feasible count in [0, counts − 1]: hi feasible, lo not.
                let (mut lo, mut hi) = (-1i64, i64::from(plan.counts[b] - 1));
                while hi - lo > 1 {
                    let mid = (lo + hi) / 2;
                    if self.decide(stream, &with(mid as u32))?.feasible {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                plan.counts[b] = hi as u32;
                changed = true;
            }
            if !changed {
                return Ok(plan);
            }
        }
    }

    /// Whether growing the plan has stopped helping: the failing target
    /// moved by less than its tolerance while the staff doubled, or
    /// the blocks reached `MAX_BLOCK`. Then more staff cannot meet it (a
    /// delay longer than the target's time, hours nobody works, a measure
    /// staff do not drive).
    fn out_of_reach(
        &self,
        tried: &[(u32, usize, f64)],
        plan: &Plan,
        decision: &Decision,
    ) -> Option<String> {
        if plan.counts.iter().all(|&n| n >= MAX_BLOCK) {
            let why = if decision.overloaded {
                "the forum is still overloaded".to_string()
            } else {
                decision
                    .failed()
                    .map_or("a target still fails".into(), |i| {
                        format!("`{}` still fails", self.targets[i].text)
                    })
            };
            return Some(format!(
                "no plan meets the targets with {MAX_BLOCK} people a block at intervention delay {}: {why}",
                plan.delay
            ));
        }
        let &(people, target, margin) = tried.last()?;
        let t = &self.targets[target];
        let stalled = tried
            .iter()
            .rev()
            .find(|(p, i, _)| *i == target && u64::from(*p) * 2 <= u64::from(people));
        match stalled {
            Some(&(before, _, earlier)) if margin - earlier < t.tolerance => Some(format!(
                "no plan meets `{}` at intervention delay {}: growing the staff from {before} to {people} \
                 moved it only from {} to {} (threshold {}); staff cannot reach it in this scenario \
                 (a delay longer than the target's time, hours nobody works, or a measure staff do not drive)",
                t.text,
                plan.delay,
                targets::show(t.measure.kind(), t.threshold + t.direction.sign() * earlier),
                targets::show(t.measure.kind(), t.threshold + t.direction.sign() * margin),
                targets::show(t.measure.kind(), t.threshold),
            )),
            _ => None,
        }
    }

    /// The sequential check of every target for `plan` on `stream`,
    /// running replications as it needs them.
    fn decide(&mut self, stream: u32, plan: &Plan) -> Result<Decision, PlanError> {
        let n0 = self.options.first_stage;
        // The search's own seeds (stream 0) only steer: a plan within the
        // tolerance of a threshold is called by its mean after a few
        // batches instead of taking the full cap, which certification
        // keeps for its decisions.
        let cap = match stream {
            0 => self.options.max_replications.min(SEARCH_CAP_STAGES * n0),
            _ => self.options.max_replications,
        }
        .max(n0);
        let mut have = self.observe(stream, plan, n0)?;
        loop {
            let obs = &self.observations[&(stream, plan.clone())];
            if obs.iter().any(|o| o.stopped || o.unmeasured) {
                return Ok(Decision {
                    feasible: false,
                    targets: vec![None; self.targets.len()],
                    overloaded: true,
                });
            }
            let mut decisions = Vec::with_capacity(self.targets.len());
            let mut need = 0;
            let mut failed = false;
            for (i, t) in self.targets.iter().enumerate() {
                if failed {
                    decisions.push(None);
                    continue;
                }
                let ys: Vec<f64> = obs.iter().map(|o| o.targets[i]).collect();
                match self.first_closing(stream, &ys, t) {
                    Some((verdict, used)) => {
                        failed |= verdict == Verdict::Infeasible;
                        decisions.push(Some(TargetDecision {
                            verdict,
                            used,
                            certified: true,
                        }));
                    }
                    None if have >= cap => {
                        // Open at the cap: the mean decides, uncertified.
                        let mean = crate::stats::mean(&ys);
                        let verdict = if t.margin(mean) >= 0.0 {
                            Verdict::Feasible
                        } else {
                            Verdict::Infeasible
                        };
                        failed |= verdict == Verdict::Infeasible;
                        decisions.push(Some(TargetDecision {
                            verdict,
                            used: have,
                            certified: false,
                        }));
                    }
                    None => {
                        need = need.max(self.check_for(stream).most_needed(&ys, t.tolerance));
                        decisions.push(None);
                    }
                }
            }
            if failed || decisions.iter().all(|d| d.is_some()) {
                return Ok(Decision {
                    feasible: !failed,
                    targets: decisions,
                    overloaded: false,
                });
            }
            let next = (have + BATCH).min(cap).min(need.max(have + 1));
            have = self.observe(stream, plan, next)?;
        }
    }

    /// The verdict of one target at the first prefix of its observations
    /// where the check closes, and that prefix's length.
    fn first_closing(&self, stream: u32, ys: &[f64], t: &Target) -> Option<(Verdict, usize)> {
        self.check_for(stream)
            .first_closing(ys, t.threshold, t.direction.sign(), t.tolerance)
    }

    /// The check of the search's own seeds (stream 0), or certification's.
    fn check_for(&self, stream: u32) -> &Check {
        match stream {
            0 => &self.search_check,
            _ => &self.check,
        }
    }

    /// Makes sure `plan` has at least `n` observations on `stream`; returns
    /// how many it has.
    fn observe(&mut self, stream: u32, plan: &Plan, n: usize) -> Result<usize, PlanError> {
        let key = (stream, plan.clone());
        if !self.observations.contains_key(&key)
            && let Some(kept) = self.resume.kept.remove(&key)
        {
            // Counted as if run again: a resumed plan reports the same.
            self.runs += kept.len() as u64;
            self.observations.insert(key.clone(), kept);
        }
        let have = self.observations.get(&key).map_or(0, |v| v.len());
        if have >= n {
            return Ok(have);
        }
        let master = stream_master(self.options.seed, stream);
        let seeds: Vec<u64> = (have..n)
            .map(|r| replication_seed(master, r as u32))
            .collect();
        let scenario = scenario_for(self.base, &self.blocks, plan);
        let summaries = crate::replicate::map_seeds_in(&self.pool, &seeds, |_, seed| {
            simulate(&scenario, seed, &mut NoObserver)
        })
        .map_err(PlanError::Failed)?;
        let new = summaries
            .iter()
            .enumerate()
            .map(|(i, s)| self.observation(s, plan, have + i))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(record) = self.resume.record.as_mut() {
            record(stream, plan, have, &new).map_err(PlanError::Failed)?;
        }
        self.runs += summaries.len() as u64;
        self.report_runs();
        let entry = self.observations.entry(key).or_default();
        entry.extend(new);
        Ok(entry.len())
    }

    fn observation(
        &self,
        s: &Summary,
        plan: &Plan,
        replication: usize,
    ) -> Result<Observation, PlanError> {
        let stopped = s.engine.stopped_early.is_some();
        let mut unmeasured = false;
        let mut values = Vec::with_capacity(self.targets.len());
        for t in self.targets {
            if stopped {
                // Not measured to the horizon; the plan fails anyway.
                values.push(f64::NAN);
                continue;
            }
            match t.measure.value(s) {
                Some(v) if v.is_finite() => values.push(v),
                // A later plan without a value fails the target; the first
                // plan looked at (the scenario's own counts, or the start)
                // without one means the measure cannot be had here.
                _ if !self.observations.is_empty() => {
                    unmeasured = true;
                    values.push(f64::NAN);
                }
                _ => {
                    return Err(PlanError::Input(format!(
                        "--target {:?}: replication {replication} of the plan with {} at delay {} has no value \
                         for {} (a retention longer than the measured horizon, or nothing to measure: \
                         lengthen simulation.horizon or choose another measure)",
                        t.text,
                        counts_text(&plan.counts),
                        plan.delay,
                        t.measure
                    )));
                }
            }
        }
        Ok(Observation {
            stopped,
            unmeasured,
            targets: values,
            frontier: FRONTIER.map(|(_, read)| read(s)),
        })
    }

    fn step(&mut self, step: &str) {
        let (runs, expected) = (self.runs, self.expected_runs());
        (self.progress)(Progress {
            runs,
            expected,
            step: Some(step),
        });
    }

    fn report_runs(&mut self) {
        let (runs, expected) = (self.runs, self.expected_runs());
        (self.progress)(Progress {
            runs,
            expected,
            step: None,
        });
    }

    /// The runs the plan will take, estimated for the progress bar: the
    /// runs so far at the start of this delay, then per delay left (this
    /// one included) a search (a few iterative rounds, or a bisection per
    /// block over log₂ of its count, each decision a first stage) and a
    /// certifying round of the plan and its one-fewer neighbours at twice
    /// a first stage. At least the runs so far and one more first stage.
    fn expected_runs(&self) -> u64 {
        let n0 = self.options.first_stage as u64;
        let blocks = self.blocks.len() as u64;
        let search = if self.hourly_wait_bound().is_some() {
            4 * n0
        } else {
            let widest = self
                .base
                .staff
                .teams
                .iter()
                .map(|t| t.count)
                .max()
                .unwrap_or(1);
            blocks * (u64::from(widest.max(1).ilog2()) + 2) * n0
        };
        let per_delay = search + (1 + blocks) * 2 * n0;
        let left = (self.options.delays.len() - self.delay_index) as u64;
        (self.runs_at_delay + per_delay * left).max(self.runs + n0)
    }
}

/// Head counts as people write them: `13` or `[4, 9]`.
pub fn counts_text(counts: &[u32]) -> String {
    match counts {
        [n] => format!("{n} staff"),
        _ => format!("blocks {counts:?}"),
    }
}
