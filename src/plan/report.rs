//! What `plan` reports, as plain data: `plan.json` (also printed by
//! `--json`), `candidates.csv` (every plan evaluated), `frontier.csv` (the
//! least plan of each delay: cost against retention against response
//! time), the recommended plan as a scenario file, and the text summary.

use super::feasibility::Verdict;
use super::targets::{Kind, Target, show};
use super::{Answer, Block, FRONTIER, Outcome, Plan};
use crate::scenario::Scenario;
use crate::stats::{Estimate, paired_difference};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct PlanJson {
    pub scenario: String,
    pub seed: u64,
    pub confidence: f64,
    /// The error rate of each decision: 1 − confidence over targets ×
    /// (1 + blocks) (Bonferroni).
    pub error_per_decision: f64,
    pub first_stage: usize,
    pub max_replications: usize,
    pub targets: Vec<TargetJson>,
    pub statement: String,
    pub recommended: Option<AnswerJson>,
    /// The least plan of every other delay of the grid, cheapest first.
    pub runner_ups: Vec<AnswerJson>,
    pub frontier: Vec<FrontierJson>,
    /// The delays of the grid where no staffing meets the targets, and why.
    pub out_of_reach: Vec<OutOfReachJson>,
    pub simulated_runs: u64,
    pub simulated_years: f64,
}

