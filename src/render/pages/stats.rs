//! The statistics section: `/stats/` with the city-wide figures and charts,
//! `/stats/districts/<id>/` and `/stats/categories/<id>/`; and the verdict texts the
//! project and product pages share.
//!
//! Every figure comes from [`Statistics`] and [`Assessment`] (the derive stage); this
//! module only arranges and words them. Each chart is drawn as inline SVG, by [`chart`]
//! or, for bars, by [`bar_chart`], and accompanied by a text summary and a table with
//! the same numbers, so the chart never carries information alone.

use std::collections::BTreeMap;

use crate::render::strings::Strings;
use serde::Serialize;

use crate::derive::compliance::{Figure, Reason, RuleVerdict, Verdict};
use crate::derive::stats::{
    CategoryTotals, Dimension, GroupStats, Standing, Statistics, TargetProgress, YearPoint,
};
use crate::model::project::StageKind;
use crate::model::{Money, Percent};
use crate::render::chart::{self, ChartText, Column};
use crate::render::format::fill;
use crate::render::{Amount, Counting, Link, RenderError, Site, money, number};

/// The content page that defines every figure; linked from the statistics pages when
/// the site has it.
const METHODOLOGY_PAGE: &str = "methodology";

/// The datasets with the aggregates, offered for download on `/stats/`.
const DOWNLOADS: [&str; 3] = ["stats_groups", "stats_categories", "project_compliance"];

pub(super) fn render(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    // Every statistics page is under stats/; their aggregates are not built in vain.
    let Some(gathered) = out.gathered.filter(|_| out.wants("stats/")) else {
        return Ok(());
    };
    let stats = &gathered.aggregates.statistics;
    let strings = &site.theme.strings;
    let title = strings.text(&["stats", "title"]);
    let lines = category_projects(site);
    site.page(
        out,
        "stats/",
        "stats.html",
        site.meta(title, "stats/", "stats"),
        &index(site, stats),
    )?;
    for (id, group) in stats.groups(Dimension::District) {
        let name = site.derived.area_name(id);
        let path = format!("stats/districts/{id}/");
        let mut meta = site.meta(name, &path, "stats");
        meta.crumbs.push(site.link("stats/", title));
        site.page(
            out,
            &path,
            "stats_district.html",
            meta,
            &district(site, id, group),
        )?;
    }
    if let Some(taxonomy) = &site.dataset.taxonomy {
        for category in &taxonomy.record.categories {
            let id = category.id.value.as_str();
            let path = format!("stats/categories/{id}/");
            let mut meta = site.meta(&category.name, &path, "stats");
            meta.crumbs.push(site.link("stats/", title));
            let data = category_page(site, stats, id, &category.name, &category.unit, &lines);
            site.page(out, &path, "stats_category.html", meta, &data)?;
        }
    }
    Ok(())
}

fn percent(p: Option<Percent>) -> Option<String> {
    p.map(|p| p.to_string())
}

/// A rule verdict as the pages show it: names from the strings, the reason worded.
#[derive(Serialize)]
pub(super) struct RuleRow {
    rule: &'static str,
    verdict: &'static str,
    requirement: String,
    value: String,
    reason: String,
}

/// A figure as readers see it: `62.5%`, `二星级`.
fn figure(strings: &Strings, f: Option<Figure>) -> String {
    match f {
        Some(Figure::Percent(p)) => format!("{p}%"),
        Some(Figure::Stars(s)) => strings.text(&["stars", s.key()]).to_owned(),
        None => String::new(),
    }
}

