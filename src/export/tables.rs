//! The open datasets as one declarative table: `datasets.yaml` names every dataset and
//! field (label, type, unit, meaning, keys, allowed codes), and the extractors below
//! fill the rows from the validated records. Every download format reads the same
//! [`Table`]s, so a field added here appears in CSV, JSON, XLSX, SQLite, the Data
//! Package and the portal's field dictionary at once.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::{ExportError, Site};
use crate::derive::compliance::{Assessment, Figure, ProjectCompliance, Rule, percent_of};
use crate::derive::stats::{Dimension, GroupStats, Statistics};
use crate::derive::{Aggregates, Derived};
use crate::model::kind::RecordKind;
use crate::model::org::CreditRating;
use crate::model::project::StageKind;
use crate::model::standard::Threshold;
use crate::model::{Date, Money, Percent, Sp, Stars};

/// Everything `datasets.yaml` declares.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Definitions {
    /// Visitor-facing texts the exports need besides the datasets.
    pub strings: Strings,
    /// Titles of the downloads that cover every dataset.
    pub bundles: Bundles,
    /// OC4IDS metrics, in order.
    pub metrics: Vec<Metric>,
    /// The tabular datasets, in portal order.
    pub datasets: Vec<DatasetDef>,
}

/// Texts used by the exports outside the datasets.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Strings {
    /// Name of the XLSX sheet holding the field dictionary.
    pub dictionary_sheet: String,
    /// Column headers of that sheet: name, label, type, unit, meaning.
    pub dictionary_headers: Vec<String>,
    /// Catalog keywords shared by every dataset.
    pub keywords: Vec<String>,
    /// Name of a metric's target observation.
    pub metric_target: String,
    /// Name of a metric's actual observation.
    pub metric_actual: String,
    /// The mark that ends a text cut to fit an XLSX cell.
    pub xlsx_cut: String,
}

/// Title and description of a download.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
}

/// The downloads that cover every dataset.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Bundles {
    /// `data/greenproc.sqlite`.
    pub sqlite: Bundle,
    /// `data/datapackage.json`.
    pub datapackage: Bundle,
    /// `data/ocds/`.
    pub ocds: Bundle,
    /// `data/oc4ids/`.
    pub oc4ids: Bundle,
}

/// An OC4IDS metric.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// Metric id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Unit name.
    pub unit: String,
}

/// One dataset: its name (file stem and table name), title and fields.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetDef {
    /// Machine name, e.g. `projects`.
    pub name: String,
    /// Chinese title.
    pub title: String,
    /// Chinese description.
    pub description: String,
    /// Fields forming the primary key.
    pub primary_key: Vec<String>,
    /// The record kind ([`RecordKind::key`]) whose files hold one row each, for
    /// datasets that `greenproc import` reads back.
    #[serde(default)]
    pub record: Option<String>,
    /// Fields, in column order.
    pub fields: Vec<FieldDef>,
}

/// One field of a dataset: a column in every format.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Column name.
    pub name: String,
    /// Chinese label.
    pub label: String,
    /// Value type.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// Unit of measure, empty when none.
    #[serde(default)]
    pub unit: String,
    /// What the field means.
    pub meaning: String,
    /// Whether every row has a value.
    #[serde(default)]
    pub required: bool,
    /// Foreign key, `<dataset>.<field>`.
    #[serde(default)]
    pub references: Option<String>,
    /// Allowed codes with their Chinese labels, when the field is a code list.
    #[serde(default)]
    pub values: Vec<(String, String)>,
    /// Where the value is in its record's file, for `greenproc import`: a key path
    /// (`certificate.number`), ending in `[]` for a list written as `a;b` in a cell,
    /// or `#body` for a Markdown document's text. None for a value the site computes.
    #[serde(default)]
    pub yaml: Option<String>,
    /// The value a record has when its file leaves the field out.
    #[serde(default)]
    pub default: Option<String>,
    /// The `site.yaml` list whose names the cells hold, where the file holds ids.
    #[serde(default)]
    pub by_name: Option<NameList>,
}

