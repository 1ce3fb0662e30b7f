//! Charts drawn at build time as inline SVG: no script, no chart library, nothing for
//! the browser to fetch.
//!
//! Every chart is an `<svg role="img">` named by its `<title>` and `<desc>`, with a
//! `viewBox` so that it scales to the column it sits in. Colours come from CSS classes
//! of the theme (`chart-*` and the palettes `share-*`, `stage-*` in `site.css`), never
//! from `style` attributes, so a strict Content Security Policy can forbid inline
//! styles. Every bar is labelled with the number its length stands for, unit
//! included. Text is estimated from its characters, never measured: a bar chart's
//! label and value columns are as wide as its longest label (up to [`LABEL_EMS`]) and
//! its longest value, and a cut label keeps its whole name as its `<title>`. Pages
//! show each chart's numbers as a table and its legend as HTML, so nothing is said
//! only by the picture.

use std::fmt::Write;

use crate::xml::escape;

/// Width of every chart in SVG units; the height depends on the number of rows.
const WIDTH: f64 = 400.0;
/// Font size of chart text, in SVG units (matches `.chart text` in `site.css`).
const FONT: f64 = 15.0;
/// The widest label, in ems, a bar chart's label column holds; longer names are cut.
const LABEL_EMS: f64 = 7.0;
/// Room for the value printed after the progress bar.
const VALUE_WIDTH: f64 = 72.0;
/// Height of one bar row.
const BAR_ROW: f64 = 30.0;
/// Space between a bar's end and its number.
const VALUE_GAP: f64 = 6.0;

/// A chart's accessible name and description, and the id its parts derive from (it
/// must be unique on the page).
#[derive(Clone, Copy, Debug)]
pub struct ChartText<'a> {
    /// Id prefix, unique on the page.
    pub id: &'a str,
    /// Short name, read first by screen readers.
    pub title: &'a str,
    /// One-sentence summary of what the chart shows.
    pub desc: &'a str,
}

/// One row of a bar chart.
#[derive(Clone, Debug)]
pub struct BarRow<'a> {
    /// The row's name, whole; cut to the label column when longer, the whole name
    /// then the cut label's `<title>`.
    pub label: &'a str,
    /// Segment lengths on the chart's scale, stacked left to right and coloured by
    /// `<palette>-0`, `<palette>-1`, …, each with the tooltip that names it (none when
    /// empty).
    pub segments: Vec<(f64, String)>,
    /// The number the whole bar's length stands for, with its unit, after the bar.
    pub value: String,
}

/// One column of a column chart: a short ASCII label under it (a year), segment
/// lengths stacked bottom to top, and the number over it.
#[derive(Clone, Debug)]
pub struct Column<'a> {
    /// Label under the column.
    pub label: &'a str,
    /// Segment lengths on the chart's scale, coloured by `<palette>-0`, `<palette>-1`, ….
    pub values: Vec<f64>,
    /// Short text over the column, with its unit.
    pub note: String,
}

/// A horizontal progress bar from 0 to 100%, with a marker at `target`.
pub fn progress(text: ChartText<'_>, value: f64, target: f64) -> String {
    let height = 44.0;
    let mut svg = open(text, height, "chart-progress");
    let track = WIDTH - VALUE_WIDTH;
    let x = |p: f64| p.clamp(0.0, 100.0) / 100.0 * track;
    let _ = write!(
        svg,
        r#"<rect class="chart-track" x="0" y="8" width="{track}" height="24" rx="4"/><rect class="share-0" x="0" y="8" width="{:.1}" height="24" rx="4"/><line class="chart-target" x1="{t:.1}" y1="2" x2="{t:.1}" y2="38"/><text class="chart-value" x="{:.1}" y="25">{}%</text>"#,
        x(value),
        track + 8.0,
        escape(&trim_number(value)),
        t = x(target),
    );
    close(svg)
}

