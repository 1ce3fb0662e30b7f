//! What a member city publishes and the province reads: the city's Frictionless Data
//! Package (`data/datapackage.json` and the CSV files it lists), checked against the
//! dataset definitions this version of greenproc writes with.
//!
//! Why the Data Package and not the SQLite file or the JSON downloads: its descriptor
//! is small, declares the format version, and gives every CSV's size and SHA-256, so
//! the province verifies each file and re-reads only the files whose hash changed.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::export::PACKAGE_FORMAT;
use crate::export::tables::{DatasetDef, FieldDef, FieldType, definitions};
use crate::model::Money;
use crate::model::config::is_ocid_prefix;

/// The CSV resources a province reads, in the order they are checked: a table's
/// references point to tables before it.
pub const RESOURCES: [&str; 6] = [
    "categories",
    "organizations",
    "products",
    "projects",
    "credit_evaluations",
    "stats_groups",
];

/// The largest descriptor read, in bytes: at a million records it stays below 1 MB.
pub const MAX_DESCRIPTOR_BYTES: u64 = 4 << 20;

/// The largest CSV read, in bytes.
pub const MAX_RESOURCE_BYTES: u64 = 2 << 30;

/// Why a city's package was not taken: shown on the overview and printed by `fetch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    /// The package or one of its files could not be read.
    Unreachable {
        /// The file that failed.
        file: String,
        /// What the network or the file system said.
        detail: String,
    },
    /// The descriptor is not a Data Package descriptor.
    NotAPackage {
        /// What is wrong with it.
        detail: String,
    },
    /// The descriptor declares no format version, or one this version cannot read.
    UnknownFormat {
        /// The version declared, empty when none.
        declared: String,
    },
    /// A resource the province needs is not listed.
    MissingResource {
        /// The resource's name.
        resource: String,
    },
    /// A file is larger than the limit.
    TooLarge {
        /// The file.
        file: String,
    },
    /// A file's size or SHA-256 differs from what the descriptor declares.
    HashMismatch {
        /// The file.
        file: String,
    },
    /// A value breaks the dataset's definition.
    Invalid {
        /// The file.
        file: String,
        /// The line in the file, the header being line 1.
        line: u64,
        /// The column, empty for a problem of the whole line.
        field: String,
        /// What is wrong.
        problem: RowProblem,
    },
}

impl Refusal {
    /// A file that could not be read, and what the network or file system said.
    pub fn unreachable(file: &str, error: impl std::fmt::Display) -> Refusal {
        Refusal::Unreachable {
            file: file.to_owned(),
            detail: error.to_string(),
        }
    }
}

/// What is wrong with a value of a published table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowProblem {
    /// The header is not the one the format defines.
    Header,
    /// The line is not well-formed CSV, or has the wrong number of cells.
    Malformed,
    /// A required value is empty.
    Required,
    /// Not a number, a date or a boolean where one is defined.
    Type,
    /// A code outside the field's list.
    UnknownCode,
    /// A primary key seen before.
    DuplicateKey,
    /// A reference to a row that does not exist.
    BrokenReference,
    /// A unified social credit code that fails its check character.
    CreditCode,
}

impl RowProblem {
    /// The problem's message in the editors' catalogs.
    fn message_key(self) -> &'static str {
        match self {
            RowProblem::Header => "province.row_problem.header",
            RowProblem::Malformed => "province.row_problem.malformed",
            RowProblem::Required => "province.row_problem.required",
            RowProblem::Type => "province.row_problem.type",
            RowProblem::UnknownCode => "province.row_problem.unknown_code",
            RowProblem::DuplicateKey => "province.row_problem.duplicate_key",
            RowProblem::BrokenReference => "province.row_problem.broken_reference",
            RowProblem::CreditCode => "province.row_problem.credit_code",
        }
    }

    /// The problem's key in the theme's and the catalogs' strings.
    pub fn key(self) -> &'static str {
        match self {
            RowProblem::Header => "header",
            RowProblem::Malformed => "malformed",
            RowProblem::Required => "required",
            RowProblem::Type => "type",
            RowProblem::UnknownCode => "unknown_code",
            RowProblem::DuplicateKey => "duplicate_key",
            RowProblem::BrokenReference => "broken_reference",
            RowProblem::CreditCode => "credit_code",
        }
    }
}

