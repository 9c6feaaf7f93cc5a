//! The key measures of a run, as the columns of `runs.csv` and the basis of
//! `points.csv`: one typed list read from the run `Summary`, so a renamed
//! or retyped summary field fails to compile instead of leaving an empty
//! column. Column names follow the documented `summary.json` keys.

use crate::metrics::summary::Summary;

/// One column of `runs.csv`: its name and how to read it from a summary
/// (`None` where the run has no value: a retention beyond the horizon, a
/// share of nothing).
pub struct Measure {
    pub column: &'static str,
    pub value: fn(&Summary) -> Option<f64>,
}

// The measures the sweep report charts, named so that it reads the same
// column the writer writes.
pub const BACKLOG_P90: Measure = Measure {
    column: "backlog_p90",
    value: |s| s.backlog.p90.map(|x| x as f64),
};
pub const FIRST_RESPONSE_P90_HOURS: Measure = Measure {
    column: "first_response_p90_hours",
    value: |s| s.first_response.p90_hours,
};
pub const EXPERT_SHARE: Measure = Measure {
    column: "expert_share",
    value: |s| s.answers.expert_share,
};
pub const RETENTION_30D: Measure = Measure {
    column: "retention_30d",
    value: |s| s.experts.retention_30d,
};
pub const RETENTION_90D: Measure = Measure {
    column: "retention_90d",
    value: |s| s.experts.retention_90d,
};
pub const RETENTION_180D: Measure = Measure {
    column: "retention_180d",
    value: |s| s.experts.retention_180d,
};
pub const RETENTION_365D: Measure = Measure {
    column: "retention_365d",
    value: |s| s.experts.retention_365d,
};

/// Whether the run lasted past its warm-up, so that the measures taken
/// after it exist.
fn measured(s: &Summary) -> bool {
    s.scenario.measured_days > 0.0
}

/// The fixed measures, in column order. Shares within the scenario's
/// response targets are added after these (`first_response_within_4h`,
/// ...), then `stopped_early`.
pub const MEASURES: &[Measure] = &[
    Measure {
        column: "questions_posted",
        value: |s| Some(s.questions.posted as f64),
    },
    EXPERT_SHARE,
    Measure {
        column: "first_response_median_hours",
        value: |s| s.first_response.median_hours,
    },
    Measure {
        column: "first_response_mean_hours",
        value: |s| s.first_response.mean_hours,
    },
    FIRST_RESPONSE_P90_HOURS,
    Measure {
        column: "first_response_p99_hours",
        value: |s| s.first_response.p99_hours,
    },
    Measure {
        column: "resolution_p90_hours",
        value: |s| s.resolution.p90_hours,
    },
    // The mean and the peak are taken after the warm-up: a run that
    // stopped during it has none (the summary's 0 would read as "no
    // backlog").
    Measure {
        column: "backlog_mean",
        value: |s| measured(s).then_some(s.backlog.mean),
    },
    BACKLOG_P90,
    Measure {
        column: "backlog_peak",
        value: |s| measured(s).then_some(s.backlog.peak as f64),
    },
    Measure {
        column: "backlog_end",
        value: |s| Some(s.backlog.end as f64),
    },
    Measure {
        column: "experts_end",
        value: |s| Some(s.experts.end as f64),
    },
    Measure {
        column: "experts_joined",
        value: |s| Some(s.experts.joined as f64),
    },
    Measure {
        column: "experts_departed",
        value: |s| Some(s.experts.departed as f64),
    },
    RETENTION_30D,
    RETENTION_90D,
    RETENTION_180D,
    RETENTION_365D,
    Measure {
        column: "top_10pct_share",
        value: |s| s.experts.top_10pct_share,
    },
    Measure {
        column: "exited",
        value: |s| Some(s.customers.exited as f64),
    },
    Measure {
        column: "complained",
        value: |s| Some(s.customers.complained as f64),
    },
    Measure {
        column: "chased",
        value: |s| Some(s.customers.chased as f64),
    },
    Measure {
        column: "staff_answers",
        value: |s| Some(s.staff.answers as f64),
    },
    Measure {
        column: "staff_confirmations",
        value: |s| Some(s.staff.confirmations as f64),
    },
    Measure {
        column: "staff_escalations",
        value: |s| Some(s.staff.escalations as f64),
    },
    Measure {
        column: "staff_utilisation",
        value: |s| s.staff.utilisation,
    },
    Measure {
        column: "overtime_hours",
        value: |s| Some(s.staff.overtime_hours),
    },
    Measure {
        column: "events",
        value: |s| Some(s.engine.events as f64),
    },
];

/// The measure columns for a scenario with these response-target labels.
pub fn columns(targets: &[String]) -> Vec<String> {
    let mut names: Vec<String> = MEASURES.iter().map(|m| m.column.to_string()).collect();
    for t in targets {
        names.push(format!("first_response_within_{t}"));
    }
    names.push("stopped_early".into());
    names
}

/// The values of `columns(targets)` for one run; `None` where the summary
/// has no value (a retention beyond the horizon, a share of nothing).
pub fn values(summary: &Summary, targets: &[String]) -> Vec<Option<f64>> {
    let mut out: Vec<Option<f64>> = MEASURES.iter().map(|m| (m.value)(summary)).collect();
    for t in targets {
        out.push(summary.first_response.within.get(t));
    }
    out.push(Some(if summary.engine.stopped_early.is_some() {
        1.0
    } else {
        0.0
    }));
    out
}

/// A value as a CSV field: shortest exact decimal, empty when missing.
pub fn field(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x}"),
        _ => String::new(),
    }
}
