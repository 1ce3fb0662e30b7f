//! The province's render stage: the overview comparing its cities, 一码通查 (one page
//! per credit code), the merged catalog, statistics with their methodology, the data
//! page, search and the 404 page, through the theme's `province_*` templates.
//!
//! City records are never copied: every project, product and organization links to
//! its page on the city's own site.

use rayon::prelude::*;
use serde::Serialize;

use super::config::{ProvinceConfig, is_web};
use super::merge::{CatalogEntry, City, OrgEntry, Province};
use super::published::{Figures, Refusal};
use crate::derive::Derived;
use crate::model::Dataset;
use crate::model::{Money, Percent};
use crate::render::chart::{self, BarRow, ChartText};
use crate::render::format::{Amount, fill, money};
use crate::render::markdown::{MarkdownRenderer, PageIds};
use crate::render::theme::Theme;
use crate::render::{Link, RenderError, Site, SiteInfo};
use crate::search::{SearchDoc, Vocabulary, index_files};
use crate::site_paths::{BaseUrl, file_for};
use crate::write::Output;

/// Renders the page(s) of each item on all cores; the pages rendered, or the first
/// error.
fn in_parallel<T: Sync>(
    items: &[T],
    render: impl Fn(&T) -> Result<usize, RenderError> + Sync,
) -> Result<usize, RenderError> {
    items
        .par_iter()
        .map(&render)
        .try_reduce(|| 0, |a, b| Ok(a + b))
}

/// Entries on one page of the organization and catalog lists.
const PER_PAGE: usize = 100;

/// A province site's main navigation.
const PROVINCE_NAV: &[[&str; 2]] = &[
    ["home", ""],
    ["lookup", "orgs/"],
    ["catalog", "catalog/"],
    ["stats", "stats/"],
    ["data", "data/"],
];

/// The same, for a province that publishes policies of its own.
const PROVINCE_NAV_WITH_POLICIES: &[[&str; 2]] = &[
    ["home", ""],
    ["lookup", "orgs/"],
    ["catalog", "catalog/"],
    ["policies", "policies/"],
    ["stats", "stats/"],
    ["data", "data/"],
];

/// The province's pages, ready to render.
pub struct Pages<'p> {
    province: &'p Province<'p>,
    config: &'p ProvinceConfig,
    base: BaseUrl,
    /// The province's own policies, interpretations and pages, rendered as a city's.
    documents: Site<'p>,
}

/// What the page metadata says; the fields `base.html` reads.
#[derive(Serialize)]
struct Meta<'a> {
    title: &'a str,
    href: String,
    section: &'static str,
    crumbs: Vec<Link<'a>>,
    alternate: Option<String>,
    history: Option<()>,
    json_ld: Option<String>,
    feed: Option<String>,
}

impl<'p> Pages<'p> {
    /// Loads the theme and sets the site-wide values; `documents` are the province's
    /// own, with what derive made of them.
    pub fn new(
        root: &std::path::Path,
        config: &'p ProvinceConfig,
        province: &'p Province<'p>,
        base: &BaseUrl,
        documents: (&'p Dataset, &'p Derived<'p>),
    ) -> Result<Pages<'p>, RenderError> {
        let theme_name = config.theme.as_ref().map(|t| t.value.as_str());
        let theme = Theme::load(root, theme_name).map_err(RenderError::Theme)?;
        let (dataset, derived) = documents;
        let info = SiteInfo {
            title: &config.title,
            city: &config.province,
            kind: "province",
            nav: if dataset.policies.is_empty() {
                PROVINCE_NAV
            } else {
                PROVINCE_NAV_WITH_POLICIES
            },
            lang: crate::render::theme::LANGUAGE,
            base: base.path(),
            publisher: &config.publisher.name,
            contact: &config.publisher.contact,
            license: &config.license.name,
            license_url: &config.license.url.value,
            fictional: config.fictional,
            csp: crate::render::meta_policy(&theme),
            as_of: province.as_of.clone(),
            footer_pages: crate::render::footer_pages(dataset, base),
        };
        // One theme serves the province's pages and its documents, rendered by the
        // city's renderer.
        let documents = Site::with_info(dataset, derived, theme, base, &info);
        Ok(Pages {
            province,
            config,
            base: base.clone(),
            documents,
        })
    }

