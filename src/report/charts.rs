//! Chart drawing on plotters' SVG backend: each function returns one
//! `<svg>` element as a string. Colours are the Okabe-Ito palette (safe for
//! colour-blind readers) chosen with distinct lightness, and series also
//! differ in line width or marker, so charts stay readable in grey print.
//!
//! Every chart is laid out the same way: its title, then its legend in a
//! strip of its own above the plotting area (so a legend never covers
//! data), then the plot. Ticks are placed here, not by plotters, so that a
//! count or a day gets integer ticks printed without decimals, a share
//! reads in per cent on 0–100 %, and a week reads Mon…Sun. Text is at least
//! `TEXT` (12 px in the SVG, which the page shows at its own size).

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const SKY: RGBColor = RGBColor(86, 180, 233);
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub const GREY: RGBColor = RGBColor(200, 200, 200);
pub const DARK: RGBColor = RGBColor(40, 40, 40);
/// The shading of hours when staff are on shift.
pub const SHADE: RGBColor = RGBColor(215, 215, 215);
/// The shading of the warm-up, left out of every statistic.
pub const WARMUP: RGBColor = RGBColor(238, 238, 238);

/// Every colour the charts draw with, and the name a caption gives it: a
/// caption names a colour with `colour_name`, never with a word of its
/// own, so that it says what is drawn ("red" for orange lines, once).
pub const PALETTE: [(RGBColor, &str); 10] = [
    (BLUE, "blue"),
    (ORANGE, "orange"),
    (SKY, "light blue"),
    (GREEN, "green"),
    (VERMILLION, "red-orange"),
    (PURPLE, "pink"),
    (GREY, "grey"),
    (DARK, "black"),
    (SHADE, "grey"),
    (WARMUP, "light grey"),
];

/// `colour` at `opacity` over white: how a translucent band looks, for
/// its legend swatch.
pub fn tint(colour: RGBColor, opacity: f64) -> RGBColor {
    let mix = |c: u8| (255.0 - (255.0 - c as f64) * opacity).round() as u8;
    RGBColor(mix(colour.0), mix(colour.1), mix(colour.2))
}

/// The name of a palette colour, for captions.
pub fn colour_name(colour: RGBColor) -> &'static str {
    PALETTE
        .iter()
        .find(|(c, _)| *c == colour)
        .map_or("", |(_, name)| name)
}

pub const WIDTH: u32 = 900;
pub const HEIGHT: u32 = 360;
const FONT: &str = "sans-serif";
/// Tick labels, legends, axis names and text in charts. plotters' SVG
/// backend writes `size / 1.24` px: 15 gives 12.1 px.
pub const TEXT: u32 = 15;
/// Chart titles: 16.1 px.
const TITLE: u32 = 20;
/// A rough width of one character of `TEXT`, in pixels, for laying out
/// legends and labels (wide enough for digits and most letters).
const CHAR_WIDTH: f64 = 0.62 * TEXT as f64 / 1.24;
const LEGEND_ROW: u32 = 24;
const Y_LABEL_AREA: u32 = 78;
const X_LABEL_AREA: u32 = 50;

/// A drawing error, as text (plotters' error type is generic).
pub type ChartResult = Result<String, String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("drawing a chart failed: {e:?}")
}

fn text_style(size: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font())
}

/// Renders into an SVG string of the given size.
pub fn svg(
    width: u32,
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>,
) -> ChartResult {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(out)
}

/// Axis range with a little head room, never empty.
pub fn range(values: impl Iterator<Item = f64>, from_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if from_zero {
        lo = lo.min(0.0);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    (lo, hi + 0.05 * (hi - lo))
}

/// What an axis shows, which decides its ticks and how they print.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// Any number: ticks at 1, 2 or 5 × 10^k, printed with the decimals
    /// the step needs.
    Real,
    /// A count or a number of days: integer ticks, printed without
    /// decimals, with thousands separators.
    Count,
    /// A share in [0, 1], printed in per cent.
    Share,
    /// Days of the run, which start on Monday 00:00: a tick at each
    /// midnight, named by the day it starts (Mon…Sun).
    Weekday,
}

/// The day names of `Scale::Weekday`: day 0 of a run is a Monday.
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The tick step: 1, 2 or 5 × 10^k giving at most `most` ticks over
/// [lo, hi]; at least 1 for counts.
fn step(lo: f64, hi: f64, most: usize, scale: Scale) -> f64 {
    if scale == Scale::Weekday {
        return 1.0;
    }
    let raw = ((hi - lo) / most.max(1) as f64).max(1e-12);
    let mut step = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * step >= raw {
            step *= m;
            break;
        }
    }
    if scale == Scale::Count {
        step = step.max(1.0).round();
    }
    step
}

