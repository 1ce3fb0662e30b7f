//! The page kinds, one module each, and the links between records that they share.
//!
//! Addresses: `/` home; each record at `/<section>/<id>/` and its list at
//! `/<section>/` (sections from the kinds table, paths from [`crate::site_paths`]).
//! The lists of projects, products and organizations are paged (`page/<n>/`), with
//! filter pages of one value (`/projects/district/<key>/`) and of the first filter
//! paired with another (`/projects/district/<key>/type/<key>/`), and the list
//! explorer's files under `/<section>/list/`; policies have
//! `/policies/{level,status,year}/<key>/`; `/catalog/` and `/catalog/<category>/`;
//! statistics `/stats/` with `/stats/{districts,categories}/<id>/`; the data portal
//! `/data/` and `/data/<dataset>/`; data changes `/updates/` and `/updates/<n>/`;
//! content pages at `/<id>/`; `/404.html`. Feeds: `/feed.xml` and
//! `/projects/<id>/feed.xml`.

mod activity;
mod catalog;
mod data;
pub(super) mod history;
mod home;
mod orgs;
mod policies;
mod projects;
mod stats;
mod structured;

use serde::Serialize;

use super::{Counting, Link, RenderError, Site};
use crate::model::Date;
use crate::model::kind::RecordKind;
use crate::site_paths::{category_page, record_page};

/// Renders every page of the site.
pub(super) fn render_all(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    // The search index takes about as long as every list page together and needs
    // none of them: it is built beside them, on the other cores.
    let mut indexing = out.fork();
    let (pages, index) = rayon::join(|| pages(site, out), || search(site, &mut indexing));
    pages?;
    index?;
    out.stats.add(indexing.stats);
    Ok(())
}

/// Every page but the search page.
fn pages(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    home::render(site, out)?;
    projects::render(site, out)?;
    catalog::render(site, out)?;
    orgs::render(site, out)?;
    policies::render(site, out)?;
    activity::render(site, out)?;
    stats::render(site, out)?;
    data::render(site, out)?;
    content_pages(site, out)?;
    history::render(site, out)?;
    if out.wants("feed.xml") {
        out.file("feed.xml", site.site_feed()?.as_bytes())?;
    }
    not_found(site, out)
}

/// A province's own documents: policies, interpretations and content pages, with
/// the list pages of the first two.
pub(super) fn render_documents(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    policies::render(site, out)?;
    content_pages(site, out)
}

/// The search page and its index (issue 4).
fn search(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    // The index is rebuilt whole, with its page.
    if !out.wants("search/") {
        return Ok(());
    }
    let clock = std::time::Instant::now();
    let strings = &site.theme.strings;
    let labels = |group: &str, key: &str| strings.text(&[group, key]).to_owned();
    for (path, bytes) in crate::search::build_index(site.dataset, site.derived, &labels) {
        out.file(&path, &bytes)?;
    }
    let title = strings.text(&["search", "title"]);
    site.page(
        out,
        "search/",
        "search.html",
        site.meta(title, "search/", "search"),
        &(),
    )?;
    out.stats.search = clock.elapsed();
    Ok(())
}

/// A record page's data with the QR code of its canonical address, for printing and
/// for the phone of whoever reads the screen.
#[derive(Serialize)]
struct WithQr<'a, T> {
    #[serde(flatten)]
    data: &'a T,
    qr: String,
}

impl<'a, T> WithQr<'a, T> {
    fn new(site: &Site<'_>, path: &str, data: &'a T) -> Self {
        WithQr {
            data,
            qr: crate::render::qr::qr_svg(&site.canonical(path)),
        }
    }
}

/// A row of a list of dated records (inspections, events, documents).
#[derive(Serialize)]
struct Dated<'a> {
    date: String,
    link: Link<'a>,
    /// A strings key qualifying the entry (an inspection result, a role...).
    key: Option<&'static str>,
}

#[derive(Serialize)]
struct ContentPage {
    body: String,
}