    /// Renders every page, the search index and the theme's assets into `out`; the
    /// number of HTML pages.
    pub fn render(&self, out: &dyn Output) -> Result<usize, RenderError> {
        // The search index needs none of the pages: it is built beside them.
        let (others, search) = rayon::join(
            || -> Result<usize, RenderError> {
                Ok(self.home(out)?
                    + self.orgs(out)?
                    + self.catalog(out)?
                    + self.stats(out)?
                    // with the assets, `_headers` and `files/`
                    + self.documents.render_documents(out)?.pages)
            },
            || self.search(out),
        );
        let mut pages = others? + search?;
        pages += self.page(
            out,
            "404.html",
            "404.html",
            self.meta("", "404.html", "none"),
            &(),
        )?;
        Ok(pages)
    }

    /// Renders one page to the clean `path` (or to `path` itself when it names a file).
    fn page<T: Serialize>(
        &self,
        out: &dyn Output,
        path: &str,
        template: &str,
        meta: Meta<'_>,
        data: &T,
    ) -> Result<usize, RenderError> {
        let mut context = tera::Context::new();
        context.insert("page", &meta);
        context.insert("data", data);
        if crate::render::REVISION_PAGES.contains(&path) {
            context.insert("revision", &self.documents.revision());
        }
        let html = self
            .documents
            .theme()
            .tera
            .render(template, &context)
            .map_err(|e| RenderError::Template {
                page: path.to_owned(),
                message: e.to_string(),
            })?;
        let file = if path.ends_with(".html") {
            path.to_owned()
        } else {
            file_for(path)
        };
        out.file(&file, html.as_bytes())
            .map_err(RenderError::Write)?;
        Ok(1)
    }

