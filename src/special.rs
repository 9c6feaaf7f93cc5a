//! Special functions for the fits, plus the one optimiser they share.
//!
//! - `erfc` and the normal tail come from the regularised incomplete gamma
//!   function, since erfc(x) = Q(1/2, x²): one series and one continued
//!   fraction (Numerical Recipes, 3rd ed., §6.2) serve both the normal and
//!   the chi-square. Both converge to machine precision, so erfc's
//!   relative error stays within its own conditioning (about 2x² ulps:
//!   4e-15 at x = 1, 2e-13 at x = 23, checked against mpmath) out to
//!   where it underflows, and `ln_normal_sf` goes on past that in logs.
//! - `normal_quantile` is Acklam's rational approximation (relative error
//!   1.15e-9) polished by one Halley step on the accurate cdf.
//! - `ln_gamma` is Lanczos (g = 7, nine terms), about 1e-15 relative.
//! - `maximise_2d` is a damped Newton method for the two-parameter
//!   likelihoods: a log-likelihood with analytic derivatives is cheap and
//!   exact where a derivative-free search would be slow and vague.

use std::f64::consts::PI;

/// ln √π.
const LN_SQRT_PI: f64 = 0.572_364_942_924_700_1;
/// ln √(2π), the normal density's constant.
pub const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// Relative accuracy at which the series and continued fraction stop.
const EPS: f64 = 1e-16;
/// Stands in for zero in the modified Lentz algorithm.
const TINY: f64 = 1e-300;

/// ln Γ(x) for x > 0 (and for negative non-integers, by reflection).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Γ(x) Γ(1 − x) = π / sin(πx), so small x keeps full accuracy.
        return (PI / (PI * x).sin().abs()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + G + 0.5;
    let sum = C[0] + (1..9).map(|i| C[i] / (x + i as f64)).sum::<f64>();
    LN_SQRT_2PI + (x + 0.5) * t.ln() - t + sum.ln()
}

/// ln of x^a e^(−x) / Γ(a), the prefactor both gamma expansions share.
fn ln_prefactor(a: f64, x: f64, ln_gamma_a: f64) -> f64 {
    -x + a * x.ln() - ln_gamma_a
}

/// P(a, x) by its series, for x < a + 1 (where it converges fast).
fn gamma_p_series(a: f64, x: f64, ln_gamma_a: f64) -> f64 {
    let (mut term, mut sum, mut ap) = (1.0 / a, 1.0 / a, a);
    for _ in 0..100_000 {
        ap += 1.0;
        term *= x / ap;
        sum += term;
        if term.abs() < sum.abs() * EPS {
            break;
        }
    }
    sum * ln_prefactor(a, x, ln_gamma_a).exp()
}

/// ln Q(a, x) by its continued fraction (modified Lentz), for x ≥ a + 1.
fn ln_gamma_q_fraction(a: f64, x: f64, ln_gamma_a: f64) -> f64 {
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..100_000 {
        let an = -(i as f64) * (i as f64 - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < TINY {
            d = TINY;
        }
        c = b + an / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < EPS {
            break;
        }
    }
    ln_prefactor(a, x, ln_gamma_a) + h.ln()
}

/// The regularised upper incomplete gamma Q(a, x), given ln Γ(a).
fn gamma_q(a: f64, x: f64, ln_gamma_a: f64) -> f64 {
    if x <= 0.0 {
        1.0
    } else if x < a + 1.0 {
        1.0 - gamma_p_series(a, x, ln_gamma_a)
    } else {
        ln_gamma_q_fraction(a, x, ln_gamma_a).exp()
    }
}

/// The complementary error function, accurate in relative terms in the
/// upper tail (where 1 − erf would cancel).
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        f64::NAN
    } else if x < 0.0 {
        2.0 - erfc(-x)
    } else if x > 27.3 {
        // Below the smallest f64 (and the continued fraction would not
        // converge at x = ∞).
        0.0
    } else if x * x < 1.5 {
        1.0 - gamma_p_series(0.5, x * x, LN_SQRT_PI)
    } else {
        gamma_q(0.5, x * x, LN_SQRT_PI)
    }
}

/// The standard normal upper tail P(Z > x).
pub fn normal_sf(x: f64) -> f64 {
    0.5 * erfc(x * std::f64::consts::FRAC_1_SQRT_2)
}

