//! The report of `entraide plan --out DIR` (read from `DIR/plan.json`):
//! the recommended plan, each target's estimate with its interval, what
//! one fewer person in each block would do, the runner-up delays, and the
//! frontier of cost against expert retention (or response time).

use super::ReportError;
use super::charts::{self, Axis, Dot, Scale};
use super::html::{Figure, Page, escape};
use serde_json::Value;

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// A share in per cent, a time in hours, a number: by the target's kind.
fn show(kind: &str, x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    match kind {
        "share" => format!("{:.1} %", 100.0 * x),
        "duration" => format!("{x:.2} h"),
        _ => format!("{x:.1}"),
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

pub fn build(json: &Value, file: &str) -> Result<Page, ReportError> {
    let corrupt = |what: &str| ReportError::Corrupt {
        file: file.to_string(),
        message: format!("not a plan.json written by entraide plan ({what} missing)"),
    };
    let targets = json["targets"]
        .as_array()
        .ok_or_else(|| corrupt("targets"))?;
    let kinds: Vec<String> = targets.iter().map(|t| text(&t["kind"])).collect();
    let r = &json["recommended"];
    if !r.is_object() {
        return Err(corrupt("recommended"));
    }
    let mut figures = vec![
        Figure {
            label: "Intervention delay".into(),
            value: text(&r["intervention_delay"]),
            reading: "how long staff wait before stepping in".into(),
        },
        Figure {
            label: "Staff hours a week".into(),
            value: format!(
                "{:.0}",
                num(&r["cost_staff_hours_per_week"]).unwrap_or(f64::NAN)
            ),
            reading: if r["certified"] == true {
                "the least that meets every target, certified".into()
            } else {
                "NOT certified: an estimate only (see the statement)".into()
            },
        },
    ];
    let estimates = r["estimates"].as_array().cloned().unwrap_or_default();
    for (i, e) in estimates.iter().enumerate() {
        let kind = kinds.get(i).map_or("", |k| k.as_str());
        let mean = num(&e["mean"]).unwrap_or(f64::NAN);
        let ci = num(&e["ci95"]).unwrap_or(f64::NAN);
        figures.push(Figure {
            label: text(&e["target"]),
            value: format!("{} ± {}", show(kind, mean), show(kind, ci)),
            reading: match e["verdict"].as_str() {
                Some("feasible") => "met (mean ± 95 % half-width)".into(),
                Some("infeasible") => "MISSED".into(),
                _ => "not checked".into(),
            },
        });
    }

    let mut sections = Vec::new();
    // The plan, block by block.
    let mut rows = String::from(
        "<table><tr><th>team</th><th>shift pattern</th><th>hours a week</th><th>people</th></tr>",
    );
    if let Some(teams) = r["teams"].as_object() {
        for (name, team) in teams {
            for b in team["blocks"].as_array().into_iter().flatten() {
                rows.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(name),
                    b["pattern"],
                    b["hours_per_week"],
                    b["count"]
                ));
            }
            rows.push_str(&format!(
                "<tr><th>{}</th><th></th><th></th><th>{}</th></tr>",
                escape(name),
                team["count"]
            ));
        }
    }
    rows.push_str("</table>");
    sections.push((
        "plan".into(),
        "The recommended plan".into(),
        format!(
            "People per shift pattern of each planned team; {} replications on seeds that did not choose it. The scenario file next to this report runs it.",
            r["replications"]
        ),
        rows,
    ));
    // One fewer person.
    let mut rows = String::from(
        "<table><tr><th>one fewer in</th><th>people</th><th>result</th><th>difference per target (95 % CI)</th></tr>",
    );
    for n in r["one_fewer"].as_array().into_iter().flatten() {
        let diffs: Vec<String> = n["difference"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, d)| {
                let kind = kinds.get(i).map_or("", |k| k.as_str());
                format!(
                    "{}: {} ± {}",
                    escape(&text(&d["target"])),
                    show(kind, num(&d["mean"]).unwrap_or(f64::NAN)),
                    show(kind, num(&d["ci95"]).unwrap_or(f64::NAN))
                )
            })
            .collect();
        rows.push_str(&format!(
            "<tr><td>{} pattern {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&text(&n["team"])),
            n["pattern"],
            n["count"],
            match n["fails"].as_str() {
                Some(t) => format!("fails {}", escape(t)),
                None => "meets every target".into(),
            },
            diffs.join("; ")
        ));
    }
    rows.push_str("</table>");
    sections.push((
        "one-fewer".into(),
        "One person fewer".into(),
        "Each block's plan with one person fewer, on the same seeds: the target it fails, and the paired difference it makes to each.".into(),
        rows,
    ));
    // The frontier across delays.
    let frontier = json["frontier"].as_array().cloned().unwrap_or_default();
    let retention = |f: &Value| num(&f["measures"]["experts.retention_365d"][0]);
    let response = |f: &Value| num(&f["measures"]["first_response.median_hours"][0]);
    let by_retention = frontier.iter().all(|f| retention(f).is_some());
    let key = if by_retention {
        "experts.retention_365d"
    } else {
        "first_response.median_hours"
    };
    let y_of = |f: &Value| {
        if by_retention {
            retention(f)
        } else {
            response(f)
        }
    };
    let dots: Vec<Dot> = frontier
        .iter()
        .filter_map(|f| {
            // Each point says its value's 95 % half-width.
            let ci = num(&f["measures"][key][1]).unwrap_or(f64::NAN);
            let kind = if by_retention { "share" } else { "duration" };
            Some(Dot {
                label: format!("{}: ± {}", text(&f["intervention_delay"]), show(kind, ci)),
                x: num(&f["cost_staff_hours_per_week"])?,
                y: y_of(f)?,
                highlighted: f["pareto"] == true,
            })
        })
        .collect();
    if !dots.is_empty() {
        let (_, x_hi) = charts::range(dots.iter().map(|d| d.x), true);
        let (y_label, scale, y_hi) = if by_retention {
            ("experts active 365 days after joining", Scale::Share, 1.0)
        } else {
            (
                "median first response (hours)",
                Scale::Real,
                charts::range(dots.iter().map(|d| d.y), true).1,
            )
        };
        let chart = charts::scatter(
            "Each delay's least plan",
            &Axis {
                label: "staff hours a week",
                scale: Scale::Real,
                lo: 0.0,
                hi: (x_hi * 1.1).max(1.0),
            },
            &Axis {
                label: y_label,
                scale,
                lo: 0.0,
                hi: y_hi.max(1e-9),
            },
            &dots,
            ["not beaten on cost, retention and response", "beaten"],
        )
        .map_err(ReportError::Chart)?;
        sections.push((
            "frontier".into(),
            "The frontier: cost against the community".into(),
            "One point per intervention delay, labelled with it and the 95 % half-width of its value: its least plan's cost against what the community keeps. The marked points are not beaten on all three of cost, retention and response time by another delay.".into(),
            chart,
        ));
    }
    let mut notes = vec![text(&json["statement"])];
    for o in json["out_of_reach"].as_array().into_iter().flatten() {
        notes.push(format!(
            "Delay {}: {}",
            text(&o["intervention_delay"]),
            text(&o["reason"])
        ));
    }
    for u in json["runner_ups"].as_array().into_iter().flatten() {
        notes.push(format!(
            "Runner-up: delay {}, {:.0} staff hours a week{}.",
            text(&u["intervention_delay"]),
            num(&u["cost_staff_hours_per_week"]).unwrap_or(f64::NAN),
            if u["certified"] == true {
                ""
            } else {
                " (not certified)"
            }
        ));
    }
    notes.push(format!(
        "{} simulated runs ({:.1} simulated years), master seed {}, confidence {}; error rate per decision {:.2e} (Bonferroni).",
        json["simulated_runs"],
        num(&json["simulated_years"]).unwrap_or(f64::NAN),
        json["seed"],
        json["confidence"],
        num(&json["error_per_decision"]).unwrap_or(f64::NAN)
    ));
    Ok(Page {
        title: format!("entraide plan: {}", text(&json["scenario"])),
        subtitle: "The least staff, per shift pattern, with which intervention delay, that meets the targets.".into(),
        figures,
        sections,
        notes,
    })
}