    /// [`Pages::meta`] for a page listed on `list` (its path and title), which its
    /// breadcrumbs name.
    fn meta_in<'m>(
        &self,
        title: &'m str,
        path: &str,
        section: &'static str,
        (list, list_title): (&str, &'m str),
    ) -> Meta<'m> {
        let mut meta = self.meta(title, path, section);
        meta.crumbs = vec![Link {
            href: self.base.href(list),
            title: list_title,
        }];
        meta
    }

    fn meta<'m>(&self, title: &'m str, path: &str, section: &'static str) -> Meta<'m> {
        Meta {
            title,
            href: self.base.href(path),
            section,
            crumbs: Vec::new(),
            alternate: None,
            history: None,
            json_ld: None,
            feed: None,
        }
    }

    fn text(&self, path: &[&str]) -> &str {
        self.documents.theme().strings.text(path)
    }

    fn home(&self, out: &dyn Output) -> Result<usize, RenderError> {
        #[derive(Serialize)]
        struct Home<'a> {
            intro: String,
            figures: Vec<FigureView>,
            cities: Vec<CityRow<'a>>,
            total: FiguresView,
            coverage_chart: String,
            green_chart: String,
        }
        let p = self.province;
        let total = FiguresView::of(&p.totals);
        let summary = fill(
            self.text(&["province", "chart_summary"]),
            &[
                ("coverage", &total.coverage.clone().unwrap_or_default()),
                ("green", &total.green_ratio.clone().unwrap_or_default()),
            ],
        );
        let rows: Vec<CityRow<'_>> = p.cities.iter().map(|c| self.city_row(c)).collect();
        let chart = |id: &str, title: &[&str], value: &dyn Fn(&FiguresView) -> Option<f64>| {
            let bars: Vec<BarRow<'_>> = rows
                .iter()
                .filter_map(|r| {
                    let v = value(r.figures.as_ref()?)?;
                    Some(BarRow {
                        label: r.name,
                        segments: vec![(v, String::new())],
                        value: format!("{}%", Percent(v)),
                    })
                })
                .collect();
            let title = self.text(title);
            chart::bars(
                ChartText {
                    id,
                    title,
                    desc: &summary,
                },
                "share",
                &bars,
                100.0,
            )
        };
        let coverage_chart = chart(
            "chart-coverage",
            &["province", "coverage_chart"],
            &|f: &FiguresView| f.coverage_value,
        );
        let green_chart = chart(
            "chart-green",
            &["province", "green_chart"],
            &|f: &FiguresView| f.green_value,
        );
        let markdown = MarkdownRenderer::new(&self.base, self.text(&["meta", "table"]));
        let intro = markdown.render(&self.config.intro.value, &mut PageIds::new());
        let with_data = p.cities.iter().filter(|c| c.copy.is_some()).count();
        let figures = vec![
            FigureView::count("cities", with_data as u64),
            FigureView::count("projects", p.totals.projects),
            FigureView::percent("coverage", total.coverage.clone()),
            FigureView::percent("green_ratio", total.green_ratio.clone()),
            FigureView::money("awarded", p.totals.awarded),
            FigureView::count("orgs", p.orgs.len() as u64),
            FigureView::count("catalog", p.catalog.len() as u64),
        ];
        let data = Home {
            intro,
            figures,
            cities: rows,
            total,
            coverage_chart,
            green_chart,
        };
        let title = self.config.title.as_str();
        self.page(
            out,
            "",
            "province_home.html",
            self.meta(title, "", "home"),
            &data,
        )
    }

    /// A city's row of the comparison: its figures and the state of its copy.
    fn city_row<'c>(&self, city: &'c City<'_>) -> CityRow<'c> {
        let copy = city.copy.as_ref();
        let note = city.failure().map(|failure| {
            let reason = self.reason(&failure.refusal);
            let created = copy.map(|(d, _)| d.created.get(..10).unwrap_or_default());
            match created {
                Some(created) => fill(
                    self.text(&["province", "stale_note"]),
                    &[
                        ("since", failure.since.as_str()),
                        ("reason", &reason),
                        ("created", created),
                    ],
                ),
                None => fill(
                    self.text(&["province", "missing_note"]),
                    &[("since", &failure.since), ("reason", &reason)],
                ),
            }
        });
        CityRow {
            name: &city.member.city.value,
            code: &city.member.admin_code.value,
            homepage: copy.map(|(d, _)| d.homepage.as_str()).filter(|h| is_web(h)),
            created: copy.map(|(d, _)| d.created.get(..10).unwrap_or_default()),
            state: city.state(),
            note,
            figures: city.data().map(|d| FiguresView::of(&d.figures)),
        }
    }

    /// Why a copy was refused, in the visitor's words.
    fn reason(&self, refusal: &Refusal) -> String {
        let kind = |k: &str| self.text(&["province", "refusal", k]);
        match refusal {
            Refusal::Unreachable { file, detail } => {
                fill(kind("unreachable"), &[("file", file), ("detail", detail)])
            }
            Refusal::NotAPackage { detail } => fill(kind("not_a_package"), &[("detail", detail)]),
            Refusal::UnknownFormat { declared } => {
                let declared = if declared.is_empty() {
                    self.text(&["province", "no_version"])
                } else {
                    declared
                };
                fill(kind("unknown_format"), &[("declared", declared)])
            }
            Refusal::MissingResource { resource } => {
                fill(kind("missing_resource"), &[("resource", resource)])
            }
            Refusal::TooLarge { file } => fill(kind("too_large"), &[("file", file)]),
            Refusal::HashMismatch { file } => fill(kind("hash_mismatch"), &[("file", file)]),
            Refusal::Invalid {
                file,
                line,
                field,
                problem,
            } => {
                let field = if field.is_empty() {
                    String::new()
                } else {
                    fill(self.text(&["province", "field"]), &[("field", field)])
                };
                let problem = self.text(&["province", "row_problem", problem.key()]);
                fill(
                    kind("invalid"),
                    &[
                        ("file", file.as_str()),
                        ("line", &line.to_string()),
                        ("field", &field),
                        ("problem", problem),
                    ],
                )
            }
        }
    }

    /// `orgs/` (paged) and one page per credit code.
    fn orgs(&self, out: &dyn Output) -> Result<usize, RenderError> {
        let p = self.province;
        let title = self.text(&["province", "lookup", "title"]);
        let pages = self.paged_list(
            out,
            &p.orgs,
            ("orgs/", "lookup", "province_orgs.html"),
            title,
            &|o| {
                serde_json::json!({
                    "href": self.base.href(&org_path(o)),
                    "code": o.credit_code,
                    "name": o.name,
                    "cities": p.city_names(&o.listings),
                })
            },
        )?;
        Ok(pages + in_parallel(&p.orgs, |org| self.org(out, org))?)
    }

    fn org(&self, out: &dyn Output, org: &OrgEntry) -> Result<usize, RenderError> {
        let p = self.province;
        let listings: Vec<serde_json::Value> = org
            .listings
            .iter()
            .filter_map(|&(c, o)| {
                let city = &p.cities[c];
                let data = city.data()?;
                let record = &data.orgs[o];
                let links = &city.by_org[o];
                let projects: Vec<serde_json::Value> = links
                    .projects
                    .iter()
                    .map(|&i| {
                        let project = &data.projects[i];
                        serde_json::json!({
                            "name": project.name,
                            "href": web_or_none(&project.url),
                            "stage": project.stage,
                            "contract": project.contract_amount.map(money),
                        })
                    })
                    .collect();
                let products: Vec<serde_json::Value> = links
                    .products
                    .iter()
                    .map(|&i| {
                        let product = &data.products[i];
                        serde_json::json!({
                            "name": product.name,
                            "model": product.model,
                            "href": web_or_none(&product.url),
                        })
                    })
                    .collect();
                let credit: Vec<serde_json::Value> = links
                    .credit
                    .iter()
                    .map(|&i| {
                        let c = &data.credit[i];
                        serde_json::json!({ "date": c.date, "rating": c.rating })
                    })
                    .collect();
                Some(serde_json::json!({
                    "city": city.member.city.value,
                    "name": record.name,
                    "href": web_or_none(&record.url),
                    "roles": record.roles.split(';').filter(|r| !r.is_empty()).collect::<Vec<_>>(),
                    "rating": record.credit_rating,
                    "projects": projects,
                    "products": products,
                    "credit": credit,
                }))
            })
            .collect();
        let path = org_path(org);
        let list = ("orgs/", self.text(&["province", "lookup", "title"]));
        let meta = self.meta_in(&org.name, &path, "lookup", list);
        let data = serde_json::json!({
            "code": org.credit_code,
            "cities": p.city_names(&org.listings).len(),
            "listings": listings,
        });
        self.page(out, &path, "province_org.html", meta, &data)
    }

    /// `catalog/` (paged) and one page per merged product.
    fn catalog(&self, out: &dyn Output) -> Result<usize, RenderError> {
        let p = self.province;
        let title = self.text(&["province", "catalog", "title"]);
        let pages = self.paged_list(
            out,
            &p.catalog,
            ("catalog/", "catalog", "province_catalog.html"),
            title,
            &|e| self.entry_row(e),
        )?;
        let entries = in_parallel(&p.catalog, |entry| {
            let path = entry_path(entry);
            let meta = self.meta_in(&entry.name, &path, "catalog", ("catalog/", title));
            let listings: Vec<serde_json::Value> = entry
                .listings
                .iter()
                .filter_map(|&(c, i)| {
                    let city = &p.cities[c];
                    let product = &city.data()?.products[i];
                    Some(serde_json::json!({
                        "city": city.member.city.value,
                        "name": product.name,
                        "model": product.model,
                        "status": product.status,
                        "grade": product.certificate_grade,
                        "href": web_or_none(&product.url),
                    }))
                })
                .collect();
            let data = serde_json::json!({ "entry": self.entry_row(entry), "listings": listings });
            self.page(out, &path, "province_product.html", meta, &data)
        })?;
        Ok(pages + entries)
    }

    /// The pages of a paged list at `list` (in its navigation `section`, through
    /// `template`), a hundred `row`s each, rendered on all cores.
    fn paged_list<T: Sync>(
        &self,
        out: &dyn Output,
        items: &[T],
        (list, section, template): (&str, &'static str, &str),
        title: &str,
        row: &(dyn Fn(&T) -> serde_json::Value + Sync),
    ) -> Result<usize, RenderError> {
        let pages: Vec<(usize, &[T])> = chunks(items).enumerate().collect();
        in_parallel(&pages, |&(n, chunk)| {
            let rows: Vec<serde_json::Value> = chunk.iter().map(row).collect();
            let path = paged(list, n);
            let pager = Pager::new(&self.base, list, n, items.len());
            let data = serde_json::json!({ "rows": rows, "pager": pager, "total": items.len() });
            let meta = self.meta(title, &path, section);
            self.page(out, &path, template, meta, &data)
        })
    }

    /// A merged product as the catalog lists it.
    fn entry_row(&self, entry: &CatalogEntry) -> serde_json::Value {
        let p = self.province;
        let maker = p.org(&entry.manufacturer_code);
        let mut last = None;
        let cities: Vec<serde_json::Value> = entry
            .listings
            .iter()
            // A city listing the product twice names it once.
            .filter(|&&(c, _)| last.replace(c) != Some(c))
            .filter_map(|&(c, i)| {
                let city = &p.cities[c];
                let product = &city.data()?.products[i];
                Some(serde_json::json!({
                    "name": city.member.city.value,
                    "href": web_or_none(&product.url),
                }))
            })
            .collect();
        serde_json::json!({
            "href": self.base.href(&entry_path(entry)),
            "name": entry.name,
            "model": entry.model,
            "category": p.categories.get(&entry.category).unwrap_or(&entry.category),
            "manufacturer": maker.map(|m| m.name.as_str()),
            "manufacturer_code": entry.manufacturer_code,
            "manufacturer_href": maker.map(|m| self.base.href(&org_path(m))),
            "cities": cities,
        })
    }

    fn stats(&self, out: &dyn Output) -> Result<usize, RenderError> {
        let p = self.province;
        let rows: Vec<CityRow<'_>> = p.cities.iter().map(|c| self.city_row(c)).collect();
        let data = serde_json::json!({
            "cities": rows,
            "total": FiguresView::of(&p.totals),
        });
        let title = self.text(&["province", "stats", "title"]);
        self.page(
            out,
            "stats/",
            "province_stats.html",
            self.meta(title, "stats/", "stats"),
            &data,
        )
    }

    /// The search page and its index over organizations, catalog entries and the
    /// cities' projects (which link to the cities' sites).
    fn search(&self, out: &dyn Output) -> Result<usize, RenderError> {
        let p = self.province;
        let label = |group: &str, key: &str| self.text(&[group, key]).to_owned();
        let mut docs = Vec::new();
        // In a city's order: projects, products, organizations, then documents.
        for city in &p.cities {
            let Some(data) = city.data() else { continue };
            for project in &data.projects {
                if !is_web(&project.url) {
                    continue;
                }
                let owner = project.owner.map(|o| data.orgs[o].name.clone());
                docs.push(SearchDoc {
                    kind: "project",
                    title: project.name.clone(),
                    path: project.url.clone(),
                    related: owner.into_iter().collect(),
                    district: Some(city.member.admin_code.value.clone()),
                    facts: vec![
                        city.member.city.value.clone(),
                        label("stage", &project.stage),
                    ],
                    ..SearchDoc::default()
                });
            }
        }
        for entry in &p.catalog {
            let maker = p.org(&entry.manufacturer_code).map(|m| m.name.clone());
            let category = p.categories.get(&entry.category).cloned();
            docs.push(SearchDoc {
                kind: "product",
                title: format!("{} {}", entry.name, entry.model),
                path: entry_path(entry),
                related: maker.into_iter().collect(),
                category: Some(entry.category.clone()),
                facts: category.into_iter().collect(),
                ..SearchDoc::default()
            });
        }
        for org in &p.orgs {
            let cities: Vec<String> = p
                .city_names(&org.listings)
                .into_iter()
                .map(str::to_owned)
                .collect();
            docs.push(SearchDoc {
                kind: "org",
                title: org.name.clone(),
                path: org_path(org),
                codes: vec![org.credit_code.clone()],
                facts: cities.clone(),
                related: cities,
                district: None,
                ..SearchDoc::default()
            });
        }
        docs.extend(self.documents.search_documents(&label));
        let vocabulary = Vocabulary {
            places: p
                .cities
                .iter()
                .map(|c| {
                    (
                        c.member.admin_code.value.clone(),
                        c.member.city.value.clone(),
                    )
                })
                .collect(),
            categories: p.categories.clone().into_iter().collect(),
            terms: Vec::new(),
        };
        for (path, bytes) in index_files(&docs, &vocabulary, &label) {
            out.file(&path, &bytes).map_err(RenderError::Write)?;
        }
        let title = self.text(&["search", "title"]);
        self.page(
            out,
            "search/",
            "search.html",
            self.meta(title, "search/", "search"),
            &(),
        )
    }

    /// The data page, listing the merged downloads with their sizes.
    pub fn data_page(
        &self,
        out: &dyn Output,
        downloads: &[super::export::Download],
    ) -> Result<usize, RenderError> {
        let p = self.province;
        let sources: Vec<serde_json::Value> = p
            .cities
            .iter()
            .map(|c| {
                serde_json::json!({
                    "city": c.member.city.value,
                    "package": c.member.package.value.trim(),
                    "web": is_web(c.member.package.value.trim()),
                    "created": c.copy.as_ref().map(|(d, _)| d.created.get(..10).unwrap_or_default()),
                    "revision": c.status.good.as_ref().map(|g| g.folder()),
                })
            })
            .collect();
        let data = serde_json::json!({
            "downloads": downloads,
            "sources": sources,
            // The catalog is written when there is a date of the data to give it.
            "catalog": p.as_of.is_some(),
        });
        let title = self.text(&["province", "data", "title"]);
        self.page(
            out,
            "data/",
            "province_data.html",
            self.meta(title, "data/", "data"),
            &data,
        )
    }
}

