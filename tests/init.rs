//! `entraide init` gives a newcomer a working forum: the template, run as
//! written, answers most customers, and experts give most first answers
//! while staff step in after their delay.

mod common;

use common::{ok, temp};

#[test]
fn the_init_template_is_a_working_forum() {
    let dir = temp("init-template");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("scenario.toml");
    let out = dir.join("run");
    let (file_text, out_text) = (file.to_string_lossy(), out.to_string_lossy());
    ok(&["init", &file_text]);
    ok(&["run", &file_text, "--quiet", "--out", &out_text]);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let count = |section: &str, field: &str| summary[section][field].as_f64().unwrap();
    let posted = count("questions", "posted");
    assert!(posted > 100_000.0, "a year at 400 a day: {posted}");
    // With the former 0 experts, 52 % gave up (exit + complained); with
    // the template's 60, about 3.5 % over 146,000 questions.
    let gave_up = (count("customers", "exited") + count("customers", "complained")) / posted;
    assert!(
        gave_up < 0.10,
        "{:.1} % of customers gave up",
        gave_up * 100.0
    );
    // Experts answer first most of the time, staff some of it (about 95 %
    // and 5 % here): neither a staff-only forum nor staff who never work.
    let expert_share = count("answers", "expert_share");
    assert!(
        (0.5..0.99).contains(&expert_share),
        "experts gave {:.1} % of first answers",
        expert_share * 100.0
    );
    assert!(count("answers", "first_by_staff") + count("answers", "first_by_escalation") > 0.0);
    let _ = std::fs::remove_dir_all(dir);
}
