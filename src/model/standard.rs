//! The demand standard (需求标准), `data/standards/`: material groups and categories
//! (`categories.yaml`) and one file per edition with thresholds and prohibited products.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Sourced;
use super::kind::{RecordKind, References, Refers, Target};
use super::value::{Date, Sp};

/// The material groups and categories, `data/standards/categories.yaml`.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    /// The six groups of the national certification catalogue.
    pub groups: Vec<Group>,
    /// Material categories.
    pub categories: Vec<Category>,
}

/// A group of material categories.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// URL-safe id.
    pub id: Sp<String>,
    /// Name, e.g. 围护结构及混凝土类.
    pub name: String,
}

/// A material category.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// URL-safe id, e.g. `ready-mixed-concrete`.
    pub id: Sp<String>,
    /// Name, e.g. 预拌混凝土.
    pub name: String,
    /// Group id.
    pub group: Sp<String>,
    /// Usual unit of quantity.
    #[serde(default)]
    pub unit: String,
    /// Family in the OC4IDS constructionMaterial codelist, when one fits.
    #[serde(default)]
    pub oc4ids_material: Option<String>,
}

/// One edition of the demand standard, `data/standards/<edition>.yaml`.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    /// URL-safe id, e.g. `2025`.
    pub id: Sp<String>,
    /// Full title.
    pub title: String,
    /// First day in force.
    pub effective_from: Sp<Date>,
    /// Last day in force; absent while current.
    #[serde(default)]
    pub effective_until: Option<Sp<Date>>,
    /// Policy id that issued the edition.
    #[serde(default)]
    pub policy: Option<Sp<String>>,
    /// Requirements per category.
    pub categories: Vec<CategoryRule>,
    /// Products that must not be used.
    #[serde(default)]
    pub prohibited: Vec<Prohibited>,
}

/// What an edition requires of one category.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    /// Category id.
    pub category: Sp<String>,
    /// Mandatory (必选类) or optional (可选类).
    pub class: MaterialClass,
    /// Indicator thresholds.
    #[serde(default)]
    pub thresholds: Vec<Threshold>,
}

keyed! {
    /// Mandatory or optional category.
    pub enum MaterialClass {
        /// 必选类: must be 100% green.
        Mandatory = "mandatory",
        /// 可选类.
        Optional = "optional",
    }
}

/// An indicator threshold, a data row a product's value is checked against.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// Indicator id, unique within the category.
    pub indicator: Sp<String>,
    /// Indicator name, e.g. 28天抗压强度.
    pub name: String,
    /// Comparison the product's value must satisfy.
    pub op: Operator,
    /// Threshold value.
    pub value: f64,
    /// Unit.
    #[serde(default)]
    pub unit: String,
    /// Standard the threshold comes from, e.g. GB/T 14902-2012.
    #[serde(default)]
    pub source: String,
}

/// Comparison operators of a threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum Operator {
    /// At least.
    #[serde(rename = ">=")]
    AtLeast,
    /// At most.
    #[serde(rename = "<=")]
    AtMost,
    /// More than.
    #[serde(rename = ">")]
    MoreThan,
    /// Less than.
    #[serde(rename = "<")]
    LessThan,
}

impl Operator {
    /// Whether `value` satisfies the comparison against `threshold`.
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Operator::AtLeast => value >= threshold,
            Operator::AtMost => value <= threshold,
            Operator::MoreThan => value > threshold,
            Operator::LessThan => value < threshold,
        }
    }

    /// The operator as written, e.g. `>=`.
    pub fn symbol(self) -> &'static str {
        match self {
            Operator::AtLeast => "≥",
            Operator::AtMost => "≤",
            Operator::MoreThan => ">",
            Operator::LessThan => "<",
        }
    }
}

/// A prohibited or restricted product.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prohibited {
    /// Product description, e.g. 实心黏土砖.
    pub name: String,
    /// Category id, when it belongs to one.
    #[serde(default)]
    pub category: Option<Sp<String>>,
    /// Why it is prohibited.
    #[serde(default)]
    pub reason: String,
}

/// The index in `editions` of the edition in force on `date`: the one with the latest
/// start on or before it whose end, if any, is not before it. Editions that overlap
/// are an error `check` reports; until they are fixed, the later start wins.
pub fn edition_in_force(editions: &[Sourced<Edition>], date: Date) -> Option<usize> {
    editions
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            let e = &e.record;
            e.effective_from.value <= date
                && e.effective_until.as_ref().is_none_or(|u| date <= u.value)
        })
        .max_by_key(|(_, e)| e.record.effective_from.value)
        .map(|(i, _)| i)
}

impl Refers for Edition {
    fn references<'a>(&'a self, refs: &mut References<'a>) {
        refs.ids("policy", RecordKind::Policy, &self.policy);
        for rule in &self.categories {
            refs.ids("categories.category", Target::Category, [&rule.category]);
        }
        for prohibited in &self.prohibited {
            refs.ids(
                "prohibited.category",
                Target::Category,
                &prohibited.category,
            );
        }
    }
}