/// Ticks at the multiples of the step within [lo, hi].
pub fn ticks(lo: f64, hi: f64, most: usize, scale: Scale) -> (Vec<f64>, f64) {
    let step = step(lo, hi, most, scale);
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    let ticks = (first..=last.max(first))
        .map(|i| i as f64 * step)
        .filter(|t| *t >= lo - 1e-9 * step && *t <= hi + 1e-9 * step)
        .collect();
    (ticks, step)
}

/// A tick label: a count with no decimals, a share in per cent, any other
/// number with the decimals its step needs.
pub fn tick_label(v: f64, step: f64, scale: Scale) -> String {
    let decimals = |step: f64| ((-step.log10()).ceil().max(0.0) as usize).min(6);
    match scale {
        Scale::Count => crate::numbers::count(v),
        Scale::Weekday => WEEKDAYS[(v.round() as i64).rem_euclid(7) as usize].to_string(),
        Scale::Share => {
            let d = decimals(step * 100.0);
            format!("{:.d$} %", v * 100.0)
        }
        Scale::Real => {
            let d = decimals(step);
            // "-0" is not a number anyone writes.
            let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
            format!("{v:.d$}")
        }
    }
}

/// One axis of a chart: its name, what it shows, and its range.
pub struct Axis<'a> {
    pub label: &'a str,
    pub scale: Scale,
    pub lo: f64,
    pub hi: f64,
}

/// An f64 axis whose ticks are ours (plotters' own `with_key_points`
/// leaves an f64 axis without a label formatter).
pub struct Ticked {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ticked {
    fn new(lo: f64, hi: f64, ticks: Vec<f64>) -> Ticked {
        Ticked {
            inner: (lo..hi).into(),
            ticks,
        }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }
    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Bold lines at the ticks; no light lines between them.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }
    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

type Coord = Ticked;
type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Coord, Coord>>;

/// How a legend entry is drawn.
#[derive(Clone, Copy)]
pub enum Swatch {
    Line(RGBColor, u32),
    Fill(RGBColor),
    Dot(RGBColor),
}

/// Splits off the chart's title and, if there are entries, a legend strip
/// below it; draws both and returns the area left for the plot. The
/// legend's entries run left to right from `left`, wrapping to a new row
/// when the strip is full.
fn frame<'b>(
    root: &DrawingArea<SVGBackend<'b>, Shift>,
    title: &str,
    legend: &[(String, Swatch)],
) -> Result<DrawingArea<SVGBackend<'b>, Shift>, String> {
    let area = root.titled(title, text_style(TITLE)).map_err(err)?;
    if legend.is_empty() {
        return Ok(area);
    }
    let (width, _) = area.dim_in_pixel();
    let left = Y_LABEL_AREA as i32 + 12;
    let mut placed = Vec::new();
    let (mut x, mut row) = (left, 0i32);
    for (label, swatch) in legend {
        let w = 26 + (label.chars().count() as f64 * CHAR_WIDTH) as i32 + 22;
        if x + w > width as i32 - 12 && x > left {
            x = left;
            row += 1;
        }
        placed.push((x, row, label, *swatch));
        x += w;
    }
    let (strip, rest) = area.split_vertically((row + 1) * LEGEND_ROW as i32 + 4);
    for (x, row, label, swatch) in placed {
        let y = row * LEGEND_ROW as i32 + LEGEND_ROW as i32 / 2;
        match swatch {
            Swatch::Line(c, w) => strip.draw(&PathElement::new(
                vec![(x, y), (x + 20, y)],
                c.stroke_width(w.max(2)),
            )),
            Swatch::Fill(c) => strip.draw(&Rectangle::new(
                [(x, y - 6), (x + 20, y + 6)],
                ShapeStyle::from(&c).filled(),
            )),
            Swatch::Dot(c) => strip.draw(&Circle::new((x + 10, y), 5, c.filled())),
        }
        .map_err(err)?;
        strip
            .draw(&Text::new(
                label.clone(),
                (x + 26, y),
                text_style(TEXT).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
    }
    Ok(rest)
}

/// The plot of two axes on `area`, its mesh drawn: a line at each tick,
/// labelled as the axis' scale says.
fn plot<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, Shift>,
    x: &Axis,
    y: &Axis,
) -> Result<Plot<'a, 'b>, String> {
    let (width, height) = area.dim_in_pixel();
    let (x_ticks, x_step) = ticks(x.lo, x.hi, (width / 90).max(2) as usize, x.scale);
    let (y_ticks, y_step) = ticks(y.lo, y.hi, (height / 45).clamp(2, 8) as usize, y.scale);
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .margin_top(6)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(
            Ticked::new(x.lo, x.hi, x_ticks),
            Ticked::new(y.lo, y.hi, y_ticks),
        )
        .map_err(err)?;
    let (xs, ys) = (x.scale, y.scale);
    chart
        .configure_mesh()
        .x_desc(x.label)
        .y_desc(y.label)
        .label_style(text_style(TEXT))
        .axis_desc_style(text_style(TEXT))
        .bold_line_style(RGBColor(228, 228, 228))
        .x_label_formatter(&|v| tick_label(*v, x_step, xs))
        .y_label_formatter(&|v| tick_label(*v, y_step, ys))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// One series of a line chart.
pub struct Line<'a> {
    pub label: &'a str,
    pub points: Vec<(f64, f64)>,
    pub color: RGBColor,
    pub width: u32,
}

