//! `entraide report`: the HTML of every shipped scenario's run and of a
//! small sweep is well-formed, holds every chart, and references no other
//! host; bad directories are refused; and (in CI, where Chromium is
//! installed) the page renders in a real headless browser.

mod common;

use common::{column, entraide, ok, temp};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const RUN_CHARTS: [&str; 8] = [
    "key-figures",
    "fig-backlog",
    "fig-backlog-weeks",
    "fig-first-response",
    "fig-who-answers",
    "fig-experts",
    "fig-survival",
    "fig-staff",
];

/// Reports of every shipped scenario (shortened runs) and of a 2-factor
/// and a 1-factor sweep, made once.
fn reports() -> &'static Vec<(String, PathBuf)> {
    static REPORTS: OnceLock<Vec<(String, PathBuf)>> = OnceLock::new();
    REPORTS.get_or_init(|| {
        let mut out = Vec::new();
        for name in [
            "mercure",
            "mercure-no-experts",
            "mercure-immediate",
            "airline-24-7",
            "erlang-a",
        ] {
            let dir = temp(name);
            let dir_text = dir.to_string_lossy().to_string();
            ok(&[
                "run",
                &format!("scenarios/{name}.toml"),
                "--set",
                "simulation.horizon=60d",
                "--set",
                "simulation.warmup=7d",
                "--quiet",
                "--out",
                &dir_text,
                "--report",
            ]);
            out.push((format!("run:{name}"), dir));
        }
        let dir = replicated("2");
        out.push(("run:mercure-replicated".to_string(), dir));
        for (label, vary) in [
            (
                "sweep2",
                vec![
                    "--vary",
                    "policy.intervention_delay=0h,3h",
                    "--vary",
                    "staff.teams.technical.count=6,18",
                ],
            ),
            (
                "sweep1",
                vec!["--vary", "policy.intervention_delay=0h,1h,3h"],
            ),
        ] {
            let dir = temp(label);
            let dir_text = dir.to_string_lossy().to_string();
            let mut args = vec![
                "sweep",
                "scenarios/mercure.toml",
                "--set",
                "simulation.horizon=40d",
                "--replications",
                "2",
                "--quiet",
                "--out",
                &dir_text,
            ];
            args.extend(vary);
            ok(&args);
            ok(&["report", &dir_text]);
            out.push((format!("sweep:{label}"), dir));
        }
        out
    })
}

/// A replicated run of mercure (3 replications, 60 days) with its report,
/// on `threads` worker threads.
fn replicated(threads: &str) -> PathBuf {
    let dir = temp(&format!("replicated-{threads}"));
    let dir_text = dir.to_string_lossy().to_string();
    ok(&[
        "run",
        "scenarios/mercure.toml",
        "--set",
        "simulation.horizon=60d",
        "--set",
        "simulation.warmup=7d",
        "--replications",
        "3",
        "--threads",
        threads,
        "--quiet",
        "--out",
        &dir_text,
        "--report",
    ]);
    dir
}

fn replicated_dir() -> &'static Path {
    reports()
        .iter()
        .find(|(label, _)| label == "run:mercure-replicated")
        .map(|(_, dir)| dir.as_path())
        .expect("the replicated run")
}

fn html(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("report.html")).expect("report.html")
}

/// Ids of every element, after checking the document is well-formed.
fn ids(text: &str) -> Vec<String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .unwrap_or_else(|e| panic!("report.html is not well-formed: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "html");
    doc.descendants()
        .filter_map(|n| n.attribute("id").map(str::to_string))
        .collect()
}

#[test]
fn every_report_is_well_formed_and_has_every_chart() {
    for (label, dir) in reports() {
        let text = html(dir);
        let ids = ids(&text);
        let expected: Vec<&str> = if label.starts_with("run:") {
            RUN_CHARTS.to_vec()
        } else if label == "sweep:sweep2" {
            vec![
                "fig-heatmap-0",
                "fig-tradeoff",
                "table-points",
                "table-differences",
            ]
        } else {
            vec![
                "fig-line-first_response_p90_hours",
                "fig-line-backlog_p90",
                "fig-tradeoff",
                "table-points",
                "table-differences",
            ]
        };
        for id in expected {
            assert!(ids.iter().any(|i| i == id), "{label}: no #{id}");
        }
        if label.starts_with("sweep:") {
            // The first point is the default baseline: its row says so,
            // and the others hold signed differences in points for shares.
            assert!(
                text.contains("Each point against the baseline (0h"),
                "{label}"
            );
            assert!(text.contains("<td>baseline</td>"), "{label}");
            assert!(text.contains(" pts ± "), "{label}");
        }
        let charts = text.matches("<svg").count();
        assert!(charts >= 3, "{label}: only {charts} charts");
        assert!(
            !text.contains("<script"),
            "{label}: no script needed to read it"
        );
    }
}

#[test]
fn reports_reference_no_other_host() {
    for (label, dir) in reports() {
        let text = html(dir);
        for (at, _) in text.match_indices("://") {
            let context = &text[at.saturating_sub(8)..(at + 30).min(text.len())];
            assert!(
                context.contains("http://www.w3.org/"),
                "{label}: external reference near {context:?}"
            );
        }
        for needle in ["src=", "href=", "@import", "url("] {
            assert!(!text.contains(needle), "{label}: {needle} found");
        }
    }
}

#[test]
fn key_figures_read_in_plain_language() {
    let (_, dir) = &reports()[0];
    let text = html(dir);
    for phrase in [
        "Half of the answered questions get a first response within",
        "questions wait with no response at all",
        "Volunteer experts give",
        "customers gave up silently",
        "past the end of their shifts",
        "staff on shift",
        "target 1h",
    ] {
        assert!(text.contains(phrase), "missing {phrase:?}");
    }
}

/// The `<figure id="ID">` element's text.
fn figure<'a>(text: &'a str, id: &str) -> &'a str {
    let start = text
        .find(&format!("<figure id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no #{id}"));
    let end = start + text[start..].find("</figure>").expect("a closed figure");
    &text[start..end]
}

