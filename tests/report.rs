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
            assert!(text.contains(" pts *</td>"), "{label}");
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
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no run, sweep or plan output"));
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

// ---------------------------------------------------------------------------
// How the charts read (issue 9, "The report and the tables"). The SVG of
// each chart is parsed; plotters draws the axes as the black two-point
// polylines, tick labels just outside them, and our own legend above.

/// A `<text>` of a chart: its position, size, fill, anchor and words.
#[derive(Debug)]
struct SvgText {
    x: f64,
    y: f64,
    size: f64,
    fill: String,
    anchor: String,
    text: String,
}

/// A chart's texts, rectangles (x, y, width, height, fill) and plotting
/// area (left, top, right, bottom: where its axes are).
struct Chart {
    width: f64,
    texts: Vec<SvgText>,
    rects: Vec<(f64, f64, f64, f64, String)>,
    area: (f64, f64, f64, f64),
}

fn number(node: roxmltree::Node, name: &str) -> f64 {
    node.attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

/// Every chart of a piece of the page, in order.
fn charts_of(fragment: &str) -> Vec<Chart> {
    let mut out = Vec::new();
    for (at, _) in fragment.match_indices("<svg ") {
        let end = at + fragment[at..].find("</svg>").expect("a closed svg") + 6;
        let doc = roxmltree::Document::parse(&fragment[at..end]).expect("an SVG");
        let svg = doc.root_element();
        let mut chart = Chart {
            width: number(svg, "width"),
            texts: Vec::new(),
            rects: Vec::new(),
            area: (f64::NAN, f64::NAN, f64::NAN, f64::NAN),
        };
        let mut axes = Vec::new();
        for node in svg.descendants().filter(|n| n.is_element()) {
            match node.tag_name().name() {
                "text" => chart.texts.push(SvgText {
                    x: number(node, "x"),
                    y: number(node, "y"),
                    size: number(node, "font-size"),
                    fill: node.attribute("fill").unwrap_or("").to_string(),
                    anchor: node.attribute("text-anchor").unwrap_or("").to_string(),
                    text: node.text().unwrap_or("").trim().to_string(),
                }),
                "rect" => chart.rects.push((
                    number(node, "x"),
                    number(node, "y"),
                    number(node, "width"),
                    number(node, "height"),
                    node.attribute("fill").unwrap_or("").to_string(),
                )),
                "polyline" if node.attribute("stroke") == Some("#000000") => {
                    let points: Vec<(f64, f64)> = node
                        .attribute("points")
                        .unwrap_or("")
                        .split_whitespace()
                        .filter_map(|p| {
                            let (x, y) = p.split_once(',')?;
                            Some((x.parse().ok()?, y.parse().ok()?))
                        })
                        .collect();
                    if points.len() == 2 {
                        axes.push((points[0], points[1]));
                    }
                }
                _ => {}
            }
        }
        // The y axis: the first long vertical black line; the x axis: the
        // first long horizontal one (tick marks are 5 px).
        let vertical = axes
            .iter()
            .find(|(a, b)| a.0 == b.0 && (a.1 - b.1).abs() > 20.0);
        let horizontal = axes
            .iter()
            .find(|(a, b)| a.1 == b.1 && (a.0 - b.0).abs() > 20.0);
        if let (Some(v), Some(h)) = (vertical, horizontal) {
            chart.area = (v.0.0, v.0.1.min(v.1.1), h.0.0.max(h.1.0), h.0.1);
        }
        out.push(chart);
    }
    out
}

impl Chart {
    /// The labels of the y axis' ticks, top to bottom.
    fn y_ticks(&self) -> Vec<&SvgText> {
        let (left, top, _, bottom) = self.area;
        self.texts
            .iter()
            .filter(|t| t.anchor == "end" && t.x < left && t.y >= top - 2.0 && t.y <= bottom + 2.0)
            .collect()
    }

    /// The labels of the x axis' ticks, left to right.
    fn x_ticks(&self) -> Vec<&SvgText> {
        let (left, _, right, bottom) = self.area;
        self.texts
            .iter()
            .filter(|t| {
                t.anchor == "middle"
                    && t.y > bottom
                    && t.y < bottom + 20.0
                    && t.x >= left - 2.0
                    && t.x <= right + 2.0
            })
            .collect()
    }
}

fn run_reports() -> impl Iterator<Item = &'static (String, PathBuf)> {
    reports()
        .iter()
        .filter(|(label, _)| label.starts_with("run:"))
}