/// Words a rule verdict with the theme's strings.
pub(super) fn rule_row(strings: &Strings, r: &RuleVerdict) -> RuleRow {
    let stage = match r.reason {
        Reason::BeforeStage(stage) => strings.text(&["stage", stage.key()]).to_owned(),
        _ => String::new(),
    };
    // A value short of its threshold is cut, not rounded, to one decimal: 99.96%
    // must not read "100%, below 100%".
    let value = match (r.verdict, r.value) {
        (Verdict::NotMet, Some(Figure::Percent(p))) => {
            Some(Figure::Percent(Percent((p.0 * 10.0).floor() / 10.0)))
        }
        (_, value) => value,
    };
    let template = strings.text(&["verdict", "reasons", r.reason.key()]);
    RuleRow {
        rule: r.rule.key(),
        verdict: r.verdict.key(),
        requirement: figure(strings, r.threshold),
        value: figure(strings, value),
        reason: fill(
            template,
            &[
                ("value", figure(strings, value)),
                ("threshold", figure(strings, r.threshold)),
                ("stage", stage),
            ],
        ),
    }
}

#[derive(Serialize)]
struct Index<'a> {
    headline: Headline,
    methodology: Option<Link<'a>>,
    charts: Charts,
    summaries: Summaries,
    legends: Legends,
    districts: Vec<GroupRow<'a>>,
    tables: Vec<GroupTable<'a>>,
    categories: Vec<CategoryRow<'a>>,
    years: Vec<YearRow>,
    stages: [&'static str; 7],
    downloads: Vec<Download<'a>>,
}

#[derive(Serialize)]
struct Headline {
    projects: usize,
    covered: usize,
    coverage: Option<String>,
    green_ratio: Option<String>,
    budget: Amount,
    awarded: Amount,
    materials: Amount,
    green: Amount,
    met: usize,
    not_met: usize,
    not_measurable: usize,
    target_year: Option<i32>,
    /// The target year lies after the last year of data: the chart outlines it.
    target_ahead: bool,
}

#[derive(Serialize)]
struct Charts {
    progress: String,
    coverage_years: String,
    districts: String,
    categories: String,
    stages: String,
}

#[derive(Serialize)]
struct Summaries {
    progress: String,
    districts: String,
    categories: String,
    stages: String,
}

/// One group in a table.
#[derive(Serialize)]
struct GroupRow<'a> {
    key: String,
    /// The name when it comes from the data (districts); else `t[strings][key]`.
    name: Option<&'a str>,
    link: Option<String>,
    projects: usize,
    covered: usize,
    coverage: Option<String>,
    budget: Amount,
    materials: Amount,
    green: Amount,
    green_ratio: Option<String>,
    met: usize,
    not_met: usize,
    not_measurable: usize,
}

#[derive(Serialize)]
struct GroupTable<'a> {
    dimension: &'static str,
    /// The strings table that names the keys, absent for years.
    strings: Option<&'static str>,
    rows: Vec<GroupRow<'a>>,
}

#[derive(Serialize)]
struct CategoryRow<'a> {
    link: Link<'a>,
    id: &'a str,
    lines: usize,
    projects: usize,
    amount: Amount,
    green: Amount,
    ratio: Option<String>,
    quantities: Vec<QuantityRow<'a>>,
}

#[derive(Serialize)]
struct QuantityRow<'a> {
    unit: &'a str,
    total: String,
    green: String,
}

#[derive(Serialize)]
struct YearRow {
    year: i32,
    /// The year is still running: its figures count to the as-of date.
    so_far: bool,
    /// The programme's target year.
    target: bool,
    in_scope: usize,
    covered: usize,
    coverage: Option<String>,
    stages: [usize; 7],
}

#[derive(Serialize)]
struct Download<'a> {
    name: &'a str,
    title: &'a str,
    csv: String,
    json: String,
}

fn group_row<'a>(
    site: &Site<'a>,
    dimension: Dimension,
    key: &str,
    g: &GroupStats<'_>,
) -> GroupRow<'a> {
    let district = dimension == Dimension::District;
    GroupRow {
        key: key.to_owned(),
        name: district.then(|| {
            site.dataset
                .config
                .as_ref()
                .and_then(|c| c.record.districts.iter().find(|d| d.id.value == key))
                .map_or("", |d| d.name.as_str())
        }),
        link: district.then(|| site.base.href(&format!("stats/districts/{key}/"))),
        projects: g.projects,
        covered: g.covered,
        coverage: percent(g.coverage),
        budget: money(g.budget),
        materials: money(g.materials.amount),
        green: money(g.materials.green),
        green_ratio: percent(g.materials.ratio),
        met: g.verdicts.met,
        not_met: g.verdicts.not_met,
        not_measurable: g.verdicts.not_measurable,
    }
}