/// A filled band: (x, low, high) points and its colour.
pub type Band = (Vec<(f64, f64, f64)>, RGBColor);

/// Shaded x intervals (staffed hours, the warm-up), named in the legend.
pub struct Shade<'a> {
    pub label: &'a str,
    pub color: RGBColor,
    pub spans: Vec<(f64, f64)>,
}

/// A line chart; `shades` mark x intervals behind the lines; `bands`
/// are filled (low, high) bands under the lines.
pub struct LineChart<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub x_scale: Scale,
    pub y_scale: Scale,
    pub lines: Vec<Line<'a>>,
    pub shades: Vec<Shade<'a>>,
    pub bands: Vec<Band>,
    pub y_from_zero: bool,
    /// A fixed top of the y axis (1 for a share on 0–100 %).
    pub y_max: Option<f64>,
    pub steps: bool,
    pub height: u32,
}

impl Default for LineChart<'_> {
    /// No lines yet; y from zero; no shading, bands or steps.
    fn default() -> Self {
        LineChart {
            title: "",
            x_label: "",
            y_label: "",
            x_scale: Scale::Real,
            y_scale: Scale::Real,
            lines: Vec::new(),
            shades: Vec::new(),
            bands: Vec::new(),
            y_from_zero: true,
            y_max: None,
            steps: false,
            height: HEIGHT,
        }
    }
}

impl LineChart<'_> {
    pub fn draw(&self) -> ChartResult {
        let xs = self.lines.iter().flat_map(|l| l.points.iter().map(|p| p.0));
        let (x0, _) = range(xs, false);
        let x1 = self
            .lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.0))
            .chain(self.shades.iter().flat_map(|s| s.spans.iter().map(|p| p.1)))
            .fold(f64::NEG_INFINITY, f64::max)
            .max(x0 + 1e-9);
        let ys = self
            .lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.1))
            .chain(self.bands.iter().flat_map(|b| b.0.iter().map(|p| p.2)));
        let (y0, mut y1) = range(ys, self.y_from_zero);
        if let Some(max) = self.y_max {
            y1 = max;
        }
        let mut legend: Vec<(String, Swatch)> = self
            .shades
            .iter()
            .filter(|s| !s.spans.is_empty())
            .map(|s| (s.label.to_string(), Swatch::Fill(s.color)))
            .collect();
        legend.extend(
            self.lines
                .iter()
                .filter(|l| !l.label.is_empty())
                .map(|l| (l.label.to_string(), Swatch::Line(l.color, l.width))),
        );
        svg(WIDTH, self.height, |root| {
            let area = frame(root, self.title, &legend)?;
            let x = Axis {
                label: self.x_label,
                scale: self.x_scale,
                lo: x0,
                hi: x1,
            };
            let y = Axis {
                label: self.y_label,
                scale: self.y_scale,
                lo: y0,
                hi: y1,
            };
            let mut chart = plot(&area, &x, &y)?;
            for shade in &self.shades {
                for &(a, b) in &shade.spans {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(a.max(x0), y0), (b.min(x1), y1)],
                            shade.color.filled(),
                        )))
                        .map_err(err)?;
                }
            }
            // A band may reach past the axes (a confidence interval of a
            // count can dip below 0): it is cut at the plotting area.
            let clip = |y: f64| y.clamp(y0, y1);
            for (band, color) in &self.bands {
                // A stepped line gets a stepped band.
                let edge = |pick: fn(&(f64, f64, f64)) -> f64| {
                    let points: Vec<(f64, f64)> =
                        band.iter().map(|b| (b.0, clip(pick(b)))).collect();
                    if self.steps {
                        step_points(&points)
                    } else {
                        points
                    }
                };
                let mut polygon = edge(|b| b.1);
                polygon.extend(edge(|b| b.2).into_iter().rev());
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        polygon,
                        color.mix(0.25).filled(),
                    )))
                    .map_err(err)?;
            }
            for line in &self.lines {
                let style = ShapeStyle::from(&line.color).stroke_width(line.width);
                let points = if self.steps {
                    step_points(&line.points)
                } else {
                    line.points.clone()
                };
                chart
                    .draw_series(LineSeries::new(
                        points.into_iter().map(|(x, y)| (x, clip(y))),
                        style,
                    ))
                    .map_err(err)?;
            }
            Ok(())
        })
    }
}