/// A list of `site.yaml` whose entries have an id and a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NameList {
    /// `districts`.
    Districts,
    /// `zones`.
    Zones,
}

impl FieldDef {
    /// The referenced dataset and field of a foreign key.
    pub fn reference(&self) -> Option<(&str, &str)> {
        self.references.as_deref()?.split_once('.')
    }

    /// The Chinese label of a code of this field.
    pub fn label_of(&self, code: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, label)| label.as_str())
    }
}

/// The value types of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldType {
    /// Text.
    String,
    /// Whole number.
    Integer,
    /// Decimal number.
    Number,
    /// Yuan with two decimals, exact.
    Money,
    /// ISO 8601 date.
    Date,
    /// `true` or `false`.
    Boolean,
}

impl FieldType {
    /// The name in the field dictionary.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Money => "money",
            FieldType::Date => "date",
            FieldType::Boolean => "boolean",
        }
    }
}

static DEFINITIONS: OnceLock<Result<Definitions, String>> = OnceLock::new();

/// The dataset definitions, parsed once from `datasets.yaml` (compiled into the binary).
pub fn definitions() -> Result<&'static Definitions, ExportError> {
    DEFINITIONS
        .get_or_init(|| {
            let defs: Definitions = crate::yaml::parse_yaml(include_str!("datasets.yaml"))
                .map_err(|e| format!("src/export/datasets.yaml: {e}"))?;
            check_definitions(&defs)?;
            Ok(defs)
        })
        .as_ref()
        .map_err(|e| ExportError::Definition(e.clone()))
}