fn category_rows<'a>(
    site: &Site<'a>,
    totals: &BTreeMap<&'a str, CategoryTotals<'a>>,
) -> Vec<CategoryRow<'a>> {
    let Some(taxonomy) = &site.dataset.taxonomy else {
        return Vec::new();
    };
    taxonomy
        .record
        .categories
        .iter()
        .filter_map(|c| {
            let id = c.id.value.as_str();
            let t = totals.get(id)?;
            Some(CategoryRow {
                link: site.link(&format!("stats/categories/{id}/"), &c.name),
                id,
                lines: t.lines,
                projects: t.projects,
                amount: money(t.amount),
                green: money(t.green),
                ratio: percent(t.ratio),
                quantities: quantities(t),
            })
        })
        .collect()
}

fn quantities<'a>(t: &CategoryTotals<'a>) -> Vec<QuantityRow<'a>> {
    t.quantities
        .iter()
        .map(|(unit, q)| QuantityRow {
            unit,
            total: number(q.total),
            green: number(q.green),
        })
        .collect()
}

/// Bars of green and other amounts per category, the longest first.
fn category_chart(
    site: &Site<'_>,
    id: &str,
    title: &str,
    desc: &str,
    totals: &BTreeMap<&str, CategoryTotals<'_>>,
) -> String {
    let names: BTreeMap<&str, &str> = site
        .dataset
        .taxonomy
        .iter()
        .flat_map(|t| &t.record.categories)
        .map(|c| (c.id.value.as_str(), c.name.as_str()))
        .collect();
    let mut rows: Vec<(&str, &CategoryTotals<'_>)> = totals.iter().map(|(k, v)| (*k, v)).collect();
    rows.sort_by(|a, b| b.1.amount.cmp(&a.1.amount).then(a.0.cmp(b.0)));
    let bars: Vec<chart::BarRow<'_>> = rows
        .iter()
        .map(|(key, t)| amount_row(site, names.get(key).copied().unwrap_or(key), t))
        .collect();
    chart::bars(
        ChartText { id, title, desc },
        "share",
        &bars,
        chart::longest(&bars),
    )
}

/// A bar as long as a group's amount of materials, in two segments: green and the
/// rest; the amount printed after it.
fn amount_row<'a>(site: &Site<'_>, label: &'a str, t: &CategoryTotals<'_>) -> chart::BarRow<'a> {
    let strings = &site.theme.strings;
    let segment = |name: &str, amount: Money| {
        let title = fill(
            strings.text(&["chart", "segment"]),
            &[
                ("name", stat_text(site, name).to_owned()),
                ("value", money(amount).text(strings)),
            ],
        );
        (amount.yuan_f64(), title)
    };
    chart::BarRow {
        label,
        segments: vec![
            segment("green", t.green),
            segment("other", Money::from_fen(t.amount.fen() - t.green.fen())),
        ],
        value: money(t.amount).text(strings),
    }
}

