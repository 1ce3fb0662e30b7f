//! A province site's `data/site.yaml`: the province, its publisher and the member
//! cities whose published data it gathers.

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostics, Position};
use crate::messages::Text;
use crate::model::config::{License, Publisher, is_division_code};
use crate::model::{Sourced, Sp};
use crate::site_paths::BaseUrl;
use crate::text;

/// The configuration of a province site.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvinceConfig {
    /// Site title, e.g. 山东省政府采购支持绿色建材试点数据公开平台.
    pub title: String,
    /// Province name, e.g. 山东省.
    pub province: String,
    /// Six-digit administrative division code of the province, ending in `0000`.
    pub admin_code: Sp<String>,
    /// Who publishes the province site.
    pub publisher: Publisher,
    /// The license of the province's own data and merged downloads.
    pub license: License,
    /// Canonical address of the published site, ending with `/`.
    pub base_url: Sp<String>,
    /// True when the data is an invented sample; every page then says so.
    pub fictional: bool,
    /// Theme folder under `themes/`; the default theme fills in whatever it lacks.
    #[serde(default)]
    pub theme: Option<Sp<String>>,
    /// Short introduction shown on the overview (Markdown).
    #[serde(default)]
    pub intro: Sp<String>,
    /// The member cities, in the order the overview lists them.
    pub members: Vec<Member>,
}

/// A member city and where its published open data lives.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// City name, e.g. 淄博市.
    pub city: Sp<String>,
    /// Six-digit administrative division code of the city.
    pub admin_code: Sp<String>,
    /// The city's data package: the address of its `data/datapackage.json`
    /// (`https://…`, `http://…`), or a path to it on this machine, relative to the
    /// site root.
    pub package: Sp<String>,
}

/// Where a member's data package is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An `http://` or `https://` address.
    Web(String),
    /// A file on this machine.
    Local(std::path::PathBuf),
}

impl Member {
    /// Where the package is, a relative path taken from the site `root`.
    pub fn location(&self, root: &Path) -> Location {
        let package = self.package.value.trim();
        if is_web(package) {
            Location::Web(package.to_owned())
        } else {
            Location::Local(root.join(package))
        }
    }
}

/// Whether `address` is an `http://` or `https://` address: the only ones fetched
/// from, and the only ones from a city that become links.
pub fn is_web(address: &str) -> bool {
    address.starts_with("https://") || address.starts_with("http://")
}

/// Whether the site at `root` is a province site: its `data/site.yaml` lists members.
pub fn is_province(root: &Path) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        members: Option<serde::de::IgnoredAny>,
    }
    let Ok(text) = std::fs::read_to_string(root.join("data/site.yaml")) else {
        return false;
    };
    crate::yaml::parse_yaml::<Probe>(&text).is_ok_and(|p| p.members.is_some())
}

/// Reads and checks `data/site.yaml` of the province site at `root`; the problems go
/// to `diagnostics`.
pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> Option<Sourced<ProvinceConfig>> {
    let file = Path::new("data/site.yaml");
    let text = match std::fs::read(root.join(file)) {
        Ok(bytes) => match crate::load::decode(file, bytes) {
            Ok(text) => text,
            Err(problem) => {
                diagnostics.push(problem);
                return None;
            }
        },
        Err(_) => {
            diagnostics.report(
                Code::MissingFile,
                file,
                Position::FILE,
                text!("load.missing_file", file = "data/site.yaml"),
                Text::new("load.missing_file_hint"),
            );
            return None;
        }
    };
    match crate::yaml::parse_record::<ProvinceConfig>(file, &text) {
        Ok(record) => {
            check(file, &record, diagnostics);
            Some(Sourced::new(file, record, &text))
        }
        Err(problems) => {
            for problem in problems {
                diagnostics.push(problem);
            }
            None
        }
    }
}

/// The codes, addresses and members of a province configuration.
fn check(file: &Path, config: &ProvinceConfig, diagnostics: &mut Diagnostics) {
    let code = &config.admin_code;
    if !is_division_code(&code.value) || !code.value.ends_with("0000") {
        diagnostics.report(
            Code::InvalidCode,
            file,
            Position::of(code),
            text!("province.config.admin_code", code = &code.value),
            Text::new("province.config.admin_code_hint"),
        );
    }
    if BaseUrl::new(Some(&config.base_url.value), None).is_err() {
        diagnostics.report(
            Code::InvalidCode,
            file,
            Position::of(&config.base_url),
            text!("validate.site.base_url", url = &config.base_url.value),
            Text::new("validate.site.base_url_hint"),
        );
    }
    let publisher = &config.publisher;
    crate::validate::report_credit_code(
        diagnostics,
        file,
        &publisher.credit_code,
        publisher.credit_code_verified,
    );
    if config.members.is_empty() {
        diagnostics.report(
            Code::MissingField,
            file,
            Position::FILE,
            Text::new("province.config.no_members"),
            Text::new("province.config.no_members_hint"),
        );
    }
    let prefix = code.value.get(..2).unwrap_or_default();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for member in &config.members {
        let city = &member.admin_code;
        let in_province = is_division_code(&city.value)
            && city.value.starts_with(prefix)
            && !city.value.ends_with("0000");
        if !in_province {
            diagnostics.report(
                Code::InvalidCode,
                file,
                Position::of(city),
                text!(
                    "province.config.member_code",
                    code = &city.value,
                    province = &code.value
                ),
                text!("province.config.member_code_hint", prefix = prefix),
            );
        } else if !seen.insert(&city.value) {
            diagnostics.report(
                Code::DuplicateId,
                file,
                Position::of(city),
                text!("province.config.member_twice", code = &city.value),
                Text::new("province.config.member_twice_hint"),
            );
        }
        let package = member.package.value.trim();
        if package.is_empty() || (!is_web(package) && package.contains("://")) {
            diagnostics.report(
                Code::InvalidCode,
                file,
                Position::of(&member.package),
                text!("province.config.package", package = package),
                Text::new("province.config.package_hint"),
            );
        }
    }
}
