//! Compliance: does each project meet the programme's rules, and does each product meet
//! its category's thresholds on the days it was used?
//!
//! Everything here is computed from the records alone, once per build, and read by the
//! pages, the statistics and the open-data exports, so that a figure never has two
//! definitions. `content/pages/methodology.md` explains each one to readers; keep the
//! two in step.
//!
//! - A material line is **green** when it names a catalog product whose certificate
//!   covers the line's day of use (`used_from`, else the tender date, else the as-of
//!   date), by [`Certificate::covers_use`](crate::model::product::Certificate::covers_use),
//!   the rule validation uses for W0301.
//! - A line's category is **mandatory** or **optional** by the edition of the demand
//!   standard in force on the project's tender date; a category that edition does not
//!   list is neither, and counts only in the project's totals.
//! - A rule is **not measurable** before the stage that fixes its figure: star rating
//!   and prefabrication ratio from design, material ratios from the tender (with
//!   materials recorded), achieved figures at acceptance.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::model::config::Programme;
use crate::model::product::Product;
use crate::model::project::{Project, StageKind};
use crate::model::standard::{CategoryRule, MaterialClass, Threshold};
use crate::model::{Dataset, Date, Money, Percent, Stars};

use super::edition_in_force;

/// The outcome of one rule, one project or one product check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// The figure reaches the requirement.
    Met,
    /// The figure falls short of the requirement.
    NotMet,
    /// The figure does not exist yet (or cannot exist): see the reason.
    NotMeasurable,
}

impl Verdict {
    /// Every verdict, in display order.
    pub const ALL: [Verdict; 3] = [Verdict::Met, Verdict::NotMet, Verdict::NotMeasurable];

    /// The verdict's key in the theme's strings, URLs and exports.
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::NotMet => "not-met",
            Verdict::NotMeasurable => "not-measurable",
        }
    }

    /// The verdict of several checks: not met when any is not met, met when the others
    /// are all met or not measurable and at least one is met.
    pub fn combine(verdicts: impl IntoIterator<Item = Verdict>) -> Verdict {
        let mut any_met = false;
        for verdict in verdicts {
            match verdict {
                Verdict::NotMet => return Verdict::NotMet,
                Verdict::Met => any_met = true,
                Verdict::NotMeasurable => {}
            }
        }
        if any_met {
            Verdict::Met
        } else {
            Verdict::NotMeasurable
        }
    }
}

/// The programme rules a project is judged by, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// The target star rating is at least the programme's minimum (fixed at design).
    StarTarget,
    /// The target prefabrication ratio is at least the programme's minimum, when the
    /// programme sets one (fixed at design).
    PrefabTarget,
    /// Mandatory categories are green by amount at least the programme's share.
    MandatoryGreen,
    /// Green types are at least the programme's share of the optional categories used.
    OptionalTypes,
    /// At acceptance, the green-material ratio by amount reaches the project's target.
    GreenRatio,
    /// At acceptance, the star rating obtained reaches the target.
    StarActual,
}

impl Rule {
    /// Every rule, in display order.
    pub const ALL: [Rule; 6] = [
        Rule::StarTarget,
        Rule::PrefabTarget,
        Rule::MandatoryGreen,
        Rule::OptionalTypes,
        Rule::GreenRatio,
        Rule::StarActual,
    ];

    /// The rule's key in the theme's strings and exports.
    pub fn key(self) -> &'static str {
        match self {
            Rule::StarTarget => "star-target",
            Rule::PrefabTarget => "prefab-target",
            Rule::MandatoryGreen => "mandatory-green",
            Rule::OptionalTypes => "optional-types",
            Rule::GreenRatio => "green-ratio",
            Rule::StarActual => "star-actual",
        }
    }

    /// The stage from which the rule's figure exists.
    pub fn measurable_from(self) -> StageKind {
        match self {
            Rule::StarTarget | Rule::PrefabTarget => StageKind::Design,
            Rule::MandatoryGreen | Rule::OptionalTypes => StageKind::Tender,
            Rule::GreenRatio | Rule::StarActual => StageKind::Acceptance,
        }
    }
}

/// Why a rule got its verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The figure reaches the threshold.
    Reached,
    /// The figure is below the threshold.
    Short,
    /// The project has not reached the stage that fixes the figure.
    BeforeStage(StageKind),
    /// No material line of the categories the rule looks at.
    NoLines,
    /// The project sets no target to compare with.
    NoTarget,
    /// The achieved figure was not reported.
    NotReported,
    /// No edition of the standard was in force on the tender date, so categories have
    /// no class.
    NoEdition,
}