/// The texts of the key figures' values.
fn figure_values(text: &str) -> Vec<&str> {
    text.match_indices("<div class=\"value\">")
        .map(|(at, m)| {
            let rest = &text[at + m.len()..];
            &rest[..rest.find("</div>").expect("a closed value")]
        })
        .collect()
}

/// The filled bands plotters draws for `LineChart::bands`.
const BAND: &str = "<polygon opacity=\"0.25\"";

#[test]
fn a_replicated_report_shows_intervals_and_bands() {
    let text = html(replicated_dir());
    let values = figure_values(&text);
    assert!(values.len() >= 7, "{values:?}");
    for v in &values {
        // Each figure: its means with their half-widths (n/a only where
        // the forum has no experts, which mercure has).
        assert!(
            v.contains(" ± "),
            "a key figure without its interval: {v:?}"
        );
        assert!(!v.contains("n/a"), "{v:?}");
    }
    // Said once, near the top: what the interval is, and how to rerun.
    let header = &text[..text.find("</header>").expect("a header")];
    for phrase in [
        "3 replications, master seed 2012",
        "95 % confidence interval",
        "entraide run SCENARIO --replications 3 --seed 2012",
    ] {
        assert!(header.contains(phrase), "the header misses {phrase:?}");
    }
    for (id, lines) in [
        ("fig-backlog", 2),
        ("fig-backlog-weeks", 1),
        ("fig-first-response", 1),
        ("fig-who-answers", 3),
        ("fig-experts", 2),
        ("fig-survival", 1),
    ] {
        let f = figure(&text, id);
        assert_eq!(f.matches(BAND).count(), lines, "#{id}: one band per line");
        assert!(
            f.contains("95 % confidence interval of that mean"),
            "#{id}: the caption says what the band is"
        );
    }
    assert!(figure(&text, "fig-staff").contains(" ± "));
}