/// The standard normal cdf P(Z ≤ x), accurate in the lower tail.
pub fn normal_cdf(x: f64) -> f64 {
    normal_sf(-x)
}

/// ln P(Z > x), finite far beyond where `normal_sf` underflows (a right-
/// censored time many sigmas out must not make a log-likelihood −∞).
pub fn ln_normal_sf(x: f64) -> f64 {
    if x == f64::INFINITY {
        // A censored time at the top of the scale (the continued fraction
        // would not converge).
        f64::NEG_INFINITY
    } else if x < 0.0 {
        (-normal_sf(-x)).ln_1p()
    } else if x < 2.0 {
        normal_sf(x).ln()
    } else {
        let u = x * std::f64::consts::FRAC_1_SQRT_2;
        ln_gamma_q_fraction(0.5, u * u, LN_SQRT_PI) - std::f64::consts::LN_2
    }
}

/// ln of the standard normal density at z.
pub fn ln_normal_pdf(z: f64) -> f64 {
    -0.5 * z * z - LN_SQRT_2PI
}

/// The normal hazard φ(z) / (1 − Φ(z)) (the inverse Mills ratio): the
/// score of a right-censored observation, finite for every z.
pub fn normal_hazard(z: f64) -> f64 {
    (ln_normal_pdf(z) - ln_normal_sf(z)).exp()
}

/// The standard normal quantile Φ⁻¹(p); ∓∞ at 0 and 1, NaN outside.
pub fn normal_quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) || p.is_nan() {
        return f64::NAN;
    }
    if p > 0.5 {
        // 1 − p is exact here, and the symmetry makes Φ⁻¹(1 − q) = −Φ⁻¹(q).
        return -normal_quantile(1.0 - p);
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    // Acklam's coefficients: central region, then the lower tail.
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let x = if p < 0.024_25 {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // One Halley step on Φ(x) = p takes 1e-9 to the cdf's own accuracy.
    let u = (normal_cdf(x) - p) * (ln_normal_pdf(x).exp()).recip();
    x - u / (1.0 + 0.5 * x * u)
}

/// P(X > x) for X chi-square with `df` degrees of freedom: Q(df/2, x/2).
pub fn chi_square_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    gamma_q(0.5 * df, 0.5 * x, ln_gamma(0.5 * df))
}

/// A smooth objective at one point: value, gradient and Hessian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quadratic {
    pub value: f64,
    pub gradient: [f64; 2],
    pub hessian: [[f64; 2]; 2],
}

impl Quadratic {
    /// The sum of two objectives' expansions at the same point.
    pub fn plus(self, other: Quadratic, weight: f64) -> Quadratic {
        let (g, h) = (other.gradient, other.hessian);
        Quadratic {
            value: self.value + weight * other.value,
            gradient: [
                self.gradient[0] + weight * g[0],
                self.gradient[1] + weight * g[1],
            ],
            hessian: [
                [
                    self.hessian[0][0] + weight * h[0][0],
                    self.hessian[0][1] + weight * h[0][1],
                ],
                [
                    self.hessian[1][0] + weight * h[1][0],
                    self.hessian[1][1] + weight * h[1][1],
                ],
            ],
        }
    }

    /// Re-expresses derivatives in (θ, σ) as derivatives in (θ, ln σ), the
    /// parametrisation the optimiser sees, so that σ can never go negative.
    pub fn in_log_second(self, sigma: f64) -> Quadratic {
        let (g, h) = (self.gradient, self.hessian);
        Quadratic {
            value: self.value,
            gradient: [g[0], sigma * g[1]],
            hessian: [
                [h[0][0], sigma * h[0][1]],
                [sigma * h[1][0], sigma * sigma * h[1][1] + sigma * g[1]],
            ],
        }
    }

    fn is_finite(&self) -> bool {
        let h = self.hessian;
        [
            self.value,
            self.gradient[0],
            self.gradient[1],
            h[0][0],
            h[0][1],
            h[1][1],
        ]
        .iter()
        .all(|v| v.is_finite())
    }
}

/// Where `maximise_2d` stopped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Maximum {
    pub point: [f64; 2],
    /// The objective's expansion at `point`.
    pub at: Quadratic,
    /// False when the iteration cap was hit (the objective may have no
    /// maximum: a lognormal fitted to a power-law tail drifts forever).
    pub converged: bool,
}

