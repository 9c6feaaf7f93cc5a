//! Value stability, as rand_distr's `tests/value_stability.rs` does it: the
//! first draws of every distribution family, of `sample_duration` and of
//! the exponential budgets the engine spends, pinned for one seed of the
//! project's generator. A crate upgrade (rand, rand_distr, rand_pcg) or an
//! algorithm change that alters them fails here, loudly, before it
//! silently changes every golden run. If the change is intended, update
//! the pins in the same commit as the goldens and say why.

use entraide::dist::{DistKind, DistSpec};
use entraide::rng::{Stream, stream_rng};
use rand_distr::{Distribution, Exp1};

/// One spec per family, in `DistKind::ALL` order
/// (`every_family_is_pinned` checks that none is missing).
fn specs() -> Vec<DistSpec> {
    vec![
        DistSpec::Constant { value: 2.5 },
        DistSpec::Exponential { mean: 3.0 },
        DistSpec::LogNormal { mean: 1.0, sd: 2.0 },
        DistSpec::Gamma { mean: 2.0, sd: 1.0 },
        DistSpec::Weibull {
            shape: 1.5,
            scale: 2.0,
        },
        DistSpec::Uniform { min: 0.5, max: 0.9 },
        DistSpec::Pareto {
            scale: 1.0,
            shape: 2.5,
        },
    ]
}

fn first_draws(spec: &DistSpec) -> Vec<f64> {
    let sampler = spec.sampler().expect("a valid spec");
    let mut rng = stream_rng(42, Stream::Experts);
    (0..4).map(|_| sampler.sample(&mut rng)).collect()
}

#[test]
fn every_family_is_pinned() {
    let kinds: Vec<DistKind> = specs().iter().map(DistSpec::kind).collect();
    assert_eq!(
        kinds,
        DistKind::ALL,
        "add the new family to specs() and PINNED"
    );
}

/// The first four draws of each family of `specs()`, seed 42, the expert
/// stream.
const PINNED: [[f64; 4]; 7] = [
    [2.5, 2.5, 2.5, 2.5],
    [
        1.1718283206046507,
        1.7600716850339155,
        2.303859645763948,
        1.3467940977099517,
    ],
    [
        0.5119143823700981,
        0.22613673939613765,
        0.5487187891689783,
        0.9530257781731816,
    ],
    [
        1.9372102297385323,
        1.9920783740239068,
        1.1681498196157853,
        1.0807526544208255,
    ],
    [
        1.3948940639257195,
        2.138589787276547,
        1.393681518705305,
        0.4322874887612192,
    ],
    [
        0.7234088620741397,
        0.6323886364071262,
        0.7235785635846608,
        0.8617584024887087,
    ],
    [
        1.2623617823771904,
        1.5562655824681455,
        1.2619784298801962,
        1.0410139413520272,
    ],
];

/// Seed 7, the staff stream.
const DURATIONS: [u64; 4] = [737516, 236776, 360056, 250011];

/// Seed 1, the arrivals stream.
const BUDGETS: [f64; 4] = [
    0.31949126660293137,
    0.012004940761328641,
    0.5243679269217815,
    0.5442295789429075,
];

#[test]
fn first_draws_of_every_family_are_pinned() {
    for (spec, pinned) in specs().iter().zip(PINNED) {
        let draws = first_draws(spec);
        for (k, (&got, &want)) in draws.iter().zip(&pinned).enumerate() {
            assert!(
                (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                "{:?} draw {k}: {got:?}, pinned {want:?} (all: {draws:?})",
                spec.kind()
            );
        }
    }
}

#[test]
fn durations_round_to_the_millisecond_and_are_pinned() {
    // A lognormal writing time of mean 6 min, sd 4 min, in ms.
    let spec = DistSpec::LogNormal {
        mean: 360_000.0,
        sd: 240_000.0,
    };
    let sampler = spec.sampler().unwrap();
    let mut rng = stream_rng(7, Stream::Staff);
    let ms: Vec<u64> = (0..4)
        .map(|_| sampler.sample_duration(&mut rng).as_millis())
        .collect();
    assert_eq!(ms, DURATIONS);
}

#[test]
fn exponential_budgets_are_pinned() {
    // Every arrival and session time is the next point of a Poisson
    // process found by spending an Exp(1) budget.
    let mut rng = stream_rng(1, Stream::Arrivals);
    let budgets: Vec<f64> = (0..4).map(|_| Exp1.sample(&mut rng)).collect();
    for (got, want) in budgets.iter().zip(BUDGETS) {
        assert!((got - want).abs() <= 1e-12, "{budgets:?}");
    }
}
