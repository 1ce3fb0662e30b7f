//! Charts drawn at build time as inline SVG: no script, no chart library, nothing for
//! the browser to fetch.
//!
//! Every chart is an `<svg role="img">` named by its `<title>` and `<desc>`, with a
//! `viewBox` so that it scales to the column it sits in. Colours come from CSS classes
//! of the theme (`chart-*` and the palettes `share-*`, `stage-*` in `site.css`), never from `style` attributes,
//! so a strict Content Security Policy can forbid inline styles. Text is never
//! measured: labels sit in a fixed column wide enough for [`LABEL_CHARS`] full-width
//! characters (longer ones are shortened, and the table beside every chart has them
//! whole); numbers are ASCII and short. Pages show each chart's numbers as a table
//! and its legend as HTML, so nothing is said only by the picture.

use std::fmt::Write;

use crate::xml::escape;

/// Width of every chart in SVG units; the height depends on the number of rows.
const WIDTH: f64 = 400.0;
/// Font size of chart text, in SVG units (matches `.chart text` in `site.css`).
const FONT: f64 = 15.0;
/// Full-width characters the label column of a bar chart holds.
const LABEL_CHARS: usize = 7;
/// Width of the label column.
const LABEL_WIDTH: f64 = FONT * LABEL_CHARS as f64 + 8.0;
/// Room for the value printed after a bar.
const VALUE_WIDTH: f64 = 72.0;
/// Height of one bar row.
const ROW: f64 = 30.0;

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

/// One bar: a label, a length on the chart's scale, and the text printed after it.
#[derive(Clone, Debug)]
pub struct Bar<'a> {
    /// Row label.
    pub label: &'a str,
    /// Segment lengths on the chart's scale, stacked left to right (bottom to top),
    /// coloured by the classes `<palette>-0`, `<palette>-1`, … of the chart.
    pub values: Vec<f64>,
    /// Short ASCII text after the bar, e.g. `62.5%`.
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

/// Horizontal bars, one row per bar, on a scale from 0 to `max`, segments coloured
/// by `palette`; an optional reference line (a target) at `reference`.
pub fn bars(
    text: ChartText<'_>,
    palette: &str,
    bars: &[Bar<'_>],
    max: f64,
    reference: Option<f64>,
) -> String {
    let height = ROW * bars.len().max(1) as f64 + 8.0;
    let mut svg = open(text, height, "chart-bars");
    let track = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    let scale = |v: f64| {
        if max > 0.0 {
            (v / max).clamp(0.0, 1.0) * track
        } else {
            0.0
        }
    };
    for (row, bar) in bars.iter().enumerate() {
        let y = ROW * row as f64 + 4.0;
        let _ = write!(
            svg,
            r#"<text class="chart-label" x="0" y="{:.1}">{}</text>"#,
            y + 18.0,
            escape(&shorten(bar.label))
        );
        let mut x = LABEL_WIDTH;
        for (series, &value) in bar.values.iter().enumerate() {
            let w = scale(value);
            if w > 0.0 {
                let _ = write!(
                    svg,
                    r#"<rect class="{palette}-{series}" x="{x:.1}" y="{:.1}" width="{w:.1}" height="20"/>"#,
                    y + 3.0
                );
            }
            x += w;
        }
        let _ = write!(
            svg,
            r#"<text class="chart-value" x="{:.1}" y="{:.1}">{}</text>"#,
            x + 6.0,
            y + 18.0,
            escape(&bar.note)
        );
    }
    if let Some(reference) = reference {
        let x = LABEL_WIDTH + scale(reference);
        let _ = write!(
            svg,
            r#"<line class="chart-target" x1="{x:.1}" y1="0" x2="{x:.1}" y2="{height:.1}"/>"#
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
    columns: &[Bar<'_>],
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

/// A label cut to the label column, by characters (never measured).
fn shorten(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_owned()
    } else {
        let mut short: String = label.chars().take(LABEL_CHARS - 1).collect();
        short.push('…');
        short
    }
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
        let svg = bars(
            text("<b>&"),
            "share",
            &[Bar {
                label: "文昌湖旅游度假区",
                values: vec![50.0, 25.0],
                note: "75%".into(),
            }],
            100.0,
            Some(40.0),
        );
        assert!(svg.starts_with("<svg class=\"chart chart-bars\" viewBox=\"0 0 400 38\" role=\"img\" aria-labelledby=\"c1-title c1-desc\""));
        assert!(svg.contains("<title id=\"c1-title\">&lt;b&gt;&amp;</title>"));
        assert!(svg.contains("文昌湖旅游度…"), "{svg}");
        assert!(!svg.contains("style"));
        assert!(svg.contains("class=\"share-1\""));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn bars_scale_to_the_maximum_and_clamp() {
        let svg = bars(
            text("t"),
            "share",
            &[Bar {
                label: "a",
                values: vec![200.0],
                note: String::new(),
            }],
            100.0,
            None,
        );
        let track = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
        assert!(svg.contains(&format!("width=\"{track:.1}\"")), "{svg}");
        let empty = bars(text("t"), "share", &[], 0.0, None);
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
                Bar {
                    label: "2024",
                    values: vec![1.0, 1.0],
                    note: "2".into(),
                },
                Bar {
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