/// Maximises a smooth function of two variables by Newton's method, with a
/// Levenberg shift where the Hessian is not negative definite and step
/// halving whenever a step fails to raise the value. `f` returns None
/// outside its domain. None if `f` is not finite at `start`.
pub fn maximise_2d(f: impl Fn([f64; 2]) -> Option<Quadratic>, start: [f64; 2]) -> Option<Maximum> {
    const MAX_ITERATIONS: usize = 500;
    let mut x = start;
    let mut q = f(x).filter(Quadratic::is_finite)?;
    for _ in 0..MAX_ITERATIONS {
        // Solve (−H + λI) δ = g with the smallest λ ≥ 0 that makes the
        // matrix safely positive definite.
        let (a, b, c) = (-q.hessian[0][0], -q.hessian[0][1], -q.hessian[1][1]);
        let min_eigen = 0.5 * (a + c) - (0.25 * (a - c) * (a - c) + b * b).sqrt();
        let scale = a.abs() + b.abs() + c.abs() + 1e-300;
        let lambda = if min_eigen > 1e-10 * scale {
            0.0
        } else {
            1e-3 * scale - min_eigen
        };
        let (a, c) = (a + lambda, c + lambda);
        let det = a * c - b * b;
        let g = q.gradient;
        let step = [(c * g[0] - b * g[1]) / det, (a * g[1] - b * g[0]) / det];
        // The Newton decrement: the gain the quadratic model predicts.
        let decrement = g[0] * step[0] + g[1] * step[1];
        if lambda == 0.0 && decrement < 1e-12 {
            return Some(Maximum {
                point: x,
                at: q,
                converged: true,
            });
        }
        let mut t = 1.0;
        let accepted = (0..60).find_map(|_| {
            let trial = [x[0] + t * step[0], x[1] + t * step[1]];
            t *= 0.5;
            let tq = f(trial).filter(Quadratic::is_finite)?;
            (tq.value >= q.value).then_some((trial, tq))
        });
        match accepted {
            Some((trial, tq)) => (x, q) = (trial, tq),
            // No step raises the value: at the maximum to rounding.
            None => {
                return Some(Maximum {
                    point: x,
                    at: q,
                    converged: lambda == 0.0,
                });
            }
        }
    }
    Some(Maximum {
        point: x,
        at: q,
        converged: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, rel: f64) -> bool {
        (got - want).abs() <= rel * want.abs()
    }

    /// A log-normal fit meets ln 0 = −∞ when a censored delay is zero
    /// (an answer at the question's millisecond): the tails must answer
    /// at once, not run a continued fraction that cannot converge.
    #[test]
    fn the_tails_are_exact_at_infinity() {
        assert_eq!(erfc(f64::INFINITY), 0.0);
        assert_eq!(erfc(f64::NEG_INFINITY), 2.0);
        assert_eq!(erfc(30.0), 0.0);
        assert_eq!(ln_normal_sf(f64::NEG_INFINITY), 0.0);
        assert_eq!(ln_normal_sf(f64::INFINITY), f64::NEG_INFINITY);
        assert_eq!(normal_sf(f64::NEG_INFINITY), 1.0);
        // Just below the cut, still a positive (subnormal) number.
        assert!(erfc(26.5) > 0.0);
    }

    #[test]
    fn normal_known_values() {
        assert!(close(normal_cdf(1.96), 0.975_002_104_851_779_5, 1e-15));
        assert!(close(normal_cdf(-8.0), 6.220_960_574_271_78e-16, 1e-12));
        assert!(close(normal_cdf(0.0), 0.5, 1e-16));
        // The references below are mpmath at 30 digits.
        let tail = [
            (0.5, 0.308_537_538_725_986_9),
            (1.0, 0.158_655_253_931_457_05),
            (2.5, 6.209_665_325_776_135e-3),
            (5.0, 2.866_515_718_791_939e-7),
            (20.0, 2.753_624_118_606_233_7e-89),
            (37.0, 5.725_571_222_524_577e-300),
        ];
        for (x, want) in tail {
            assert!(
                close(normal_sf(x), want, 1e-13),
                "sf({x}) = {}",
                normal_sf(x)
            );
            assert!(close(ln_normal_sf(x), want.ln(), 1e-13));
        }
        // Where the tail underflows its log still holds (mpmath again).
        assert!(close(ln_normal_sf(50.0), -1_254.831_361_139_42, 1e-14));
        assert!(close(erfc(1.0), 0.157_299_207_050_285_13, 1e-14));
    }

    #[test]
    fn hazard_is_the_density_over_the_tail() {
        for z in [-3.0, 0.0, 1.5, 4.0] {
            let direct = ln_normal_pdf(z).exp() / normal_sf(z);
            assert!(close(normal_hazard(z), direct, 1e-13));
        }
        // Far out the hazard approaches z + 1/z.
        assert!(close(normal_hazard(60.0), 60.0 + 1.0 / 60.0, 1e-6));
    }

    #[test]
    fn quantile_inverts_the_cdf() {
        assert!(close(normal_quantile(0.975), 1.959_963_984_540_054, 1e-14));
        assert!(close(
            normal_quantile(0.05),
            -1.644_853_626_951_472_7,
            1e-14
        ));
        assert_eq!(normal_quantile(0.5), 0.0);
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
        assert!(normal_quantile(1.5).is_nan());
        // Lower half only: above it p = Φ(x) itself has too few digits.
        for i in 0..=370 {
            let x = -37.0 + i as f64 * 0.1;
            let back = normal_quantile(normal_cdf(x));
            assert!((back - x).abs() < 1e-13 * (1.0 + x.abs()), "{x} -> {back}");
        }
        // Φ(x) moves by a relative |x| δx, and δx is an ulp of x.
        for k in 1..=300 {
            let p = 10f64.powf(-(k as f64));
            let x = normal_quantile(p);
            assert!(close(normal_cdf(x), p, 2e-15 * (1.0 + x * x)), "p = {p}");
        }
    }

    #[test]
    fn chi_square_known_values() {
        assert!(close(
            chi_square_sf(3.841_458_820_694_124, 1.0),
            0.05,
            1e-12
        ));
        assert!(close(
            chi_square_sf(18.307_038_053_275_146, 10.0),
            0.05,
            1e-12
        ));
        // df = 2 is an exponential with mean 2: Q = e^(-x/2).
        assert!(close(chi_square_sf(7.0, 2.0), (-3.5_f64).exp(), 1e-13));
        assert!(close(chi_square_sf(200.0, 2.0), (-100.0_f64).exp(), 1e-13));
        assert_eq!(chi_square_sf(0.0, 3.0), 1.0);
    }

    #[test]
    fn ln_gamma_known_values() {
        assert!(close(ln_gamma(0.5), PI.sqrt().ln(), 1e-14));
        assert!(ln_gamma(1.0).abs() < 1e-14 && ln_gamma(2.0).abs() < 1e-14);
        assert!(close(ln_gamma(10.0), 362_880.0_f64.ln(), 1e-14));
        // Γ(0.1) = 9.513507698668731836..., through the reflection formula.
        assert!(close(ln_gamma(0.1), 9.513_507_698_668_732_f64.ln(), 1e-13));
        // Stirling's series is exact to 1e-16 relative at 1000.
        let x = 1000.0_f64;
        let stirling = (x - 0.5) * x.ln() - x + LN_SQRT_2PI + 1.0 / (12.0 * x);
        assert!(close(ln_gamma(x), stirling, 1e-14));
    }

    #[test]
    fn maximiser_climbs_the_rosenbrock_valley() {
        // f = -(1 - x)^2 - 10 (y - x^2)^2: maximum 0 at (1, 1), reached
        // along a curved valley, with an indefinite Hessian on the way.
        let f = |p: [f64; 2]| {
            let (x, y) = (p[0], p[1]);
            Some(Quadratic {
                value: -(1.0 - x).powi(2) - 10.0 * (y - x * x).powi(2),
                gradient: [
                    2.0 * (1.0 - x) + 40.0 * x * (y - x * x),
                    -20.0 * (y - x * x),
                ],
                hessian: [
                    [-2.0 + 40.0 * y - 120.0 * x * x, 40.0 * x],
                    [40.0 * x, -20.0],
                ],
            })
        };
        let max = maximise_2d(f, [-1.2, 1.0]).unwrap();
        assert!(max.converged);
        assert!((max.point[0] - 1.0).abs() < 1e-6 && (max.point[1] - 1.0).abs() < 1e-6);
        // Outside its domain everywhere: no start, no answer.
        assert!(maximise_2d(|_| None, [0.0, 0.0]).is_none());
    }
}
