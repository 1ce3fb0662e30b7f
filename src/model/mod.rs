//! The record kinds an editor writes, one module per kind, and [`Dataset`], everything
//! loaded from one site.

pub mod activity;
pub mod config;
pub mod document;
pub mod org;
pub mod product;
pub mod project;
pub mod standard;
pub mod value;

use std::path::PathBuf;

pub use activity::{Event, Inspection};
pub use config::SiteConfig;
pub use document::{Interpretation, Page, Policy};
pub use org::Org;
pub use product::Product;
pub use project::Project;
pub use standard::{Edition, Taxonomy};
pub use value::{Date, Money, Percent, Sp, Stars};

/// A record together with the file it was read from.
#[derive(Debug)]
pub struct Sourced<T> {
    /// Path relative to the site root.
    pub file: PathBuf,
    /// The record.
    pub record: T,
}

/// A Markdown document: front matter record plus body.
#[derive(Debug)]
pub struct Markdown<T> {
    /// The front matter.
    pub meta: T,
    /// The Markdown body after the front matter.
    pub body: String,
    /// 1-based file line where the body starts, to locate problems in it.
    pub body_line: u64,
}

/// Everything read from one site's `data/` and `content/` folders.
#[derive(Debug, Default)]
pub struct Dataset {
    /// `data/site.yaml`, when it loaded.
    pub config: Option<Sourced<SiteConfig>>,
    /// `data/standards/categories.yaml`, when it loaded.
    pub taxonomy: Option<Sourced<Taxonomy>>,
    /// Editions of the demand standard, oldest first.
    pub editions: Vec<Sourced<Edition>>,
    /// Pilot projects.
    pub projects: Vec<Sourced<Project>>,
    /// Catalog products.
    pub products: Vec<Sourced<Product>>,
    /// Organizations.
    pub orgs: Vec<Sourced<Org>>,
    /// Inspections.
    pub inspections: Vec<Sourced<Inspection>>,
    /// Matchmaking events.
    pub events: Vec<Sourced<Event>>,
    /// Policies.
    pub policies: Vec<Sourced<Markdown<Policy>>>,
    /// Policy interpretations.
    pub interpretations: Vec<Sourced<Markdown<Interpretation>>>,
    /// Plain pages.
    pub pages: Vec<Sourced<Markdown<Page>>>,
}

impl Dataset {
    /// Number of records of every kind (the configuration not counted).
    pub fn record_count(&self) -> usize {
        self.editions.len()
            + self.projects.len()
            + self.products.len()
            + self.orgs.len()
            + self.inspections.len()
            + self.events.len()
            + self.policies.len()
            + self.interpretations.len()
            + self.pages.len()
    }

    /// The latest date the data mentions: the "today" that certificate validity and
    /// stages are judged on, so that a build never depends on the clock.
    pub fn as_of(&self) -> Option<Date> {
        let projects = self.projects.iter().flat_map(|p| {
            let p = &p.record;
            p.lifecycle
                .iter()
                .map(|s| s.date.value)
                .chain(p.award.iter().map(|a| a.date.value))
                .chain(p.contract.iter().map(|c| c.signed.value))
                .chain(p.financing.iter().map(|l| l.date.value))
        });
        let products = self
            .products
            .iter()
            .flat_map(|p| [p.record.listed.value, p.record.certificate.issued.value]);
        let orgs = self.orgs.iter().flat_map(|o| {
            let o = &o.record;
            o.credit
                .iter()
                .map(|c| c.date.value)
                .chain(o.commitments.iter().map(|c| c.date.value))
        });
        projects
            .chain(products)
            .chain(orgs)
            .chain(self.inspections.iter().map(|i| i.record.date.value))
            .chain(self.events.iter().map(|e| e.record.date.value))
            .chain(self.policies.iter().map(|p| p.record.meta.issued.value))
            .chain(
                self.interpretations
                    .iter()
                    .map(|i| i.record.meta.date.value),
            )
            .max()
    }
}
