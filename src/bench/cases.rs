//! The standard cases of `entraide bench`, defined once: which scenario,
//! which overrides, how much simulated time, in full and in `--quick`
//! form. The scenarios are embedded in the binary, so an installed
//! `entraide` benchmarks the same forum as a checkout.

use crate::scenario::{self, Scenario, ScenarioError, scaling};

/// The seed of every case (and the master seed of the sweep), fixed so
/// that the work of a case is the same on every commit that leaves the
/// model alone.
pub const SEED: u64 = 1;

const ERLANG_A: &str = include_str!("../../scenarios/erlang-a.toml");
const MERCURE: &str = include_str!("../../scenarios/mercure.toml");

/// What a case simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// One run, single thread, of the scenario made `scale` times larger
    /// (see `scenario::scaling`; 1 is the scenario itself).
    Run { scale: u32 },
    /// A small sweep on the worker threads: every value of `vary`
    /// (factors crossed) times `replications`, through `sweep::Sweep`.
    Sweep {
        vary: &'static [&'static str],
        replications: u32,
    },
}

/// One standard case.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// The name `--cases` takes and the JSON reports.
    pub name: &'static str,
    pub description: &'static str,
    /// The scenario's path in the repository (its text is embedded).
    pub file: &'static str,
    text: &'static str,
    /// Simulated time: in full, and with `--quick`.
    horizon: &'static str,
    quick_horizon: &'static str,
    pub work: Work,
    /// With `--quick`: the sweep's replications (the full count otherwise).
    quick_replications: u32,
}

/// The standard set, in the order they run and print.
pub const CASES: &[Case] = &[
    Case {
        name: "erlang-a",
        description: "the Erlang-A queue M/M/25+M, 100 arrivals/h, 15 min handling, 1 h patience; one run, one thread",
        file: "scenarios/erlang-a.toml",
        text: ERLANG_A,
        // About 1.7 million customers: a second or so, long enough for a
        // rate that does not depend on start-up.
        horizon: "104w",
        quick_horizon: "4w",
        work: Work::Run { scale: 1 },
        quick_replications: 1,
    },
    Case {
        name: "mercure-year",
        description: "the Mercure forum; one run, one thread",
        file: "scenarios/mercure.toml",
        text: MERCURE,
        horizon: "365d",
        quick_horizon: "30d",
        work: Work::Run { scale: 1 },
        quick_replications: 1,
    },
    Case {
        name: "mercure-x16-year",
        description: "the Mercure forum scaled by 16 (scenario::scaling); one run, one thread",
        file: "scenarios/mercure.toml",
        text: MERCURE,
        horizon: "365d",
        quick_horizon: "30d",
        work: Work::Run { scale: 16 },
        quick_replications: 1,
    },
    Case {
        name: "sweep-small",
        description: "a sweep of the Mercure forum, 4 points x replications, on the worker threads",
        file: "scenarios/mercure.toml",
        text: MERCURE,
        horizon: "60d",
        quick_horizon: "7d",
        work: Work::Sweep {
            vary: &[
                "policy.intervention_delay=1h,3h",
                "staff.teams.technical.count=6,12",
            ],
            replications: 4,
        },
        quick_replications: 1,
    },
];

/// The names of the standard cases, for messages.
pub fn names() -> Vec<&'static str> {
    CASES.iter().map(|c| c.name).collect()
}

/// The case called `name`, if it is one.
pub fn find(name: &str) -> Option<&'static Case> {
    CASES.iter().find(|c| c.name == name)
}

/// A case made concrete for one mode (full or quick): the overrides of its
/// scenario file and, for a sweep, what is varied and how often. With
/// `file`, `sets` and `SEED` anyone can reproduce the case's simulation
/// (`entraide run FILE --set ... --seed 1`).
#[derive(Debug, Clone)]
pub struct Setup {
    /// Simulated time of each run, as written in `sets`.
    pub horizon: &'static str,
    pub sets: Vec<String>,
    pub vary: Vec<String>,
    pub replications: u32,
    /// Runs simulated: points x replications.
    pub runs: u64,
}

impl Case {
    /// The scenario text, embedded in the binary.
    pub fn text(&self) -> &'static str {
        self.text
    }

    /// The overrides and counts of this case. The warm-up is 0 in every
    /// case, so that `questions.posted` counts every customer.
    pub fn setup(&self, quick: bool) -> Result<Setup, ScenarioError> {
        let horizon = if quick {
            self.quick_horizon
        } else {
            self.horizon
        };
        let base = vec![
            format!("simulation.horizon={horizon}"),
            "simulation.warmup=0s".to_string(),
        ];
        Ok(match self.work {
            Work::Run { scale: 1 } => Setup {
                horizon,
                sets: base,
                vary: Vec::new(),
                replications: 1,
                runs: 1,
            },
            Work::Run { scale } => {
                let sc = scenario::parse(self.text, self.file, &base)?.scenario;
                Setup {
                    horizon,
                    sets: scaling::overrides_for(&sc, &base, scale),
                    vary: Vec::new(),
                    replications: 1,
                    runs: 1,
                }
            }
            Work::Sweep { vary, replications } => {
                let replications = if quick {
                    self.quick_replications
                } else {
                    replications
                };
                // Each factor is a comma-separated list of values.
                let points: u64 = vary.iter().map(|v| v.split(',').count() as u64).product();
                Setup {
                    horizon,
                    sets: base,
                    vary: vary.iter().map(|v| v.to_string()).collect(),
                    replications,
                    runs: points * u64::from(replications),
                }
            }
        })
    }

    /// The validated scenario of a single-run case (the sweep's base
    /// scenario for a sweep).
    pub fn scenario(&self, setup: &Setup) -> Result<Scenario, ScenarioError> {
        Ok(scenario::parse(self.text, self.file, &setup.sets)?.scenario)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NoObserver, simulate};

    /// Every case's scenario is valid, in both modes, and its embedded
    /// text is the repository's file.
    #[test]
    fn every_case_loads() {
        for case in CASES {
            let on_disk = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(case.file),
            )
            .unwrap();
            assert_eq!(on_disk, case.text, "{}", case.name);
            for quick in [false, true] {
                let setup = case.setup(quick).unwrap();
                case.scenario(&setup).unwrap();
                assert!(setup.runs >= 1);
            }
        }
    }

    /// The names are distinct: `--cases` selects by name.
    #[test]
    fn names_are_distinct() {
        let mut names = names();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CASES.len());
    }

    /// The work of a case is a function of the fixed seed.
    #[test]
    fn a_quick_case_simulates_the_same_twice() {
        let case = find("mercure-x16-year").unwrap();
        let sc = case.scenario(&case.setup(true).unwrap()).unwrap();
        let a = simulate(&sc, SEED, &mut NoObserver);
        let b = simulate(&sc, SEED, &mut NoObserver);
        assert_eq!(a.engine.events, b.engine.events);
        assert_eq!(a.questions.posted, b.questions.posted);
        assert!(a.engine.events > 0);
    }
}