/// Why a copy was refused, in the editors' words (`greenproc fetch` prints it; the
/// pages word it from the theme's strings).
pub fn refusal_text(refusal: &Refusal) -> crate::messages::Text {
    use crate::text;
    match refusal {
        Refusal::Unreachable { file, detail } => {
            text!("province.refusal.unreachable", file = file, detail = detail)
        }
        Refusal::NotAPackage { detail } => text!("province.refusal.not_a_package", detail = detail),
        Refusal::UnknownFormat { declared } => {
            text!("province.refusal.unknown_format", declared = declared)
        }
        Refusal::MissingResource { resource } => {
            text!("province.refusal.missing_resource", resource = resource)
        }
        Refusal::TooLarge { file } => text!("province.refusal.too_large", file = file),
        Refusal::HashMismatch { file } => text!("province.refusal.hash_mismatch", file = file),
        Refusal::Invalid {
            file,
            line,
            field,
            problem,
        } => text!(
            "province.refusal.invalid",
            file = file,
            line = *line,
            field = field,
            problem = crate::messages::Text::new(problem.message_key())
        ),
    }
}

/// The package's descriptor, as far as the province reads it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Descriptor {
    /// The city's title.
    pub title: String,
    /// The city site's address.
    pub homepage: String,
    /// When the data is as of (the city's `created`).
    pub created: String,
    /// The CSV files, by resource name: path relative to the descriptor and hash.
    pub files: Vec<ResourceFile>,
    /// The city's OCDS releases, one per line (`x_greenproc_ocds`).
    pub ocds: ResourceFile,
}

impl Descriptor {
    /// Every file of the package: the tables, then the OCDS releases.
    pub fn all_files(&self) -> impl Iterator<Item = &ResourceFile> {
        self.files.iter().chain(std::iter::once(&self.ocds))
    }
}

/// One CSV file a descriptor lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceFile {
    /// Resource name, e.g. `projects`.
    pub name: String,
    /// Path relative to the descriptor.
    pub path: String,
    /// Declared size in bytes.
    pub bytes: u64,
    /// Declared SHA-256, lower-case hex.
    pub sha256: String,
}

/// Reads a descriptor: the format version must be this version's, and every resource
/// in [`RESOURCES`] listed with a safe relative path, its size and its hash.
pub fn descriptor(bytes: &[u8]) -> Result<Descriptor, Refusal> {
    let not_a_package = |detail: &str| Refusal::NotAPackage {
        detail: detail.to_owned(),
    };
    let json: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| not_a_package(&e.to_string()))?;
    let object = json
        .as_object()
        .ok_or_else(|| not_a_package("not a JSON object"))?;
    match object.get("x_greenproc_format") {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(PACKAGE_FORMAT)) => {}
        Some(other) => {
            return Err(Refusal::UnknownFormat {
                declared: other.to_string(),
            });
        }
        None => {
            return Err(Refusal::UnknownFormat {
                declared: String::new(),
            });
        }
    }
    let text = |key: &str| {
        object
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let listed = object
        .get("resources")
        .and_then(|r| r.as_array())
        .ok_or_else(|| not_a_package("no resources"))?;
    let mut files = Vec::new();
    for name in RESOURCES {
        let resource = listed
            .iter()
            .find(|r| r.get("name").and_then(|n| n.as_str()) == Some(name))
            .ok_or_else(|| Refusal::MissingResource {
                resource: name.to_owned(),
            })?;
        let file = declared_file(name, resource)?;
        // A path of the city's choosing names a file in the copy's folder, no more.
        if !is_plain_file_name(&file.path) {
            return Err(not_a_package(&format!(
                "resource {name}: path {:?}",
                file.path
            )));
        }
        files.push(file);
    }
    let ocds = object
        .get("x_greenproc_ocds")
        .ok_or_else(|| Refusal::MissingResource {
            resource: "x_greenproc_ocds".to_owned(),
        })?;
    let ocds = declared_file("ocds_releases", ocds)?;
    let safe = ocds
        .path
        .strip_prefix("ocds/")
        .and_then(|name| name.strip_suffix(".jsonl"))
        .is_some_and(is_plain_stem);
    if !safe {
        return Err(not_a_package(&format!(
            "x_greenproc_ocds: path {:?}",
            ocds.path
        )));
    }
    Ok(Descriptor {
        title: text("title"),
        homepage: text("homepage"),
        created: text("created"),
        files,
        ocds,
    })
}