/// Keys must name declared fields, so that a typo in the YAML fails every build at
/// once instead of producing a broken Data Package.
fn check_definitions(defs: &Definitions) -> Result<(), String> {
    let field = |dataset: &str, name: &str| {
        defs.datasets
            .iter()
            .find(|d| d.name == dataset)
            .is_some_and(|d| d.fields.iter().any(|f| f.name == name))
    };
    for dataset in &defs.datasets {
        if let Some(record) = &dataset.record
            && !RecordKind::all().any(|kind| kind.key() == record)
        {
            return Err(format!("{}: `{record}` is no record kind", dataset.name));
        }
        for key in &dataset.primary_key {
            if !field(&dataset.name, key) {
                return Err(format!("{}: primary key `{key}` is no field", dataset.name));
            }
        }
        for f in &dataset.fields {
            if let Some(reference) = &f.references {
                match f.reference() {
                    Some((d, name)) if field(d, name) => {}
                    _ => {
                        return Err(format!(
                            "{}.{}: `{reference}` is no field",
                            dataset.name, f.name
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// One value of a table cell, typed so that each format writes it its own way.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// No value.
    Null,
    /// Text.
    Text(String),
    /// Whole number.
    Int(i64),
    /// Decimal number.
    Num(f64),
    /// Money.
    Money(Money),
    /// Date.
    Date(Date),
    /// Boolean.
    Bool(bool),
}

impl Cell {
    /// The text a CSV cell holds: money with two decimals, dates as ISO 8601.
    pub fn text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Num(n) => n.to_string(),
            Cell::Money(m) => m.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Bool(b) => b.to_string(),
        }
    }

    /// The cell as a JSON value: money as a number of yuan.
    pub fn json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Text(s) => s.clone().into(),
            Cell::Int(i) => (*i).into(),
            Cell::Num(n) => (*n).into(),
            Cell::Money(m) => m.yuan_f64().into(),
            Cell::Date(d) => d.to_string().into(),
            Cell::Bool(b) => (*b).into(),
        }
    }

    fn fits(&self, kind: FieldType) -> bool {
        matches!(
            (self, kind),
            (Cell::Null, _)
                | (Cell::Text(_), FieldType::String)
                | (Cell::Int(_), FieldType::Integer)
                | (Cell::Num(_), FieldType::Number)
                | (Cell::Money(_), FieldType::Money)
                | (Cell::Date(_), FieldType::Date)
                | (Cell::Bool(_), FieldType::Boolean)
        )
    }
}

// Empty text is no value: optional text fields default to "" in the model, and a
// required field left empty must fail the Data Package's `required` constraint.
impl From<String> for Cell {
    fn from(s: String) -> Cell {
        if s.is_empty() {
            Cell::Null
        } else {
            Cell::Text(s)
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        s.to_owned().into()
    }
}

impl From<&String> for Cell {
    fn from(s: &String) -> Cell {
        s.as_str().into()
    }
}

impl<T: Clone + Into<Cell>> From<&Sp<T>> for Cell {
    fn from(s: &Sp<T>) -> Cell {
        s.value.clone().into()
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Null, Into::into)
    }
}

impl From<Date> for Cell {
    fn from(d: Date) -> Cell {
        Cell::Date(d)
    }
}

impl From<Money> for Cell {
    fn from(m: Money) -> Cell {
        Cell::Money(m)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Num(n)
    }
}

impl From<Percent> for Cell {
    fn from(p: Percent) -> Cell {
        Cell::Num(p.0)
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Int(n.into())
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Cell {
        Cell::Bool(b)
    }
}

impl From<Stars> for Cell {
    fn from(s: Stars) -> Cell {
        s.key().into()
    }
}

impl From<CreditRating> for Cell {
    fn from(r: CreditRating) -> Cell {
        rating_code(r).into()
    }
}

/// A dataset with its rows, cells in the order of the definition's fields.
#[derive(Debug)]
pub struct Table {
    /// The definition.
    pub def: &'static DatasetDef,
    /// The rows, sorted by primary key.
    pub rows: Vec<Vec<Cell>>,
}

/// A row as an extractor writes it: cells named by field.
type NamedRow = Vec<(&'static str, Cell)>;

/// Every dataset of `datasets.yaml`, filled from the site's records.
pub(super) fn tables(
    site: &Site,
    derived: &Derived,
    aggregates: &Aggregates,
) -> Result<Vec<Table>, ExportError> {
    definitions()?
        .datasets
        .iter()
        .map(|def| {
            let named = extract(&def.name, site, derived, aggregates).ok_or_else(|| {
                ExportError::Definition(format!("no extractor fills the dataset `{}`", def.name))
            })?;
            let rows = named
                .into_iter()
                .map(|row| arrange(def, row))
                .collect::<Result<_, _>>()?;
            Ok(Table { def, rows })
        })
        .collect()
}

/// Puts a named row into the definition's field order, checking that the extractor
/// and the YAML agree on every name and type.
fn arrange(def: &DatasetDef, mut row: NamedRow) -> Result<Vec<Cell>, ExportError> {
    let mismatch =
        |what: String| ExportError::Definition(format!("dataset `{}`: {what}", def.name));
    let mut cells = Vec::with_capacity(def.fields.len());
    for field in &def.fields {
        let index = row
            .iter()
            .position(|(name, _)| *name == field.name)
            .ok_or_else(|| mismatch(format!("no value for the field `{}`", field.name)))?;
        let (_, cell) = row.swap_remove(index);
        if !cell.fits(field.kind) {
            return Err(mismatch(format!(
                "the field `{}` is not of type {}",
                field.name,
                field.kind.name()
            )));
        }
        cells.push(cell);
    }
    match row.first() {
        Some((name, _)) => Err(mismatch(format!(
            "`{name}` is not declared in datasets.yaml"
        ))),
        None => Ok(cells),
    }
}

/// The rows of the dataset `name`, sorted by primary key; `None` for an unknown name.
fn extract(
    name: &str,
    site: &Site,
    derived: &Derived,
    aggregates: &Aggregates,
) -> Option<Vec<NamedRow>> {
    let rows = match name {
        "categories" => categories(site),
        "projects" => projects(site, &derived.assessment),
        "project_materials" => project_materials(site),
        "products" => products(site),
        "product_indicators" => product_indicators(site),
        "organizations" => organizations(site),
        "credit_evaluations" => credit_evaluations(site),
        "policies" => policies(site),
        "inspections" => inspections(site),
        "events" => events(site),
        "project_compliance"
        | "project_green_shares"
        | "stats_groups"
        | "stats_categories"
        | "stats_years" => aggregate_rows(name, site, derived, aggregates),
        _ => return None,
    };
    Some(rows)
}

/// Ids joined for a list column: `;` without spaces, so that a split gives them back.
fn list<'a>(ids: impl IntoIterator<Item = &'a Sp<String>>) -> Cell {
    ids.into_iter()
        .map(|id| id.value.as_str())
        .collect::<Vec<_>>()
        .join(";")
        .into()
}

fn rating_code(r: CreditRating) -> &'static str {
    match r {
        CreditRating::A => "A",
        CreditRating::B => "B",
        CreditRating::C => "C",
        CreditRating::D => "D",
    }
}

fn categories(site: &Site) -> Vec<NamedRow> {
    let Some(taxonomy) = site.dataset.taxonomy.as_ref().map(|t| &t.record) else {
        return Vec::new();
    };
    let group_name = |id: &str| {
        taxonomy
            .groups
            .iter()
            .find(|g| g.id.value == id)
            .map(|g| &g.name)
    };
    sorted_by_id(&taxonomy.categories, |c| &c.id.value)
        .into_iter()
        .map(|c| {
            vec![
                ("id", (&c.id).into()),
                ("name", (&c.name).into()),
                ("group", (&c.group).into()),
                ("group_name", group_name(&c.group.value).into()),
                ("unit", (&c.unit).into()),
                ("oc4ids_material", c.oc4ids_material.as_ref().into()),
            ]
        })
        .collect()
}

// Long because a project row has every column of the `projects` dataset, one line
// each in `datasets.yaml`'s order.
fn projects(site: &Site, assessment: &Assessment<'_>) -> Vec<NamedRow> {
    let config = site.config;
    assessed(site, assessment)
        .into_iter()
        .map(|(p, c)| {
            let district = config
                .districts
                .iter()
                .find(|d| d.id.value == p.district.value);
            let zone = p
                .zone
                .as_ref()
                .and_then(|z| config.zones.iter().find(|c| c.id.value == z.value));
            let latest = p.lifecycle.last();
            vec![
                ("id", (&p.id).into()),
                ("name", (&p.name).into()),
                ("code", (&p.code).into()),
                ("procurement_code", p.procurement_code.as_ref().into()),
                ("index_number", p.index_number.as_ref().into()),
                ("district", (&p.district).into()),
                ("district_name", district.map(|d| &d.name).into()),
                ("district_code", district.map(|d| &d.code).into()),
                ("zone", zone.map(|z| &z.name).into()),
                ("type", p.kind.key().into()),
                ("funding", p.funding.key().into()),
                ("address", (&p.address).into()),
                ("floor_area", p.floor_area.into()),
                ("owner", (&p.owner).into()),
                ("agency", p.agency.as_ref().into()),
                ("designer", p.designer.as_ref().into()),
                ("supervisor", p.supervisor.as_ref().into()),
                ("procurement_method", p.procurement.method.key().into()),
                ("budget", p.procurement.budget.into()),
                (
                    "tender_start",
                    p.procurement
                        .tender_period
                        .as_ref()
                        .map(|t| t.start.value)
                        .into(),
                ),
                (
                    "tender_end",
                    p.procurement
                        .tender_period
                        .as_ref()
                        .map(|t| t.end.value)
                        .into(),
                ),
                ("tenderers", list(&p.procurement.tenderers)),
                ("number_of_tenderers", p.procurement.tenderer_count().into()),
                ("award_winner", p.award.as_ref().map(|a| &a.winner).into()),
                ("award_amount", p.award.as_ref().map(|a| a.amount).into()),
                ("award_date", p.award.as_ref().map(|a| a.date.value).into()),
                ("contract_code", p.contract.as_ref().map(|c| &c.code).into()),
                (
                    "contract_amount",
                    p.contract.as_ref().map(|c| c.amount).into(),
                ),
                (
                    "contract_signed",
                    p.contract.as_ref().map(|c| c.signed.value).into(),
                ),
                (
                    "contract_start",
                    p.contract.as_ref().map(|c| c.start.value).into(),
                ),
                (
                    "contract_end",
                    p.contract.as_ref().map(|c| c.end.value).into(),
                ),
                ("target_star_rating", p.targets.star_rating.into()),
                (
                    "target_green_material_ratio",
                    p.targets
                        .green_material_ratio
                        .as_ref()
                        .map(|r| r.value)
                        .into(),
                ),
                (
                    "target_prefab_ratio",
                    p.targets.prefab_ratio.as_ref().map(|r| r.value).into(),
                ),
                ("actual_star_rating", p.actual.star_rating.into()),
                ("actual_green_material_ratio", c.actual_share.value().into()),
                (
                    "actual_green_material_ratio_source",
                    c.actual_share.source().into(),
                ),
                (
                    "reported_green_material_ratio",
                    p.actual
                        .green_material_ratio
                        .as_ref()
                        .map(|r| r.value)
                        .into(),
                ),
                (
                    "actual_prefab_ratio",
                    p.actual.prefab_ratio.as_ref().map(|r| r.value).into(),
                ),
                ("stage", latest.map(|s| s.stage.value.key()).into()),
                ("stage_date", latest.map(|s| s.date.value).into()),
                (
                    "acceptance_result",
                    p.acceptance.as_ref().map(|a| a.result.key()).into(),
                ),
                (
                    "evaluator",
                    p.evaluation.as_ref().map(|e| &e.evaluator).into(),
                ),
                (
                    "evaluation_score",
                    p.evaluation.as_ref().map(|e| e.score.value).into(),
                ),
                (
                    "evaluation_grade",
                    p.evaluation.as_ref().map(|e| e.grade.key()).into(),
                ),
                (
                    "url",
                    site.page_url(RecordKind::Project, &p.id.value).into(),
                ),
            ]
        })
        .collect()
}

fn project_materials(site: &Site) -> Vec<NamedRow> {
    sorted_by_id(&site.dataset.projects, |p| &p.record.id.value)
        .into_iter()
        .flat_map(|p| {
            let p = &p.record;
            p.materials.iter().enumerate().map(move |(i, m)| {
                vec![
                    ("project", (&p.id).into()),
                    ("line", (i + 1).into()),
                    ("category", (&m.category).into()),
                    ("product", m.product.as_ref().into()),
                    ("description", m.description.as_ref().into()),
                    ("quantity", m.quantity.into()),
                    ("unit", (&m.unit).into()),
                    ("amount", m.amount.into()),
                    ("used_from", m.used_from.as_ref().map(|d| d.value).into()),
                ]
            })
        })
        .collect()
}

fn products(site: &Site) -> Vec<NamedRow> {
    sorted_by_id(&site.dataset.products, |p| &p.record.id.value)
        .into_iter()
        .map(|p| {
            let p = &p.record;
            let c = &p.certificate;
            vec![
                ("id", (&p.id).into()),
                ("name", (&p.name).into()),
                ("model", (&p.model).into()),
                ("category", (&p.category).into()),
                ("manufacturer", (&p.manufacturer).into()),
                ("listed", p.listed.value.into()),
                ("status", p.status.key().into()),
                ("attributes", p.attributes.join(";").into()),
                ("certificate_number", (&c.number).into()),
                ("certificate_grade", c.grade.value.into()),
                ("certificate_body", (&c.body).into()),
                ("certificate_issued", c.issued.value.into()),
                ("certificate_expires", c.expires.value.into()),
                (
                    "url",
                    site.page_url(RecordKind::Product, &p.id.value).into(),
                ),
            ]
        })
        .collect()
}

fn product_indicators(site: &Site) -> Vec<NamedRow> {
    sorted_by_id(&site.dataset.products, |p| &p.record.id.value)
        .into_iter()
        .flat_map(|p| {
            let p = &p.record;
            p.indicators.iter().enumerate().map(move |(i, v)| {
                let threshold = latest_threshold(site, &p.category.value, &v.indicator.value);
                vec![
                    ("product", (&p.id).into()),
                    ("line", (i + 1).into()),
                    ("indicator", (&v.indicator).into()),
                    ("indicator_name", threshold.map(|t| &t.name).into()),
                    ("value", v.value.value.into()),
                    ("unit", threshold.map(|t| &t.unit).into()),
                ]
            })
        })
        .collect()
}

/// The threshold of the newest edition that names `indicator` for `category`: the
/// indicator's name and unit for the table.
fn latest_threshold<'a>(site: &Site<'a>, category: &str, indicator: &str) -> Option<&'a Threshold> {
    let mut editions: Vec<_> = site.dataset.editions.iter().map(|e| &e.record).collect();
    editions.sort_by_key(|e| std::cmp::Reverse(e.effective_from.value));
    editions
        .into_iter()
        .flat_map(|e| &e.categories)
        .filter(|rule| rule.category.value == category)
        .flat_map(|rule| &rule.thresholds)
        .find(|t| t.indicator.value == indicator)
}

fn organizations(site: &Site) -> Vec<NamedRow> {
    let config = site.config;
    sorted_by_id(&site.dataset.orgs, |o| &o.record.id.value)
        .into_iter()
        .map(|o| {
            let o = &o.record;
            let district = o
                .district
                .as_ref()
                .and_then(|d| config.districts.iter().find(|c| c.id.value == d.value));
            let roles: Vec<&str> = o.roles.iter().map(|r| r.key()).collect();
            let latest = o.credit.iter().max_by_key(|c| c.date.value);
            vec![
                ("id", (&o.id).into()),
                ("name", (&o.name).into()),
                ("credit_code", (&o.credit_code).into()),
                ("credit_code_verified", o.credit_code_verified.into()),
                ("roles", roles.join(";").into()),
                ("district", district.map(|d| &d.name).into()),
                ("address", (&o.address).into()),
                ("website", o.website.as_ref().into()),
                ("credit_rating", latest.map(|c| c.rating).into()),
                ("url", site.page_url(RecordKind::Org, &o.id.value).into()),
            ]
        })
        .collect()
}

fn credit_evaluations(site: &Site) -> Vec<NamedRow> {
    sorted_by_id(&site.dataset.orgs, |o| &o.record.id.value)
        .into_iter()
        .flat_map(|o| {
            let o = &o.record;
            let mut credit: Vec<_> = o.credit.iter().collect();
            credit.sort_by_key(|c| c.date.value);
            credit.into_iter().enumerate().map(move |(i, c)| {
                vec![
                    ("organization", (&o.id).into()),
                    ("line", (i + 1).into()),
                    ("date", c.date.value.into()),
                    ("rating", c.rating.into()),
                    ("evaluator", (&c.evaluator).into()),
                    ("note", (&c.note).into()),
                ]
            })
        })
        .collect()
}

fn policies(site: &Site) -> Vec<NamedRow> {
    sorted_by_id(&site.dataset.policies, |p| &p.record.meta.id.value)
        .into_iter()
        .map(|p| {
            let m = &p.record.meta;
            vec![
                ("id", (&m.id).into()),
                ("title", (&m.title).into()),
                ("number", m.number.as_ref().into()),
                ("issuer", (&m.issuer).into()),
                ("level", m.level.key().into()),
                ("issued", m.issued.value.into()),
                ("effective", m.effective.as_ref().map(|d| d.value).into()),
                ("status", m.status.key().into()),
                ("summary_only", m.summary_only.into()),
                ("source_url", m.source_url.as_ref().into()),
                ("supersedes", list(&m.supersedes)),
                ("body", p.record.body.trim().into()),
                ("url", site.page_url(RecordKind::Policy, &m.id.value).into()),
            ]
        })
        .collect()
}

fn inspections(site: &Site) -> Vec<NamedRow> {
    sorted_by_id(&site.dataset.inspections, |i| &i.record.id.value)
        .into_iter()
        .map(|i| {
            let i = &i.record;
            vec![
                ("id", (&i.id).into()),
                ("title", (&i.title).into()),
                ("date", i.date.value.into()),
                ("inspector", (&i.inspector).into()),
                ("kind", i.kind.key().into()),
                ("result", i.result.key().into()),
                ("products", list(&i.products)),
                ("organizations", list(&i.orgs)),
                ("projects", list(&i.projects)),
                ("findings", i.findings.value.trim().into()),
                (
                    "url",
                    site.page_url(RecordKind::Inspection, &i.id.value).into(),
                ),
            ]
        })
        .collect()
}

fn events(site: &Site) -> Vec<NamedRow> {
    sorted_by_id(&site.dataset.events, |e| &e.record.id.value)
        .into_iter()
        .map(|e| {
            let e = &e.record;
            vec![
                ("id", (&e.id).into()),
                ("title", (&e.title).into()),
                ("date", e.date.value.into()),
                ("place", (&e.place).into()),
                ("organizer", (&e.organizer).into()),
                ("participants", list(&e.participants)),
                ("categories", list(&e.categories)),
                ("agreements", e.agreements.into()),
                ("outcome", e.outcome.value.trim().into()),
                ("url", site.page_url(RecordKind::Event, &e.id.value).into()),
            ]
        })
        .collect()
}

/// Records in id order: files are loaded in path order, but a table's rows must not
/// change when a file is renamed or moved into a subfolder.
pub(super) fn sorted_by_id<T>(records: &[T], id: impl Fn(&T) -> &String) -> Vec<&T> {
    let mut sorted: Vec<&T> = records.iter().collect();
    sorted.sort_by(|a, b| id(a).cmp(id(b)));
    sorted
}

/// A field of a dataset, by names.
pub(super) fn field_def(dataset: &str, field: &str) -> Result<&'static FieldDef, ExportError> {
    definitions()?
        .datasets
        .iter()
        .find(|d| d.name == dataset)
        .and_then(|d| d.fields.iter().find(|f| f.name == field))
        .ok_or_else(|| {
            ExportError::Definition(format!("datasets.yaml declares no field {dataset}.{field}"))
        })
}

