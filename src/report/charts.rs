//! Chart drawing on plotters' SVG backend: each function returns one
//! `<svg>` element as a string. Colours are the Okabe-Ito palette (safe for
//! colour-blind readers) chosen with distinct lightness, and series also
//! differ in line width or marker, so charts stay readable in grey print.

use plotters::coord::Shift;
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

pub const WIDTH: u32 = 900;
pub const HEIGHT: u32 = 340;
const FONT: &str = "sans-serif";

/// A drawing error, as text (plotters' error type is generic).
pub type ChartResult = Result<String, String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("drawing a chart failed: {e:?}")
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

/// One series of a line chart.
pub struct Line<'a> {
    pub label: &'a str,
    pub points: Vec<(f64, f64)>,
    pub color: RGBColor,
    pub width: u32,
}

/// A filled band: (x, low, high) points and its colour.
pub type Band = (Vec<(f64, f64, f64)>, RGBColor);

/// A line chart; `shade` marks x intervals (e.g. staffed hours) in grey;
/// `band` draws a filled band (low, high) under the first series.
pub struct LineChart<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub lines: Vec<Line<'a>>,
    pub shade: Vec<(f64, f64)>,
    pub shade_label: Option<&'a str>,
    pub bands: Vec<Band>,
    pub y_from_zero: bool,
    pub y_max: Option<f64>,
    pub steps: bool,
}

impl Default for LineChart<'_> {
    /// No lines yet; y from zero; no shading, bands or steps.
    fn default() -> Self {
        LineChart {
            title: "",
            x_label: "",
            y_label: "",
            lines: Vec::new(),
            shade: Vec::new(),
            shade_label: None,
            bands: Vec::new(),
            y_from_zero: true,
            y_max: None,
            steps: false,
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
        svg(WIDTH, HEIGHT, |root| {
            let mut chart = ChartBuilder::on(root)
                .caption(self.title, (FONT, 18))
                .margin(12)
                .x_label_area_size(42)
                .y_label_area_size(64)
                .build_cartesian_2d(x0..x1, y0..y1)
                .map_err(err)?;
            chart
                .configure_mesh()
                .x_desc(self.x_label)
                .y_desc(self.y_label)
                .light_line_style(RGBColor(235, 235, 235))
                .draw()
                .map_err(err)?;
            for &(a, b) in &self.shade {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(a, y0), (b, y1)],
                        RGBColor(225, 225, 225).filled(),
                    )))
                    .map_err(err)?;
            }
            if let (Some(label), Some(&(a, b))) = (self.shade_label, self.shade.first()) {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(a, y0), (b, y0)],
                        RGBColor(225, 225, 225).filled(),
                    )))
                    .map_err(err)?
                    .label(label)
                    .legend(|(x, y)| {
                        Rectangle::new(
                            [(x, y - 5), (x + 14, y + 5)],
                            RGBColor(225, 225, 225).filled(),
                        )
                    });
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
                let series = chart
                    .draw_series(LineSeries::new(points, style))
                    .map_err(err)?;
                if !line.label.is_empty() {
                    let color = line.color;
                    let width = line.width;
                    series.label(line.label).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(width))
                    });
                }
            }
            if self.lines.iter().any(|l| !l.label.is_empty()) || self.shade_label.is_some() {
                chart
                    .configure_series_labels()
                    .background_style(WHITE.mix(0.85))
                    .border_style(GREY)
                    .position(SeriesLabelPosition::UpperRight)
                    .draw()
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

/// A stacked area chart: `layers` bottom to top, all on the same x values.
pub fn stacked(
    title: &str,
    x_label: &str,
    y_label: &str,
    x: &[f64],
    layers: &[(&str, Vec<f64>, RGBColor)],
) -> ChartResult {
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
    svg(WIDTH, HEIGHT, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(42)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, 0.0..y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(x_label)
            .y_desc(y_label)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for ((label, _, color), (bottom, top)) in layers.iter().zip(&bands) {
            let mut polygon: Vec<(f64, f64)> =
                x.iter().copied().zip(bottom.iter().copied()).collect();
            polygon.extend(x.iter().copied().zip(top.iter().copied()).rev());
            let color = *color;
            chart
                .draw_series(std::iter::once(Polygon::new(polygon, color.filled())))
                .map_err(err)?
                .label(*label)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled())
                });
            chart
                .draw_series(LineSeries::new(
                    x.iter().copied().zip(top.iter().copied()),
                    WHITE.stroke_width(1),
                ))
                .map_err(err)?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(GREY)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(err)?;
        Ok(())
    })
}