#[derive(Debug, Serialize)]
pub struct OutOfReachJson {
    pub intervention_delay: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct TargetJson {
    pub text: String,
    /// As `plan` reads it (a quantile becomes its tail probability).
    pub canonical: String,
    pub measure: String,
    pub kind: Kind,
    pub direction: super::targets::Direction,
    pub threshold: f64,
    pub tolerance: f64,
}

#[derive(Debug, Serialize)]
pub struct AnswerJson {
    pub intervention_delay: String,
    pub cost_staff_hours_per_week: f64,
    pub certified: bool,
    /// Replications of the plan on the certifying seeds.
    pub replications: usize,
    pub teams: BTreeMap<String, TeamJson>,
    pub estimates: Vec<EstimateJson>,
    /// Each block's plan with one person fewer, on the same seeds.
    pub one_fewer: Vec<NeighbourJson>,
}

#[derive(Debug, Serialize)]
pub struct TeamJson {
    /// The team's total head count.
    pub count: u32,
    pub blocks: Vec<BlockJson>,
}

#[derive(Debug, Serialize)]
pub struct BlockJson {
    /// The shift pattern's position in the team's `shifts` (from 1).
    pub pattern: usize,
    pub hours_per_week: f64,
    pub count: u32,
}

#[derive(Debug, Serialize)]
pub struct EstimateJson {
    pub target: String,
    pub mean: f64,
    /// The 95 % half-width over the replications.
    pub ci95: f64,
    /// How far the mean is on the right side of the threshold.
    pub margin: f64,
    pub verdict: Option<Verdict>,
    pub replications_used: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct NeighbourJson {
    pub team: String,
    pub pattern: usize,
    pub count: u32,
    pub feasible: bool,
    /// The first target it fails; "overloaded" when its backlog outgrew
    /// the cap or a run had no value for a target.
    pub fails: Option<String>,
    /// Its value minus the plan's, per target, paired by replication.
    pub difference: Vec<EstimateJson>,
}

#[derive(Debug, Serialize)]
pub struct FrontierJson {
    pub intervention_delay: String,
    pub cost_staff_hours_per_week: f64,
    /// Not beaten on cost, retention and response time at once by another
    /// delay's plan.
    pub pareto: bool,
    /// Means and 95 % half-widths of the frontier measures.
    pub measures: BTreeMap<String, Option<[f64; 2]>>,
}

/// Why an answer is not certified, from what its decisive round found.
fn why_uncertified(scenario: &Scenario, outcome: &Outcome, a: &Answer) -> String {
    let mut reasons = Vec::new();
    let still_meet: Vec<String> = a
        .neighbours
        .iter()
        .filter(|(_, _, d)| d.feasible)
        .map(|(b, _, _)| {
            let block = &outcome.blocks[*b];
            format!(
                "{} pattern {}",
                scenario.staff.teams[block.team].name,
                block.pattern + 1
            )
        })
        .collect();
    if !still_meet.is_empty() {
        reasons.push(format!(
            "with one fewer person in {} the targets were still met on the certifying seeds, so the plan may not be \
             the least (where one person moves a measure by less than its tolerance, as with a bound on every hour, \
             both counts lie within it)",
            still_meet.join(", ")
        ));
    }
    let open = !a.decision.certified() || a.neighbours.iter().any(|n| !n.2.certified());
    if open {
        reasons.push(
            "a check was still open at --max-replications (a target lies within its tolerance) and its mean decided"
                .into(),
        );
    }
    if a.estimated {
        reasons.push(
            "it costs no less than a certified plan of an earlier delay, so it was only estimated"
                .into(),
        );
    } else if a.decision.overloaded {
        reasons.push(
            "a run stopped early (an overloaded forum) or had no value for a target on the certifying seeds".into(),
        );
    } else if !a.decision.feasible {
        reasons.push("the search did not settle: it fails a target on the certifying seeds".into());
    }
    if reasons.is_empty() {
        reasons.push("the search did not settle within the certifying rounds".into());
    }
    format!(
        "Not certified: {}. The figures are estimates only.",
        reasons.join("; ")
    )
}

/// The mean and 95 % half-width of a measure over observations where every
/// one has it.
fn estimate(values: Vec<Option<f64>>) -> Option<Estimate> {
    let xs: Option<Vec<f64>> = values.into_iter().collect();
    xs.filter(|v| !v.is_empty()).map(|v| Estimate::of(&v))
}

pub fn plan_json(
    scenario: &Scenario,
    targets: &[Target],
    options: &super::Options,
    outcome: &Outcome,
) -> PlanJson {
    let mut answers: Vec<&Answer> = outcome.answers.iter().collect();
    let recommended = outcome.recommended();
    answers.sort_by(|a, b| a.cost.total_cmp(&b.cost));
    let runner_ups = answers
        .iter()
        .filter(|a| !recommended.is_some_and(|r| std::ptr::eq(**a, r)))
        .map(|a| answer_json(scenario, targets, outcome, a))
        .collect();
    let statement = match recommended {
        Some(a) if a.certified => format!(
            "With probability at least {}%, every target of this plan holds within its tolerance, and no plan with one fewer person in a block meets every target by more than its tolerance.",
            100.0 * options.confidence
        ),
        Some(a) => why_uncertified(scenario, outcome, a),
        None => "No plan.".into(),
    };
    PlanJson {
        scenario: scenario.name.clone(),
        seed: options.seed,
        confidence: options.confidence,
        error_per_decision: outcome.beta,
        first_stage: options.first_stage,
        max_replications: options.max_replications,
        targets: targets
            .iter()
            .map(|t| TargetJson {
                text: t.text.clone(),
                canonical: t.canonical(),
                measure: t.measure.to_string(),
                kind: t.measure.kind(),
                direction: t.direction,
                threshold: t.threshold,
                tolerance: t.tolerance,
            })
            .collect(),
        statement,
        recommended: recommended.map(|a| answer_json(scenario, targets, outcome, a)),
        runner_ups,
        frontier: frontier(outcome),
        out_of_reach: outcome
            .out_of_reach
            .iter()
            .map(|(delay, why)| OutOfReachJson {
                intervention_delay: delay.to_string(),
                reason: why.clone(),
            })
            .collect(),
        simulated_runs: outcome.runs,
        simulated_years: outcome.simulated_days / 365.0,
    }
}

fn answer_json(
    scenario: &Scenario,
    targets: &[Target],
    outcome: &Outcome,
    a: &Answer,
) -> AnswerJson {
    let obs = outcome.observed(a.stream, &a.plan);
    let estimates = targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let e = Estimate::of(&obs.iter().map(|o| o.targets[i]).collect::<Vec<_>>());
            let d = a.decision.targets.get(i).cloned().flatten();
            EstimateJson {
                target: t.text.clone(),
                mean: e.mean,
                ci95: e.half_width,
                margin: t.margin(e.mean),
                verdict: d.as_ref().map(|d| d.verdict),
                replications_used: d.map(|d| d.used),
            }
        })
        .collect();
    let one_fewer = a
        .neighbours
        .iter()
        .map(|(b, plan, d)| {
            let block = &outcome.blocks[*b];
            let theirs = outcome.observed(a.stream, plan);
            let n = theirs.len().min(obs.len());
            let difference = targets
                .iter()
                .enumerate()
                .filter_map(|(i, t)| {
                    let mine: Vec<f64> = obs[..n].iter().map(|o| o.targets[i]).collect();
                    let other: Vec<f64> = theirs[..n].iter().map(|o| o.targets[i]).collect();
                    paired_difference(&mine, &other).map(|e| EstimateJson {
                        target: t.text.clone(),
                        mean: e.mean,
                        ci95: e.half_width,
                        margin: f64::NAN,
                        verdict: None,
                        replications_used: Some(n),
                    })
                })
                .collect();
            NeighbourJson {
                team: scenario.staff.teams[block.team].name.clone(),
                pattern: block.pattern + 1,
                count: plan.counts[*b],
                feasible: d.feasible,
                fails: if d.overloaded {
                    Some("overloaded or unmeasured".into())
                } else {
                    d.failed().map(|i| targets[i].text.clone())
                },
                difference,
            }
        })
        .collect();
    AnswerJson {
        intervention_delay: a.plan.delay.to_string(),
        cost_staff_hours_per_week: a.cost,
        certified: a.certified,
        replications: obs.len(),
        teams: teams_json(scenario, &outcome.blocks, &a.plan),
        estimates,
        one_fewer,
    }
}