/// The aggregate datasets, from the derive stage's assessment and statistics: the
/// same figures as the statistics and project pages.
fn aggregate_rows(
    name: &str,
    site: &Site,
    derived: &Derived,
    aggregates: &Aggregates,
) -> Vec<NamedRow> {
    match name {
        "project_compliance" => project_compliance(site, &derived.assessment),
        "project_green_shares" => project_green_shares(site, &derived.assessment),
        "stats_groups" => stats_groups(site, &aggregates.statistics),
        "stats_categories" => stats_categories(&aggregates.statistics),
        _ => stats_years(&aggregates.statistics),
    }
}

/// Projects with their assessment, in id order.
pub(super) fn assessed<'s>(
    site: &'s Site,
    assessment: &'s Assessment<'_>,
) -> Vec<(&'s crate::model::Project, &'s ProjectCompliance)> {
    let mut list: Vec<_> = site
        .dataset
        .projects
        .iter()
        .map(|p| &p.record)
        .zip(&assessment.projects)
        .collect();
    list.sort_by(|a, b| a.0.id.value.cmp(&b.0.id.value));
    list
}

fn project_compliance(site: &Site, assessment: &Assessment<'_>) -> Vec<NamedRow> {
    let number = |f: Option<Figure>| match f {
        Some(Figure::Percent(p)) => Cell::Num(p.0),
        Some(Figure::Stars(s)) => Cell::Num(f64::from(s.count())),
        None => Cell::Null,
    };
    assessed(site, assessment)
        .into_iter()
        .flat_map(|(p, c)| {
            c.rules.iter().map(move |r| {
                let measure = match r.rule {
                    Rule::StarTarget | Rule::StarActual => "stars",
                    _ => "percent",
                };
                vec![
                    ("project", (&p.id).into()),
                    ("rule", r.rule.key().into()),
                    ("verdict", r.verdict.key().into()),
                    ("reason", r.reason.key().into()),
                    ("measure", measure.into()),
                    ("value", number(r.value)),
                    ("threshold", number(r.threshold)),
                    ("measurable_from", r.rule.measurable_from().key().into()),
                    ("project_verdict", c.verdict.key().into()),
                ]
            })
        })
        .collect()
}

