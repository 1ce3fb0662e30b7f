//! A province site (全省一张网): the published data of its member cities, fetched,
//! verified and merged, beside the province's own configuration.
//!
//! The pipeline mirrors a city's: [`config`] loads and checks `data/site.yaml`;
//! [`fetch`] (the `greenproc fetch` command) keeps a checked copy of each city's data
//! package, read as [`published`] describes; [`merge`] is the derive stage; [`render`]
//! and [`export`] make the pages and downloads; [`build`] runs them into the output
//! through [`crate::write::Staging`], as a city build does. A build reads only the
//! copies, never the network, so the same copies build the same site.

pub mod config;
pub mod export;
pub mod fetch;
pub mod merge;
pub mod published;
pub mod render;

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::derive::Derived;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Position};
use crate::messages::Text;
use crate::model::{Dataset, Sourced};
use crate::site_paths::BaseUrl;
use crate::text;
use crate::write::{Staging, WriteError};
use config::ProvinceConfig;

pub use config::is_province;

/// Checks a province site: its configuration, its own documents, and whether each
/// member has a copy. A member without one is a warning: the site builds, and says so.
pub fn check(root: &Path) -> Diagnostics {
    checked(root).2
}

/// The configuration, when it loads, the province's own documents, and every problem
/// of the site.
fn checked(root: &Path) -> (Option<Sourced<ProvinceConfig>>, Dataset, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let config = config::load(root, &mut diagnostics);
    let documents = crate::load::load_documents(root, &mut diagnostics);
    crate::validate::validate(&documents, &mut diagnostics);
    if let Some(config) = &config {
        // The build loads the theme: check reports first what would stop it.
        let theme = config.record.theme.as_ref().map(|t| t.value.as_str());
        crate::validate::theme::check_named_theme(root, theme, &mut diagnostics);
        let file = config.file.as_path();
        for member in &config.record.members {
            let status = fetch::status(root, member);
            if status.good.is_none() {
                diagnostics.report(
                    Code::NoCopy,
                    file,
                    Position::of(&member.package),
                    text!("province.no_copy", city = &member.city.value),
                    Text::new("province.no_copy_hint"),
                );
            }
        }
    }
    (config, documents, diagnostics)
}

/// What a province build produced.
#[derive(Debug)]
pub struct Built {
    /// Warnings from the check.
    pub warnings: Vec<Diagnostic>,
    /// Member cities, and those with a copy.
    pub cities: (usize, usize),
    /// Records read from the copies.
    pub records: usize,
    /// HTML pages.
    pub pages: usize,
    /// Files and bytes written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Where.
    pub output: PathBuf,
    /// Wall time of the whole build.
    pub seconds: f64,
}

/// Why a province build did not finish.
#[derive(Debug)]
pub enum BuildError {
    /// The configuration has errors; every diagnostic, sorted.
    Invalid(Vec<Diagnostic>),
    /// The base URL cannot be the site's.
    BaseUrl(crate::site_paths::BadBaseUrl),
    /// A page failed to render.
    Render(crate::render::RenderError),
    /// Writing failed.
    Write(WriteError),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Invalid(list) => write!(f, "the data has {} problem(s)", list.len()),
            BuildError::BaseUrl(e) => write!(f, "{e}"),
            BuildError::Render(e) => write!(f, "{e}"),
            BuildError::Write(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Builds the province site at `root` into `output` (`<root>/public` when `None`).
pub fn build(
    root: &Path,
    output: Option<&Path>,
    base_url: Option<&str>,
) -> Result<Built, BuildError> {
    let started = Instant::now();
    let (config, documents, diagnostics) = checked(root);
    let (config, warnings) = match config {
        Some(config) if diagnostics.error_count() == 0 => (config, diagnostics.into_sorted()),
        _ => return Err(BuildError::Invalid(diagnostics.into_sorted())),
    };
    let config = &config.record;
    let base = BaseUrl::new(Some(&config.base_url.value), base_url).map_err(BuildError::BaseUrl)?;
    let province = merge::Province::gather(root, config);
    let output = output.map_or_else(|| root.join("public"), Path::to_path_buf);
    let staging = Staging::new(&output).map_err(BuildError::Write)?;
    let derived = Derived::new(&documents, root);
    let pages = render::Pages::new(root, config, &province, &base, (&documents, &derived))
        .map_err(BuildError::Render)?;
    let listed = crate::build::PageList::new(&staging, &base);
    // The downloads are written one after another; the pages, on all cores, beside
    // them. Only the data page waits for the downloads' sizes.
    let (downloads, rendered) = rayon::join(
        || export::write(config, &province, &base, &staging),
        || pages.render(&listed),
    );
    let downloads = downloads.map_err(BuildError::Write)?;
    let mut count = rendered.map_err(BuildError::Render)?;
    count += pages
        .data_page(&listed, &downloads)
        .map_err(BuildError::Render)?;
    let (paths, _) = listed.into_parts();
    for file in crate::export::sitemap(&base, &paths) {
        staging
            .write(&file.path, &file.bytes)
            .map_err(BuildError::Write)?;
    }
    let (files, bytes) = staging.totals();
    staging.commit(None).map_err(BuildError::Write)?;
    let records = province
        .cities
        .iter()
        .filter_map(|c| c.data())
        .map(|d| d.orgs.len() + d.products.len() + d.projects.len())
        .sum();
    Ok(Built {
        warnings,
        cities: (
            province.cities.len(),
            province.cities.iter().filter(|c| c.copy.is_some()).count(),
        ),
        records,
        pages: count,
        files,
        bytes,
        output,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Fetches every member city's package; one line per city for the command line.
pub fn fetch_all(
    root: &Path,
    today: &str,
) -> Result<Vec<(String, fetch::Outcome)>, Vec<Diagnostic>> {
    let mut diagnostics = Diagnostics::default();
    let Some(config) = config::load(root, &mut diagnostics) else {
        return Err(diagnostics.into_sorted());
    };
    if diagnostics.error_count() > 0 {
        return Err(diagnostics.into_sorted());
    }
    let mut outcomes = Vec::new();
    for member in &config.record.members {
        let outcome =
            fetch::fetch_city(root, member, today).unwrap_or_else(|e| fetch::Outcome::Refused {
                refusal: published::Refusal::unreachable(fetch::CACHE, e),
                kept: fetch::has_copy(root, member),
            });
        outcomes.push((member.city.value.clone(), outcome));
    }
    Ok(outcomes)
}

/// Today's date in UTC, `YYYY-MM-DD`, which dates a failed fetch.
pub fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    crate::model::Date::from_days_since_epoch((seconds / 86_400) as i64).to_string()
}