impl Reason {
    /// One reason of each key, a stage standing for every stage.
    pub const ALL: [Reason; 7] = [
        Reason::Reached,
        Reason::Short,
        Reason::BeforeStage(StageKind::Approval),
        Reason::NoLines,
        Reason::NoTarget,
        Reason::NotReported,
        Reason::NoEdition,
    ];

    /// The reason's key in the theme's strings and exports.
    pub fn key(self) -> &'static str {
        match self {
            Reason::Reached => "reached",
            Reason::Short => "short",
            Reason::BeforeStage(_) => "before-stage",
            Reason::NoLines => "no-lines",
            Reason::NoTarget => "no-target",
            Reason::NotReported => "not-reported",
            Reason::NoEdition => "no-edition",
        }
    }
}

/// A figure a rule compares: a percentage or a star rating.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Figure {
    /// A percentage.
    Percent(Percent),
    /// A green building rating.
    Stars(Stars),
}

/// One rule applied to one project.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RuleVerdict {
    /// Which rule.
    pub rule: Rule,
    /// Met, not met, or not measurable.
    pub verdict: Verdict,
    /// Why.
    pub reason: Reason,
    /// The project's figure, when it exists.
    pub value: Option<Figure>,
    /// The requirement, when there is one.
    pub threshold: Option<Figure>,
}

/// Green shares of a set of material lines, by amount and by count of categories.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Share {
    /// Amount of all lines.
    pub amount: Money,
    /// Amount of the green lines.
    pub green: Money,
    /// `green / amount`, absent when the amount is zero.
    pub ratio: Option<Percent>,
    /// Categories with at least one line.
    pub types: usize,
    /// Categories with at least one green line.
    pub green_types: usize,
    /// `green_types / types`, absent when no category is used.
    pub type_ratio: Option<Percent>,
}

impl Share {
    /// Whether the green amount is at least `threshold` percent of the amount,
    /// compared in whole fen (green × 100 ≥ threshold × amount) so that rounding never
    /// turns 100% into 99.99…%; `None` without an amount.
    pub fn amount_reaches(&self, threshold: Percent) -> Option<bool> {
        reaches(self.green.fen(), self.amount.fen(), threshold)
    }

    /// Whether green types are at least `threshold` percent of the types, compared as
    /// whole counts; `None` without types.
    pub fn types_reach(&self, threshold: Percent) -> Option<bool> {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        reaches(count(self.green_types), count(self.types), threshold)
    }
}

/// `part / whole ≥ threshold %`, decided on `part × 100 ≥ threshold × whole`.
fn reaches(part: i64, whole: i64, threshold: Percent) -> Option<bool> {
    (whole > 0).then_some(part as f64 * 100.0 >= threshold.0 * whole as f64)
}

/// Ratio of two whole numbers as a percentage, absent when `whole` is zero.
pub fn percent_of(part: i64, whole: i64) -> Option<Percent> {
    (whole > 0).then(|| Percent(part as f64 * 100.0 / whole as f64))
}

/// Sums lines into a [`Share`]: amounts, and each category with whether any of its
/// lines is green.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct ShareBuilder<'a> {
    amount: Money,
    green: Money,
    categories: BTreeMap<&'a str, bool>,
}

impl<'a> ShareBuilder<'a> {
    /// Adds one line.
    pub(super) fn add(&mut self, category: &'a str, amount: Money, green: bool) {
        self.amount = self.amount + amount;
        if green {
            self.green = self.green + amount;
        }
        *self.categories.entry(category).or_default() |= green;
    }

    /// The share of the lines added.
    pub(super) fn finish(&self) -> Share {
        let types = self.categories.len();
        let green_types = self.categories.values().filter(|&&g| g).count();
        Share {
            amount: self.amount,
            green: self.green,
            ratio: percent_of(self.green.fen(), self.amount.fen()),
            types,
            green_types,
            type_ratio: percent_of(green_types as i64, types as i64),
        }
    }
}

/// How one material line counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineStatus {
    /// A catalog product with a certificate covering the day of use.
    pub green: bool,
    /// The category's class in the project's edition, when it lists the category.
    pub class: Option<MaterialClass>,
    /// The day the certificate is judged on: `used_from`, the tender date, or the
    /// as-of date; absent only for a site without any date.
    pub used_on: Option<Date>,
}