/// The path, size and SHA-256 a descriptor declares for a file.
fn declared_file(name: &str, entry: &serde_json::Value) -> Result<ResourceFile, Refusal> {
    let not_a_package = |what: &str| Refusal::NotAPackage {
        detail: format!("{name}: {what}"),
    };
    let path = entry
        .get("path")
        .and_then(|p| p.as_str())
        .unwrap_or_default();
    let sha256 = entry
        .get("hash")
        .and_then(|h| h.as_str())
        .and_then(|h| h.strip_prefix("sha256:"))
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| not_a_package("no sha256 hash"))?;
    let bytes = entry
        .get("bytes")
        .and_then(|b| b.as_u64())
        .ok_or_else(|| not_a_package("no size"))?;
    Ok(ResourceFile {
        name: name.to_owned(),
        path: path.to_owned(),
        bytes,
        sha256: sha256.to_ascii_lowercase(),
    })
}

/// The longest OCDS release line read, in bytes.
const MAX_RELEASE_BYTES: u64 = 16 << 20;

/// Checks a city's OCDS releases file, one release per line: each a JSON object with
/// an `id` and an `ocid` that starts with the same registered prefix (`ocds-` and six
/// letters or digits). Returns that prefix, `None` for an empty file.
pub fn check_releases(
    file: &str,
    mut input: impl std::io::BufRead,
) -> Result<Option<String>, Refusal> {
    use std::io::{BufRead as _, Read as _};
    // No header: the first release is line 1.
    let invalid = |index: usize, field: &str, problem| Refusal::Invalid {
        file: file.to_owned(),
        line: index as u64 + 1,
        field: field.to_owned(),
        problem,
    };
    let mut prefix: Option<String> = None;
    let mut line = String::new();
    for index in 0.. {
        line.clear();
        let read = (&mut input)
            .take(MAX_RELEASE_BYTES)
            .read_line(&mut line)
            .map_err(|_| invalid(index, "", RowProblem::Malformed))?;
        if read == 0 {
            break;
        }
        if !line.ends_with('\n') && read as u64 == MAX_RELEASE_BYTES {
            return Err(invalid(index, "", RowProblem::Malformed));
        }
        let release: serde_json::Value =
            serde_json::from_str(&line).map_err(|_| invalid(index, "", RowProblem::Malformed))?;
        let text = |key: &str| release.get(key).and_then(|v| v.as_str());
        if text("id").is_none_or(str::is_empty) {
            return Err(invalid(index, "id", RowProblem::Required));
        }
        let ocid = text("ocid").unwrap_or_default();
        let own = ocid
            .get(..11)
            .filter(|p| is_ocid_prefix(p) && ocid.len() > 12);
        let Some(own) = own else {
            return Err(invalid(index, "ocid", RowProblem::Type));
        };
        match &prefix {
            Some(p) if p != own => {
                return Err(invalid(index, "ocid", RowProblem::UnknownCode));
            }
            Some(_) => {}
            None => prefix = Some(own.to_owned()),
        }
    }
    Ok(prefix)
}

