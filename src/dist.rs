//! Distributions a scenario can name, validated once into samplers over
//! `rand_distr`. Every behaviour time (patience, writing, handling, sessions)
//! and every heavy-tailed level (expert activity) is one of these.
//!
//! Parameters are given the way a modeller thinks of them (a mean and a
//! standard deviation for lognormal and gamma), converted here to the
//! textbook parameters.

use crate::rng::SimRng;
use crate::time::SimDuration;
use rand::RngExt;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Pareto, Weibull};

/// A distribution as written in a scenario, in the field's base unit
/// (milliseconds for durations, the plain number otherwise).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DistSpec {
    Constant { value: f64 },
    Exponential { mean: f64 },
    LogNormal { mean: f64, sd: f64 },
    Gamma { mean: f64, sd: f64 },
    Weibull { shape: f64, scale: f64 },
    Uniform { min: f64, max: f64 },
    Pareto { scale: f64, shape: f64 },
}

/// A family of distributions, as named in `dist = "..."`. Each kind has
/// its name, its parameters and how to build its `DistSpec` in one `match`
/// per question, so a new family that forgets one fails to compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistKind {
    Constant,
    Exponential,
    LogNormal,
    Gamma,
    Weibull,
    Uniform,
    Pareto,
}

/// A parameter of a distribution family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    /// A shape is a plain number whatever the unit of the values.
    pub is_shape: bool,
}

const fn value(name: &'static str) -> Param {
    Param {
        name,
        is_shape: false,
    }
}
const VALUE: Param = value("value");
const MEAN: Param = value("mean");
const SD: Param = value("sd");
const SCALE: Param = value("scale");
const MIN: Param = value("min");
const MAX: Param = value("max");
const SHAPE: Param = Param {
    name: "shape",
    is_shape: true,
};

impl DistKind {
    /// Every kind, in the order messages list them.
    pub const ALL: [DistKind; 7] = [
        DistKind::Constant,
        DistKind::Exponential,
        DistKind::LogNormal,
        DistKind::Gamma,
        DistKind::Weibull,
        DistKind::Uniform,
        DistKind::Pareto,
    ];

    /// The name written in `dist = "..."`.
    pub fn name(self) -> &'static str {
        match self {
            DistKind::Constant => "constant",
            DistKind::Exponential => "exponential",
            DistKind::LogNormal => "lognormal",
            DistKind::Gamma => "gamma",
            DistKind::Weibull => "weibull",
            DistKind::Uniform => "uniform",
            DistKind::Pareto => "pareto",
        }
    }

    /// The kind named `name`, if any.
    pub fn from_name(name: &str) -> Option<DistKind> {
        DistKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The parameters this family takes, in the order `spec` reads them.
    pub fn params(self) -> &'static [Param] {
        match self {
            DistKind::Constant => &[VALUE],
            DistKind::Exponential => &[MEAN],
            DistKind::LogNormal | DistKind::Gamma => &[MEAN, SD],
            DistKind::Weibull => &[SHAPE, SCALE],
            DistKind::Uniform => &[MIN, MAX],
            DistKind::Pareto => &[SCALE, SHAPE],
        }
    }

    /// Builds a spec of this family, reading each parameter with `get`
    /// (in `params()` order) and stopping at the first error.
    pub fn spec<E>(self, mut get: impl FnMut(Param) -> Result<f64, E>) -> Result<DistSpec, E> {
        Ok(match self {
            DistKind::Constant => DistSpec::Constant { value: get(VALUE)? },
            DistKind::Exponential => DistSpec::Exponential { mean: get(MEAN)? },
            DistKind::LogNormal => DistSpec::LogNormal {
                mean: get(MEAN)?,
                sd: get(SD)?,
            },
            DistKind::Gamma => DistSpec::Gamma {
                mean: get(MEAN)?,
                sd: get(SD)?,
            },
            DistKind::Weibull => DistSpec::Weibull {
                shape: get(SHAPE)?,
                scale: get(SCALE)?,
            },
            DistKind::Uniform => DistSpec::Uniform {
                min: get(MIN)?,
                max: get(MAX)?,
            },
            DistKind::Pareto => DistSpec::Pareto {
                scale: get(SCALE)?,
                shape: get(SHAPE)?,
            },
        })
    }
}

impl DistSpec {
    /// The family of this spec.
    pub fn kind(&self) -> DistKind {
        match self {
            DistSpec::Constant { .. } => DistKind::Constant,
            DistSpec::Exponential { .. } => DistKind::Exponential,
            DistSpec::LogNormal { .. } => DistKind::LogNormal,
            DistSpec::Gamma { .. } => DistKind::Gamma,
            DistSpec::Weibull { .. } => DistKind::Weibull,
            DistSpec::Uniform { .. } => DistKind::Uniform,
            DistSpec::Pareto { .. } => DistKind::Pareto,
        }
    }