fn project_green_shares(site: &Site, assessment: &Assessment<'_>) -> Vec<NamedRow> {
    assessed(site, assessment)
        .into_iter()
        .flat_map(|(p, c)| {
            [
                ("all", c.all),
                ("mandatory", c.mandatory),
                ("optional", c.optional),
            ]
            .map(|(class, share)| {
                vec![
                    ("project", (&p.id).into()),
                    ("class", class.into()),
                    ("amount", share.amount.into()),
                    ("green_amount", share.green.into()),
                    ("green_ratio", share.ratio.into()),
                    ("types", share.types.into()),
                    ("green_types", share.green_types.into()),
                    ("green_type_ratio", share.type_ratio.into()),
                ]
            })
        })
        .collect()
}

fn group_row(dimension: &str, key: &str, name: Cell, g: &GroupStats<'_>) -> NamedRow {
    vec![
        ("dimension", dimension.into()),
        ("key", key.into()),
        ("name", name),
        ("projects", g.projects.into()),
        ("covered", g.covered.into()),
        ("coverage", g.coverage.into()),
        ("budget", g.budget.into()),
        ("awarded", g.awarded.into()),
        ("material_amount", g.materials.amount.into()),
        ("green_amount", g.materials.green.into()),
        ("green_ratio", g.materials.ratio.into()),
        ("met", g.verdicts.met.into()),
        ("not_met", g.verdicts.not_met.into()),
        ("not_measurable", g.verdicts.not_measurable.into()),
    ]
}

