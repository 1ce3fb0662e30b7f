//! Stage 4, render: turn the dataset and its derived lookups into HTML pages and
//! static files, each handed to an [`Output`] (the write stage) as soon as it is
//! rendered; record pages render on all cores.
//!
//! Each page kind has its module under [`pages`] with a small serializable context
//! that borrows from the dataset; a page's context holds only what that page shows,
//! and the site-wide values (strings, publisher, revision) sit once in Tera's global
//! context instead of being copied into every page.

pub mod chart;
mod feed;
pub(crate) mod format;
pub mod headers;
mod list;
pub mod markdown;
mod pages;
mod qr;
pub mod strings;
pub mod theme;
mod watchdog;

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::derive::{Aggregates, Derived};
use crate::export::Inventory;
use crate::model::Dataset;
use crate::site_paths::{BaseUrl, file_for, is_record_page};
use crate::write::{Output, WriteError};
use format::{Amount, money, number};
use markdown::{MarkdownRenderer, PageIds};
use theme::Theme;

/// Why rendering stopped.
#[derive(Debug)]
pub enum RenderError {
    /// The site configuration did not load, so there is nothing to render.
    NoConfig,
    /// A theme file is broken.
    Theme(theme::ThemeError),
    /// A template failed on one page.
    Template {
        /// The page's path.
        page: String,
        /// Tera's report, with the template's line and column.
        message: String,
    },
    /// The output refused a file.
    Write(WriteError),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::NoConfig => f.write_str("data/site.yaml did not load"),
            RenderError::Theme(e) => write!(f, "{e}"),
            RenderError::Template { page, message } => {
                write!(f, "rendering {page} failed: {message}")
            }
            RenderError::Write(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for RenderError {}

/// What a render produced.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// HTML pages.
    pub pages: usize,
    /// Time spent building the search index and its page.
    pub search: std::time::Duration,
}

impl Stats {
    /// Adds the pages and the search time of `other`.
    pub fn add(&mut self, other: Stats) {
        self.pages += other.pages;
        self.search += other.search;
    }
}

/// Which pages a render produces: every page for `greenproc build`; for
/// `greenproc serve`, the record pages an edit affected, or the other pages.
///
/// A record page is `<section>/<id>/` with its sub-pages (a project's notice); every
/// other page (lists, filters, home, statistics, the data portal, the search index) is
/// an "other" page. Assets and `_headers` are always produced: they are few and small.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The record pages to render by their clean path (`projects/x/`); all when `None`.
    pub records: Option<HashSet<String>>,
    /// The other pages to render: none when `None`, else those whose path starts with
    /// the prefix (`""` for all of them).
    pub others: Option<&'static str>,
}

impl Scope {
    /// Every page: a full build.
    pub fn all() -> Scope {
        Scope {
            records: None,
            others: Some(""),
        }
    }

    /// Whether a page under `prefix` that is not a record page may render: lists
    /// whose rows cost time to gather are skipped whole otherwise.
    pub fn wants_under(&self, prefix: &str) -> bool {
        self.others
            .is_some_and(|o| prefix.starts_with(o) || o.starts_with(prefix))
    }

    /// Whether the page at the clean `path` renders.
    pub fn wants(&self, path: &str) -> bool {
        match record_key(path) {
            Some(key) => self.records.as_ref().is_none_or(|set| set.contains(key)),
            None => self.others.is_some_and(|prefix| path.starts_with(prefix)),
        }
    }
}

/// The pages that show the commit the site was built from: those about the site's
/// state. Every merge is a new commit: shown on every page, it would change every
/// page, and an incremental build would render and publish them all. A record's page
/// shows its own history instead.
pub const REVISION_PAGES: [&str; 3] = ["", "updates/", "data/"];

/// The pages a record has beside its own, by clean path relative to it.
pub const SUBPAGES: [&str; 1] = ["notice/"];

/// The files other than pages that belong to a record page, relative to it: a
/// project's Atom feed and every record's JSON twin. They are made with the record's
/// page and go with it.
pub const OWN_FILES: [&str; 2] = ["feed.xml", TWIN];

/// A record's JSON twin, relative to its page.
pub const TWIN: &str = "index.json";

/// The record page a clean path belongs to (`projects/x/` for `projects/x/notice/` and
/// `projects/x/feed.xml`), or `None` for a page that is not a record's
/// (`projects/district/zhangdian/` is a filter page).
pub fn record_key(path: &str) -> Option<&str> {
    let mut parts = path.split('/');
    let (section, id) = (parts.next()?, parts.next()?);
    if id.is_empty() || parts.next().is_none() {
        return None;
    }
    let key = &path[..section.len() + id.len() + 2];
    let rest = &path[key.len()..];
    let own = rest.is_empty() || SUBPAGES.contains(&rest) || OWN_FILES.contains(&rest);
    (own && is_record_page(key)).then_some(key)
}