/// Everything computed about one project.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectCompliance {
    /// The tender stage's date, which chooses the edition.
    pub tender: Option<Date>,
    /// The edition in force on the tender date, an index into `dataset.editions`.
    pub edition: Option<usize>,
    /// Each material line, in the project's order.
    pub lines: Vec<LineStatus>,
    /// All lines.
    pub all: Share,
    /// Lines of mandatory categories.
    pub mandatory: Share,
    /// Lines of optional categories.
    pub optional: Share,
    /// One verdict per rule, in [`Rule::ALL`] order (rules the programme does not set
    /// are left out).
    pub rules: Vec<RuleVerdict>,
    /// The combined verdict of the rules.
    pub verdict: Verdict,
    /// Counted as covered by the policy: reached the tender with a target ratio.
    pub covered: bool,
    /// The project's actual green-material share, the one figure every page and
    /// download shows as "actual".
    pub actual_share: ActualShare,
    /// Whether that share reaches the project's target: decided on the amounts, as
    /// the acceptance rule decides, when it comes from the lines; `None` without a
    /// target or a share.
    pub actual_share_reaches_target: Option<bool>,
}

/// The actual green-material share of a project and where it comes from. The material
/// lines win over the owner's reported figure: they are what the rules judge and what
/// a reader can check line by line. A target never stands in for it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ActualShare {
    /// Green amount ÷ material amount over the project's material lines.
    Lines(Percent),
    /// No priced material line: the figure the owner reported at acceptance.
    Reported(Percent),
    /// Neither lines nor a reported figure.
    Unknown,
}

impl ActualShare {
    /// The share, when there is one.
    pub fn value(self) -> Option<Percent> {
        match self {
            ActualShare::Lines(v) | ActualShare::Reported(v) => Some(v),
            ActualShare::Unknown => None,
        }
    }

    /// Where the figure comes from, a key of the theme's `share_source` strings and
    /// of the exports' code list.
    pub fn source(self) -> &'static str {
        match self {
            ActualShare::Lines(_) => "lines",
            ActualShare::Reported(_) => "reported",
            ActualShare::Unknown => "unknown",
        }
    }

    /// Every source key, for the strings check.
    pub const SOURCES: [&'static str; 3] = ["lines", "reported", "unknown"];

    fn of(p: &Project, lines: &Share) -> ActualShare {
        match (lines.ratio, &p.actual.green_material_ratio) {
            (Some(v), _) => ActualShare::Lines(v),
            (None, Some(reported)) => ActualShare::Reported(reported.value),
            (None, None) => ActualShare::Unknown,
        }
    }

    /// Whether the share reaches `target`, the lines' share on their exact amounts.
    fn reaches(self, target: Percent, lines: &Share) -> Option<bool> {
        match self {
            ActualShare::Lines(_) => lines.amount_reaches(target),
            ActualShare::Reported(v) => Some(v.0 >= target.0),
            ActualShare::Unknown => None,
        }
    }
}

/// A product's measured value against one threshold of an edition.
#[derive(Clone, Copy, Debug)]
pub struct IndicatorCheck<'a> {
    /// The indicator id.
    pub indicator: &'a str,
    /// The threshold, absent for a value the edition does not judge.
    pub threshold: Option<&'a Threshold>,
    /// The product's value, absent when the product does not state one.
    pub value: Option<f64>,
    /// Whether the value satisfies the threshold, when both exist.
    pub met: Option<bool>,
}

/// One use of a product by a project's material line, judged on its day of use.
#[derive(Clone, Debug)]
pub struct ProductUse<'a> {
    /// The project, an index into `dataset.projects`.
    pub project: usize,
    /// The material line, an index into the project's `materials`.
    pub line: usize,
    /// The day of use (see [`LineStatus::used_on`]).
    pub used_on: Option<Date>,
    /// The edition in force that day.
    pub edition: Option<usize>,
    /// Whether the certificate covered that day.
    pub certificate_valid: bool,
    /// The indicators against that edition's thresholds.
    pub indicators: Vec<IndicatorCheck<'a>>,
    /// Not met when the certificate did not cover the day or an indicator failed.
    pub verdict: Verdict,
}