#[test]
fn a_single_run_report_shows_no_interval() {
    let (label, dir) = &reports()[0];
    assert_eq!(label, "run:mercure");
    let text = html(dir);
    assert!(!text.contains('±'), "a single run shows no interval");
    assert!(!text.contains(BAND), "nor bands");
    assert!(text.contains("Figures from one seed carry no interval"));
    assert!(!dir.join("timeseries_bands.csv").exists());
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn band_files_and_report_are_the_same_on_one_and_two_threads() {
    let one = replicated("1");
    for name in [
        "timeseries_bands.csv",
        "timeseries_bands_daily.csv",
        "report.html",
    ] {
        assert!(
            read(&one, name) == read(replicated_dir(), name),
            "{name} differs between --threads 1 and --threads 2"
        );
    }
    let _ = std::fs::remove_dir_all(one);
}

#[test]
fn report_rebuilds_the_same_html_from_the_files() {
    let dir = temp("replicated-copy");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(replicated_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != "report.html" {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    ok(&["report", &dir.to_string_lossy()]);
    assert!(read(&dir, "report.html") == read(replicated_dir(), "report.html"));
    // Without its band files, the report of a replicated run names the
    // missing file and exits 2 (it does not draw replication 0 instead).
    std::fs::remove_file(dir.join("report.html")).unwrap();
    std::fs::remove_file(dir.join("timeseries_bands_daily.csv")).unwrap();
    let out = entraide(&["report", &dir.to_string_lossy()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("timeseries_bands_daily.csv"), "{stderr}");
    assert!(!dir.join("report.html").exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn band_files_agree_with_the_summary() {
    let dir = replicated_dir();
    let hourly = read(dir, "timeseries_bands.csv");
    let daily = read(dir, "timeseries_bands_daily.csv");
    assert_eq!(column(&hourly, "hour").len(), 60 * 24);
    assert_eq!(column(&daily, "hour").len(), 60);
    assert!(column(&daily, "hours").iter().all(|&h| h == 24.0));
    for text in [&hourly, &daily] {
        let (mean, lo, hi) = (
            column(text, "backlog_mean_mean"),
            column(text, "backlog_mean_lo"),
            column(text, "backlog_mean_hi"),
        );
        for i in 0..mean.len() {
            assert!(lo[i] <= mean[i] && mean[i] <= hi[i], "row {i}");
        }
    }
    // A day's total is the sum of its hours, and a day's mean their mean.
    let hourly_answers = column(&hourly, "answers_staff_mean");
    let daily_answers = column(&daily, "answers_staff_mean");
    for (d, total) in daily_answers.iter().enumerate() {
        let sum: f64 = hourly_answers[24 * d..24 * d + 24].iter().sum();
        assert!((sum - total).abs() < 1e-9 * total.max(1.0), "day {d}");
    }
    // The mean over the measured days of the daily backlog is the mean
    // over replications of each one's time-average backlog: summary.json's
    // backlog.mean (both integrate the same hours, warm-up excluded).
    let summary: serde_json::Value =
        serde_json::from_slice(&read(dir, "summary.json")).expect("JSON");
    let expected = summary["backlog"]["mean"].as_f64().unwrap();
    let measured = &column(&daily, "backlog_mean_mean")[7..];
    let got = measured.iter().sum::<f64>() / measured.len() as f64;
    assert!(
        (got - expected).abs() < 1e-6 * expected,
        "bands {got}, summary.json {expected}"
    );
}

#[test]
fn bad_directories_exit_2_and_write_nothing() {
    let empty = temp("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let text = empty.to_string_lossy().to_string();
    let out = entraide(&["report", &text]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no run or sweep output"));
    assert!(!empty.join("report.html").exists());
    // A truncated summary.json.
    let (_, good) = &reports()[0];
    let broken = temp("broken");
    std::fs::create_dir_all(&broken).unwrap();
    let summary = std::fs::read(good.join("summary.json")).unwrap();
    std::fs::write(broken.join("summary.json"), &summary[..summary.len() / 2]).unwrap();
    std::fs::copy(good.join("timeseries.csv"), broken.join("timeseries.csv")).unwrap();
    let text = broken.to_string_lossy().to_string();
    let out = entraide(&["report", &text]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("summary.json"), "{stderr}");
    assert!(!stderr.contains("panicked"));
    assert!(!broken.join("report.html").exists());
    // A missing time series.
    std::fs::write(broken.join("summary.json"), &summary).unwrap();
    std::fs::remove_file(broken.join("timeseries.csv")).unwrap();
    let out = entraide(&["report", &text]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("timeseries.csv"));
    for d in [empty, broken] {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// Renders a report in headless Chromium and checks the screenshot: not
/// blank, and as tall as all its charts. Needs Chromium (Debian's
/// `chromium` package): `.ci/run` installs it and runs this test, or says
/// why it cannot.
#[test]
#[ignore = "needs Chromium: .ci/run installs it and runs this test"]
fn reports_render_in_a_real_browser() {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("Chromium is not installed: apt-get install chromium");
    for (label, dir) in reports() {
        let text = html(dir);
        // The page must be at least as tall as its charts.
        let chart_height: u32 = text
            .match_indices("<svg width=\"")
            .filter_map(|(at, _)| {
                let rest = &text[at..];
                let h = rest.find("height=\"")? + 8;
                rest[h..].split('"').next()?.parse::<u32>().ok()
            })
            .sum();
        let profile = temp(&format!("chromium-{}", label.replace(':', "-")));
        let shot = profile.join("shot.png");
        std::fs::create_dir_all(&profile).unwrap();
        let height = 12_000;
        let out = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--hide-scrollbars",
                &format!("--user-data-dir={}", profile.join("profile").display()),
                &format!("--window-size=1000,{height}"),
                &format!("--screenshot={}", shot.display()),
                &format!("file://{}", dir.join("report.html").display()),
            ])
            .output()
            .unwrap();
        assert!(
            shot.exists(),
            "{label}: no screenshot: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        let channels = info.color_type.samples();
        let (w, h) = (info.width as usize, info.height as usize);
        let pixel = |x: usize, y: usize| {
            let i = (y * w + x) * channels;
            (buf[i], buf[i + 1], buf[i + 2])
        };
        let mut inked = 0usize;
        let mut last_inked_row = 0;
        let mut colours = std::collections::BTreeSet::new();
        for y in 0..h {
            for x in (0..w).step_by(3) {
                let p = pixel(x, y);
                if p != (255, 255, 255) {
                    inked += 1;
                    last_inked_row = y;
                    if colours.len() < 1000 {
                        colours.insert(p);
                    }
                }
            }
        }
        let share = inked as f64 / (w * h / 3) as f64;
        assert!(
            share > 0.01,
            "{label}: the page looks blank ({share:.4} inked)"
        );
        assert!(
            colours.len() > 20,
            "{label}: only {} colours",
            colours.len()
        );
        assert!(
            last_inked_row as f64 >= 0.9 * chart_height as f64,
            "{label}: content ends at {last_inked_row} px but the charts alone are {chart_height} px tall"
        );
        assert!(
            last_inked_row < height as usize - 5,
            "{label}: the page is taller than the screenshot"
        );
        let _ = std::fs::remove_dir_all(profile);
    }
}