    /// The parameter values, in `kind().params()` order.
    pub fn values(&self) -> Vec<f64> {
        match *self {
            DistSpec::Constant { value } => vec![value],
            DistSpec::Exponential { mean } => vec![mean],
            DistSpec::LogNormal { mean, sd } | DistSpec::Gamma { mean, sd } => vec![mean, sd],
            DistSpec::Weibull { shape, scale } => vec![shape, scale],
            DistSpec::Uniform { min, max } => vec![min, max],
            DistSpec::Pareto { scale, shape } => vec![scale, shape],
        }
    }
}

/// A validated distribution, ready to sample.
#[derive(Debug, Clone, Copy)]
pub enum Sampler {
    Constant(f64),
    Exponential(Exp<f64>, f64),
    LogNormal(LogNormal<f64>, f64),
    Gamma(Gamma<f64>, f64),
    Weibull(Weibull<f64>, f64),
    Uniform { min: f64, width: f64 },
    Pareto(Pareto<f64>, f64),
}

impl DistSpec {
    /// Builds the sampler, or says which parameter is wrong and why.
    pub fn sampler(&self) -> Result<Sampler, String> {
        fn positive(name: &str, v: f64) -> Result<f64, String> {
            if v.is_finite() && v > 0.0 {
                Ok(v)
            } else {
                Err(format!("`{name}` must be a finite number > 0, found {v}"))
            }
        }
        fn non_negative(name: &str, v: f64) -> Result<f64, String> {
            if v.is_finite() && v >= 0.0 {
                Ok(v)
            } else {
                Err(format!("`{name}` must be a finite number >= 0, found {v}"))
            }
        }
        Ok(match *self {
            DistSpec::Constant { value } => Sampler::Constant(non_negative("value", value)?),
            DistSpec::Exponential { mean } => {
                let mean = positive("mean", mean)?;
                Sampler::Exponential(Exp::new(1.0 / mean).map_err(|e| e.to_string())?, mean)
            }
            DistSpec::LogNormal { mean, sd } => {
                let mean = positive("mean", mean)?;
                let sd = non_negative("sd", sd)?;
                let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                let mu = mean.ln() - sigma2 / 2.0;
                Sampler::LogNormal(
                    LogNormal::new(mu, sigma2.sqrt()).map_err(|e| e.to_string())?,
                    mean,
                )
            }
            DistSpec::Gamma { mean, sd } => {
                let mean = positive("mean", mean)?;
                let sd = positive("sd", sd)?;
                let shape = (mean / sd).powi(2);
                let scale = sd * sd / mean;
                Sampler::Gamma(Gamma::new(shape, scale).map_err(|e| e.to_string())?, mean)
            }
            DistSpec::Weibull { shape, scale } => {
                let shape = positive("shape", shape)?;
                let scale = positive("scale", scale)?;
                let mean = scale * gamma_function(1.0 + 1.0 / shape);
                if !mean.is_finite() {
                    return Err(format!(
                        "`shape` {shape} is too small: the mean is infinite"
                    ));
                }
                Sampler::Weibull(Weibull::new(scale, shape).map_err(|e| e.to_string())?, mean)
            }
            DistSpec::Uniform { min, max } => {
                let min = non_negative("min", min)?;
                let max = non_negative("max", max)?;
                if max < min {
                    return Err(format!("`max` ({max}) must be >= `min` ({min})"));
                }
                Sampler::Uniform {
                    min,
                    width: max - min,
                }
            }
            DistSpec::Pareto { scale, shape } => {
                let scale = positive("scale", scale)?;
                let shape = positive("shape", shape)?;
                if shape <= 1.0 {
                    return Err(format!(
                        "`shape` must be > 1 so that the mean is finite, found {shape}"
                    ));
                }
                Sampler::Pareto(
                    Pareto::new(scale, shape).map_err(|e| e.to_string())?,
                    shape * scale / (shape - 1.0),
                )
            }
        })
    }
}

impl Sampler {
    /// One draw, always finite and >= 0.
    pub fn sample(&self, rng: &mut SimRng) -> f64 {
        let x = match self {
            Sampler::Constant(v) => *v,
            Sampler::Exponential(d, _) => d.sample(rng),
            Sampler::LogNormal(d, _) => d.sample(rng),
            Sampler::Gamma(d, _) => d.sample(rng),
            Sampler::Weibull(d, _) => d.sample(rng),
            Sampler::Uniform { min, width } => min + width * rng.random::<f64>(),
            Sampler::Pareto(d, _) => d.sample(rng),
        };
        if x.is_finite() { x.max(0.0) } else { 0.0 }
    }