/// A member city's published data, checked.
#[derive(Debug, Default)]
pub struct CityData {
    /// Material categories.
    pub categories: Vec<Category>,
    /// Organizations.
    pub orgs: Vec<Org>,
    /// Listed products.
    pub products: Vec<Product>,
    /// Pilot projects.
    pub projects: Vec<Project>,
    /// Credit evaluations.
    pub credit: Vec<Credit>,
    /// The city's headline figures, as its statistics page shows them.
    pub figures: Figures,
    /// Every row of every resource read, by resource in [`RESOURCES`] order, for the
    /// province's merged downloads.
    pub tables: Vec<(String, Vec<csv::StringRecord>)>,
}

/// A material category.
#[derive(Debug, Clone)]
pub struct Category {
    /// Stable id, shared by cities that use the same demand standard.
    pub id: String,
    /// Name.
    pub name: String,
}

/// An organization as a city publishes it.
#[derive(Debug, Clone)]
pub struct Org {
    /// The city's id for it.
    pub id: String,
    /// Name.
    pub name: String,
    /// Unified social credit code, the key across cities.
    pub credit_code: String,
    /// Roles, `;`-separated codes.
    pub roles: String,
    /// Current credit rating, empty when none.
    pub credit_rating: String,
    /// Its page on the city's site.
    pub url: String,
}

/// A listed product as a city publishes it.
#[derive(Debug, Clone)]
pub struct Product {
    /// The city's id for it.
    pub id: String,
    /// Name.
    pub name: String,
    /// Model, which with the manufacturer identifies the product across cities.
    pub model: String,
    /// Category id.
    pub category: String,
    /// Index of the manufacturer in the city's organizations.
    pub manufacturer: usize,
    /// Listing status code.
    pub status: String,
    /// Certification grade code, empty when none.
    pub certificate_grade: String,
    /// Its page on the city's site.
    pub url: String,
}

/// A pilot project as a city publishes it.
#[derive(Debug, Clone)]
pub struct Project {
    /// Name.
    pub name: String,
    /// Current stage code.
    pub stage: String,
    /// Budget, when known.
    pub budget: Option<Money>,
    /// Contract amount, when signed.
    pub contract_amount: Option<Money>,
    /// Index of the owner in the city's organizations.
    pub owner: Option<usize>,
    /// Index of the winning bidder in the city's organizations.
    pub winner: Option<usize>,
    /// Its page on the city's site.
    pub url: String,
}

/// A credit evaluation of an organization.
#[derive(Debug, Clone)]
pub struct Credit {
    /// Index of the organization in the city's organizations.
    pub org: usize,
    /// Date of the evaluation.
    pub date: String,
    /// Rating code.
    pub rating: String,
}

/// A city's headline figures: the `city` row of its `stats_groups` dataset, which is
/// what its own statistics page shows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    /// Pilot projects in scope.
    pub projects: u64,
    /// Projects the policy covers.
    pub covered: u64,
    /// Budgets, yuan.
    pub budget: Money,
    /// Award amounts, yuan.
    pub awarded: Money,
    /// Building materials bought, yuan.
    pub material_amount: Money,
    /// Green building materials bought, yuan.
    pub green_amount: Money,
    /// Projects that met every target so far.
    pub met: u64,
    /// Projects that did not.
    pub not_met: u64,
    /// Projects not yet measurable.
    pub not_measurable: u64,
}

impl Figures {
    /// Actual policy coverage: covered projects per project in scope, in percent;
    /// `None` without projects. Computed from the counts, so a province's is never an
    /// average of its cities'.
    pub fn coverage(&self) -> Option<f64> {
        percent(self.covered as f64, self.projects as f64)
    }

