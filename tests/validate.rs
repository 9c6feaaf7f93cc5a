//! `entraide validate` end to end: the quick suite passes, the JSON has
//! the documented shape, results do not depend on the thread count, and
//! bad ad-hoc input is refused with exit code 2.

mod common;

use common::entraide;
use serde_json::Value;

#[test]
fn quick_suite_agrees_with_theory() {
    let out = entraide(&["validate", "--quick", "--json"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "validate --quick failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let suite: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(suite["pass"], true);
    let cases = suite["cases"].as_array().unwrap();
    assert!(cases.len() >= 12);
    for case in cases {
        for check in case["checks"].as_array().unwrap() {
            let z = check["z"].as_f64().unwrap();
            assert!(z.abs() <= 4.0, "{}: {check}", case["case"]["name"]);
        }
        assert!(case["customers"].as_u64().unwrap() > 300_000);
    }
}

#[test]
fn ad_hoc_json_has_exact_and_simulated_values() {
    let args = [
        "validate",
        "--arrival-rate",
        "100/h",
        "--handling-time",
        "15m",
        "--staff",
        "25",
        "--patience",
        "1h",
        "--target",
        "5m",
        "--customers",
        "60000",
        "--replications",
        "10",
        "--json",
    ];
    let one = entraide(&[&args[..], &["--threads", "1"]].concat());
    let two = entraide(&[&args[..], &["--threads", "2"]].concat());
    assert_eq!(
        one.stdout, two.stdout,
        "results must not depend on the thread count"
    );
    let v: Value = serde_json::from_slice(&one.stdout).unwrap();
    let keys = [
        "p_wait",
        "p_abandon",
        "mean_wait_hours",
        "mean_wait_served_hours",
        "service_level",
        "occupancy",
    ];
    for key in keys {
        assert!(v["exact"][key].is_f64(), "exact.{key}");
        assert!(v["simulated"][key].is_f64(), "simulated.{key}");
        assert!(v["simulated"][format!("{key}_se")].is_f64(), "{key}_se");
    }
    // The published reference figures of this case.
    assert!((v["exact"]["p_abandon"].as_f64().unwrap() - 0.0531).abs() < 1e-3);
    assert!(v["customers"].as_u64().unwrap() >= 55_000);
}

#[test]
fn decimals_in_rates_and_durations() {
    let out = entraide(&[
        "validate",
        "--arrival-rate",
        "2.5/h",
        "--handling-time",
        "7.5m",
        "--staff",
        "1",
        "--customers",
        "20000",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["case"]["arrival_rate_per_hour"], 2.5);
    assert_eq!(v["case"]["mean_handling_hours"], 0.125);
    assert!(
        v["case"]["mean_patience_hours"].is_null(),
        "no patience: Erlang C"
    );
}

#[test]
fn bad_ad_hoc_input_exits_2() {
    for (args, needle) in [
        (
            vec![
                "--arrival-rate",
                "100",
                "--handling-time",
                "15m",
                "--staff",
                "25",
            ],
            "--arrival-rate",
        ),
        (
            vec![
                "--arrival-rate",
                "100/h",
                "--handling-time",
                "15x",
                "--staff",
                "25",
            ],
            "--handling-time",
        ),
        (
            vec![
                "--arrival-rate",
                "100/h",
                "--handling-time",
                "15m",
                "--staff",
                "0",
            ],
            "--staff",
        ),
        (
            vec![
                "--arrival-rate",
                "100/h",
                "--handling-time",
                "15m",
                "--staff",
                "20",
            ],
            "no steady state",
        ),
        (
            vec!["--arrival-rate", "100/h", "--staff", "25"],
            "--handling-time",
        ),
        (vec!["--quick", "--replications", "1"], "--replications"),
    ] {
        let out = entraide(&[&["validate"][..], &args].concat());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.to_lowercase().contains(&needle.to_lowercase()),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"));
    }
}

/// The minimum a case needs, read from the message `validate` gives when
/// asked for too few customers.
fn minimum_customers(case: &[&str]) -> String {
    let out = entraide(&[&["validate"], case, &["--customers", "100"]].concat());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .contains("too few customers for a test: 2 per replication (100 over 40 replications)"),
        "{stderr}"
    );
    let start = stderr.find("(--customers ").expect("the minimum") + "(--customers ".len();
    stderr[start..].split(')').next().unwrap().to_string()
}

/// Too few customers is a mistake in the request, not a disagreement with
/// theory: it is refused (exit 2) with the minimum; and at that minimum
/// the test means something: light, loaded, Erlang C and a case at the
/// 100-per-replication floor all agree with theory, over several seeds.
#[test]
fn the_documented_minimum_of_customers_gives_a_test() {
    let cases: [&[&str]; 4] = [
        &[
            "--arrival-rate",
            "100/h",
            "--handling-time",
            "15m",
            "--staff",
            "25",
            "--patience",
            "1h",
            "--target",
            "5m",
        ],
        &[
            "--arrival-rate",
            "30/h",
            "--handling-time",
            "30m",
            "--staff",
            "10",
            "--patience",
            "20m",
            "--target",
            "5m",
        ],
        &[
            "--arrival-rate",
            "3/h",
            "--handling-time",
            "15m",
            "--staff",
            "1",
            "--target",
            "10m",
        ],
        &[
            "--arrival-rate",
            "1/h",
            "--handling-time",
            "1m",
            "--staff",
            "1",
            "--patience",
            "2m",
            "--target",
            "1m",
        ],
    ];
    let expected = ["40000", "12000", "8360", "4000"];
    for (case, expected) in cases.iter().zip(expected) {
        let minimum = minimum_customers(case);
        assert_eq!(minimum, expected, "{case:?}");
        for seed in ["1", "2", "3"] {
            let out = entraide(
                &[
                    &["validate"],
                    *case,
                    &["--customers", &minimum, "--seed", seed],
                ]
                .concat(),
            );
            assert!(
                out.status.success(),
                "{case:?} at --customers {minimum}, seed {seed}:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