    /// The exact mean of the distribution.
    pub fn mean(&self) -> f64 {
        match self {
            Sampler::Constant(v) => *v,
            Sampler::Uniform { min, width } => min + width / 2.0,
            Sampler::Exponential(_, m)
            | Sampler::LogNormal(_, m)
            | Sampler::Gamma(_, m)
            | Sampler::Weibull(_, m)
            | Sampler::Pareto(_, m) => *m,
        }
    }

    /// A draw read as a duration in milliseconds.
    pub fn sample_duration(&self, rng: &mut SimRng) -> SimDuration {
        SimDuration::from_millis_f64(self.sample(rng))
    }
}

/// Γ(x) for x > 0, from `special::ln_gamma` (Lanczos, g = 7, n = 9),
/// accurate to about 1e-15 relative: enough for a Weibull mean.
fn gamma_function(x: f64) -> f64 {
    crate::special::ln_gamma(x).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream_rng};

    fn sample_mean(spec: DistSpec, n: usize) -> (f64, f64) {
        let sampler = spec.sampler().unwrap();
        let mut rng = stream_rng(42, Stream::Staff);
        let draws: Vec<f64> = (0..n).map(|_| sampler.sample(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, (var / n as f64).sqrt())
    }

    #[test]
    fn sample_means_match_the_stated_means() {
        // 200k draws, bound of 5 standard errors: a fixed seed and a bound
        // this wide cannot flake, yet catch a wrong parameterisation.
        let specs = [
            DistSpec::Exponential { mean: 3.0 },
            DistSpec::LogNormal { mean: 6.0, sd: 4.0 },
            DistSpec::Gamma { mean: 2.0, sd: 1.0 },
            DistSpec::Weibull {
                shape: 1.5,
                scale: 2.0,
            },
            DistSpec::Uniform { min: 1.0, max: 3.0 },
            DistSpec::Pareto {
                scale: 1.0,
                shape: 3.0,
            },
        ];
        for spec in specs {
            let stated = spec.sampler().unwrap().mean();
            let (mean, se) = sample_mean(spec, 200_000);
            assert!(
                (mean - stated).abs() < 5.0 * se,
                "{spec:?}: sample mean {mean} vs stated {stated} (se {se})"
            );
        }
    }

    #[test]
    fn lognormal_sd_is_respected() {
        let sampler = DistSpec::LogNormal { mean: 6.0, sd: 4.0 }
            .sampler()
            .unwrap();
        let mut rng = stream_rng(3, Stream::Staff);
        let n = 400_000;
        let draws: Vec<f64> = (0..n).map(|_| sampler.sample(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let sd = (draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        assert!((sd - 4.0).abs() < 0.1, "sd {sd}");
    }

    #[test]
    fn each_kind_reads_exactly_its_parameters_and_round_trips() {
        for kind in DistKind::ALL {
            assert_eq!(DistKind::from_name(kind.name()), Some(kind));
            let mut asked = Vec::new();
            let spec = kind
                .spec(|p| {
                    asked.push(p);
                    Ok::<f64, ()>(asked.len() as f64 + 1.5)
                })
                .unwrap();
            assert_eq!(asked, kind.params(), "{kind:?}");
            assert_eq!(spec.kind(), kind);
            let values: Vec<f64> = (0..asked.len()).map(|i| i as f64 + 2.5).collect();
            assert_eq!(spec.values(), values, "{kind:?}");
        }
        let mut names: Vec<&str> = DistKind::ALL.iter().map(|k| k.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), DistKind::ALL.len());
    }

    #[test]
    fn gamma_function_known_values() {
        assert!((gamma_function(1.0) - 1.0).abs() < 1e-12);
        assert!((gamma_function(5.0) - 24.0).abs() < 1e-9);
        assert!((gamma_function(0.5) - std::f64::consts::PI.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn invalid_parameters_are_errors_not_panics() {
        let bad = [
            DistSpec::Exponential { mean: 0.0 },
            DistSpec::Exponential { mean: f64::NAN },
            DistSpec::LogNormal {
                mean: -1.0,
                sd: 1.0,
            },
            DistSpec::Gamma { mean: 1.0, sd: 0.0 },
            DistSpec::Uniform { min: 2.0, max: 1.0 },
            DistSpec::Pareto {
                scale: 1.0,
                shape: 1.0,
            },
            DistSpec::Weibull {
                shape: f64::INFINITY,
                scale: 1.0,
            },
            DistSpec::Constant { value: -1.0 },
        ];
        for spec in bad {
            assert!(spec.sampler().is_err(), "{spec:?} should be rejected");
        }
    }
}