fn content_pages(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    for page in &site.dataset.pages {
        let meta = &page.record.meta;
        let path = format!("{}/", meta.id.value);
        if !out.wants(&path) {
            continue;
        }
        let mut ids = super::PageIds::new();
        let data = ContentPage {
            body: site.markdown(&page.record.body, &mut ids),
        };
        let mut page_meta = site.meta(&meta.title, &path, "page");
        page_meta.history = Some(site.history(&page.file));
        site.page(out, &path, "page.html", page_meta, &data)?;
    }
    Ok(())
}

fn not_found(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    // The title comes from the strings in the template; the layout needs a value.
    site.page(
        out,
        "404.html",
        "404.html",
        site.meta("", "404.html", "none"),
        &(),
    )
}

impl<'a> Site<'a> {
    /// The link to the `i`th record of `kind`, by its title; `i` comes from derive's
    /// lookups, which index the dataset's lists.
    fn record_link(&self, kind: RecordKind, i: usize) -> Link<'a> {
        let r = self.dataset.record(kind, i);
        self.link(&record_page(kind, &r.id.value), r.title)
    }

    fn project_link(&self, i: usize) -> Link<'a> {
        self.record_link(RecordKind::Project, i)
    }

    fn project_by_id(&self, id: &str) -> Option<Link<'a>> {
        self.derived
            .index_of(RecordKind::Project, id)
            .map(|i| self.project_link(i))
    }

    fn product_link(&self, i: usize) -> Link<'a> {
        self.record_link(RecordKind::Product, i)
    }

    fn product_by_id(&self, id: &str) -> Option<Link<'a>> {
        self.derived
            .index_of(RecordKind::Product, id)
            .map(|i| self.product_link(i))
    }

    fn org_by_id(&self, id: &str) -> Option<Link<'a>> {
        let i = self.derived.index_of(RecordKind::Org, id)?;
        Some(self.record_link(RecordKind::Org, i))
    }

    fn category_by_id(&self, id: &str) -> Option<Link<'a>> {
        let &i = self.derived.categories.get(id)?;
        let c = &self.dataset.taxonomy.as_ref()?.record.categories[i];
        Some(self.link(&category_page(&c.id.value), &c.name))
    }

    fn policy_by_id(&self, id: &str) -> Option<Link<'a>> {
        let i = self.derived.index_of(RecordKind::Policy, id)?;
        Some(self.record_link(RecordKind::Policy, i))
    }

    fn edition_link(&self, i: usize) -> Link<'a> {
        self.record_link(RecordKind::Edition, i)
    }

    fn inspection_row(&self, i: usize) -> Dated<'a> {
        let r = &self.dataset.inspections[i].record;
        Dated {
            date: r.date.value.to_string(),
            link: self.record_link(RecordKind::Inspection, i),
            key: Some(r.result.key()),
        }
    }

    fn event_row(&self, i: usize) -> Dated<'a> {
        let r = &self.dataset.events[i].record;
        Dated {
            date: r.date.value.to_string(),
            link: self.record_link(RecordKind::Event, i),
            key: None,
        }
    }

    /// Links for the ids that resolve; the others are skipped (validation reports them).
    fn links<S: AsRef<str>>(
        &self,
        ids: impl IntoIterator<Item = S>,
        resolve: impl Fn(&Self, &str) -> Option<Link<'a>>,
    ) -> Vec<Link<'a>> {
        ids.into_iter()
            .filter_map(|id| resolve(self, id.as_ref()))
            .collect()
    }

    /// The list of `indices` of a reverse-reference map entry, empty when absent.
    fn indices<'m>(map: &'m rustc_hash::FxHashMap<&str, Vec<usize>>, id: &str) -> &'m [usize] {
        map.get(id).map_or(&[], Vec::as_slice)
    }
}

/// A date as shown: ISO 8601.
fn date(d: Date) -> String {
    d.to_string()
}