fn index<'a>(site: &Site<'a>, stats: &'a Statistics<'a>) -> Index<'a> {
    let city = &stats.city;
    let (progress_summary, progress, legends) = progress_chart(site, stats);
    let years = YearAxis::new(stats);
    let (district_rows, districts_summary, districts_chart) = districts(site, stats);
    let (categories, categories_summary, categories_chart) = categories(site, stats);
    let (stages_summary, stages_chart) = stages_chart(site, stats, &years.labels);
    Index {
        headline: Headline {
            projects: city.projects,
            covered: city.covered,
            coverage: percent(city.coverage),
            green_ratio: percent(city.materials.ratio),
            budget: money(city.budget),
            awarded: money(city.awarded),
            materials: money(city.materials.amount),
            green: money(city.materials.green),
            met: city.verdicts.met,
            not_met: city.verdicts.not_met,
            not_measurable: city.verdicts.not_measurable,
            target_year: stats.target_year,
            target_ahead: years.outlined.contains(&true),
        },
        methodology: methodology(site),
        charts: Charts {
            progress,
            coverage_years: coverage_years_chart(site, stats, &years),
            districts: districts_chart,
            categories: categories_chart,
            stages: stages_chart,
        },
        summaries: Summaries {
            progress: progress_summary,
            districts: districts_summary,
            categories: categories_summary,
            stages: stages_summary,
        },
        legends,
        districts: district_rows,
        tables: group_tables(site, stats),
        categories,
        years: stats
            .years
            .iter()
            .map(|y| YearRow {
                year: y.year,
                so_far: !y.ended,
                target: stats.target_year == Some(y.year),
                in_scope: y.in_scope,
                covered: y.covered,
                coverage: percent(y.coverage),
                stages: y.stages,
            })
            .collect(),
        stages: StageKind::ALL.map(StageKind::key),
        downloads: downloads(site),
    }
}