fn step_points(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for (i, &(x, y)) in points.iter().enumerate() {
        if i > 0 {
            out.push((x, points[i - 1].1));
        }
        out.push((x, y));
    }
    out
}

/// A stacked area chart: `layers` bottom to top, all on the same x values
/// (days of the run); `shades` are drawn over the layers, translucent.
pub struct Stacked<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub x: &'a [f64],
    pub layers: &'a [(&'a str, Vec<f64>, RGBColor)],
    pub shades: Vec<Shade<'a>>,
}

impl Stacked<'_> {
    pub fn draw(&self) -> ChartResult {
        let (x, layers) = (self.x, self.layers);
        let mut tops = vec![0.0; x.len()];
        let mut bands = Vec::new();
        for (_, values, _) in layers {
            let bottom = tops.clone();
            for (t, v) in tops.iter_mut().zip(values) {
                *t += v;
            }
            bands.push((bottom, tops.clone()));
        }
        let (x0, _) = range(x.iter().copied(), false);
        let x1 = x.iter().copied().fold(x0 + 1e-9, f64::max);
        let (_, y1) = range(tops.iter().copied(), true);
        let mut legend: Vec<(String, Swatch)> = layers
            .iter()
            .map(|(label, _, c)| (label.to_string(), Swatch::Fill(*c)))
            .collect();
        legend.extend(
            self.shades
                .iter()
                .filter(|s| !s.spans.is_empty())
                .map(|s| (s.label.to_string(), Swatch::Fill(s.color))),
        );
        svg(WIDTH, HEIGHT, |root| {
            let area = frame(root, self.title, &legend)?;
            let mut chart = plot(
                &area,
                &Axis {
                    label: self.x_label,
                    scale: Scale::Count,
                    lo: x0,
                    hi: x1,
                },
                &Axis {
                    label: self.y_label,
                    scale: Scale::Count,
                    lo: 0.0,
                    hi: y1,
                },
            )?;
            for ((_, _, color), (bottom, top)) in layers.iter().zip(&bands) {
                let mut polygon: Vec<(f64, f64)> =
                    x.iter().copied().zip(bottom.iter().copied()).collect();
                polygon.extend(x.iter().copied().zip(top.iter().copied()).rev());
                chart
                    .draw_series(std::iter::once(Polygon::new(polygon, color.filled())))
                    .map_err(err)?;
                chart
                    .draw_series(LineSeries::new(
                        x.iter().copied().zip(top.iter().copied()),
                        WHITE.stroke_width(1),
                    ))
                    .map_err(err)?;
            }
            for shade in &self.shades {
                for &(a, b) in &shade.spans {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(a.max(x0), 0.0), (b.min(x1), y1)],
                            shade.color.mix(0.7).filled(),
                        )))
                        .map_err(err)?;
                }
            }
            Ok(())
        })
    }
}