/// Everything computed about one product.
#[derive(Clone, Debug)]
pub struct ProductCompliance<'a> {
    /// The edition in force on the as-of date.
    pub edition: Option<usize>,
    /// The indicators against that edition.
    pub current: Vec<IndicatorCheck<'a>>,
    /// The combined verdict of `current`.
    pub verdict: Verdict,
    /// Each use, in project then line order.
    pub uses: Vec<ProductUse<'a>>,
}

/// Compliance of every project and product, by index into the dataset's lists.
#[derive(Clone, Debug, Default)]
pub struct Assessment<'a> {
    /// By project index.
    pub projects: Vec<ProjectCompliance>,
    /// By product index.
    pub products: Vec<ProductCompliance<'a>>,
}

impl<'a> Assessment<'a> {
    /// Assesses every project and product of `dataset`; `as_of` stands in for today.
    pub fn new(dataset: &'a Dataset, as_of: Option<Date>) -> Assessment<'a> {
        let rules = CategoryRules::new(dataset);
        let products: FxHashMap<&str, usize> = dataset
            .products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.record.id.value.as_str(), i))
            .rev() // the first of a duplicated id wins, as in `Derived`
            .collect();
        let programme = dataset.config.as_ref().map(|c| &c.record.programme);
        let mut product_uses: Vec<Vec<ProductUse<'a>>> = vec![Vec::new(); dataset.products.len()];
        let projects = dataset
            .projects
            .iter()
            .enumerate()
            .map(|(i, project)| {
                let p = &project.record;
                let assessed = assess_project(dataset, p, &products, &rules, as_of, programme);
                for (line, (material, status)) in
                    p.materials.iter().zip(&assessed.lines).enumerate()
                {
                    let Some(&j) = material
                        .product
                        .as_ref()
                        .and_then(|id| products.get(id.value.as_str()))
                    else {
                        continue;
                    };
                    let product = &dataset.products[j].record;
                    let edition = status
                        .used_on
                        .and_then(|day| edition_in_force(dataset, day));
                    let indicators =
                        check_indicators(product, rules.get(edition, &product.category.value));
                    let verdict = if status.green {
                        indicators_verdict(&indicators)
                    } else {
                        Verdict::NotMet
                    };
                    product_uses[j].push(ProductUse {
                        project: i,
                        line,
                        used_on: status.used_on,
                        edition,
                        certificate_valid: status.green,
                        indicators,
                        verdict,
                    });
                }
                assessed
            })
            .collect();
        let current_edition = as_of.and_then(|day| edition_in_force(dataset, day));
        let products = dataset
            .products
            .iter()
            .zip(product_uses)
            .map(|(product, uses)| {
                let p = &product.record;
                let current = check_indicators(p, rules.get(current_edition, &p.category.value));
                ProductCompliance {
                    edition: current_edition,
                    verdict: indicators_verdict(&current),
                    current,
                    uses,
                }
            })
            .collect();
        Assessment { projects, products }
    }
}

/// Each edition's rule per category, looked up without scanning the edition.
struct CategoryRules<'a> {
    rules: FxHashMap<(usize, &'a str), &'a CategoryRule>,
}

impl<'a> CategoryRules<'a> {
    fn new(dataset: &'a Dataset) -> CategoryRules<'a> {
        let mut rules = FxHashMap::default();
        for (i, edition) in dataset.editions.iter().enumerate() {
            for rule in &edition.record.categories {
                // The first entry of a category listed twice wins; validation reports
                // the second (E0201).
                rules
                    .entry((i, rule.category.value.as_str()))
                    .or_insert(rule);
            }
        }
        CategoryRules { rules }
    }

    fn get(&self, edition: Option<usize>, category: &str) -> Option<&'a CategoryRule> {
        self.rules.get(&(edition?, category)).copied()
    }
}

/// The product's values against `rule`'s thresholds, in the standard's order, then the
/// values the rule does not judge.
fn check_indicators<'a>(
    product: &'a Product,
    rule: Option<&'a CategoryRule>,
) -> Vec<IndicatorCheck<'a>> {
    let thresholds: &'a [Threshold] = rule.map_or(&[], |r| r.thresholds.as_slice());
    let values: FxHashMap<&str, f64> = product
        .indicators
        .iter()
        .map(|v| (v.indicator.value.as_str(), v.value.value))
        .collect();
    let mut checks: Vec<IndicatorCheck<'a>> = thresholds
        .iter()
        .map(|t| {
            let value = values.get(t.indicator.value.as_str()).copied();
            IndicatorCheck {
                indicator: &t.indicator.value,
                threshold: Some(t),
                value,
                met: value.map(|v| t.op.holds(v, t.value)),
            }
        })
        .collect();
    let judged: std::collections::HashSet<&str> = thresholds
        .iter()
        .map(|t| t.indicator.value.as_str())
        .collect();
    checks.extend(
        product
            .indicators
            .iter()
            .filter(|v| !judged.contains(v.indicator.value.as_str()))
            .map(|v| IndicatorCheck {
                indicator: &v.indicator.value,
                threshold: None,
                value: Some(v.value.value),
                met: None,
            }),
    );
    checks
}

