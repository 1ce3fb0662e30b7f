//! The province's derive stage: its cities' copies side by side, one entry per
//! organization across cities (by unified social credit code), one catalog entry per
//! product across cities (by manufacturer's credit code and model), and the province
//! totals as sums of the cities' own published figures.

use std::collections::BTreeMap;

use rayon::prelude::*;
use std::path::Path;

use super::config::{Member, ProvinceConfig};
use super::fetch::{self, Failure, Status};
use super::published::{CityData, Descriptor, Figures};
use crate::search::text::normalize;

/// The province's cities and what is gathered from them.
pub struct Province<'c> {
    /// The cities, in `site.yaml`'s order.
    pub cities: Vec<City<'c>>,
    /// Organizations by credit code, in code order.
    pub orgs: Vec<OrgEntry>,
    /// Products, one per manufacturer's credit code and model, by category then name.
    pub catalog: Vec<CatalogEntry>,
    /// Category names by id, as the first city to use the id names it.
    pub categories: BTreeMap<String, String>,
    /// Sums of the figures of the cities with a copy.
    pub totals: Figures,
    /// The latest data date among the copies, `YYYY-MM-DD`.
    pub as_of: Option<String>,
}

/// A member city: its copy, if there is one, and the last failed attempt.
pub struct City<'c> {
    /// The entry in `site.yaml`.
    pub member: &'c Member,
    /// The copy's descriptor and data; `None` when no fetch ever succeeded.
    pub copy: Option<(Descriptor, CityData)>,
    /// What `status.json` says: the copy's revision, and why the last fetch failed.
    pub status: Status,
    /// The copy's folder, when there is a copy.
    pub folder: Option<std::path::PathBuf>,
    /// Per organization of the copy: the projects it owns or won, its products and its
    /// credit evaluations, by index.
    pub by_org: Vec<OrgLinks>,
}

impl City<'_> {
    /// The copy's data, empty when there is none.
    pub fn data(&self) -> Option<&CityData> {
        self.copy.as_ref().map(|(_, d)| d)
    }

    /// Why the last fetch failed, when it did.
    pub fn failure(&self) -> Option<&Failure> {
        self.status.failure.as_ref()
    }

    /// The state of the city's data, as the pages and `cities.csv` name it:
    /// `current`, `stale` (the last fetch failed; the last good copy is shown) or
    /// `missing` (no fetch ever succeeded).
    pub fn state(&self) -> &'static str {
        match (&self.copy, self.failure()) {
            (Some(_), None) => "current",
            (Some(_), Some(_)) => "stale",
            (None, _) => "missing",
        }
    }
}

/// What one city's records say about one of its organizations.
#[derive(Default, Clone)]
pub struct OrgLinks {
    /// Projects it owns or won, by index.
    pub projects: Vec<usize>,
    /// Products it makes, by index.
    pub products: Vec<usize>,
    /// Credit evaluations of it, by index.
    pub credit: Vec<usize>,
}

/// An organization across cities.
pub struct OrgEntry {
    /// Unified social credit code.
    pub credit_code: String,
    /// The name most cities give it (the first city's on a tie).
    pub name: String,
    /// (city index, organization index in that city), in city order.
    pub listings: Vec<(usize, usize)>,
}

/// A product across cities.
pub struct CatalogEntry {
    /// The manufacturer's credit code.
    pub manufacturer_code: String,
    /// The model as the first city writes it.
    pub model: String,
    /// Name, as the first city writes it.
    pub name: String,
    /// Category id.
    pub category: String,
    /// (city index, product index in that city), in city order.
    pub listings: Vec<(usize, usize)>,
    /// The page's id: the manufacturer's code and the model, made safe for a path.
    pub slug: String,
}