fn sweep_reports() -> impl Iterator<Item = &'static (String, PathBuf)> {
    reports()
        .iter()
        .filter(|(label, _)| label.starts_with("sweep:"))
}

/// Tick labels, legends, axis names and cell values are at least 11 px at
/// the page's scale: the page shows a chart at its own width (at most the
/// 928 px the page gives its content), so the SVG's font size is what the
/// reader sees.
#[test]
fn chart_text_is_readable_at_the_pages_scale() {
    for (label, dir) in reports() {
        for chart in charts_of(&html(dir)) {
            assert!(
                chart.width <= 928.0,
                "{label}: a chart {} px wide",
                chart.width
            );
            for t in &chart.texts {
                assert!(t.size >= 11.0, "{label}: {:?} at {} px", t.text, t.size);
            }
        }
    }
}

/// The legend of every chart sits above its plotting area, so it covers
/// no data: each legend entry of the run report's charts is drawn above
/// the top of the y axis.
#[test]
fn legends_sit_outside_the_plotting_area() {
    let legends = [
        "highest hourly value",
        "mean",
        "warm-up (not counted)",
        "staff on shift",
        "backlog (hourly mean)",
        "share answered",
        "response target",
        "experts",
        "staff",
        "back office",
        "members (end of each day)",
        "online (mean)",
        "not beaten by another point",
        "mean over replications",
    ];
    let mut seen = 0;
    for (label, dir) in reports() {
        for chart in charts_of(&html(dir)) {
            let top = chart.area.1;
            for t in chart
                .texts
                .iter()
                .filter(|t| legends.contains(&t.text.as_str()))
            {
                assert!(
                    t.y + t.size / 2.0 < top,
                    "{label}: legend {:?} at y = {} is inside the plot (top {top})",
                    t.text,
                    t.y
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 50, "only {seen} legend entries found");
}

/// Counts and days get integer ticks, printed with no decimals (`120`,
/// not `120.0`), and shares read in per cent.
#[test]
fn integer_axes_print_integer_ticks() {
    for (label, dir) in run_reports() {
        let text = html(dir);
        // Every chart of a run but the staff bars (utilisation in per cent
        // may need a decimal) shows counts, days and shares.
        let before_staff = &text[..text.find("<figure id=\"fig-staff\">").unwrap()];
        for chart in charts_of(before_staff) {
            for t in chart.x_ticks().into_iter().chain(chart.y_ticks()) {
                assert!(!t.text.contains('.'), "{label}: tick {:?}", t.text);
            }
        }
    }
    for (label, dir) in run_reports() {
        let text = html(dir);
        for id in ["fig-backlog", "fig-who-answers", "fig-survival"] {
            for chart in charts_of(figure(&text, id)) {
                for t in chart.x_ticks() {
                    assert!(
                        t.text.replace(',', "").parse::<u64>().is_ok(),
                        "{label} #{id}: day tick {:?}",
                        t.text
                    );
                }
            }
        }
        for chart in charts_of(figure(&text, "fig-backlog")) {
            let ticks = chart.y_ticks();
            assert!(ticks.len() >= 3, "{label}");
            for t in ticks {
                assert!(
                    t.text.replace(',', "").parse::<u64>().is_ok(),
                    "{label}: {:?}",
                    t.text
                );
            }
        }
        let survival = &charts_of(figure(&text, "fig-survival"))[0];
        let ticks: Vec<&str> = survival.y_ticks().iter().map(|t| t.text.as_str()).collect();
        assert!(
            ticks.contains(&"0 %") && ticks.contains(&"100 %"),
            "{label}: {ticks:?}"
        );
    }
}

/// "Backlog through the week" is labelled with day names, Mon to Sun, one
/// tick a day, and its caption says what the ticks are.
#[test]
fn the_week_reads_monday_to_sunday() {
    for (label, dir) in run_reports() {
        let text = html(dir);
        let f = figure(&text, "fig-backlog-weeks");
        let chart = &charts_of(f)[0];
        let ticks: Vec<&str> = chart.x_ticks().iter().map(|t| t.text.as_str()).collect();
        assert!(ticks.len() >= 14, "{label}: {ticks:?}");
        for day in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] {
            assert!(ticks.contains(&day), "{label}: no {day} in {ticks:?}");
        }
        // Consecutive ticks are consecutive days.
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        for pair in ticks.windows(2) {
            let i = names.iter().position(|n| *n == pair[0]).unwrap();
            assert_eq!(pair[1], names[(i + 1) % 7], "{label}: {ticks:?}");
        }
        assert!(
            f.contains("the midnight that starts the day it names"),
            "{label}"
        );
    }
}

/// The warm-up is shaded on the chart over the whole run, exactly over
/// its days, and the backlog card says its figures leave it out; the
/// peak the card gives is the highest backlog after the warm-up.
#[test]
fn the_warm_up_is_shaded_and_the_card_says_it_is_left_out() {
    let warmup = entraide::report::charts::WARMUP;
    let fill = format!("#{:02X}{:02X}{:02X}", warmup.0, warmup.1, warmup.2);
    for (label, dir) in run_reports() {
        let text = html(dir);
        let f = figure(&text, "fig-backlog");
        assert!(f.contains("warm-up (not counted)"), "{label}");
        assert!(
            f.contains("The first 7 days are warm-up, shaded light grey"),
            "{label}"
        );
        let chart = &charts_of(f)[0];
        let (left, top, _, bottom) = chart.area;
        // The shaded rectangle spans the plot's height from its left edge.
        let shaded: Vec<_> = chart
            .rects
            .iter()
            .filter(|r| r.4 == fill && r.3 > 20.0)
            .collect();
        assert_eq!(shaded.len(), 1, "{label}: {shaded:?}");
        let (x, y, width, height, _) = shaded[0];
        assert!((x - left).abs() <= 2.0 && (y - top).abs() <= 2.0, "{label}");
        assert!((y + height - bottom).abs() <= 2.0, "{label}");
        // 7 days wide, measured with the day ticks.
        let ticks: Vec<(f64, f64)> = chart
            .x_ticks()
            .iter()
            .map(|t| (t.text.parse::<f64>().unwrap(), t.x))
            .collect();
        let (first, last) = (ticks[0], ticks[ticks.len() - 1]);
        let per_day = (last.1 - first.1) / (last.0 - first.0);
        assert!(
            (width - 7.0 * per_day).abs() <= 2.0,
            "{label}: {width} px for 7 days of {per_day} px"
        );
        // The card's peak (the exact highest level once warm-up is over)
        // is at least every hourly value after the warm-up.
        let series = read(dir, "timeseries.csv");
        let (backlog, hours) = (column(&series, "backlog"), column(&series, "hour"));
        let peak = backlog
            .iter()
            .zip(&hours)
            .filter(|(_, h)| **h >= 7.0 * 24.0)
            .map(|(b, _)| *b)
            .fold(0.0, f64::max);
        let summary: serde_json::Value =
            serde_json::from_slice(&read(dir, "summary.json")).unwrap();
        let card_peak = summary["backlog"]["peak"].as_f64().unwrap();
        assert!(
            card_peak >= peak,
            "{label}: peak {card_peak}, hourly {peak}"
        );
        let card = &text[text.find("Backlog, mean / peak").expect("the backlog card")..];
        let card = &card[..card.find("</div></div>").unwrap()];
        assert!(
            card.contains("Both exclude the warm-up (the first 7 days)"),
            "{label}: {card}"
        );
    }
}

/// A caption names only colours its chart draws: each colour word in it
/// is the name of a palette colour (`charts::PALETTE`) that the figure's
/// SVG uses.
#[test]
fn captions_name_the_colours_drawn() {
    let mut palette: Vec<(String, &str)> = entraide::report::charts::PALETTE
        .iter()
        .map(|(c, name)| (format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2), *name))
        .collect();
    // Longest names first: "light blue" before "blue".
    palette.sort_by_key(|(_, name)| std::cmp::Reverse(name.len()));
    let colour_words = [
        "red", "orange", "blue", "green", "grey", "gray", "yellow", "purple", "pink", "black",
    ];
    let mut named = 0;
    for (label, dir) in reports() {
        let text = html(dir);
        for (at, _) in text.match_indices("<figure id=\"") {
            let f = &text[at..at + text[at..].find("</figure>").unwrap()];
            let caption = &f[f.find("<p>").unwrap() + 3..f.find("</p>").unwrap()];
            let mut rest = caption.to_lowercase();
            for (hex, name) in &palette {
                if rest.contains(*name) {
                    let drawn = palette
                        .iter()
                        .filter(|(_, n)| n == name)
                        .any(|(h, _)| f.contains(&format!("\"{h}\"")));
                    assert!(
                        drawn,
                        "{label}: the caption says {name} ({hex}), not drawn: {caption}"
                    );
                    rest = rest.replace(*name, "");
                    named += 1;
                }
            }
            // Whole words only ("answered" holds "red").
            for word in rest.split(|c: char| !c.is_alphabetic()) {
                assert!(
                    !colour_words.contains(&word),
                    "{label}: {word:?} is no palette colour: {caption}"
                );
            }
        }
    }
    assert!(named > 20, "only {named} colours named");
}

/// The experts online have their own panel and axis, scaled to them, not
/// to the hundreds of members.
#[test]
fn online_experts_have_their_own_axis() {
    for (label, dir) in run_reports() {
        let text = html(dir);
        let charts = charts_of(figure(&text, "fig-experts"));
        assert_eq!(
            charts.len(),
            2,
            "{label}: members and online, one panel each"
        );
        let online = column(&read(dir, "timeseries.csv"), "experts_online_mean");
        let most = online.iter().copied().fold(0.0, f64::max);
        let top = charts[1]
            .y_ticks()
            .iter()
            .filter_map(|t| t.text.replace(',', "").parse::<f64>().ok())
            .fold(0.0, f64::max);
        assert!(
            top <= 1.5 * most + 1.0,
            "{label}: axis to {top} for at most {most} online"
        );
    }
}

/// The trade-off's labels cover no other label: each is a point's number
/// (the `point` of the tables and points.csv), and points drawn on the
/// same spot share one.
#[test]
fn trade_off_labels_do_not_overlap() {
    for (label, dir) in sweep_reports() {
        let text = html(dir);
        let chart = &charts_of(figure(&text, "fig-tradeoff"))[0];
        // Point labels are drawn in dark grey, ticks in black.
        let labels: Vec<&SvgText> = chart.texts.iter().filter(|t| t.fill == "#282828").collect();
        let numbers: Vec<u64> = labels
            .iter()
            .flat_map(|t| t.text.split(", ").map(|n| n.parse::<u64>().unwrap()))
            .collect();
        let points = column(&read(dir, "points.csv"), "point").len() as u64;
        let mut sorted = numbers.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            (0..points).collect::<Vec<_>>(),
            "{label}: every point labelled once"
        );
        // A generous estimate of each label's box: 0.6 em a character.
        let boxes: Vec<(f64, f64, f64, f64)> = labels
            .iter()
            .map(|t| {
                (
                    t.x,
                    t.y,
                    t.x + 0.6 * t.size * t.text.chars().count() as f64,
                    t.y + t.size,
                )
            })
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let overlap = a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
                assert!(!overlap, "{label}: labels at {a:?} and {b:?} overlap");
            }
        }
    }
}