    /// Actual green share of building materials by amount, in percent; `None`
    /// without materials.
    pub fn green_ratio(&self) -> Option<f64> {
        percent(
            self.green_amount.fen() as f64,
            self.material_amount.fen() as f64,
        )
    }
}

fn percent(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| part / whole * 100.0)
}

/// Checks the CSV files of a package, given as (resource, bytes) in the order of
/// [`RESOURCES`], against their dataset definitions, and reads them.
pub fn read_tables(files: &[(&str, &[u8])]) -> Result<CityData, Refusal> {
    let defs = definitions().map_err(|e| Refusal::NotAPackage {
        detail: e.to_string(),
    })?;
    let mut keys: HashMap<&str, HashMap<String, usize>> = HashMap::new();
    let mut city = CityData::default();
    for &(name, bytes) in files {
        let def = defs
            .datasets
            .iter()
            .find(|d| d.name == name)
            .ok_or_else(|| Refusal::MissingResource {
                resource: name.to_owned(),
            })?;
        let rows = checked_rows(def, bytes, &keys)?;
        let column = |field: &str| def.fields.iter().position(|f| f.name == field);
        let file = format!("{name}.csv");
        let index_of = |dataset: &str, value: &str| keys.get(dataset)?.get(value).copied();
        match name {
            "categories" => {
                let (id, title) = (col(&column, "id")?, col(&column, "name")?);
                city.categories = rows
                    .iter()
                    .map(|r| Category {
                        id: cell(r, id),
                        name: cell(r, title),
                    })
                    .collect();
            }
            "organizations" => {
                let c = [
                    "id",
                    "name",
                    "credit_code",
                    "roles",
                    "credit_rating",
                    "url",
                    "credit_code_verified",
                ]
                .map(&column);
                let verified = c[6];
                let code = col(&column, "credit_code")?;
                for (i, r) in rows.iter().enumerate() {
                    let credit_code = cell(r, code);
                    let vouched = verified.is_some_and(|v| r.get(v) == Some("true"));
                    if !vouched && crate::validate::credit_code::check(&credit_code).is_err() {
                        return Err(invalid(&file, i, "credit_code", RowProblem::CreditCode));
                    }
                    city.orgs.push(Org {
                        id: opt_cell(r, c[0]),
                        name: opt_cell(r, c[1]),
                        credit_code,
                        roles: opt_cell(r, c[3]),
                        credit_rating: opt_cell(r, c[4]),
                        url: opt_cell(r, c[5]),
                    });
                }
            }
            "products" => {
                let c = [
                    "id",
                    "name",
                    "model",
                    "category",
                    "manufacturer",
                    "status",
                    "certificate_grade",
                    "url",
                ]
                .map(&column);
                for (i, r) in rows.iter().enumerate() {
                    let maker = opt_cell(r, c[4]);
                    let manufacturer = index_of("organizations", &maker).ok_or_else(|| {
                        invalid(&file, i, "manufacturer", RowProblem::BrokenReference)
                    })?;
                    city.products.push(Product {
                        id: opt_cell(r, c[0]),
                        name: opt_cell(r, c[1]),
                        model: opt_cell(r, c[2]),
                        category: opt_cell(r, c[3]),
                        manufacturer,
                        status: opt_cell(r, c[5]),
                        certificate_grade: opt_cell(r, c[6]),
                        url: opt_cell(r, c[7]),
                    });
                }
            }
            "projects" => {
                let c = [
                    "name",
                    "stage",
                    "budget",
                    "contract_amount",
                    "owner",
                    "award_winner",
                    "url",
                ]
                .map(&column);
                for r in &rows {
                    let org = |i: Option<usize>| index_of("organizations", &opt_cell(r, i));
                    city.projects.push(Project {
                        name: opt_cell(r, c[0]),
                        stage: opt_cell(r, c[1]),
                        budget: Money::parse(&opt_cell(r, c[2])),
                        contract_amount: Money::parse(&opt_cell(r, c[3])),
                        owner: org(c[4]),
                        winner: org(c[5]),
                        url: opt_cell(r, c[6]),
                    });
                }
            }
            "credit_evaluations" => {
                let c = ["organization", "date", "rating"].map(&column);
                for (i, r) in rows.iter().enumerate() {
                    let org = index_of("organizations", &opt_cell(r, c[0])).ok_or_else(|| {
                        invalid(&file, i, "organization", RowProblem::BrokenReference)
                    })?;
                    city.credit.push(Credit {
                        org,
                        date: opt_cell(r, c[1]),
                        rating: opt_cell(r, c[2]),
                    });
                }
            }
            "stats_groups" => city.figures = figures(def, &rows, &file)?,
            _ => {}
        }
        // Only the keys of tables that others reference are kept.
        if matches!(
            name,
            "categories" | "organizations" | "products" | "projects"
        ) {
            let key = col(
                &column,
                def.primary_key.first().map_or("id", String::as_str),
            )?;
            let map = rows
                .iter()
                .enumerate()
                .map(|(i, r)| (cell(r, key), i))
                .collect();
            keys.insert(name, map);
        }
        city.tables.push((name.to_owned(), rows));
    }
    Ok(city)
}