/// A cumulative distribution on a log time axis with vertical target
/// lines (named above the plot, where no curve runs); `band` (share, low
/// hours, high hours), if not empty, shades an interval of the time at
/// which each share is reached.
pub fn cdf(
    title: &str,
    points: &[(f64, f64)],
    targets: &[(String, f64)],
    band: &[(f64, f64, f64)],
) -> ChartResult {
    let positive: Vec<(f64, f64)> = points.iter().copied().filter(|p| p.0 > 0.0).collect();
    let lo = positive
        .iter()
        .map(|p| p.0)
        .chain(targets.iter().map(|t| t.1))
        .fold(f64::INFINITY, f64::min)
        .clamp(1.0 / 60.0, 1.0)
        / 2.0;
    let hi = positive
        .iter()
        .map(|p| p.0)
        .chain(targets.iter().map(|t| t.1))
        .fold(1.0, f64::max)
        * 1.5;
    let mut legend = vec![("share answered".to_string(), Swatch::Line(BLUE, 3))];
    if !band.is_empty() {
        legend.push((
            "95 % confidence interval of the time".to_string(),
            Swatch::Fill(tint(BLUE, 0.25)),
        ));
    }
    if !targets.is_empty() {
        legend.push(("response target".to_string(), Swatch::Line(VERMILLION, 2)));
    }
    svg(WIDTH, HEIGHT + 20, |root| {
        let area = frame(root, title, &legend)?;
        let (y_ticks, y_step) = ticks(0.0, 1.0, 10, Scale::Share);
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_top(24)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d((lo..hi).log_scale(), Ticked::new(0.0, 1.0, y_ticks))
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("hours after posting (log scale)")
            .y_desc("share of questions answered")
            .label_style(text_style(TEXT))
            .axis_desc_style(text_style(TEXT))
            .bold_line_style(RGBColor(228, 228, 228))
            .light_line_style(RGBColor(244, 244, 244))
            .y_label_formatter(&|y| tick_label(*y, y_step, Scale::Share))
            .x_label_formatter(&|x| short_hours(*x))
            .draw()
            .map_err(err)?;
        for (label, hours) in targets {
            chart
                .draw_series(LineSeries::new(
                    vec![(*hours, 0.0), (*hours, 1.0)],
                    VERMILLION.stroke_width(2),
                ))
                .map_err(err)?;
            let (px, py) = chart.backend_coord(&(*hours, 1.0));
            root.draw(&Text::new(
                format!("target {label}"),
                (px, py - 4),
                text_style(TEXT)
                    .color(&VERMILLION)
                    .pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))
            .map_err(err)?;
        }
        if !band.is_empty() {
            // Times at or below the axis' left end (an interval of a time can
            // reach below 0) are drawn at that end.
            let clip = |h: f64| h.clamp(lo, hi);
            let mut polygon: Vec<(f64, f64)> =
                band.iter().map(|&(share, l, _)| (clip(l), share)).collect();
            polygon.extend(band.iter().rev().map(|&(share, _, h)| (clip(h), share)));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    polygon,
                    BLUE.mix(0.25).filled(),
                )))
                .map_err(err)?;
        }
        // Questions answered at once (escalations acknowledged on the spot)
        // sit at the left edge.
        let mut curve = vec![(
            lo,
            points
                .iter()
                .filter(|p| p.0 <= lo)
                .map(|p| p.1)
                .fold(0.0, f64::max),
        )];
        curve.extend(positive.iter().copied().filter(|p| p.0 > lo));
        chart
            .draw_series(LineSeries::new(curve, BLUE.stroke_width(3)))
            .map_err(err)?;
        Ok(())
    })
}

/// "6 min", "1.5 h", "3 d".
pub fn short_hours(h: f64) -> String {
    if h < 1.0 {
        format!("{:.0} min", h * 60.0)
    } else if h < 48.0 {
        let s = format!("{h:.1}");
        format!("{} h", s.trim_end_matches(".0"))
    } else {
        format!("{:.0} d", h / 24.0)
    }
}

/// Horizontal bars, one per label, with values printed.
pub fn bars(
    title: &str,
    x_label: &str,
    items: &[(String, f64)],
    format: &dyn Fn(f64) -> String,
) -> ChartResult {
    let labelled: Vec<(String, f64, String)> = items
        .iter()
        .map(|(name, v)| (name.clone(), *v, format(*v)))
        .collect();
    bars_labelled(title, x_label, Scale::Real, &labelled)
}