/// The as-of date as pages show it; empty for a site without dates.
fn as_of_text(site: &Site<'_>) -> String {
    site.derived
        .as_of
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// When a year point counts to: the year's end, or the as-of date in a year still
/// running.
fn year_end_text(site: &Site<'_>, point: &YearPoint) -> String {
    if point.ended {
        fill(
            stat_text(site, "year_end"),
            &[("year", point.year.to_string())],
        )
    } else {
        as_of_text(site)
    }
}

/// A string of the statistics page's group of the theme's strings.
fn stat_text<'s>(site: &'s Site<'_>, key: &str) -> &'s str {
    site.theme.strings.text(&["stats", key])
}

/// The legends of the coverage charts: the actual coverage's, and the target's with
/// where the as-of date stands against it.
#[derive(Serialize)]
struct Legends {
    actual: String,
    target: Option<String>,
}

/// The city's coverage against its target: the summary, the chart and the legends.
fn progress_chart(site: &Site<'_>, stats: &Statistics<'_>) -> (String, String, Legends) {
    let city = &stats.city;
    let coverage = city.coverage.unwrap_or_default();
    let date = as_of_text(site);
    let target = stats
        .target_year
        .zip(stats.target.as_ref())
        .map(|(year, target)| target_texts(site, year, target));
    let mut summary = fill(
        stat_text(site, "progress_summary"),
        &[
            ("date", date.clone()),
            ("covered", city.covered.to_string()),
            ("projects", city.projects.to_string()),
            ("coverage", coverage.to_string()),
        ],
    );
    let legends = Legends {
        actual: fill(stat_text(site, "actual_legend"), &[("date", date)]),
        target: target.as_ref().map(|t| t.1.clone()),
    };
    if let Some((sentence, _)) = target {
        summary.push_str(&sentence);
    }
    let chart = chart::progress(
        ChartText {
            id: "chart-progress",
            title: stat_text(site, "progress_chart"),
            desc: &summary,
        },
        coverage.0,
        100.0,
    );
    (summary, chart, legends)
}

/// The sentence and the legend that say where the as-of date stands against the
/// target: how many days are left, or, once the deadline has passed, whether coverage
/// was full at the end of the target year.
fn target_texts(site: &Site<'_>, year: i32, target: &TargetProgress) -> (String, String) {
    let mut values = vec![
        ("year", year.to_string()),
        ("deadline", target.deadline.to_string()),
    ];
    let key = match &target.standing {
        Standing::Ahead { days } => {
            values.push(("days", days.to_string()));
            "ahead"
        }
        Standing::Passed {
            year_end: Some(point @ YearPoint { in_scope: 1.., .. }),
            met,
        } => {
            let coverage = point.coverage.unwrap_or_default();
            // Shown as the year table shows it, except that a missed target never
            // reads "100%, missed": 99.96% shows as 99.9%.
            let shown = if *met {
                coverage
            } else {
                Percent(coverage.0.min(99.9))
            };
            values.extend([
                ("year_coverage", shown.to_string()),
                ("year_covered", point.covered.to_string()),
                ("year_in_scope", point.in_scope.to_string()),
            ]);
            if *met { "met" } else { "not_met" }
        }
        Standing::Passed { .. } => "empty",
    };
    let text = |group: &str| fill(site.theme.strings.text(&["stats", group, key]), &values);
    (text("target_status"), text("target_legend"))
}

/// The years the charts by year show: each year with data, and the target year when
/// it is still ahead, outlined.
struct YearAxis {
    labels: Vec<String>,
    /// Whether each label's column is an outline (the target year, no data yet).
    outlined: Vec<bool>,
}

impl YearAxis {
    fn new(stats: &Statistics<'_>) -> YearAxis {
        let labels: Vec<String> = stats
            .years
            .iter()
            .map(|y| y.year.to_string())
            .chain(
                stats
                    .target_year
                    .filter(|t| stats.years.last().is_none_or(|y| y.year < *t))
                    .map(|t| t.to_string()),
            )
            .collect();
        let outlined = (0..labels.len()).map(|i| i >= stats.years.len()).collect();
        YearAxis { labels, outlined }
    }
}

/// Coverage at each year's end, the target year outlined when it is still ahead.
fn coverage_years_chart(site: &Site<'_>, stats: &Statistics<'_>, years: &YearAxis) -> String {
    let year_bars: Vec<Column<'_>> = years
        .labels
        .iter()
        .enumerate()
        .map(|(i, label)| match stats.years.get(i) {
            Some(point) => {
                let c = point.coverage.unwrap_or_default();
                Column {
                    label,
                    values: vec![c.0],
                    note: format!("{c}%"),
                }
            }
            None => Column {
                label,
                values: Vec::new(),
                note: String::new(),
            },
        })
        .collect();
    let summary = stats
        .years
        .iter()
        .map(|y| {
            fill(
                stat_text(
                    site,
                    if y.ended {
                        "year_item"
                    } else {
                        "year_item_so_far"
                    },
                ),
                &[
                    ("year", y.year.to_string()),
                    ("date", as_of_text(site)),
                    ("coverage", y.coverage.unwrap_or_default().to_string()),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join(stat_text(site, "separator"));
    chart::columns(
        ChartText {
            id: "chart-coverage-years",
            title: stat_text(site, "coverage_years_chart"),
            desc: &summary,
        },
        "share",
        &year_bars,
        100.0,
        &years.outlined,
        Some(100.0),
    )
}

/// The districts' table rows, and the summary and chart of their green ratios.
fn districts<'a>(
    site: &Site<'a>,
    stats: &'a Statistics<'a>,
) -> (Vec<GroupRow<'a>>, String, String) {
    let districts = stats.groups(Dimension::District);
    let rows: Vec<GroupRow<'a>> = districts
        .iter()
        .map(|(k, g)| group_row(site, Dimension::District, k, g))
        .collect();
    let measured: Vec<&GroupRow<'_>> = rows.iter().filter(|r| r.green_ratio.is_some()).collect();
    let ratio_of = |r: &GroupRow<'_>| {
        districts
            .iter()
            .find(|(k, _)| *k == r.key)
            .and_then(|(_, g)| g.materials.ratio)
            .unwrap_or_default()
    };
    let top = measured
        .iter()
        .copied()
        .max_by(|a, b| ratio_of(a).0.total_cmp(&ratio_of(b).0));
    let bottom = measured
        .iter()
        .copied()
        .min_by(|a, b| ratio_of(a).0.total_cmp(&ratio_of(b).0));
    let city_ratio = stats.city.materials.ratio.unwrap_or_default();
    let summary = match (top, bottom) {
        (Some(top), Some(bottom)) => fill(
            stat_text(site, "districts_summary"),
            &[
                ("top", top.name.unwrap_or_default().to_owned()),
                ("top_ratio", ratio_of(top).to_string()),
                ("bottom", bottom.name.unwrap_or_default().to_owned()),
                ("bottom_ratio", ratio_of(bottom).to_string()),
                ("city", city_ratio.to_string()),
            ],
        ),
        _ => stat_text(site, "no_data").to_owned(),
    };
    let bars: Vec<chart::BarRow<'_>> = measured
        .iter()
        .map(|r| chart::BarRow {
            label: r.name.unwrap_or_default(),
            segments: vec![(ratio_of(r).0, String::new())],
            value: format!("{}%", ratio_of(r)),
        })
        .collect();
    let chart = chart::bars(
        ChartText {
            id: "chart-districts",
            title: stat_text(site, "districts_chart"),
            desc: &summary,
        },
        "share",
        &bars,
        100.0,
    );
    (rows, summary, chart)
}

/// The material categories' rows, and the summary and chart of their amounts.
fn categories<'a>(
    site: &Site<'a>,
    stats: &'a Statistics<'a>,
) -> (Vec<CategoryRow<'a>>, String, String) {
    let city = &stats.city;
    let rows = category_rows(site, &city.categories);
    let largest = city
        .categories
        .iter()
        .max_by(|a, b| a.1.amount.cmp(&b.1.amount).then(b.0.cmp(a.0)));
    let summary = match largest {
        Some((id, t)) => fill(
            stat_text(site, "categories_summary"),
            &[
                ("count", city.categories.len().to_string()),
                (
                    "top",
                    rows.iter()
                        .find(|c| c.id == *id)
                        .map_or_else(|| (*id).to_owned(), |c| c.link.title.to_owned()),
                ),
                ("amount", money(t.amount).text(&site.theme.strings)),
                ("ratio", t.ratio.unwrap_or_default().to_string()),
            ],
        ),
        None => stat_text(site, "no_data").to_owned(),
    };
    let chart = category_chart(
        site,
        "chart-categories",
        stat_text(site, "categories_chart"),
        &summary,
        &city.categories,
    );
    (rows, summary, chart)
}

/// Projects by stage at each year's end: the summary and the chart.
fn stages_chart(site: &Site<'_>, stats: &Statistics<'_>, labels: &[String]) -> (String, String) {
    let bars: Vec<Column<'_>> = stats
        .years
        .iter()
        .zip(labels)
        .map(|(y, label)| Column {
            label,
            values: y.stages.iter().map(|&n| n as f64).collect(),
            note: fill(
                site.theme.strings.text(&["chart", "count"]),
                &[("n", y.in_scope.to_string())],
            ),
        })
        .collect();
    let max_scope = stats.years.iter().map(|y| y.in_scope).max().unwrap_or(0);
    let summary = match stats.years.last() {
        Some(last) => {
            let at = |stage: StageKind| last.stages[stage as usize];
            fill(
                stat_text(site, "stages_summary"),
                &[
                    ("when", year_end_text(site, last)),
                    ("projects", last.in_scope.to_string()),
                    (
                        "accepted",
                        (at(StageKind::Acceptance) + at(StageKind::Evaluation)).to_string(),
                    ),
                    (
                        "building",
                        (at(StageKind::Tender)
                            + at(StageKind::Contract)
                            + at(StageKind::Construction))
                        .to_string(),
                    ),
                ],
            )
        }
        None => stat_text(site, "no_data").to_owned(),
    };
    let chart = chart::columns(
        ChartText {
            id: "chart-stages",
            title: stat_text(site, "stages_chart"),
            desc: &summary,
        },
        "stage",
        &bars,
        max_scope as f64,
        &[],
        None,
    );
    (summary, chart)
}

/// The tables by project type, funding, stage and year.
fn group_tables<'a>(site: &Site<'a>, stats: &'a Statistics<'a>) -> Vec<GroupTable<'a>> {
    [
        (Dimension::ProjectType, Some("project_type")),
        (Dimension::Funding, Some("funding")),
        (Dimension::Stage, Some("stage")),
        (Dimension::Year, None),
    ]
    .into_iter()
    .map(|(dimension, strings)| GroupTable {
        dimension: dimension.key(),
        strings,
        rows: stats
            .groups(dimension)
            .iter()
            .map(|(k, g)| group_row(site, dimension, k, g))
            .collect(),
    })
    .collect()
}