/// The record pages an HTML page links to, by clean path: the `href`s that start with
/// the site's base path `base` (`/` at a domain's root) and name a record page.
pub fn record_links<'h>(html: &'h [u8], base: &str) -> impl Iterator<Item = &'h str> {
    let href = format!("href=\"{base}");
    let finder = memchr::memmem::Finder::new(href.as_bytes()).into_owned();
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let start = finder.find(rest)? + finder.needle().len();
            let tail = &rest[start..];
            let end = memchr::memchr(b'"', tail)?;
            rest = &tail[end..];
            let Ok(target) = std::str::from_utf8(&tail[..end]) else {
                continue;
            };
            let target = target.split(['#', '?']).next().unwrap_or_default();
            if let Some(key) = record_key(target) {
                return Some(key);
            }
        }
    })
}

/// A site ready to render: data, lookups, theme and base path.
pub struct Site<'a> {
    dataset: &'a Dataset,
    derived: &'a Derived<'a>,
    base: BaseUrl,
    theme: Theme,
    markdown: MarkdownRenderer,
}

/// What the pages gathering many records show beyond the records themselves: derive's
/// aggregates, and the open-data files the data portal lists. Record pages show
/// neither, so a build renders them before these exist.
#[derive(Clone, Copy)]
pub struct Gathered<'a> {
    /// The statistics and the latest changes.
    pub aggregates: &'a Aggregates<'a>,
    /// The open-data files.
    pub exports: &'a Inventory,
}

/// A link to a record or page.
#[derive(Serialize, Debug, Clone)]
pub struct Link<'a> {
    /// Address including the base path.
    pub href: String,
    /// Text shown.
    pub title: &'a str,
}

/// What every page tells the base layout.
#[derive(Serialize)]
struct PageMeta<'a> {
    title: &'a str,
    /// The page's own address, for canonical links and the language switcher to come.
    href: String,
    /// Main navigation entry to highlight.
    section: &'static str,
    /// Breadcrumbs above the title, home excluded.
    crumbs: Vec<Link<'a>>,
    /// The record's JSON twin, on record pages.
    alternate: Option<String>,
    /// The record's change history, on record pages.
    history: Option<pages::history::HistoryView>,
    /// schema.org JSON-LD of the record, on the pages of the kinds that have a type.
    json_ld: Option<String>,
    /// The page's own Atom feed (a project's), beside the site's.
    feed: Option<String>,
}

/// Site-wide values, in Tera's global context as `site`.
#[derive(Serialize)]
pub(crate) struct SiteInfo<'a> {
    pub(crate) title: &'a str,
    /// The city, or the province on a province site.
    pub(crate) city: &'a str,
    /// `city` or `province`: which navigation and filters the pages offer.
    pub(crate) kind: &'static str,
    /// The main navigation: section key (its label in `t.nav`) and clean path.
    pub(crate) nav: &'static [[&'static str; 2]],
    pub(crate) lang: &'static str,
    pub(crate) base: &'a str,
    pub(crate) publisher: &'a str,
    pub(crate) contact: &'a str,
    pub(crate) license: &'a str,
    pub(crate) license_url: &'a str,
    pub(crate) fictional: bool,
    /// The theme's Content-Security-Policy as a `<meta>` can state it; empty when the
    /// theme's headers set none.
    pub(crate) csp: String,
    pub(crate) as_of: Option<String>,
    pub(crate) footer_pages: Vec<Link<'a>>,
}

/// A city site's main navigation.
const CITY_NAV: &[[&str; 2]] = &[
    ["home", ""],
    ["projects", "projects/"],
    ["catalog", "catalog/"],
    ["orgs", "orgs/"],
    ["policies", "policies/"],
    ["events", "events/"],
    ["inspections", "inspections/"],
    ["stats", "stats/"],
    ["data", "data/"],
];

/// The site repository's commit the pages were built from.
#[derive(Serialize)]
pub(crate) struct Revision<'a> {
    commit: &'a str,
    short: &'a str,
    date: String,
}

impl Revision<'_> {
    /// The footer's view of a commit.
    pub(crate) fn of(revision: &crate::history::Revision) -> Revision<'_> {
        Revision {
            commit: &revision.commit,
            short: revision.short(),
            date: revision.date.to_string(),
        }
    }
}