/// Shares are drawn on 0–100 %, not on an axis zoomed to the data, and
/// the captions say so; the highlight says it allows for the intervals.
#[test]
fn shares_are_drawn_on_0_to_100_percent() {
    for (label, dir) in sweep_reports() {
        let text = html(dir);
        let tradeoff = figure(&text, "fig-tradeoff");
        assert!(
            tradeoff.contains("The retention axis spans 0–100 %"),
            "{label}"
        );
        assert!(tradeoff.contains("by more than √(h₁² + h₂²)"), "{label}");
        let mut share_charts = vec![tradeoff];
        if label == "sweep:sweep1" {
            share_charts.push(figure(&text, "fig-line-expert_share"));
        }
        for f in share_charts {
            let chart = &charts_of(f)[0];
            let mut ticks = chart.y_ticks();
            ticks.sort_by(|a, b| a.y.total_cmp(&b.y));
            let ticks: Vec<&str> = ticks.iter().map(|t| t.text.as_str()).collect();
            assert_eq!(ticks.first(), Some(&"100 %"), "{label}: {ticks:?}");
            assert_eq!(ticks.last(), Some(&"0 %"), "{label}: {ticks:?}");
        }
    }
}

/// Axes and table headers name parameters and measures in words, with
/// their units; field paths appear only where the subtitle says what was
/// varied (what to type to vary it again).
#[test]
fn sweep_parameters_and_measures_read_as_words_with_units() {
    for (label, dir) in sweep_reports() {
        let text = html(dir);
        let body = &text[text.find("</header>").unwrap()..];
        assert!(!body.contains("policy.intervention_delay"), "{label}");
        assert!(!body.contains("staff.teams.technical.count"), "{label}");
        assert!(
            body.contains("<th>staff intervention delay</th>"),
            "{label}"
        );
        for header in [
            "<th>First response p90 (hours)</th>",
            "<th>Backlog p90 (questions)</th>",
            "<th>Expert share of first answers (%)</th>",
        ] {
            assert!(body.contains(header), "{label}: no {header}");
        }
        if label == "sweep:sweep2" {
            assert!(body.contains("technical team size (staff)"), "{label}");
        } else {
            assert!(
                body.contains("staff intervention delay (hours)"),
                "{label}: the x axis"
            );
        }
    }
}