/// A city's row in the comparison table.
#[derive(Serialize)]
struct CityRow<'a> {
    name: &'a str,
    code: &'a str,
    homepage: Option<&'a str>,
    created: Option<&'a str>,
    /// `current`, `stale` or `missing`.
    state: &'static str,
    /// Since when and why the last fetch failed, worded.
    note: Option<String>,
    figures: Option<FiguresView>,
}

/// Figures as the pages show them; the ratios computed from the counts and amounts.
#[derive(Serialize)]
struct FiguresView {
    projects: u64,
    covered: u64,
    coverage: Option<String>,
    coverage_value: Option<f64>,
    green_ratio: Option<String>,
    green_value: Option<f64>,
    budget: Amount,
    awarded: Amount,
    material_amount: Amount,
    green_amount: Amount,
    met: u64,
    not_met: u64,
    not_measurable: u64,
}

impl FiguresView {
    fn of(f: &Figures) -> FiguresView {
        let (coverage, green) = (f.coverage(), f.green_ratio());
        FiguresView {
            projects: f.projects,
            covered: f.covered,
            coverage: coverage.map(|r| Percent(r).to_string()),
            coverage_value: coverage,
            green_ratio: green.map(|r| Percent(r).to_string()),
            green_value: green,
            budget: money(f.budget),
            awarded: money(f.awarded),
            material_amount: money(f.material_amount),
            green_amount: money(f.green_amount),
            met: f.met,
            not_met: f.not_met,
            not_measurable: f.not_measurable,
        }
    }
}