/// The theme's Content-Security-Policy as a `<meta>` can state it; empty when its
/// headers set none.
pub(crate) fn meta_policy(theme: &Theme) -> String {
    headers::site_policy(&theme.headers)
        .map(|policy| headers::meta_policy(&policy))
        .unwrap_or_default()
}

/// The content pages' links for the footer, by their `order`, then id.
pub(crate) fn footer_pages<'d>(dataset: &'d Dataset, base: &BaseUrl) -> Vec<Link<'d>> {
    let mut pages: Vec<(i32, &str, Link<'_>)> = dataset
        .pages
        .iter()
        .map(|p| {
            let meta = &p.record.meta;
            let link = Link {
                href: base.href(&format!("{}/", meta.id.value)),
                title: &meta.title,
            };
            (meta.order, meta.id.value.as_str(), link)
        })
        .collect();
    pages.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    pages.into_iter().map(|(_, _, l)| l).collect()
}

impl<'a> Site<'a> {
    /// Prepares rendering at the address `base`: loads the theme from `root`.
    pub fn new(
        dataset: &'a Dataset,
        derived: &'a Derived<'a>,
        root: &Path,
        base: &BaseUrl,
    ) -> Result<Site<'a>, RenderError> {
        let config = &dataset.config.as_ref().ok_or(RenderError::NoConfig)?.record;
        let theme_name = config.theme.as_ref().map(|t| t.value.as_str());
        let theme = Theme::load(root, theme_name).map_err(RenderError::Theme)?;
        Site::with_theme(dataset, derived, theme, base)
    }

    /// [`Site::new`] with a theme loaded before: `greenproc serve` keeps it between
    /// edits (compiling the templates again would cost more than an edit's pages) and
    /// takes it back with [`Site::into_theme`].
    pub fn with_theme(
        dataset: &'a Dataset,
        derived: &'a Derived<'a>,
        theme: Theme,
        base: &BaseUrl,
    ) -> Result<Site<'a>, RenderError> {
        let config = &dataset.config.as_ref().ok_or(RenderError::NoConfig)?.record;
        let info = SiteInfo {
            title: &config.title,
            city: &config.city,
            kind: "city",
            nav: CITY_NAV,
            lang: theme::LANGUAGE,
            base: base.path(),
            publisher: &config.publisher.name,
            contact: &config.publisher.contact,
            license: &config.license.name,
            license_url: &config.license.url.value,
            fictional: config.fictional,
            csp: meta_policy(&theme),
            as_of: derived.as_of.map(|d| d.to_string()),
            footer_pages: footer_pages(dataset, base),
        };
        Ok(Site::with_info(dataset, derived, theme, base, &info))
    }

    /// A site that says `info` of itself: a province's, whose own documents render
    /// with a city's templates.
    pub(crate) fn with_info(
        dataset: &'a Dataset,
        derived: &'a Derived<'a>,
        mut theme: Theme,
        base: &BaseUrl,
        info: &SiteInfo<'_>,
    ) -> Site<'a> {
        let table_label = theme.strings.text(&["meta", "table"]);
        let markdown = MarkdownRenderer::new(base, table_label);
        theme.set_addresses(base, &dataset.files);
        let globals = theme.tera.global_context();
        globals.insert("site", info);
        globals.insert("t", theme.strings.tree());
        globals.insert("assets", &theme.asset_paths);
        Site {
            dataset,
            derived,
            base: base.clone(),
            theme,
            markdown,
        }
    }

    /// The commit the site is built from, as the pages that gather records show it.
    pub(crate) fn revision(&self) -> Option<Revision<'_>> {
        self.derived.revision.as_ref().map(Revision::of)
    }

    /// The search documents of the site's records.
    pub fn search_documents(
        &self,
        labels: &crate::search::Labels<'_>,
    ) -> Vec<crate::search::SearchDoc> {
        crate::search::records::documents(self.dataset, self.derived, labels)
    }

    /// Renders the documents only, policies with their interpretations and the
    /// content pages, with the assets, `_headers` and the documents of `files/`: a
    /// province site's own.
    pub fn render_documents(&self, out: &dyn Output) -> Result<Stats, RenderError> {
        let scope = Scope::all();
        let mut counting = Counting {
            out,
            stats: Stats::default(),
            scope: &scope,
            gathered: None,
        };
        self.static_files(&mut counting)?;
        pages::render_documents(self, &mut counting)?;
        Ok(counting.stats)
    }

    /// The theme's assets (under their own names, which a site's templates may name,
    /// and the fingerprinted ones the default theme links to), the hosts' `_headers`
    /// and the documents of `files/`.
    fn static_files(&self, counting: &mut Counting<'_>) -> Result<(), RenderError> {
        let theme = &self.theme;
        for ((name, bytes), fingerprinted) in theme.assets.iter().zip(theme.asset_paths.values()) {
            counting.file(&format!("assets/{name}"), bytes)?;
            counting.file(fingerprinted, bytes)?;
        }
        counting.file("_headers", &self.theme.headers)?;
        for file in &self.dataset.files {
            let bytes = std::fs::read(&file.source).map_err(|e| {
                RenderError::Write(WriteError::new(format!("cannot read {}: {e}", file.path)))
            })?;
            counting.file(&file.path, &bytes)?;
        }
        Ok(())
    }

    /// The theme the site renders with.
    pub(crate) fn theme(&self) -> &Theme {
        &self.theme
    }

    /// The theme, for the next [`Site::with_theme`].
    pub fn into_theme(self) -> Theme {
        self.theme
    }

    /// The absolute address of a clean path, the one a QR code carries.
    fn canonical(&self, path: &str) -> String {
        self.base.url(path)
    }

    /// Renders every page and asset, and the hosts' `_headers` file, into `out`.
    pub fn render(&self, gathered: Gathered<'_>, out: &dyn Output) -> Result<Stats, RenderError> {
        self.render_with(&Scope::all(), Some(gathered), out)
    }

    /// Renders the record pages, all or those of `records` (by clean path), without
    /// assets: a build renders them while the exports are made, `serve` an edit's
    /// first.
    pub fn render_records(
        &self,
        records: Option<HashSet<String>>,
        out: &dyn Output,
    ) -> Result<Stats, RenderError> {
        let scope = Scope {
            records,
            others: None,
        };
        self.render_with(&scope, None, out)
    }

    /// Renders the pages that are not record pages whose path starts with `prefix`
    /// (`""` for all), and the assets and `_headers`: the rest of a build after
    /// [`Site::render_records`].
    pub fn render_others(
        &self,
        prefix: &'static str,
        gathered: Gathered<'_>,
        out: &dyn Output,
    ) -> Result<Stats, RenderError> {
        let scope = Scope {
            records: Some(HashSet::new()),
            others: Some(prefix),
        };
        self.render_with(&scope, Some(gathered), out)
    }

    /// Renders what `scope` wants; the assets with any page but record pages, which
    /// are the ones that need `gathered`.
    fn render_with(
        &self,
        scope: &Scope,
        gathered: Option<Gathered<'_>>,
        out: &dyn Output,
    ) -> Result<Stats, RenderError> {
        let mut counting = Counting {
            out,
            stats: Stats::default(),
            scope,
            gathered,
        };
        if gathered.is_some() {
            self.static_files(&mut counting)?;
        }
        pages::render_all(self, &mut counting)?;
        Ok(counting.stats)
    }

    /// Renders one page from `template` with `data` to the clean `path`.
    fn page<T: Serialize>(
        &self,
        out: &mut Counting<'_>,
        path: &str,
        template: &str,
        meta: PageMeta<'_>,
        data: &T,
    ) -> Result<(), RenderError> {
        if !out.scope.wants(path) {
            return Ok(());
        }
        let mut context = tera::Context::new();
        context.insert("page", &meta);
        context.insert("data", data);
        if REVISION_PAGES.contains(&path) {
            context.insert("revision", &self.revision());
        }
        PAGE_BUFFER.with_borrow_mut(|html| {
            html.clear();
            let _watched = watchdog::watch(template, path);
            self.theme
                .tera
                .render_to(template, &context, &mut *html)
                .map_err(|e| RenderError::Template {
                    page: path.to_owned(),
                    message: e.to_string(),
                })?;
            out.stats.pages += 1;
            out.file(&file_for(path), html.as_slice())
        })
    }

    /// Renders the pages of each of `items` (by index and item) on all cores, each
    /// worker writing its pages as it goes; the error returned is the one of the
    /// first item that failed, as a sequential render would report it. `path` gives
    /// an item's page, so that items out of scope are skipped before their context is
    /// built.
    fn each_in_parallel<T: Sync>(
        &self,
        out: &mut Counting<'_>,
        items: &[T],
        path: impl Fn(&T) -> String + Sync,
        render: impl Fn(&mut Counting<'_>, usize, &T) -> Result<(), RenderError> + Sync,
    ) -> Result<(), RenderError> {
        let base = out.fork();
        let scope = base.scope;
        let rendered: Vec<Result<Stats, RenderError>> = items
            .par_iter()
            .enumerate()
            .filter(|(_, item)| scope.records.is_none() || scope.wants(&path(item)))
            .map(|(i, item)| {
                let mut counting = base.fork();
                render(&mut counting, i, item)?;
                Ok(counting.stats)
            })
            .collect();
        for stats in rendered {
            out.stats.add(stats?);
        }
        Ok(())
    }

    /// Page metadata for `title` at `path`, in navigation `section`.
    fn meta<'m>(&self, title: &'m str, path: &str, section: &'static str) -> PageMeta<'m> {
        PageMeta {
            title,
            href: self.base.href(path),
            section,
            crumbs: Vec::new(),
            alternate: is_record_page(path).then(|| self.base.href(&format!("{path}index.json"))),
            history: None,
            json_ld: None,
            feed: None,
        }
    }

    /// The clean path and title of the page listing every record of `kind`, one of
    /// the kinds with a list page.
    fn list_page(&self, kind: crate::model::kind::RecordKind) -> (String, &str) {
        let list = kind.info().list.unwrap_or_default();
        (
            crate::site_paths::list_page(kind),
            self.theme.strings.text(&["nav", list]),
        )
    }

    /// A link to a clean path.
    fn link<'t>(&self, path: &str, title: &'t str) -> Link<'t> {
        Link {
            href: self.base.href(path),
            title,
        }
    }

    /// Markdown rendered with the page's id registry.
    fn markdown(&self, text: &str, ids: &mut PageIds) -> String {
        self.markdown.render(text, ids)
    }
}