fn teams_json(scenario: &Scenario, blocks: &[Block], plan: &Plan) -> BTreeMap<String, TeamJson> {
    let mut teams: BTreeMap<String, TeamJson> = BTreeMap::new();
    for (b, &n) in blocks.iter().zip(&plan.counts) {
        let team = teams
            .entry(scenario.staff.teams[b.team].name.clone())
            .or_insert(TeamJson {
                count: 0,
                blocks: Vec::new(),
            });
        team.count += n;
        team.blocks.push(BlockJson {
            pattern: b.pattern + 1,
            hours_per_week: b.hours_per_week,
            count: n,
        });
    }
    teams
}

/// Each delay's least plan with its frontier measures; `pareto` marks
/// those no other beats on cost (lower), retention (higher) and the
/// median first response (lower) at once.
fn frontier(outcome: &Outcome) -> Vec<FrontierJson> {
    let rows: Vec<(f64, Vec<Option<Estimate>>)> = outcome
        .answers
        .iter()
        .map(|a| {
            let obs = outcome.observed(a.stream, &a.plan);
            let ests = (0..FRONTIER.len())
                .map(|k| estimate(obs.iter().map(|o| o.frontier[k]).collect()))
                .collect();
            (a.cost, ests)
        })
        .collect();
    // (cost, −retention, median response): all smaller is better; a
    // missing retention counts as equal.
    let key = |r: &(f64, Vec<Option<Estimate>>)| {
        [
            r.0,
            -r.1[0].map_or(0.0, |e| e.mean),
            r.1[2].map_or(f64::INFINITY, |e| e.mean),
        ]
    };
    rows.iter()
        .zip(&outcome.answers)
        .map(|(row, a)| {
            let mine = key(row);
            let beaten = rows.iter().any(|other| {
                let theirs = key(other);
                theirs.iter().zip(&mine).all(|(t, m)| t <= m)
                    && theirs.iter().zip(&mine).any(|(t, m)| t < m)
            });
            FrontierJson {
                intervention_delay: a.plan.delay.to_string(),
                cost_staff_hours_per_week: a.cost,
                pareto: !beaten,
                measures: FRONTIER
                    .iter()
                    .zip(&row.1)
                    .map(|((name, _), e)| (name.to_string(), e.map(|e| [e.mean, e.half_width])))
                    .collect(),
            }
        })
        .collect()
}