/// The `city` row of `stats_groups`.
fn figures(def: &DatasetDef, rows: &[csv::StringRecord], file: &str) -> Result<Figures, Refusal> {
    let column = |field: &str| def.fields.iter().position(|f| f.name == field);
    let dimension = col(&column, "dimension")?;
    let (line, row) = rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.get(dimension) == Some("city"))
        .ok_or_else(|| invalid(file, rows.len(), "dimension", RowProblem::Required))?;
    let text = |field: &str| col(&column, field).map(|i| cell(row, i));
    let count = |field: &str| -> Result<u64, Refusal> {
        let text = text(field)?;
        if text.is_empty() {
            return Ok(0);
        }
        text.parse()
            .map_err(|_| invalid(file, line, field, RowProblem::Type))
    };
    let money = |field: &str| -> Result<Money, Refusal> {
        let text = text(field)?;
        if text.is_empty() {
            return Ok(Money::default());
        }
        Money::parse(&text).ok_or_else(|| invalid(file, line, field, RowProblem::Type))
    };
    Ok(Figures {
        projects: count("projects")?,
        covered: count("covered")?,
        budget: money("budget")?,
        awarded: money("awarded")?,
        material_amount: money("material_amount")?,
        green_amount: money("green_amount")?,
        met: count("met")?,
        not_met: count("not_met")?,
        not_measurable: count("not_measurable")?,
    })
}

/// The rows of one CSV, each checked against `def`: the header, required values,
/// types, codes, unique primary keys and references to tables read before.
fn checked_rows(
    def: &DatasetDef,
    bytes: &[u8],
    keys: &HashMap<&str, HashMap<String, usize>>,
) -> Result<Vec<csv::StringRecord>, Refusal> {
    let file = format!("{}.csv", def.name);
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header = reader.headers().map_err(|_| header_invalid(&file))?;
    let expected = def.fields.iter().map(|f| f.name.as_str());
    if !header.iter().eq(expected) {
        return Err(header_invalid(&file));
    }
    let mut seen: HashSet<Vec<String>> = HashSet::new();
    let key_columns: Vec<usize> = def
        .primary_key
        .iter()
        .filter_map(|k| def.fields.iter().position(|f| &f.name == k))
        .collect();
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let mut record = record.map_err(|_| invalid(&file, index, "", RowProblem::Malformed))?;
        if record.len() != def.fields.len() {
            return Err(invalid(&file, index, "", RowProblem::Malformed));
        }
        record = unescaped(&record);
        for (field, value) in def.fields.iter().zip(record.iter()) {
            if let Some(problem) = value_problem(field, value, keys) {
                return Err(invalid(&file, index, &field.name, problem));
            }
        }
        if !key_columns.is_empty() {
            let key = key_columns.iter().map(|&i| cell(&record, i)).collect();
            if !seen.insert(key) {
                let field = &def.fields[key_columns[0]].name;
                return Err(invalid(&file, index, field, RowProblem::DuplicateKey));
            }
        }
        rows.push(record);
    }
    Ok(rows)
}

