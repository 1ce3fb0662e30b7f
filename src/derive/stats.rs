//! Statistics for the performance evaluation: counts, budgets, green amounts and
//! quantities, ratios and coverage, city-wide and per district, project type, funding
//! source, current stage and year, and per material category; plus the year-by-year
//! series that shows progress toward the programme's target year, and where the as-of
//! date stands against that target.
//!
//! One pass over the projects and their material lines fills every group, so the work
//! grows with the number of lines, not with lines × groups. Green-ness of a line and
//! project verdicts come from [`Assessment`]: the statistics never judge on their own.
//! Every map here is ordered, so pages and downloads list groups the same way each run.

use std::collections::BTreeMap;

use super::compliance::{Assessment, Share, ShareBuilder, Verdict, percent_of};
use super::current_stage;
use crate::model::project::{Funding, Project, ProjectType, StageKind};
use crate::model::{Dataset, Date, Money, Percent};

/// The ways projects are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    /// By district (`district`, the functional zone not considered).
    District,
    /// By building type.
    ProjectType,
    /// By funding source.
    Funding,
    /// By current stage.
    Stage,
    /// By the year of the project's first lifecycle stage (the year it joined).
    Year,
}

impl Dimension {
    /// Every dimension, in display order.
    pub const ALL: [Dimension; 5] = [
        Dimension::District,
        Dimension::ProjectType,
        Dimension::Funding,
        Dimension::Stage,
        Dimension::Year,
    ];

    /// The dimension's key in the theme's strings and exports.
    pub fn key(self) -> &'static str {
        match self {
            Dimension::District => "district",
            Dimension::ProjectType => "type",
            Dimension::Funding => "funding",
            Dimension::Stage => "stage",
            Dimension::Year => "year",
        }
    }
}

/// How many projects got each overall verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VerdictCounts {
    /// Projects meeting every measurable rule.
    pub met: usize,
    /// Projects failing at least one rule.
    pub not_met: usize,
    /// Projects with no measurable rule yet.
    pub not_measurable: usize,
}

impl VerdictCounts {
    fn add(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Met => self.met += 1,
            Verdict::NotMet => self.not_met += 1,
            Verdict::NotMeasurable => self.not_measurable += 1,
        }
    }

    /// The count of one verdict.
    pub fn get(&self, verdict: Verdict) -> usize {
        match verdict {
            Verdict::Met => self.met,
            Verdict::NotMet => self.not_met,
            Verdict::NotMeasurable => self.not_measurable,
        }
    }
}

/// The lines of one category in one unit: quantities and amounts, all and green.
/// Units are never converted, so quantities of different units are never added.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Quantity {
    /// Material lines in this unit.
    pub lines: usize,
    /// Quantity of all lines.
    pub total: f64,
    /// Quantity of green lines.
    pub green: f64,
    /// Amount of all lines.
    pub amount: Money,
    /// Amount of green lines.
    pub green_amount: Money,
}

/// The material lines of one category within a group.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CategoryTotals<'a> {
    /// Material lines.
    pub lines: usize,
    /// Projects with at least one line.
    pub projects: usize,
    /// Amount of all lines.
    pub amount: Money,
    /// Amount of green lines.
    pub green: Money,
    /// `green / amount`.
    pub ratio: Option<Percent>,
    /// Quantities by unit as written on the lines.
    pub quantities: BTreeMap<&'a str, Quantity>,
    /// The last project counted, so that a project with several lines counts once.
    last_project: Option<usize>,
}

impl<'a> CategoryTotals<'a> {
    fn add(&mut self, project: usize, unit: &'a str, quantity: f64, amount: Money, green: bool) {
        self.lines += 1;
        if self.last_project != Some(project) {
            self.projects += 1;
            self.last_project = Some(project);
        }
        self.amount = self.amount + amount;
        let q = self.quantities.entry(unit).or_default();
        q.lines += 1;
        q.total += quantity;
        q.amount = q.amount + amount;
        if green {
            self.green = self.green + amount;
            q.green += quantity;
            q.green_amount = q.green_amount + amount;
        }
    }

