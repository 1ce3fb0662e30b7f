//! Site configuration, `data/site.yaml`: the city, its areas, the publisher and the
//! programme's targets.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::value::{Percent, Sp, Stars};

/// Whether `code` has the form of a GB/T 2260 administrative division code: six
/// digits (a province's end in `0000`, a city's in `00`).
pub fn is_division_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `prefix` has the form of a registered OCDS ocid prefix: `ocds-` and six
/// lower-case letters or digits.
pub fn is_ocid_prefix(prefix: &str) -> bool {
    prefix.strip_prefix("ocds-").is_some_and(|rest| {
        rest.len() == 6
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// The site configuration.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Site title, e.g. 湖州市政府采购支持绿色建材试点公开平台.
    pub title: String,
    /// City name, e.g. 湖州市.
    pub city: String,
    /// Province name, e.g. 山东省.
    pub province: String,
    /// Six-digit administrative division code of the city (GB/T 2260).
    pub admin_code: Sp<String>,
    /// Districts and counties with their division codes.
    pub districts: Vec<District>,
    /// Functional zones (no division code of their own).
    #[serde(default)]
    pub zones: Vec<Zone>,
    /// Who publishes the data.
    pub publisher: Publisher,
    /// The data license.
    pub license: License,
    /// Canonical address of the published site, ending with `/`.
    pub base_url: Sp<String>,
    /// Programme targets that projects are judged against.
    pub programme: Programme,
    /// OCDS ocid prefix registered for the publisher, e.g. `ocds-a1b2c3`.
    pub ocid_prefix: Sp<String>,
    /// True when the data is an invented sample; every page then says so.
    pub fictional: bool,
    /// Theme folder under `themes/`; the default theme fills in whatever it lacks.
    #[serde(default)]
    pub theme: Option<Sp<String>>,
    /// Short introduction shown on the home page (Markdown).
    #[serde(default)]
    pub intro: Sp<String>,
    /// What the site's `files/` folder may hold.
    #[serde(default)]
    pub files: FilesPolicy,
}

/// The documents a site publishes from its `files/` folder: which types, how large.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilesPolicy {
    /// Largest file, in megabytes (1 MB = 1,048,576 bytes, as the pages count them).
    #[serde(default = "default_max_megabytes")]
    pub max_megabytes: u32,
    /// File extensions allowed, in lower case without the dot.
    #[serde(default = "default_file_types")]
    pub types: Vec<String>,
}

impl Default for FilesPolicy {
    fn default() -> Self {
        FilesPolicy {
            max_megabytes: default_max_megabytes(),
            types: default_file_types(),
        }
    }
}

fn default_max_megabytes() -> u32 {
    20
}

/// Documents (PDF, OFD, office formats, plain tables) and images a browser shows.
/// Not SVG, which can carry script, nor archives or programs.
fn default_file_types() -> Vec<String> {
    [
        "pdf", "ofd", "doc", "docx", "xls", "xlsx", "wps", "et", "csv", "txt", "jpg", "jpeg",
        "png", "webp",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// A district or county of the city.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct District {
    /// URL-safe id, e.g. `zhangdian`.
    pub id: Sp<String>,
    /// Name, e.g. 张店区.
    pub name: String,
    /// Six-digit administrative division code.
    pub code: Sp<String>,
}

/// A functional zone (high-tech zone, development zone...).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    /// URL-safe id.
    pub id: Sp<String>,
    /// Name, e.g. 高新区.
    pub name: String,
}

/// The publishing body.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// Name of the publishing body.
    pub name: String,
    /// Its unified social credit code.
    pub credit_code: Sp<String>,
    /// Set when the code was checked by hand against the registry although it fails
    /// the GB 32100-2015 check character.
    #[serde(default)]
    pub credit_code_verified: bool,
    /// Contact line (telephone, e-mail or address).
    pub contact: String,
}

/// The license the data is published under.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct License {
    /// Short name, e.g. CC BY 4.0.
    pub name: String,
    /// Address of the license text.
    pub url: Sp<String>,
}

/// The programme's targets.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// First year of the pilot.
    pub start_year: i32,
    /// Year by which every project in scope applies the policy.
    pub target_year: i32,
    /// Minimum green building rating of a pilot project.
    pub min_star_rating: Stars,
    /// Green share required of mandatory categories, by amount (percent).
    pub mandatory_green_ratio: Sp<Percent>,
    /// Share of optional categories that must be green, by count of types (percent).
    pub optional_green_type_ratio: Sp<Percent>,
    /// Minimum prefabrication ratio (装配率), percent.
    #[serde(default)]
    pub min_prefab_ratio: Option<Sp<Percent>>,
    /// Days before expiry when a certificate counts as expiring.
    #[serde(default = "default_expiring_days")]
    pub expiring_days: u32,
}

fn default_expiring_days() -> u32 {
    90
}