/// What is wrong with one value, if anything.
fn value_problem(
    field: &FieldDef,
    value: &str,
    keys: &HashMap<&str, HashMap<String, usize>>,
) -> Option<RowProblem> {
    if value.is_empty() {
        return field.required.then_some(RowProblem::Required);
    }
    let typed = match field.kind {
        FieldType::String => true,
        FieldType::Integer => value.parse::<i64>().is_ok(),
        FieldType::Number => value.parse::<f64>().is_ok_and(f64::is_finite),
        FieldType::Money => Money::parse(value).is_some(),
        FieldType::Date => crate::model::Date::parse(value).is_some(),
        FieldType::Boolean => matches!(value, "true" | "false"),
    };
    if !typed {
        return Some(RowProblem::Type);
    }
    if !field.values.is_empty() {
        // Multi-valued codes are `;`-separated (roles, attributes).
        let known = value
            .split(';')
            .all(|code| field.values.iter().any(|(c, _)| c == code));
        if !known {
            return Some(RowProblem::UnknownCode);
        }
    }
    if let Some((dataset, _)) = field.reference()
        && let Some(map) = keys.get(dataset)
        && !value.split(';').all(|v| map.contains_key(v))
    {
        return Some(RowProblem::BrokenReference);
    }
    None
}

/// The row with the apostrophe the city put before text a spreadsheet would run as a
/// formula taken off again.
fn unescaped(record: &csv::StringRecord) -> csv::StringRecord {
    if !record.iter().any(|c| c.starts_with('\'')) {
        return record.clone();
    }
    record
        .iter()
        .map(|c| match c.strip_prefix('\'') {
            Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
            _ => c,
        })
        .collect()
}

fn invalid(file: &str, index: usize, field: &str, problem: RowProblem) -> Refusal {
    Refusal::Invalid {
        file: file.to_owned(),
        // The header is line 1, the first row line 2 (rows hold no line breaks that
        // matter for finding them).
        line: index as u64 + 2,
        field: field.to_owned(),
        problem,
    }
}

fn header_invalid(file: &str) -> Refusal {
    Refusal::Invalid {
        file: file.to_owned(),
        line: 1,
        field: String::new(),
        problem: RowProblem::Header,
    }
}

/// `projects.csv`: a plain stem, then `.csv`.
fn is_plain_file_name(path: &str) -> bool {
    path.strip_suffix(".csv").is_some_and(is_plain_stem)
}