    fn finish(&mut self) {
        self.ratio = percent_of(self.green.fen(), self.amount.fen());
        // Summing decimals in binary leaves tails like 2468.5999999999995; editors
        // write at most a few decimals, so six are exact enough and print cleanly.
        let round = |x: f64| (x * 1e6).round() / 1e6;
        for q in self.quantities.values_mut() {
            q.total = round(q.total);
            q.green = round(q.green);
        }
    }
}

/// Figures of a group of projects.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupStats<'a> {
    /// Projects in the group (all are in the programme's scope).
    pub projects: usize,
    /// Projects covered by the policy: reached the tender with a target ratio.
    pub covered: usize,
    /// `covered / projects`.
    pub coverage: Option<Percent>,
    /// Sum of procurement budgets.
    pub budget: Money,
    /// Sum of award amounts, over projects with an award.
    pub awarded: Money,
    /// Green shares over every material line of the group's projects.
    pub materials: Share,
    /// Overall project verdicts.
    pub verdicts: VerdictCounts,
    /// Material lines by category id.
    pub categories: BTreeMap<&'a str, CategoryTotals<'a>>,
    share: ShareBuilder<'a>,
}

impl<'a> GroupStats<'a> {
    fn add_project(&mut self, project: &Project, covered: bool, verdict: Verdict) {
        self.projects += 1;
        self.covered += usize::from(covered);
        self.budget = self.budget + project.procurement.budget;
        if let Some(award) = &project.award {
            self.awarded = self.awarded + award.amount;
        }
        self.verdicts.add(verdict);
    }

    fn add_line(&mut self, project: usize, line: &Line<'a>) {
        self.share.add(line.category, line.amount, line.green);
        self.categories.entry(line.category).or_default().add(
            project,
            line.unit,
            line.quantity,
            line.amount,
            line.green,
        );
    }

    fn finish(&mut self) {
        self.coverage = percent_of(self.covered as i64, self.projects as i64);
        self.materials = self.share.finish();
        for totals in self.categories.values_mut() {
            totals.finish();
        }
    }
}

/// The state of the programme at the end of one year.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YearPoint {
    /// The year.
    pub year: i32,
    /// Projects that had joined (first stage dated) by 31 December.
    pub in_scope: usize,
    /// Of those, projects covered by 31 December (tender dated by then, target set).
    pub covered: usize,
    /// `covered / in_scope`.
    pub coverage: Option<Percent>,
    /// Projects by the latest stage reached by 31 December, in [`StageKind::ALL`] order.
    pub stages: [usize; 7],
    /// Whether the year had ended by the as-of date. If not, the data stops at the
    /// as-of date, so the point counts up to that day, not to the year's end.
    pub ended: bool,
}

impl YearPoint {
    /// Every project in scope was covered; a year with none in scope has nothing
    /// covered, so it does not count as full.
    pub fn full(&self) -> bool {
        self.in_scope > 0 && self.covered == self.in_scope
    }
}

/// The full-coverage target against the as-of date.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetProgress {
    /// 31 December of the target year: coverage is due to be full at that day's end.
    pub deadline: Date,
    /// Where the as-of date stands against the deadline.
    pub standing: Standing,
}

/// Where the as-of date stands against the target's deadline.
#[derive(Clone, Debug, PartialEq)]
pub enum Standing {
    /// The deadline is the as-of date or later, `days` after it.
    Ahead {
        /// Days from the as-of date to the deadline.
        days: i64,
    },
    /// The as-of date is after the deadline: the coverage at the end of the target year
    /// says whether the target was met, whatever the coverage is today.
    Passed {
        /// The target year's point of the year series; `None` when the series starts
        /// after the target year.
        year_end: Option<YearPoint>,
        /// Every project in scope at the deadline was covered by then.
        met: bool,
    },
}