/// The datasets behind the page's figures, as download links.
fn downloads(site: &Site<'_>) -> Vec<Download<'static>> {
    let definitions = crate::export::tables::definitions().ok();
    DOWNLOADS
        .iter()
        .filter_map(|name| {
            let def = definitions?.datasets.iter().find(|d| d.name == *name)?;
            Some(Download {
                name,
                title: &def.title,
                csv: site.base.href(&format!("data/{name}.csv")),
                json: site.base.href(&format!("data/{name}.json")),
            })
        })
        .collect()
}

fn methodology<'a>(site: &Site<'a>) -> Option<Link<'a>> {
    site.dataset
        .pages
        .iter()
        .map(|p| &p.record.meta)
        .find(|m| m.id.value == METHODOLOGY_PAGE)
        .map(|m| site.link(&format!("{METHODOLOGY_PAGE}/"), &m.title))
}

/// A project in a district or category list, with its verdict.
#[derive(Serialize)]
struct ProjectRow<'a> {
    link: Link<'a>,
    stage: Option<&'static str>,
    verdict: &'static str,
    amount: Amount,
    green: Amount,
    ratio: Option<String>,
    failed: Vec<&'static str>,
}

#[derive(Serialize)]
struct DistrictPage<'a> {
    headline: GroupRow<'a>,
    methodology: Option<Link<'a>>,
    chart: String,
    summary: String,
    categories: Vec<CategoryRow<'a>>,
    projects: Vec<ProjectRow<'a>>,
}