/// One row per plan evaluated on each seed stream: its delay, block
/// counts, cost, replications, and the mean of each target and frontier
/// measure.
pub fn candidates_csv(scenario: &Scenario, targets: &[Target], outcome: &Outcome) -> String {
    let mut out = String::from("stream,intervention_delay");
    for b in &outcome.blocks {
        out.push_str(&format!(
            ",{}#{}",
            scenario.staff.teams[b.team].name,
            b.pattern + 1
        ));
    }
    out.push_str(",cost_staff_hours_per_week,replications,stopped_early_or_unmeasured");
    for t in targets {
        out.push_str(&format!(",{}", csv_field(&t.canonical())));
    }
    for (name, _) in FRONTIER {
        out.push_str(&format!(",{name}"));
    }
    out.push('\n');
    let mut keys: Vec<&(u32, Plan)> = outcome.observations.keys().collect();
    keys.sort();
    for key in keys {
        let (stream, plan) = key;
        let obs = &outcome.observations[key];
        out.push_str(&format!("{stream},{}", plan.delay));
        for n in &plan.counts {
            out.push_str(&format!(",{n}"));
        }
        let stopped = obs.iter().any(|o| o.stopped || o.unmeasured);
        out.push_str(&format!(
            ",{},{},{}",
            super::cost(&outcome.blocks, &plan.counts),
            obs.len(),
            u8::from(stopped)
        ));
        for i in 0..targets.len() {
            let xs: Vec<f64> = obs.iter().map(|o| o.targets[i]).collect();
            out.push(',');
            if !stopped {
                out.push_str(&format!("{}", crate::stats::mean(&xs)));
            }
        }
        for k in 0..FRONTIER.len() {
            out.push(',');
            if let Some(e) = estimate(obs.iter().map(|o| o.frontier[k]).collect()) {
                out.push_str(&format!("{}", e.mean));
            }
        }
        out.push('\n');
    }
    out
}