impl TargetProgress {
    fn new(target_year: i32, as_of: Date, years: &[YearPoint]) -> Option<TargetProgress> {
        let deadline = Date::new(target_year, 12, 31)?;
        let standing = if as_of <= deadline {
            Standing::Ahead {
                days: as_of.days_until(deadline),
            }
        } else {
            let year_end = years.iter().find(|p| p.year == target_year).cloned();
            Standing::Passed {
                met: year_end.as_ref().is_some_and(YearPoint::full),
                year_end,
            }
        };
        Some(TargetProgress { deadline, standing })
    }
}

/// Every aggregate of a site.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Statistics<'a> {
    /// The whole city.
    pub city: GroupStats<'a>,
    /// Groups per dimension, in [`Dimension::ALL`] order; within a dimension in
    /// display order: districts as `site.yaml` lists them (each, even without
    /// projects), types, funding sources and stages in their enum order, years
    /// ascending (those three and years only when some project has them).
    pub groups: Vec<(Dimension, Vec<(String, GroupStats<'a>)>)>,
    /// One point per year from the programme's start (or the first year in the data,
    /// if earlier) to the as-of year.
    pub years: Vec<YearPoint>,
    /// The programme's target year for full coverage.
    pub target_year: Option<i32>,
    /// The target against the as-of date, when the site has both.
    pub target: Option<TargetProgress>,
}

/// One material line as the groups count it.
struct Line<'a> {
    category: &'a str,
    unit: &'a str,
    quantity: f64,
    amount: Money,
    green: bool,
}

impl<'a> Statistics<'a> {
    // Long because it walks the projects once and fills every dimension's groups in
    // that one pass; a pass per dimension would walk them five times.
    /// Aggregates `dataset` with the verdicts and green lines of `assessment`; `as_of`
    /// ends the year series.
    pub fn new(
        dataset: &'a Dataset,
        assessment: &Assessment<'_>,
        as_of: Option<Date>,
    ) -> Statistics<'a> {
        let config = dataset.config.as_ref().map(|c| &c.record);
        // Groups are filled in a map keyed by (dimension, key) and put in display order
        // at the end.
        let mut groups: BTreeMap<(Dimension, String), GroupStats<'a>> = BTreeMap::new();
        let mut city = GroupStats::default();
        for (i, (project, assessed)) in dataset
            .projects
            .iter()
            .zip(&assessment.projects)
            .enumerate()
        {
            let p = &project.record;
            let keys = [
                (Dimension::District, Some(p.district.value.clone())),
                (Dimension::ProjectType, Some(p.kind.key().to_owned())),
                (Dimension::Funding, Some(p.funding.key().to_owned())),
                (
                    Dimension::Stage,
                    current_stage(p).map(|s| s.key().to_owned()),
                ),
                (Dimension::Year, joined(p).map(|d| d.year().to_string())),
            ];
            let lines: Vec<Line<'a>> = p
                .materials
                .iter()
                .zip(&assessed.lines)
                .map(|(m, status)| Line {
                    category: &m.category.value,
                    unit: &m.unit,
                    quantity: m.quantity,
                    amount: m.amount,
                    green: status.green,
                })
                .collect();
            let fill = |group: &mut GroupStats<'a>| {
                group.add_project(p, assessed.covered, assessed.verdict);
                for line in &lines {
                    group.add_line(i, line);
                }
            };
            fill(&mut city);
            for (dimension, key) in keys {
                if let Some(key) = key {
                    fill(groups.entry((dimension, key)).or_default());
                }
            }
        }
        city.finish();
        for group in groups.values_mut() {
            group.finish();
        }
        let groups = Dimension::ALL
            .into_iter()
            .map(|dimension| {
                let order: Vec<String> = match dimension {
                    Dimension::District => config.map_or_else(Vec::new, |c| {
                        c.districts.iter().map(|d| d.id.value.clone()).collect()
                    }),
                    Dimension::ProjectType => ProjectType::ALL
                        .iter()
                        .map(|t| t.key().to_owned())
                        .collect(),
                    Dimension::Funding => Funding::ALL.iter().map(|f| f.key().to_owned()).collect(),
                    Dimension::Stage => StageKind::ALL.iter().map(|s| s.key().to_owned()).collect(),
                    Dimension::Year => groups
                        .keys()
                        .filter(|(d, _)| *d == Dimension::Year)
                        .map(|(_, k)| k.clone())
                        .collect(),
                };
                let every = dimension == Dimension::District;
                let list = order
                    .into_iter()
                    .filter_map(|key| {
                        let group = groups.remove(&(dimension, key.clone()));
                        match group {
                            Some(g) => Some((key, g)),
                            None if every => Some((key, GroupStats::default())),
                            None => None,
                        }
                    })
                    .collect();
                (dimension, list)
            })
            .collect();
        let target_year = config.map(|c| c.programme.target_year);
        let start_year = config.map(|c| c.programme.start_year);
        let years = years(dataset, assessment, start_year, as_of);
        let target = target_year
            .zip(as_of)
            .and_then(|(year, as_of)| TargetProgress::new(year, as_of, &years));
        Statistics {
            city,
            groups,
            years,
            target_year,
            target,
        }
    }

    /// The groups of one dimension, in display order.
    pub fn groups(&self, dimension: Dimension) -> &[(String, GroupStats<'a>)] {
        self.groups
            .iter()
            .find(|(d, _)| *d == dimension)
            .map_or(&[], |(_, list)| list.as_slice())
    }
}