fn project_row<'a>(site: &Site<'a>, i: usize, amount: Money, green: Money) -> ProjectRow<'a> {
    let assessed = &site.derived.assessment.projects[i];
    ProjectRow {
        link: site.project_link(i),
        stage: site.derived.current_stage[i].map(StageKind::key),
        verdict: assessed.verdict.key(),
        amount: money(amount),
        green: money(green),
        ratio: percent(crate::derive::compliance::percent_of(
            green.fen(),
            amount.fen(),
        )),
        failed: assessed
            .rules
            .iter()
            .filter(|r| r.verdict == Verdict::NotMet)
            .map(|r| r.rule.key())
            .collect(),
    }
}

fn district<'a>(site: &Site<'a>, id: &str, group: &'a GroupStats<'a>) -> DistrictPage<'a> {
    let strings = &site.theme.strings;
    let s = |key: &str| strings.text(&["stats", key]);
    let headline = group_row(site, Dimension::District, id, group);
    let summary = match group.materials.ratio {
        Some(ratio) => fill(
            s("district_summary"),
            &[
                ("name", headline.name.unwrap_or_default().to_owned()),
                ("projects", group.projects.to_string()),
                ("covered", group.covered.to_string()),
                ("ratio", ratio.to_string()),
                ("not_met", group.verdicts.not_met.to_string()),
            ],
        ),
        None => s("no_data").to_owned(),
    };
    let chart = category_chart(
        site,
        "chart-district-categories",
        s("categories_chart"),
        &summary,
        &group.categories,
    );
    let projects = site
        .dataset
        .projects
        .iter()
        .enumerate()
        .filter(|(_, p)| p.record.district.value == id)
        .map(|(i, _)| {
            let a = &site.derived.assessment.projects[i].all;
            project_row(site, i, a.amount, a.green)
        })
        .collect();
    DistrictPage {
        headline,
        methodology: methodology(site),
        chart,
        summary,
        categories: category_rows(site, &group.categories),
        projects,
    }
}