/// The longest bar of `rows`: the scale of charts of amounts.
pub fn longest(rows: &[BarRow<'_>]) -> f64 {
    rows.iter()
        .map(|r| r.segments.iter().map(|s| s.0).sum::<f64>())
        .fold(0.0, f64::max)
}

/// Horizontal bars on a scale from 0 to `max`, segments coloured by `palette`.
pub fn bars(text: ChartText<'_>, palette: &str, rows: &[BarRow<'_>], max: f64) -> String {
    let label_ems = rows.iter().map(|r| ems(r.label)).fold(0.0, f64::max);
    let value_ems = rows.iter().map(|r| ems(&r.value)).fold(0.0, f64::max);
    let label_width = label_ems.min(LABEL_EMS) * FONT + 8.0;
    let value_width = value_ems * FONT + VALUE_GAP;
    let track = (WIDTH - label_width - value_width).max(0.0);
    let height = BAR_ROW * rows.len().max(1) as f64 + 8.0;
    let mut svg = open(text, height, "chart-bars");
    for (i, row) in rows.iter().enumerate() {
        let y = BAR_ROW * i as f64 + 4.0;
        let label = match cut(row.label) {
            Some(short) => format!("<title>{}</title>{}", escape(row.label), escape(&short)),
            None => escape(row.label),
        };
        let _ = write!(
            svg,
            r#"<text class="chart-label" x="0" y="{:.1}">{label}</text>"#,
            y + 18.0
        );
        let mut x = label_width;
        for (series, (value, title)) in row.segments.iter().enumerate() {
            let w = if max > 0.0 {
                (value / max).clamp(0.0, 1.0) * track
            } else {
                0.0
            };
            if w > 0.0 {
                let _ = write!(
                    svg,
                    r#"<rect class="{palette}-{series}" x="{x:.1}" y="{:.1}" width="{w:.1}" height="20">"#,
                    y + 3.0
                );
                if !title.is_empty() {
                    let _ = write!(svg, "<title>{}</title>", escape(title));
                }
                svg.push_str("</rect>");
            }
            x += w;
        }
        let _ = write!(
            svg,
            r#"<text class="chart-value" x="{:.1}" y="{:.1}">{}</text>"#,
            x + VALUE_GAP,
            y + 18.0,
            escape(&row.value)
        );
    }
    close(svg)
}