/// Not met when a judged value fails; not measurable when the edition sets no
/// threshold or a threshold has no value to compare; met otherwise.
fn indicators_verdict(checks: &[IndicatorCheck<'_>]) -> Verdict {
    let judged: Vec<Option<bool>> = checks
        .iter()
        .filter(|c| c.threshold.is_some())
        .map(|c| c.met)
        .collect();
    if judged.contains(&Some(false)) {
        Verdict::NotMet
    } else if judged.is_empty() || judged.contains(&None) {
        Verdict::NotMeasurable
    } else {
        Verdict::Met
    }
}

fn assess_project(
    dataset: &Dataset,
    p: &Project,
    products: &FxHashMap<&str, usize>,
    rules: &CategoryRules<'_>,
    as_of: Option<Date>,
    programme: Option<&Programme>,
) -> ProjectCompliance {
    let tender = p
        .lifecycle
        .iter()
        .find(|s| s.stage.value == StageKind::Tender)
        .map(|s| s.date.value);
    let edition = tender.and_then(|day| edition_in_force(dataset, day));
    let mut all = ShareBuilder::default();
    let mut mandatory = ShareBuilder::default();
    let mut optional = ShareBuilder::default();
    let lines = p
        .materials
        .iter()
        .map(|line| {
            let explicit = line.used_from.as_ref().map(|d| d.value);
            let used_on = explicit.or(tender).or(as_of);
            let green = match (line.product.as_ref(), used_on) {
                (Some(id), Some(day)) => products.get(id.value.as_str()).is_some_and(|&j| {
                    dataset.products[j]
                        .record
                        .certificate
                        .covers_use(day, explicit.is_some())
                }),
                _ => false,
            };
            let class = rules.get(edition, &line.category.value).map(|r| r.class);
            let category = line.category.value.as_str();
            all.add(category, line.amount, green);
            match class {
                Some(MaterialClass::Mandatory) => mandatory.add(category, line.amount, green),
                Some(MaterialClass::Optional) => optional.add(category, line.amount, green),
                None => {}
            }
            LineStatus {
                green,
                class,
                used_on,
            }
        })
        .collect();
    let shares = Shares {
        all: all.finish(),
        mandatory: mandatory.finish(),
        optional: optional.finish(),
    };
    let reached = |stage: StageKind| p.lifecycle.iter().any(|s| s.stage.value >= stage);
    let rules = programme.map_or_else(Vec::new, |programme| {
        judge_rules(p, &shares, edition.is_some(), &reached, programme)
    });
    let actual_share = ActualShare::of(p, &shares.all);
    let actual_share_reaches_target = p
        .targets
        .green_material_ratio
        .as_ref()
        .and_then(|t| actual_share.reaches(t.value, &shares.all));
    ProjectCompliance {
        tender,
        edition,
        lines,
        all: shares.all,
        mandatory: shares.mandatory,
        optional: shares.optional,
        verdict: Verdict::combine(rules.iter().map(|r| r.verdict)),
        rules,
        covered: reached(StageKind::Tender) && p.targets.green_material_ratio.is_some(),
        actual_share,
        actual_share_reaches_target,
    }
}

/// A project's three shares.
struct Shares {
    all: Share,
    mandatory: Share,
    optional: Share,
}

// Long because it is one match over the programme's rules, each arm its threshold
// and figure, in `Rule::ALL`'s order.
/// Applies the programme's rules to a project whose shares are computed.
fn judge_rules(
    p: &Project,
    shares: &Shares,
    has_edition: bool,
    reached: &dyn Fn(StageKind) -> bool,
    programme: &Programme,
) -> Vec<RuleVerdict> {
    let percent = |p: &Option<crate::model::Sp<Percent>>| p.as_ref().map(|s| s.value);
    Rule::ALL
        .into_iter()
        .filter_map(|rule| {
            let stage = rule.measurable_from();
            let threshold = match rule {
                Rule::StarTarget => Some(Figure::Stars(programme.min_star_rating)),
                Rule::PrefabTarget => {
                    Some(Figure::Percent(programme.min_prefab_ratio.as_ref()?.value))
                }
                Rule::MandatoryGreen => {
                    Some(Figure::Percent(programme.mandatory_green_ratio.value))
                }
                Rule::OptionalTypes => {
                    Some(Figure::Percent(programme.optional_green_type_ratio.value))
                }
                Rule::GreenRatio => percent(&p.targets.green_material_ratio).map(Figure::Percent),
                Rule::StarActual => p.targets.star_rating.map(Figure::Stars),
            };
            let not_measurable = |reason| RuleVerdict {
                rule,
                verdict: Verdict::NotMeasurable,
                reason,
                value: None,
                threshold,
            };
            if !reached(stage) {
                return Some(not_measurable(Reason::BeforeStage(stage)));
            }
            // The value, and whether it reaches the threshold; `Err` says why there is
            // nothing to compare.
            let judged: Result<(Figure, bool), Reason> = match rule {
                Rule::StarTarget | Rule::StarActual => {
                    let (value, min) = match rule {
                        Rule::StarTarget => {
                            (p.targets.star_rating, Some(programme.min_star_rating))
                        }
                        _ => (p.actual.star_rating, p.targets.star_rating),
                    };
                    match (value, min) {
                        (_, None) => Err(Reason::NoTarget),
                        (None, _) if rule == Rule::StarActual => Err(Reason::NotReported),
                        (None, _) => Err(Reason::NoTarget),
                        (Some(v), Some(min)) => Ok((Figure::Stars(v), v >= min)),
                    }
                }
                Rule::PrefabTarget => match (percent(&p.targets.prefab_ratio), threshold) {
                    (Some(v), Some(Figure::Percent(min))) => Ok((Figure::Percent(v), v.0 >= min.0)),
                    _ => Err(Reason::NoTarget),
                },
                Rule::MandatoryGreen | Rule::OptionalTypes => {
                    let Some(Figure::Percent(min)) = threshold else {
                        return None;
                    };
                    if !has_edition {
                        Err(Reason::NoEdition)
                    } else if rule == Rule::MandatoryGreen {
                        let share = &shares.mandatory;
                        share
                            .ratio
                            .zip(share.amount_reaches(min))
                            .map(|(v, ok)| (Figure::Percent(v), ok))
                            .ok_or(Reason::NoLines)
                    } else {
                        let share = &shares.optional;
                        share
                            .type_ratio
                            .zip(share.types_reach(min))
                            .map(|(v, ok)| (Figure::Percent(v), ok))
                            .ok_or(Reason::NoLines)
                    }
                }
                Rule::GreenRatio => match threshold {
                    Some(Figure::Percent(target)) => shares
                        .all
                        .ratio
                        .zip(shares.all.amount_reaches(target))
                        .map(|(v, ok)| (Figure::Percent(v), ok))
                        .ok_or(Reason::NoLines),
                    _ => Err(Reason::NoTarget),
                },
            };
            Some(match judged {
                Ok((value, ok)) => RuleVerdict {
                    rule,
                    verdict: if ok { Verdict::Met } else { Verdict::NotMet },
                    reason: if ok { Reason::Reached } else { Reason::Short },
                    value: Some(value),
                    threshold,
                },
                Err(reason) => not_measurable(reason),
            })
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The hand-made statistics fixture (see `tests/stats.rs` for its figures).
    pub(crate) fn fixture() -> Dataset {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stats");
        let (dataset, diagnostics) = crate::check_site(&root);
        assert_eq!(diagnostics.error_count(), 0);
        dataset
    }

    fn project<'d>(d: &'d Dataset, a: &'d Assessment<'_>, id: &str) -> &'d ProjectCompliance {
        let i = d
            .projects
            .iter()
            .position(|p| p.record.id.value == id)
            .unwrap();
        &a.projects[i]
    }

    fn rule(c: &ProjectCompliance, rule: Rule) -> (Verdict, Reason) {
        let r = c.rules.iter().find(|r| r.rule == rule).unwrap();
        (r.verdict, r.reason)
    }

    #[test]
    fn verdicts_combine_not_met_first_then_met() {
        use Verdict::*;
        assert_eq!(Verdict::combine([Met, NotMeasurable]), Met);
        assert_eq!(Verdict::combine([Met, NotMet, NotMeasurable]), NotMet);
        assert_eq!(Verdict::combine([NotMeasurable]), NotMeasurable);
        assert_eq!(Verdict::combine([]), NotMeasurable);
    }

    #[test]
    fn shares_compare_exactly_at_the_threshold() {
        let mut b = ShareBuilder::default();
        b.add("a", Money::from_fen(1), true);
        b.add("b", Money::from_fen(2), false);
        b.add("b", Money::from_fen(0), true);
        let share = b.finish();
        assert_eq!((share.types, share.green_types), (2, 2));
        // 1/3 of the amount: 33.33…% reaches 33.3 but not 33.34.
        assert_eq!(share.amount_reaches(Percent(100.0 / 3.0)), Some(true));
        assert_eq!(share.amount_reaches(Percent(33.34)), Some(false));
        assert_eq!(share.types_reach(Percent(100.0)), Some(true));
        assert_eq!(
            ShareBuilder::default()
                .finish()
                .amount_reaches(Percent(1.0)),
            None
        );
    }

    #[test]
    fn the_fixture_projects_get_their_hand_made_verdicts() {
        let d = fixture();
        let a = Assessment::new(&d, d.as_of());
        let school = project(&d, &a, "a-school-accepted");
        assert_eq!(school.verdict, Verdict::Met);
        assert_eq!(school.all.amount, Money::from_fen(100_000_000));
        assert_eq!(school.all.green, Money::from_fen(95_000_000));
        assert_eq!(school.mandatory.ratio, Some(Percent(100.0)));
        assert_eq!((school.optional.types, school.optional.green_types), (2, 1));
        assert_eq!(
            rule(school, Rule::OptionalTypes),
            (Verdict::Met, Reason::Reached)
        );

        let office = project(&d, &a, "b-office-mandatory-short");
        assert_eq!(office.mandatory.ratio, Some(Percent(75.0)));
        assert_eq!(
            rule(office, Rule::MandatoryGreen),
            (Verdict::NotMet, Reason::Short)
        );
        assert_eq!(
            rule(office, Rule::OptionalTypes),
            (Verdict::NotMeasurable, Reason::NoLines)
        );
        assert_eq!(
            rule(office, Rule::PrefabTarget),
            (Verdict::NotMeasurable, Reason::NoTarget)
        );
        assert_eq!(
            rule(office, Rule::GreenRatio),
            (
                Verdict::NotMeasurable,
                Reason::BeforeStage(StageKind::Acceptance)
            )
        );

        let hospital = project(&d, &a, "c-hospital-expired");
        // The membrane's certificate expired before its day of use.
        assert_eq!(
            hospital.lines.iter().map(|l| l.green).collect::<Vec<_>>(),
            [true, false]
        );
        assert_eq!(hospital.all.ratio, Some(Percent(80.0)));
        assert_eq!(
            rule(hospital, Rule::StarTarget),
            (Verdict::NotMet, Reason::Short)
        );
        assert_eq!(
            rule(hospital, Rule::GreenRatio),
            (Verdict::NotMet, Reason::Short)
        );
        assert_eq!(
            rule(hospital, Rule::StarActual),
            (Verdict::Met, Reason::Reached)
        );
        assert!(hospital.covered);

        let housing = project(&d, &a, "d-housing-design");
        assert_eq!(housing.verdict, Verdict::Met);
        assert!(!housing.covered);
        let stadium = project(&d, &a, "e-stadium-approval");
        assert_eq!(stadium.verdict, Verdict::NotMeasurable);
    }

    #[test]
    fn a_product_use_is_judged_by_the_edition_of_its_day() {
        let d = fixture();
        let a = Assessment::new(&d, d.as_of());
        let i = d
            .products
            .iter()
            .position(|p| p.record.id.value == "old-membrane")
            .unwrap();
        let product = &a.products[i];
        // Today (2025 edition, ≥ 600) the value 550 fails; on the day of use
        // (2024, 2022 edition, ≥ 500) it met the threshold, but the certificate had
        // expired.
        assert_eq!(product.verdict, Verdict::NotMet);
        let used = &product.uses[0];
        assert_eq!(used.indicators[0].met, Some(true));
        assert!(!used.certificate_valid);
        assert_eq!(used.verdict, Verdict::NotMet);
        assert_eq!(used.used_on, Some(Date::parse("2024-06-01").unwrap()));
    }
}