/// Each category's material lines summed per project, in project order: one pass
/// over all lines for every category page.
type CategoryLines = BTreeMap<String, Vec<(usize, Money, Money)>>;

fn category_projects(site: &Site<'_>) -> CategoryLines {
    let mut map: CategoryLines = BTreeMap::new();
    for (i, (p, assessed)) in site
        .dataset
        .projects
        .iter()
        .zip(&site.derived.assessment.projects)
        .enumerate()
    {
        for (line, status) in p.record.materials.iter().zip(&assessed.lines) {
            let list = map.entry(line.category.value.clone()).or_default();
            let green = if status.green {
                line.amount
            } else {
                Money::default()
            };
            match list.last_mut() {
                Some((j, amount, g)) if *j == i => {
                    *amount = *amount + line.amount;
                    *g = *g + green;
                }
                _ => list.push((i, line.amount, green)),
            }
        }
    }
    map
}

#[derive(Serialize)]
struct CategoryPage<'a> {
    catalog: Link<'a>,
    unit: &'a str,
    totals: Option<CategoryRow<'a>>,
    methodology: Option<Link<'a>>,
    chart: String,
    summary: String,
    districts: Vec<DistrictShare<'a>>,
    projects: Vec<ProjectRow<'a>>,
}

#[derive(Serialize)]
struct DistrictShare<'a> {
    name: &'a str,
    link: String,
    amount: Amount,
    green: Amount,
    ratio: Option<String>,
}

fn category_page<'a>(
    site: &Site<'a>,
    stats: &'a Statistics<'a>,
    id: &str,
    name: &'a str,
    unit: &'a str,
    lines: &CategoryLines,
) -> CategoryPage<'a> {
    let strings = &site.theme.strings;
    let s = |key: &str| strings.text(&["stats", key]);
    let totals = category_rows(site, &stats.city.categories)
        .into_iter()
        .find(|c| c.id == id);
    let districts: Vec<(&'a str, String, &CategoryTotals<'a>)> = stats
        .groups(Dimension::District)
        .iter()
        .filter_map(|(k, g)| {
            let t = g.categories.get(id)?;
            Some((site.derived.area_name(k), k.clone(), t))
        })
        .collect();
    let summary = match stats.city.categories.get(id) {
        Some(t) => fill(
            s("category_summary"),
            &[
                ("name", name.to_owned()),
                ("projects", t.projects.to_string()),
                ("districts", districts.len().to_string()),
                ("amount", money(t.amount).text(&site.theme.strings)),
                ("ratio", t.ratio.unwrap_or_default().to_string()),
            ],
        ),
        None => s("no_data").to_owned(),
    };
    let bars: Vec<chart::BarRow<'_>> = districts
        .iter()
        .map(|(name, _, t)| amount_row(site, name, t))
        .collect();
    let chart = chart::bars(
        ChartText {
            id: "chart-category-districts",
            title: s("category_districts_chart"),
            desc: &summary,
        },
        "share",
        &bars,
        chart::longest(&bars),
    );
    CategoryPage {
        catalog: site.link(&crate::site_paths::category_page(id), name),
        unit,
        totals,
        methodology: methodology(site),
        chart,
        summary,
        districts: districts
            .iter()
            .map(|(name, key, t)| DistrictShare {
                name,
                link: site.base.href(&format!("stats/districts/{key}/")),
                amount: money(t.amount),
                green: money(t.green),
                ratio: percent(t.ratio),
            })
            .collect(),
        projects: lines
            .get(id)
            .map(|list| {
                list.iter()
                    .map(|&(i, amount, green)| project_row(site, i, amount, green))
                    .collect()
            })
            .unwrap_or_default(),
    }
}