/// Vertical stacked columns (one per bar, e.g. per year) on a scale from 0 to `max`,
/// segments coloured by `palette`; labels go under the columns and must be short
/// ASCII (years). `outlined` columns are drawn as a dashed outline of full height
/// instead (a target still to come); an optional reference line (a target) runs
/// across at `reference`.
pub fn columns(
    text: ChartText<'_>,
    palette: &str,
    columns: &[Column<'_>],
    max: f64,
    outlined: &[bool],
    reference: Option<f64>,
) -> String {
    let plot = 200.0;
    let height = plot + 56.0;
    let mut svg = open(text, height, "chart-columns");
    let n = columns.len().max(1) as f64;
    let slot = WIDTH / n;
    let width = (slot * 0.6).min(64.0);
    let scale = |v: f64| {
        if max > 0.0 {
            (v / max).clamp(0.0, 1.0) * plot
        } else {
            0.0
        }
    };
    let base = plot + 20.0;
    let _ = write!(
        svg,
        r#"<line class="chart-axis" x1="0" y1="{base}" x2="{WIDTH}" y2="{base}"/>"#
    );
    for (i, column) in columns.iter().enumerate() {
        let x = slot * i as f64 + (slot - width) / 2.0;
        let centre = slot * i as f64 + slot / 2.0;
        if outlined.get(i).copied().unwrap_or(false) {
            let _ = write!(
                svg,
                r#"<rect class="chart-outline" x="{x:.1}" y="20" width="{width:.1}" height="{plot}"/>"#
            );
        } else {
            let mut top = base;
            for (series, &value) in column.values.iter().enumerate() {
                let h = scale(value);
                if h > 0.0 {
                    top -= h;
                    let _ = write!(
                        svg,
                        r#"<rect class="{palette}-{series}" x="{x:.1}" y="{top:.1}" width="{width:.1}" height="{h:.1}"/>"#
                    );
                }
            }
            let _ = write!(
                svg,
                r#"<text class="chart-value" x="{centre:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                top - 6.0,
                escape(&column.note)
            );
        }
        let _ = write!(
            svg,
            r#"<text class="chart-label" x="{centre:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            base + 24.0,
            escape(column.label)
        );
    }
    if let Some(reference) = reference {
        let y = base - scale(reference);
        let _ = write!(
            svg,
            r#"<line class="chart-target" x1="0" y1="{y:.1}" x2="{WIDTH}" y2="{y:.1}"/>"#
        );
    }
    close(svg)
}

fn open(text: ChartText<'_>, height: f64, class: &str) -> String {
    let id = escape(text.id);
    format!(
        r#"<svg class="chart {class}" viewBox="0 0 {WIDTH} {height:.0}" role="img" aria-labelledby="{id}-title {id}-desc" focusable="false" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(text.title),
        escape(text.desc)
    )
}

fn close(mut svg: String) -> String {
    svg.push_str("</svg>");
    svg
}

/// Estimated width of `text` in ems: a full-width character takes one, an ASCII one
/// about six tenths (digits, `.`, `%` in the theme's fonts).
fn ems(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum()
}

/// `label` cut to fit [`LABEL_EMS`] with an ellipsis, or `None` when it fits whole.
fn cut(label: &str) -> Option<String> {
    if ems(label) <= LABEL_EMS {
        return None;
    }
    let mut short = String::new();
    let mut width = 0.0;
    for c in label.chars() {
        width += ems(c.encode_utf8(&mut [0; 4]));
        if width > LABEL_EMS - 1.0 {
            break;
        }
        short.push(c);
    }
    short.push('…');
    Some(short)
}

/// A number with at most one decimal and no trailing `.0`.
fn trim_number(value: f64) -> String {
    crate::model::Percent(value).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>(title: &'a str) -> ChartText<'a> {
        ChartText {
            id: "c1",
            title,
            desc: "d",
        }
    }

    #[test]
    fn charts_are_named_images_without_inline_styles() {
        let rows = [BarRow {
            label: "文昌湖旅游度假区",
            segments: vec![(50.0, String::new()), (25.0, String::new())],
            value: "75%".into(),
        }];
        let svg = bars(text("<b>&"), "share", &rows, 100.0);
        assert!(svg.starts_with("<svg class=\"chart chart-bars\" viewBox=\"0 0 400 38\" role=\"img\" aria-labelledby=\"c1-title c1-desc\""), "{svg}");
        assert!(svg.contains("<title id=\"c1-title\">&lt;b&gt;&amp;</title>"));
        assert!(
            svg.contains("<title>文昌湖旅游度假区</title>文昌湖旅游度…"),
            "{svg}"
        );
        assert!(!svg.contains("style"));
        assert!(svg.contains("class=\"share-1\""));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn only_names_wider_than_the_label_column_are_cut() {
        assert_eq!(cut("控制与计量设备"), None);
        assert_eq!(cut("LED照明产品"), None);
        assert_eq!(cut("雨水收集回用系统").as_deref(), Some("雨水收集回用…"));
        assert_eq!(cut("SBS改性沥青防水卷材").as_deref(), Some("SBS改性沥青…"));
    }

    #[test]
    fn bars_scale_to_the_longest_and_the_value_column_fits_the_widest_value() {
        let rows = [
            BarRow {
                label: "雨水收集回用系统",
                segments: vec![(1.0, "绿色".into()), (1.0, String::new())],
                value: "4,060.90万元".into(),
            },
            BarRow {
                label: "门窗",
                segments: vec![(1.0, String::new())],
                value: "1.58亿元".into(),
            },
        ];
        let svg = bars(text("t"), "share", &rows, longest(&rows));
        assert!(svg.contains(">门窗</text>"));
        assert!(!svg.contains("<title></title>"));
        // Labels 7 ems wide (113 units), values 6.8 ems and the gap (108): the track
        // is 179 units, which the longest bar fills, its value after it.
        assert!(svg.contains(
            "<rect class=\"share-0\" x=\"113.0\" y=\"7.0\" width=\"89.5\" height=\"20\"><title>绿色</title></rect><rect class=\"share-1\" x=\"202.5\" y=\"7.0\" width=\"89.5\" height=\"20\"></rect>"
        ), "{svg}");
        assert!(
            svg.contains("<text class=\"chart-value\" x=\"298.0\" y=\"22.0\">4,060.90万元</text>")
        );
        assert!(svg.contains("<text class=\"chart-value\" x=\"208.5\" y=\"52.0\">1.58亿元</text>"));
        let empty = bars(text("t"), "share", &[], 0.0);
        assert!(!empty.contains("<rect"));
    }

    #[test]
    fn progress_and_columns_draw_their_parts() {
        let p = progress(text("p"), 62.5, 100.0);
        assert!(p.contains(">62.5%</text>"));
        let c = columns(
            text("c"),
            "stage",
            &[
                Column {
                    label: "2024",
                    values: vec![1.0, 1.0],
                    note: "2".into(),
                },
                Column {
                    label: "2025",
                    values: vec![],
                    note: String::new(),
                },
            ],
            2.0,
            &[false, true],
            Some(2.0),
        );
        assert!(c.contains("chart-outline"));
        assert!(c.contains(">2024</text>"));
        assert_eq!(c.matches("class=\"stage-").count(), 2);
    }
}