/// Horizontal bars: (label, length, the text printed after the bar, such
/// as "61.2 ± 1.3 %"), on an x axis of `scale`.
pub fn bars_labelled(
    title: &str,
    x_label: &str,
    scale: Scale,
    items: &[(String, f64, String)],
) -> ChartResult {
    let height = 100 + 48 * items.len().max(1) as u32;
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max).max(1e-9) * 1.3;
    let n = items.len().max(1) as f64;
    svg(WIDTH / 2 - 10, height, |root| {
        let area = frame(root, title, &[])?;
        let (x_ticks, x_step) = ticks(0.0, max, 4, scale);
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_top(6)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(12)
            .build_cartesian_2d(Ticked::new(0.0, max, x_ticks), 0.0..n)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .x_desc(x_label)
            .label_style(text_style(TEXT))
            .axis_desc_style(text_style(TEXT))
            .bold_line_style(RGBColor(228, 228, 228))
            .x_label_formatter(&|v| tick_label(*v, x_step, scale))
            .draw()
            .map_err(err)?;
        for (i, (name, v, text)) in items.iter().enumerate() {
            let y = (items.len() - 1 - i) as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.1), (*v, y + 0.5)],
                    BLUE.filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    name.clone(),
                    (max * 0.005, y + 0.62),
                    text_style(TEXT).pos(Pos::new(HPos::Left, VPos::Bottom)),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    text.clone(),
                    (*v + max * 0.01, y + 0.3),
                    text_style(TEXT).pos(Pos::new(HPos::Left, VPos::Center)),
                )))
                .map_err(err)?;
        }
        Ok(())
    })
}

/// A viridis-like sequential colour: dark (low) to light (high), so the
/// order survives grey print.
pub fn sequential(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 6] = [
        (68, 1, 84),
        (65, 68, 135),
        (42, 120, 142),
        (34, 168, 132),
        (122, 209, 81),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A heatmap of `values[row][col]` with the values printed in the cells.
/// `higher_is_better` flips the colour scale so that light means good.
pub struct Heatmap<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub x_values: &'a [String],
    pub y_values: &'a [String],
    pub values: Vec<Vec<Option<f64>>>,
    pub format: &'a dyn Fn(f64) -> String,
    pub higher_is_better: bool,
}

impl Heatmap<'_> {
    /// The lowest and highest values, which the colour scale spans.
    pub fn span(&self) -> Option<(f64, f64)> {
        let all = self.values.iter().flatten().flatten().copied();
        let lo = all.clone().fold(f64::INFINITY, f64::min);
        let hi = all.fold(f64::NEG_INFINITY, f64::max);
        lo.is_finite().then_some((lo, hi))
    }

    pub fn draw(&self) -> ChartResult {
        let (nx, ny) = (self.x_values.len().max(1), self.y_values.len().max(1));
        let (lo, hi) = self.span().unwrap_or((0.0, 0.0));
        let height = 140 + 40 * ny as u32;
        svg(WIDTH / 2 - 10, height.max(280), |root| {
            let area = frame(root, self.title, &[])?;
            let mut chart = ChartBuilder::on(&area)
                .margin(12)
                .margin_top(6)
                .x_label_area_size(X_LABEL_AREA)
                .y_label_area_size(Y_LABEL_AREA)
                .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)
                .map_err(err)?;
            let centred = |v: f64, names: &[String]| -> String {
                let i = (v - 0.5).round();
                if (v - 0.5 - i).abs() < 1e-6 && i >= 0.0 {
                    names.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            };
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc(self.x_label)
                .y_desc(self.y_label)
                .label_style(text_style(TEXT))
                .axis_desc_style(text_style(TEXT))
                .x_labels(nx * 2 + 1)
                .y_labels(ny * 2 + 1)
                .x_label_formatter(&|v| centred(*v, self.x_values))
                .y_label_formatter(&|v| centred(*v, self.y_values))
                .draw()
                .map_err(err)?;
            for (r, row) in self.values.iter().enumerate() {
                for (c, value) in row.iter().enumerate() {
                    let (x, y) = (c as f64, r as f64);
                    let (fill, text) = match value {
                        Some(v) => {
                            let mut t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                            if !self.higher_is_better {
                                t = 1.0 - t;
                            }
                            (sequential(t), (self.format)(*v))
                        }
                        None => (GREY, "-".to_string()),
                    };
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(x, y), (x + 1.0, y + 1.0)],
                            fill.filled(),
                        )))
                        .map_err(err)?;
                    let luminance =
                        0.2126 * fill.0 as f64 + 0.7152 * fill.1 as f64 + 0.0722 * fill.2 as f64;
                    let ink = if luminance > 140.0 { BLACK } else { WHITE };
                    chart
                        .draw_series(std::iter::once(Text::new(
                            text,
                            (x + 0.5, y + 0.5),
                            text_style(TEXT)
                                .color(&ink)
                                .pos(Pos::new(HPos::Center, VPos::Center)),
                        )))
                        .map_err(err)?;
                }
            }
            Ok(())
        })
    }
}