/// frontier.csv: one row per delay.
pub fn frontier_csv(json: &PlanJson) -> String {
    let mut out = String::from("intervention_delay,cost_staff_hours_per_week,pareto");
    for (name, _) in FRONTIER {
        out.push_str(&format!(",{name},{name}_ci95"));
    }
    out.push('\n');
    for row in &json.frontier {
        out.push_str(&format!(
            "{},{},{}",
            row.intervention_delay, row.cost_staff_hours_per_week, row.pareto
        ));
        for (name, _) in FRONTIER {
            match row.measures.get(name).copied().flatten() {
                Some([m, h]) => {
                    out.push_str(&format!(",{m},{}", crate::sweep::measures::field(Some(h))))
                }
                None => out.push_str(",,"),
            }
        }
        out.push('\n');
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The recommended plan as a scenario file: the scenario's tree (with
/// `extends` resolved) with the plan's delay, each planned team's count
/// and shift shares (a pattern given nobody is left out), and the times
/// the targets need among the response targets.
pub fn scenario_toml(
    tree: &toml::Table,
    scenario: &Scenario,
    blocks: &[Block],
    plan: &Plan,
    command: &str,
) -> Result<String, String> {
    use toml::Value;
    let mut tree = tree.clone();
    let section = |tree: &mut toml::Table, key: &str| -> Result<toml::Table, String> {
        match tree.remove(key) {
            None => Ok(toml::Table::new()),
            Some(Value::Table(t)) => Ok(t),
            Some(_) => Err(format!("[{key}] is not a table")),
        }
    };
    let mut policy = section(&mut tree, "policy")?;
    policy.insert(
        "intervention_delay".into(),
        Value::String(plan.delay.to_string()),
    );
    tree.insert("policy".into(), Value::Table(policy));
    let mut simulation = section(&mut tree, "simulation")?;
    simulation.insert(
        "response_targets".into(),
        Value::Array(
            scenario
                .simulation
                .response_targets
                .iter()
                .map(|t| Value::String(t.to_string()))
                .collect(),
        ),
    );
    tree.insert("simulation".into(), Value::Table(simulation));
    let mut staff = section(&mut tree, "staff")?;
    let mut teams = section(&mut staff, "teams")?;
    for (name, team) in teams_json(scenario, blocks, plan) {
        let Some(Value::Table(t)) = teams.get_mut(&name) else {
            return Err(format!(
                "[staff.teams.{name}] is not in the scenario's tree"
            ));
        };
        t.insert("count".into(), Value::Integer(i64::from(team.count)));
        if team.count == 0 {
            continue;
        }
        if let Some(Value::Array(shifts)) = t.get_mut("shifts") {
            let mut kept = Vec::new();
            for (p, shift) in shifts.drain(..).enumerate() {
                let n = team
                    .blocks
                    .iter()
                    .find(|b| b.pattern == p + 1)
                    .map_or(0, |b| b.count);
                if n == 0 {
                    continue;
                }
                let mut shift = shift;
                if let Value::Table(s) = &mut shift {
                    s.insert(
                        "share".into(),
                        Value::Float(f64::from(n) / f64::from(team.count)),
                    );
                }
                kept.push(shift);
            }
            *shifts = kept;
        }
    }
    staff.insert("teams".into(), Value::Table(teams));
    tree.insert("staff".into(), Value::Table(staff));
    let body = toml::to_string(&tree).map_err(|e| e.to_string())?;
    Ok(format!(
        "# The plan recommended by `{command}`\n# (entraide {}); run it with `entraide run` of this file.\n\n{body}",
        env!("CARGO_PKG_VERSION")
    ))
}

/// The text summary `plan` prints.
pub fn render(json: &PlanJson, targets: &[Target]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "entraide plan: \"{}\", seed {}, {} simulated runs ({:.1} simulated years)\n\n",
        json.scenario, json.seed, json.simulated_runs, json.simulated_years
    ));
    let Some(r) = &json.recommended else {
        out.push_str("no plan\n");
        return out;
    };
    out.push_str(&format!(
        "recommended: intervention delay {}, {:.0} staff hours a week{}\n",
        r.intervention_delay,
        r.cost_staff_hours_per_week,
        if r.certified { "" } else { " (NOT certified)" }
    ));
    for (name, team) in &r.teams {
        let blocks: Vec<String> = team
            .blocks
            .iter()
            .map(|b| {
                format!(
                    "{} on pattern {} ({}h/week)",
                    b.count, b.pattern, b.hours_per_week
                )
            })
            .collect();
        out.push_str(&format!(
            "  team {name}: {} ({})\n",
            team.count,
            blocks.join(", ")
        ));
    }
    out.push_str(&format!(
        "\ntargets, over {} replications (mean ± 95 % half-width):\n",
        r.replications
    ));
    for (e, t) in r.estimates.iter().zip(targets) {
        let kind = t.measure.kind();
        out.push_str(&format!(
            "  {:<40} {} ± {}   ({})\n",
            t.canonical(),
            show(kind, e.mean),
            show(kind, e.ci95),
            match e.verdict {
                Some(Verdict::Feasible) => "met",
                Some(Verdict::Infeasible) => "MISSED",
                _ => "not checked",
            }
        ));
    }
    for n in &r.one_fewer {
        out.push_str(&format!(
            "  one fewer in {} pattern {} ({}): {}\n",
            n.team,
            n.pattern,
            n.count,
            match &n.fails {
                Some(t) => format!("fails {t}"),
                None => "still meets every target".into(),
            }
        ));
    }
    for u in &json.runner_ups {
        let estimated_only =
            u.one_fewer.is_empty() && u.estimates.iter().all(|e| e.verdict.is_none());
        out.push_str(&format!(
            "runner-up: delay {}, {:.0} staff hours a week{}\n",
            u.intervention_delay,
            u.cost_staff_hours_per_week,
            if u.certified {
                ""
            } else if estimated_only {
                " (estimated, not certified: it costs no less than the recommended plan)"
            } else {
                " (not certified)"
            }
        ));
    }
    for o in &json.out_of_reach {
        out.push_str(&format!("delay {}: {}\n", o.intervention_delay, o.reason));
    }
    out.push_str(&format!("\n{}\n", json.statement));
    out
}