thread_local! {
    /// Each render worker's page buffer: pages are written out as soon as they are
    /// rendered, so one buffer per thread, grown once to the largest page, saves an
    /// allocation and the copies of its growth for each of 100,000 pages. Tera's
    /// escaping writes valid UTF-8, so the bytes go out without a `String`'s check.
    static PAGE_BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(64 * 1024));
}

/// Counts what passes to the output, and knows which pages are wanted.
struct Counting<'o> {
    out: &'o dyn Output,
    stats: Stats,
    scope: &'o Scope,
    /// What the other pages show; `None` when only record pages render.
    gathered: Option<Gathered<'o>>,
}

impl<'o> Counting<'o> {
    /// A counter for work done beside this one, into the same output and scope; its
    /// stats are added back when that work is done.
    fn fork(&self) -> Counting<'o> {
        Counting {
            out: self.out,
            stats: Stats::default(),
            scope: self.scope,
            gathered: self.gathered,
        }
    }

    /// Whether the page at the clean `path` renders; loops call it before building a
    /// page's context, which can cost more than the skipped page.
    fn wants(&self, path: &str) -> bool {
        self.scope.wants(path)
    }

    /// How many of `len` records a section's list pages under `prefix` show: all, or
    /// none when no list page there is wanted.
    fn listed(&self, prefix: &str, len: usize) -> usize {
        if self.scope.wants_under(prefix) {
            len
        } else {
            0
        }
    }

    fn file(&self, path: &str, bytes: &[u8]) -> Result<(), RenderError> {
        self.out.file(path, bytes).map_err(RenderError::Write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_keys_cover_record_pages_and_their_notices_only() {
        assert_eq!(record_key("projects/a/"), Some("projects/a/"));
        assert_eq!(record_key("projects/a/notice/"), Some("projects/a/"));
        assert_eq!(record_key("projects/a/feed.xml"), Some("projects/a/"));
        assert_eq!(record_key("orgs/a/index.json"), Some("orgs/a/"));
        assert_eq!(record_key("projects/a/other.xml"), None);
        assert_eq!(record_key("projects/district/zhangdian/"), None);
        assert_eq!(record_key("projects/"), None);
        assert_eq!(record_key("stats/districts/x/"), None);
        assert_eq!(record_key("assets/site.css"), None);
    }

    #[test]
    fn links_are_record_pages_under_the_base_path_only() {
        let html = br#"<a href="/gp/projects/a/">a</a><a href="/gp/projects/">list</a>
            <a href="/gp/orgs/b/#x">b</a><a href="https://x/gp/orgs/c/">c</a>
            <a href="/gp/projects/a/notice/">n</a><a href="/orgs/d/">other site</a>"#;
        let found: Vec<&str> = record_links(html, "/gp/").collect();
        assert_eq!(found, ["projects/a/", "orgs/b/", "projects/a/"]);
    }
}