/// Letters, digits, `_` and `-`, at least one.
fn is_plain_stem(stem: &str) -> bool {
    !stem.is_empty()
        && stem
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn col(column: &dyn Fn(&str) -> Option<usize>, field: &str) -> Result<usize, Refusal> {
    column(field).ok_or_else(|| Refusal::NotAPackage {
        detail: format!("the definitions lack {field}"),
    })
}

fn cell(record: &csv::StringRecord, index: usize) -> String {
    record.get(index).unwrap_or_default().to_owned()
}

fn opt_cell(record: &csv::StringRecord, index: Option<usize>) -> String {
    index.map(|i| cell(record, i)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A descriptor listing every resource, with `change` applied to its JSON.
    fn descriptor_with(change: impl FnOnce(&mut serde_json::Value)) -> Result<Descriptor, Refusal> {
        let hash = format!("sha256:{}", "a".repeat(64));
        let resources: Vec<serde_json::Value> = RESOURCES
            .iter()
            .map(|name| serde_json::json!({ "name": name, "path": format!("{name}.csv"), "bytes": 10, "hash": hash }))
            .collect();
        let mut json = serde_json::json!({
            "title": "示例市",
            "resources": resources,
            "x_greenproc_format": PACKAGE_FORMAT,
            "x_greenproc_ocds": { "path": "ocds/releases.jsonl", "bytes": 10, "hash": hash },
        });
        change(&mut json);
        descriptor(&serde_json::to_vec(&json).unwrap())
    }

    #[test]
    fn a_descriptor_is_taken_only_in_the_known_format_with_every_file_inside_the_copy() {
        assert_eq!(descriptor_with(|_| {}).unwrap().all_files().count(), 7);
        let unknown = descriptor_with(|j| j["x_greenproc_format"] = 2.into());
        assert_eq!(
            unknown.unwrap_err(),
            Refusal::UnknownFormat {
                declared: "2".into()
            }
        );
        let none = descriptor_with(|j| {
            j.as_object_mut().unwrap().remove("x_greenproc_format");
        });
        assert_eq!(
            none.unwrap_err(),
            Refusal::UnknownFormat {
                declared: String::new()
            }
        );
        for path in [
            "../projects.csv",
            "/etc/passwd",
            "a/projects.csv",
            "projects.csv/..",
            "projects.txt",
        ] {
            let outside = descriptor_with(|j| j["resources"][3]["path"] = path.into());
            assert!(
                matches!(outside, Err(Refusal::NotAPackage { .. })),
                "{path}"
            );
        }
        for path in ["../releases.jsonl", "ocds/../../x.jsonl", "ocds/a/b.jsonl"] {
            let outside = descriptor_with(|j| j["x_greenproc_ocds"]["path"] = path.into());
            assert!(
                matches!(outside, Err(Refusal::NotAPackage { .. })),
                "{path}"
            );
        }
        let unhashed = descriptor_with(|j| j["resources"][0]["hash"] = "md5:abc".into());
        assert!(matches!(unhashed, Err(Refusal::NotAPackage { .. })));
        let missing = descriptor_with(|j| {
            j["resources"].as_array_mut().unwrap().remove(2);
        });
        assert_eq!(
            missing.unwrap_err(),
            Refusal::MissingResource {
                resource: "products".into()
            }
        );
    }

    #[test]
    fn releases_need_an_id_and_one_ocid_prefix() {
        let check = |text: &str| check_releases("r.jsonl", text.as_bytes());
        let line = |id: &str, ocid: &str| format!("{{\"id\":\"{id}\",\"ocid\":\"{ocid}\"}}\n");
        let good = line("a", "ocds-abc123-p1") + &line("b", "ocds-abc123-p2");
        assert_eq!(check(&good).unwrap().as_deref(), Some("ocds-abc123"));
        assert_eq!(check("").unwrap(), None);
        let mixed = good.clone() + &line("c", "ocds-zzz999-p3");
        assert!(matches!(
            check(&mixed),
            Err(Refusal::Invalid {
                line: 3,
                problem: RowProblem::UnknownCode,
                ..
            })
        ));
        assert!(matches!(
            check(&line("", "ocds-abc123-p1")),
            Err(Refusal::Invalid {
                problem: RowProblem::Required,
                ..
            })
        ));
        assert!(matches!(
            check(&line("a", "OCDS-ABC-1")),
            Err(Refusal::Invalid {
                problem: RowProblem::Type,
                ..
            })
        ));
        assert!(matches!(
            check("not json\n"),
            Err(Refusal::Invalid {
                problem: RowProblem::Malformed,
                ..
            })
        ));
    }

    #[test]
    fn a_formula_guard_is_taken_off_and_nothing_else() {
        let record = csv::StringRecord::from(vec!["'=1+1", "'plain", "'-5", "x"]);
        let clean = unescaped(&record);
        assert_eq!(
            clean.iter().collect::<Vec<_>>(),
            ["=1+1", "'plain", "-5", "x"]
        );
    }
}