impl<'c> Province<'c> {
    /// Reads every member's copy from the cache under `root` and merges them.
    pub fn gather(root: &Path, config: &'c ProvinceConfig) -> Province<'c> {
        // Each copy is read and checked again, on all cores.
        let cities: Vec<City<'c>> = config
            .members
            .par_iter()
            .map(|member| {
                let status = fetch::status(root, member);
                let copy = fetch::good_copy(root, member, &status);
                let by_org = copy.as_ref().map(|(_, d)| links(d)).unwrap_or_default();
                let folder = match (&copy, &status.good) {
                    (Some(_), Some(good)) => {
                        Some(fetch::city_folder(root, member).join(good.folder()))
                    }
                    _ => None,
                };
                City {
                    member,
                    copy,
                    status,
                    folder,
                    by_org,
                }
            })
            .collect();
        Province::merge(cities)
    }

    /// Merges cities read already.
    pub fn merge(cities: Vec<City<'c>>) -> Province<'c> {
        let mut orgs: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
        let mut products: BTreeMap<(String, String), Vec<(usize, usize)>> = BTreeMap::new();
        let mut categories = BTreeMap::new();
        let mut totals = Figures::default();
        let mut as_of: Option<String> = None;
        for (c, city) in cities.iter().enumerate() {
            let Some((descriptor, data)) = &city.copy else {
                continue;
            };
            let date = descriptor.created.get(..10).unwrap_or_default().to_owned();
            if as_of.as_ref().is_none_or(|d| *d < date) {
                as_of = Some(date);
            }
            add(&mut totals, &data.figures);
            for category in &data.categories {
                categories
                    .entry(category.id.clone())
                    .or_insert_with(|| category.name.clone());
            }
            for (o, org) in data.orgs.iter().enumerate() {
                orgs.entry(org.credit_code.to_ascii_uppercase())
                    .or_default()
                    .push((c, o));
            }
            for (p, product) in data.products.iter().enumerate() {
                let maker = &data.orgs[product.manufacturer].credit_code;
                let key = (maker.to_ascii_uppercase(), model_key(&product.model));
                products.entry(key).or_default().push((c, p));
            }
        }
        let orgs = orgs
            .into_iter()
            .map(|(credit_code, listings)| OrgEntry {
                name: common_name(&cities, &listings),
                credit_code,
                listings,
            })
            .collect();
        let mut catalog: Vec<CatalogEntry> = products
            .into_iter()
            .map(|((manufacturer_code, key), listings)| {
                let (c, p) = listings[0];
                let product = &cities[c].data().expect("listed cities have data").products[p];
                CatalogEntry {
                    slug: slug(&manufacturer_code, &key),
                    manufacturer_code,
                    model: product.model.clone(),
                    name: product.name.clone(),
                    category: product.category.clone(),
                    listings,
                }
            })
            .collect();
        catalog
            .sort_by(|a, b| (&a.category, &a.name, &a.slug).cmp(&(&b.category, &b.name, &b.slug)));
        Province {
            cities,
            orgs,
            catalog,
            categories,
            totals,
            as_of,
        }
    }

    /// The names of the cities of `listings`, each once, in city order.
    pub fn city_names(&self, listings: &[(usize, usize)]) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        let mut last = None;
        // Listings come in city order, so a city's listings are next to each other.
        for &(c, _) in listings {
            if last != Some(c) {
                names.push(&self.cities[c].member.city.value);
                last = Some(c);
            }
        }
        names
    }

    /// The organization with `credit_code`, if any city lists it.
    pub fn org(&self, credit_code: &str) -> Option<&OrgEntry> {
        self.orgs
            .binary_search_by(|o| o.credit_code.as_str().cmp(credit_code))
            .ok()
            .map(|i| &self.orgs[i])
    }
}

/// Sums figures; ratios are not summed but computed from the sums (see the
/// methodology page).
fn add(totals: &mut Figures, city: &Figures) {
    totals.projects += city.projects;
    totals.covered += city.covered;
    totals.budget = totals.budget + city.budget;
    totals.awarded = totals.awarded + city.awarded;
    totals.material_amount = totals.material_amount + city.material_amount;
    totals.green_amount = totals.green_amount + city.green_amount;
    totals.met += city.met;
    totals.not_met += city.not_met;
    totals.not_measurable += city.not_measurable;
}

/// Each organization's projects, products and credit evaluations in one city.
fn links(data: &CityData) -> Vec<OrgLinks> {
    let mut by_org = vec![OrgLinks::default(); data.orgs.len()];
    for (i, project) in data.projects.iter().enumerate() {
        for org in [project.owner, project.winner].into_iter().flatten() {
            if by_org[org].projects.last() != Some(&i) {
                by_org[org].projects.push(i);
            }
        }
    }
    for (i, product) in data.products.iter().enumerate() {
        by_org[product.manufacturer].products.push(i);
    }
    for (i, credit) in data.credit.iter().enumerate() {
        by_org[credit.org].credit.push(i);
    }
    by_org
}

/// The name most listings give, the first on a tie.
fn common_name(cities: &[City<'_>], listings: &[(usize, usize)]) -> String {
    let mut counts: std::collections::HashMap<&str, (usize, usize)> = Default::default();
    for (order, &(c, o)) in listings.iter().enumerate() {
        let Some(data) = cities[c].data() else {
            continue;
        };
        let entry = counts
            .entry(data.orgs[o].name.as_str())
            .or_insert((0, order));
        entry.0 += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, (count, first))| (*count, std::cmp::Reverse(*first)))
        .map(|(name, _)| name.to_owned())
        .unwrap_or_default()
}

/// A model as cities may write it differently: full-width forms, case and spaces do
/// not make another product.
pub fn model_key(model: &str) -> String {
    normalize(model).split_whitespace().collect()
}

/// A path segment for a catalog entry: the credit code, then the model's letters and
/// digits; other characters become `-`, and a short hash of the key keeps two models
/// that differ only in those characters apart.
fn slug(code: &str, key: &str) -> String {
    let mut readable = String::new();
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            readable.push(c.to_ascii_lowercase());
        } else if !readable.ends_with('-') {
            readable.push('-');
        }
    }
    let readable: String = readable.trim_matches('-').chars().take(40).collect();
    let hash = crate::search::index::fnv1a(key);
    format!(
        "{}-{readable}-{:06x}",
        code.to_ascii_lowercase(),
        hash & 0xff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_written_differently_are_one_model() {
        assert_eq!(model_key("ＧＰ－１２０ A"), model_key("gp-120a"));
        assert_ne!(model_key("GP-120A"), model_key("GP-120B"));
    }

    #[test]
    fn entry_pages_are_safe_and_models_differing_in_symbols_apart() {
        let a = slug("91370000000000254H", &model_key("GP/120"));
        let b = slug("91370000000000254H", &model_key("GP 120"));
        assert_ne!(a, b);
        for s in [&a, &b] {
            assert!(
                s.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'),
                "{s}"
            );
        }
        let long = slug("91370000000000254H", &"型号".repeat(500));
        assert!(long.len() < 80, "{long}");
    }
}