/// A point of a scatter: its label (a short key, such as its number), its
/// coordinates and whether it is highlighted.
pub struct Dot {
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub highlighted: bool,
}

/// A labelled scatter. Labels are placed where they cover no other label
/// and no marker: points drawn on the same spot share one label ("3, 4").
/// `legend` names the highlighted and the other points.
pub fn scatter(title: &str, x: &Axis, y: &Axis, points: &[Dot], legend: [&str; 2]) -> ChartResult {
    let mut entries = vec![(legend[0].to_string(), Swatch::Dot(VERMILLION))];
    if points.iter().any(|p| !p.highlighted) {
        entries.push((legend[1].to_string(), Swatch::Dot(SKY)));
    }
    svg(WIDTH, HEIGHT + 100, |root| {
        let area = frame(root, title, &entries)?;
        let mut chart = plot(&area, x, y)?;
        let mut front: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.highlighted)
            .map(|p| (p.x, p.y))
            .collect();
        front.sort_by(|a, b| a.0.total_cmp(&b.0));
        chart
            .draw_series(LineSeries::new(front, VERMILLION.stroke_width(1)))
            .map_err(err)?;
        let pixels: Vec<(i32, i32)> = points
            .iter()
            .map(|p| chart.backend_coord(&(p.x, p.y)))
            .collect();
        for (p, _) in points.iter().zip(&pixels) {
            let (color, size) = if p.highlighted {
                (VERMILLION, 7)
            } else {
                (SKY, 5)
            };
            chart
                .draw_series(std::iter::once(Circle::new(
                    (p.x, p.y),
                    size,
                    color.filled(),
                )))
                .map_err(err)?;
            if p.highlighted {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (p.x, p.y),
                        size,
                        DARK.stroke_width(1),
                    )))
                    .map_err(err)?;
            }
        }
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        let bounds = Boxed {
            x0: xr.start,
            y0: yr.start,
            x1: xr.end,
            y1: yr.end,
        };
        for (text, (px, py)) in place_labels(points, &pixels, bounds) {
            root.draw(&Text::new(
                text,
                (px, py),
                text_style(TEXT)
                    .color(&DARK)
                    .pos(Pos::new(HPos::Left, VPos::Top)),
            ))
            .map_err(err)?;
        }
        Ok(())
    })
}

/// A box in pixels, for laying out labels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Boxed {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Boxed {
    fn overlaps(&self, other: &Boxed) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }
    fn inside(&self, other: &Boxed) -> bool {
        self.x0 >= other.x0 && self.x1 <= other.x1 && self.y0 >= other.y0 && self.y1 <= other.y1
    }
}

/// The box a label of `text` takes with its top-left corner at (x, y).
pub fn label_box(text: &str, (x, y): (i32, i32)) -> Boxed {
    let width = (text.chars().count() as f64 * CHAR_WIDTH).ceil() as i32;
    let height = (TEXT as f64 / 1.24).ceil() as i32 + 2;
    Boxed {
        x0: x,
        y0: y,
        x1: x + width,
        y1: y + height,
    }
}