fn stats_groups(site: &Site, stats: &Statistics<'_>) -> Vec<NamedRow> {
    let config = site.config;
    let mut rows = vec![group_row(
        "city",
        &config.admin_code.value,
        config.city.as_str().into(),
        &stats.city,
    )];
    for (dimension, groups) in &stats.groups {
        // Names of coded keys come from the `projects` dataset's code lists, so that
        // the download and the field dictionary say the same.
        let codes = match dimension {
            Dimension::ProjectType => field_def("projects", "type").ok(),
            Dimension::Funding => field_def("projects", "funding").ok(),
            Dimension::Stage => field_def("projects", "stage").ok(),
            Dimension::District | Dimension::Year => None,
        };
        for (key, group) in groups {
            let name: Cell = match dimension {
                Dimension::District => config
                    .districts
                    .iter()
                    .find(|d| d.id.value == *key)
                    .map(|d| &d.name)
                    .into(),
                Dimension::Year => key.into(),
                _ => codes.and_then(|f| f.label_of(key)).into(),
            };
            rows.push(group_row(dimension.key(), key, name, group));
        }
    }
    rows.sort_by_key(|row| (cell_text(row, 0), cell_text(row, 1)));
    rows
}

/// The text of a row's `i`-th cell, for sorting by key.
fn cell_text(row: &NamedRow, i: usize) -> String {
    row.get(i).map(|(_, c)| c.text()).unwrap_or_default()
}