/// A cumulative distribution on a log time axis with vertical target
/// lines; `band` (share, low hours, high hours), if not empty, shades an
/// interval of the time at which each share is reached.
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
    svg(WIDTH, HEIGHT, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(42)
            .y_label_area_size(64)
            .build_cartesian_2d((lo..hi).log_scale(), 0.0..1.0)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("hours after posting (log scale)")
            .y_desc("share of questions answered")
            .y_label_formatter(&|y| format!("{:.0} %", y * 100.0))
            .x_label_formatter(&|x| short_hours(*x))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (label, hours) in targets {
            chart
                .draw_series(LineSeries::new(
                    vec![(*hours, 0.0), (*hours, 1.0)],
                    VERMILLION.stroke_width(1),
                ))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("target {label}"),
                    (*hours, 0.97),
                    (FONT, 13).into_font().color(&VERMILLION),
                )))
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
    bars_labelled(title, x_label, &labelled)
}

/// Horizontal bars: (label, length, the text printed after the bar, such
/// as "61.2 ± 1.3 %").
pub fn bars_labelled(title: &str, x_label: &str, items: &[(String, f64, String)]) -> ChartResult {
    let height = 90 + 42 * items.len().max(1) as u32;
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max).max(1e-9) * 1.25;
    let n = items.len().max(1) as f64;
    svg(WIDTH / 2 - 10, height, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(12)
            .build_cartesian_2d(0.0..max, 0.0..n)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .x_desc(x_label)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (i, (name, v, text)) in items.iter().enumerate() {
            let y = (items.len() - 1 - i) as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.1), (*v, y + 0.55)],
                    BLUE.filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    name.clone(),
                    (max * 0.005, y + 0.62),
                    TextStyle::from((FONT, 13).into_font()).pos(Pos::new(HPos::Left, VPos::Bottom)),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    text.clone(),
                    (*v + max * 0.01, y + 0.33),
                    TextStyle::from((FONT, 13).into_font()).pos(Pos::new(HPos::Left, VPos::Center)),
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
    pub fn draw(&self) -> ChartResult {
        let (nx, ny) = (self.x_values.len().max(1), self.y_values.len().max(1));
        let all: Vec<f64> = self.values.iter().flatten().flatten().copied().collect();
        let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let height = 120 + 34 * ny as u32;
        svg(WIDTH / 2 - 10, height.max(260), |root| {
            let mut chart = ChartBuilder::on(root)
                .caption(self.title, (FONT, 16))
                .margin(12)
                .x_label_area_size(46)
                .y_label_area_size(70)
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
                            TextStyle::from((FONT, 13).into_font())
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

/// A labelled scatter: (label, x, y, highlighted).
pub fn scatter(
    title: &str,
    x_label: &str,
    y_label: &str,
    points: &[(String, f64, f64, bool)],
) -> ChartResult {
    let (x0, x1) = range(points.iter().map(|p| p.1), true);
    let (y0, y1) = range(points.iter().map(|p| p.2), false);
    let pad = 0.08 * (y1 - y0);
    svg(WIDTH, HEIGHT + 80, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(16)
            .x_label_area_size(42)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1 * 1.1, (y0 - pad)..(y1 + pad))
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(x_label)
            .y_desc(y_label)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        let mut front: Vec<(f64, f64)> =
            points.iter().filter(|p| p.3).map(|p| (p.1, p.2)).collect();
        front.sort_by(|a, b| a.0.total_cmp(&b.0));
        chart
            .draw_series(LineSeries::new(front, VERMILLION.stroke_width(1)))
            .map_err(err)?;
        for (label, x, y, best) in points {
            let (color, size) = if *best { (VERMILLION, 7) } else { (SKY, 4) };
            chart
                .draw_series(std::iter::once(Circle::new((*x, *y), size, color.filled())))
                .map_err(err)?;
            if *best {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (*x, *y),
                        size,
                        DARK.stroke_width(1),
                    )))
                    .map_err(err)?;
            }
            chart
                .draw_series(std::iter::once(Text::new(
                    label.clone(),
                    (*x, *y),
                    TextStyle::from((FONT, 11).into_font())
                        .color(&DARK)
                        .pos(Pos::new(HPos::Left, VPos::Bottom)),
                )))
                .map_err(err)?;
        }
        Ok(())
    })
}