/// One of the overview's headline figures.
#[derive(Serialize)]
struct FigureView {
    key: &'static str,
    value: String,
    unit: Option<&'static str>,
    exact: Option<String>,
}

impl FigureView {
    fn count(key: &'static str, n: u64) -> FigureView {
        FigureView {
            key,
            value: n.to_string(),
            unit: None,
            exact: None,
        }
    }

    fn percent(key: &'static str, value: Option<String>) -> FigureView {
        FigureView {
            key,
            value: value.unwrap_or_else(|| "—".to_owned()),
            unit: Some("percent"),
            exact: None,
        }
    }

    fn money(key: &'static str, amount: Money) -> FigureView {
        let shown = money(amount);
        FigureView {
            key,
            value: shown.short.clone(),
            unit: Some(shown.unit),
            exact: Some(shown.exact.clone()),
        }
    }
}

/// Links between the list pages of a paged list.
#[derive(Serialize)]
struct Pager {
    current: usize,
    pages: usize,
    previous: Option<String>,
    next: Option<String>,
}

impl Pager {
    fn new(base: &BaseUrl, list: &str, n: usize, items: usize) -> Pager {
        let pages = items.div_ceil(PER_PAGE).max(1);
        Pager {
            current: n + 1,
            pages,
            previous: (n > 0).then(|| base.href(&paged(list, n - 1))),
            next: (n + 1 < pages).then(|| base.href(&paged(list, n + 1))),
        }
    }
}

/// Page `n` (from 0) of a list: the list itself, then `page/2/`, `page/3/`, ….
fn paged(list: &str, n: usize) -> String {
    if n == 0 {
        list.to_owned()
    } else {
        format!("{list}page/{}/", n + 1)
    }
}

/// The list's entries a page at a time; one empty page for an empty list.
fn chunks<T>(items: &[T]) -> impl Iterator<Item = &[T]> {
    let empty: &[T] = &[];
    let first = items.is_empty().then_some(empty);
    first.into_iter().chain(items.chunks(PER_PAGE))
}

/// An organization's page.
pub fn org_path(org: &OrgEntry) -> String {
    format!("orgs/{}/", org.credit_code.to_ascii_lowercase())
}

/// A catalog entry's page.
pub fn entry_path(entry: &CatalogEntry) -> String {
    format!("catalog/{}/", entry.slug)
}

/// Only `http(s)` addresses from a city become links: the city chose the text.
fn web_or_none(url: &str) -> Option<&str> {
    is_web(url).then_some(url)
}