/// The day a project joined the pilot: its first lifecycle stage.
fn joined(p: &Project) -> Option<Date> {
    p.lifecycle.iter().map(|s| s.date.value).min()
}

/// The year series. Each project is placed once per year from the year it joined, so
/// the work is projects × years (a handful of years), not quadratic in projects.
fn years(
    dataset: &Dataset,
    assessment: &Assessment<'_>,
    start_year: Option<i32>,
    as_of: Option<Date>,
) -> Vec<YearPoint> {
    let first_in_data = dataset
        .projects
        .iter()
        .filter_map(|p| joined(&p.record))
        .min();
    let Some(first) = start_year
        .into_iter()
        .chain(first_in_data.map(Date::year))
        .min()
    else {
        return Vec::new();
    };
    // The series stops at the as-of year: later years have no data yet, and the
    // target year is shown beside the series, not projected into it.
    let last = as_of
        .map(Date::year)
        .or(first_in_data.map(Date::year))
        .unwrap_or(first)
        .max(first);
    let mut points: Vec<YearPoint> = (first..=last)
        .map(|year| YearPoint {
            year,
            ended: Date::new(year, 12, 31)
                .zip(as_of)
                .is_none_or(|(year_end, as_of)| as_of >= year_end),
            ..YearPoint::default()
        })
        .collect();
    for (project, assessed) in dataset.projects.iter().zip(&assessment.projects) {
        let p = &project.record;
        let Some(joined) = joined(p) else { continue };
        let covered_on = assessed
            .tender
            .filter(|_| p.targets.green_material_ratio.is_some());
        for point in points.iter_mut().filter(|pt| pt.year >= joined.year()) {
            let Some(year_end) = Date::new(point.year, 12, 31) else {
                continue;
            };
            point.in_scope += 1;
            point.covered += usize::from(covered_on.is_some_and(|d| d <= year_end));
            let stage = p
                .lifecycle
                .iter()
                .filter(|s| s.date.value <= year_end)
                .max_by_key(|s| (s.date.value, s.stage.value))
                .map(|s| s.stage.value);
            if let Some(stage) = stage {
                point.stages[stage as usize] += 1;
            }
        }
    }
    for point in &mut points {
        point.coverage = percent_of(point.covered as i64, point.in_scope as i64);
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::compliance::tests::fixture;

    #[test]
    fn the_fixture_adds_up_to_the_hand_made_totals() {
        let d = fixture();
        let a = Assessment::new(&d, d.as_of());
        let s = Statistics::new(&d, &a, d.as_of());
        let city = &s.city;
        assert_eq!((city.projects, city.covered), (5, 3));
        assert_eq!(city.coverage, Some(Percent(60.0)));
        assert_eq!(city.budget, Money::from_fen(5_500_000_000));
        assert_eq!(city.awarded, Money::from_fen(2_530_000_000));
        assert_eq!(city.materials.amount, Money::from_fen(190_000_000));
        assert_eq!(city.materials.green, Money::from_fen(165_000_000));
        assert_eq!(
            city.verdicts,
            VerdictCounts {
                met: 2,
                not_met: 2,
                not_measurable: 1
            }
        );
        let membrane = &city.categories["waterproof-membrane"];
        assert_eq!((membrane.lines, membrane.projects), (2, 2));
        assert_eq!(membrane.quantities["m²"].total, 5000.0);
        assert_eq!(membrane.quantities["m²"].green, 3000.0);
        assert_eq!(membrane.ratio, Some(Percent(60.0)));
        let districts = s.groups(Dimension::District);
        assert_eq!(
            districts
                .iter()
                .map(|(k, g)| (k.as_str(), g.projects))
                .collect::<Vec<_>>(),
            [("zhangdian", 2), ("linzi", 3)]
        );
        let years: Vec<(i32, usize, usize)> = s
            .years
            .iter()
            .map(|y| (y.year, y.in_scope, y.covered))
            .collect();
        assert_eq!(
            years,
            [(2022, 0, 0), (2023, 2, 2), (2024, 3, 3), (2025, 5, 3)]
        );
        assert_eq!(s.years[3].stages, [1, 1, 0, 0, 1, 2, 0]);
        // As of 2025-09-10 the last year is still running and the target 2025 ahead.
        assert_eq!(
            s.years.iter().map(|y| y.ended).collect::<Vec<_>>(),
            [true, true, true, false]
        );
        assert_eq!(
            s.target.map(|t| (t.deadline.to_string(), t.standing)),
            Some(("2025-12-31".into(), Standing::Ahead { days: 112 }))
        );
    }

    #[test]
    fn a_passed_target_is_judged_at_the_end_of_its_year() {
        // The fixture with the programme's target year, as of a given date.
        let standing = |target_year: i32, as_of: &str| {
            let mut d = fixture();
            d.config.as_mut().unwrap().record.programme.target_year = target_year;
            let a = Assessment::new(&d, d.as_of());
            let s = Statistics::new(&d, &a, Date::parse(as_of));
            match s.target.unwrap().standing {
                Standing::Passed { year_end, met } => {
                    Some((year_end.map(|p| (p.year, p.in_scope, p.covered)), met))
                }
                Standing::Ahead { .. } => None,
            }
        };
        // 2025 ended with 3 of 5 covered: missed, whatever happens in 2026.
        assert_eq!(
            standing(2025, "2026-01-01"),
            Some((Some((2025, 5, 3)), false))
        );
        assert_eq!(standing(2025, "2025-12-31"), None);
        // 2024 ended with 3 of 3 covered, though coverage fell to 60% later.
        assert_eq!(
            standing(2024, "2025-09-10"),
            Some((Some((2024, 3, 3)), true))
        );
        // No project had joined by the end of 2022: nothing was covered.
        assert_eq!(
            standing(2022, "2025-09-10"),
            Some((Some((2022, 0, 0)), false))
        );
        assert_eq!(standing(2021, "2025-09-10"), Some((None, false)));
    }
}