/// Each kind of measure prints by one rule in the table of points: hours
/// with two decimals, shares in per cent with one, counts whole.
#[test]
fn each_measure_kind_prints_with_one_precision() {
    let decimals = |number: &str| number.split_once('.').map_or(0, |(_, d)| d.len());
    for (label, dir) in sweep_reports() {
        let text = html(dir);
        let table = figure(&text, "table-points");
        let doc = roxmltree::Document::parse(
            &table[table.find("<table>").unwrap()..table.find("</table>").unwrap() + 8],
        )
        .unwrap();
        let rows: Vec<Vec<String>> = doc
            .descendants()
            .filter(|n| n.has_tag_name("tr"))
            .map(|tr| {
                tr.children()
                    .filter(|c| c.is_element())
                    .map(|c| c.text().unwrap_or("").to_string())
                    .collect()
            })
            .collect();
        let headers = &rows[0];
        for (c, header) in headers.iter().enumerate() {
            let (unit, places) = if header.ends_with("(hours)") {
                (" h", 2)
            } else if header.ends_with("(%)") || header.contains("(% of") {
                (" %", 1)
            } else if header.ends_with("(questions)") {
                ("", 0)
            } else {
                continue;
            };
            for row in &rows[1..] {
                let cell = row[c]
                    .strip_suffix(unit)
                    .unwrap_or_else(|| panic!("{label}: {cell:?} in {header}", cell = row[c]));
                let (mean, ci) = cell.split_once(" ± ").expect("mean ± half-width");
                assert_eq!(decimals(mean), places, "{label}: {header}: {cell}");
                assert_eq!(decimals(ci), places, "{label}: {header}: {cell}");
            }
        }
    }
}