/// Each label and the top-left corner it is drawn at. Points within a few
/// pixels of each other share one label; each label goes to the first
/// spot, going round its marker at growing distances, that stays inside
/// `bounds` and covers no marker and no label placed before it; if there
/// is none, to the spot that covers the fewest.
fn place_labels(points: &[Dot], pixels: &[(i32, i32)], bounds: Boxed) -> Vec<(String, (i32, i32))> {
    let mut groups: Vec<(Vec<usize>, (i32, i32))> = Vec::new();
    for (i, &(px, py)) in pixels.iter().enumerate() {
        match groups
            .iter_mut()
            .find(|(_, (gx, gy))| (gx - px).abs() <= 4 && (gy - py).abs() <= 4)
        {
            Some(group) => group.0.push(i),
            None => groups.push((vec![i], (px, py))),
        }
    }
    let markers: Vec<Boxed> = pixels
        .iter()
        .map(|&(x, y)| Boxed {
            x0: x - 8,
            y0: y - 8,
            x1: x + 8,
            y1: y + 8,
        })
        .collect();
    let mut placed: Vec<Boxed> = Vec::new();
    let mut out = Vec::new();
    for (members, (px, py)) in groups {
        let text = members
            .iter()
            .map(|&i| points[i].label.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let size = label_box(&text, (0, 0));
        let (w, h) = (size.x1, size.y1);
        let mut best: Option<(usize, (i32, i32))> = None;
        'search: for distance in [10, 22, 36, 52, 70] {
            // Right, left, above, below, then the corners.
            let spots = [
                (px + distance, py - h / 2),
                (px - distance - w, py - h / 2),
                (px - w / 2, py - distance - h),
                (px - w / 2, py + distance),
                (px + distance, py - distance - h),
                (px + distance, py + distance),
                (px - distance - w, py - distance - h),
                (px - distance - w, py + distance),
            ];
            for spot in spots {
                let b = label_box(&text, spot);
                if !b.inside(&bounds) {
                    continue;
                }
                let covered = placed
                    .iter()
                    .chain(&markers)
                    .filter(|o| o.overlaps(&b))
                    .count();
                if best.is_none_or(|(c, _)| covered < c) {
                    best = Some((covered, spot));
                }
                if covered == 0 {
                    break 'search;
                }
            }
        }
        let spot = best.map_or((px + 10, py - h / 2), |(_, s)| s);
        placed.push(label_box(&text, spot));
        out.push((text, spot));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_integer_ticks_and_no_decimals() {
        let (t, step) = ticks(0.0, 3.2, 8, Scale::Count);
        assert_eq!(t, vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(tick_label(2.0, step, Scale::Count), "2");
        let (t, step) = ticks(0.0, 126.0, 7, Scale::Count);
        assert_eq!(t, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0]);
        assert_eq!(tick_label(120.0, step, Scale::Count), "120");
        assert_eq!(tick_label(20000.0, 5000.0, Scale::Count), "20,000");
        let (t, step) = ticks(0.0, 1.0, 10, Scale::Share);
        assert_eq!(t.len(), 11);
        assert_eq!(tick_label(t[10], step, Scale::Share), "100 %");
        assert_eq!(tick_label(0.5, 0.5, Scale::Real), "0.5");
        assert_eq!(tick_label(0.05, 0.05, Scale::Real), "0.05");
        assert_eq!(tick_label(-0.0, 2.0, Scale::Real), "0");
    }

    #[test]
    fn a_week_reads_monday_to_sunday() {
        let (t, _) = ticks(350.5, 365.0, 8, Scale::Weekday);
        assert_eq!(t.first(), Some(&351.0));
        assert_eq!(t.len(), 15);
        let names: Vec<String> = t
            .iter()
            .map(|d| tick_label(*d, 1.0, Scale::Weekday))
            .collect();
        // Day 0 is a Monday, so day 351 = 7 × 50 + 1 is a Tuesday.
        assert_eq!(
            names[..7],
            ["Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Mon"]
        );
    }

    #[test]
    fn every_palette_colour_has_a_name() {
        for (c, name) in PALETTE {
            assert!(!colour_name(c).is_empty(), "{c:?}");
            assert!(!name.is_empty());
        }
        assert_eq!(colour_name(VERMILLION), "red-orange");
    }

    #[test]
    fn labels_of_close_points_do_not_overlap() {
        // Eight points a few pixels apart in two clusters, as a sweep whose
        // points differ by less than the noise draws them.
        let points: Vec<Dot> = (0..8)
            .map(|i| Dot {
                label: (i + 1).to_string(),
                x: 0.0,
                y: 0.0,
                highlighted: false,
            })
            .collect();
        let pixels: Vec<(i32, i32)> = (0..8)
            .map(|i| (300 + 6 * (i % 4) + 200 * (i / 4), 200 + 5 * (i % 3)))
            .collect();
        let bounds = Boxed {
            x0: 0,
            y0: 0,
            x1: 900,
            y1: 400,
        };
        let labels = place_labels(&points, &pixels, bounds);
        assert_eq!(labels.len(), 8);
        let boxes: Vec<Boxed> = labels.iter().map(|(t, at)| label_box(t, *at)).collect();
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.inside(&bounds));
            for b in &boxes[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} and {b:?}");
            }
        }
        // Points on the same pixel share one label.
        let same = place_labels(&points[..3], &[(100, 100); 3], bounds);
        assert_eq!(same.len(), 1);
        assert_eq!(same[0].0, "1, 2, 3");
    }
}