fn stats_categories(stats: &Statistics<'_>) -> Vec<NamedRow> {
    stats
        .city
        .categories
        .iter()
        .flat_map(|(category, totals)| {
            totals.quantities.iter().map(move |(unit, q)| {
                vec![
                    ("category", (*category).into()),
                    ("unit", (*unit).into()),
                    ("lines", q.lines.into()),
                    ("category_projects", totals.projects.into()),
                    ("quantity", q.total.into()),
                    ("green_quantity", q.green.into()),
                    ("amount", q.amount.into()),
                    ("green_amount", q.green_amount.into()),
                    (
                        "green_ratio",
                        percent_of(q.green_amount.fen(), q.amount.fen()).into(),
                    ),
                ]
            })
        })
        .collect()
}

fn stats_years(stats: &Statistics<'_>) -> Vec<NamedRow> {
    stats
        .years
        .iter()
        .map(|y| {
            let mut row: NamedRow = vec![
                ("year", Cell::Int(y.year.into())),
                ("in_scope", y.in_scope.into()),
                ("covered", y.covered.into()),
                ("coverage", y.coverage.into()),
            ];
            row.extend(
                StageKind::ALL
                    .iter()
                    .zip(y.stages)
                    .map(|(stage, n)| (stage.key(), n.into())),
            );
            row
        })
        .collect()
}
