//! The green building material catalog: groups and categories, a page per category
//! with its demand-standard thresholds, a page per product with its indicators
//! judged against them, and the editions of the demand standard.

use serde::Serialize;

use super::structured::{self, script_safe};
use super::{Dated, WithQr, date};
use crate::derive::CertStatus;
use crate::derive::compliance::IndicatorCheck;
use crate::model::kind::{RecordKind, Target};
use crate::model::product::{ListingStatus, Product};
use crate::model::standard::{Category, CategoryRule, Edition, Prohibited, Threshold};
use crate::model::{Date, Sourced, Stars};
use crate::render::list::{self, Choice, Column, Dimension, List, View, lookup, render_rows};
use crate::render::markdown::PageIds;
use crate::render::{Counting, Link, RenderError, Site, number};
use crate::site_paths::{category_page, record_page};

pub(super) fn render(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    let (list_path, title) = site.list_page(RecordKind::Product);
    let current = site.derived.current_edition(site.dataset);
    if let Some(taxonomy_file) = &site.dataset.taxonomy {
        let taxonomy = &taxonomy_file.record;
        let index = Index {
            edition: current.map(|e| site.edition_link(e)),
            groups: taxonomy
                .groups
                .iter()
                .map(|g| GroupView {
                    id: &g.id.value,
                    name: &g.name,
                    categories: Site::indices(&site.derived.group_categories, &g.id.value)
                        .iter()
                        .map(|&c| {
                            let category = &taxonomy.categories[c];
                            CategoryRow {
                                link: site.link(&category_page(&category.id.value), &category.name),
                                class: current
                                    .and_then(|e| {
                                        rule(&site.dataset.editions[e].record, &category.id.value)
                                    })
                                    .map(|r| r.class.key()),
                                products: products_in(site, &category.id.value).len(),
                            }
                        })
                        .collect(),
                })
                .collect(),
        };
        let listed = out.listed(&list_path, site.dataset.products.len());
        let rows: Vec<ProductRow<'_>> = (0..listed).map(|i| product_row(site, i)).collect();
        let list = product_list(site, &taxonomy.categories, &rows)?;
        // The category pages are the list's category filter: a category's page shows
        // its demand-standard rules above its products.
        list::render(site, out, &list, |out, page| {
            let path = &page.path;
            let category = page
                .selected("category")
                .and_then(|c| site.derived.categories.get(c.key))
                .map(|&c| &taxonomy.categories[c]);
            if let Some(category) = category {
                let mut meta = site.meta(&category.name, path, "catalog");
                meta.crumbs.push(site.link(&list_path, title));
                let data = CategoryPage {
                    view: category_view(site, category, current),
                    list: page.view(site),
                };
                return site.page(out, path, "category.html", meta, &data);
            }
            let whole = page.is_whole() && page.number == 1;
            let mut meta = site.meta(title, path, "catalog");
            if whole {
                // The catalog page is where the categories file shows, so its history does.
                meta.history = Some(site.history(&taxonomy_file.file));
            } else {
                meta.crumbs.push(site.link(&list_path, title));
            }
            let data = CatalogPage {
                index: whole.then_some(&index),
                list: page.view(site),
            };
            site.page(out, path, "catalog.html", meta, &data)
        })?;
    }
    let page_of = |p: &Sourced<Product>| record_page(RecordKind::Product, &p.record.id.value);
    site.each_in_parallel(out, &site.dataset.products, page_of, |out, i, product| {
        let p = &product.record;
        let path = record_page(RecordKind::Product, &p.id.value);
        let mut meta = site.meta(&p.name, &path, "catalog");
        meta.crumbs.push(site.link(&list_path, title));
        meta.crumbs.extend(site.category_by_id(&p.category.value));
        meta.history = Some(site.history(&product.file));
        meta.json_ld = Some(script_safe(&structured::product(site, p)));
        let view = product_view(site, i, current);
        site.page(
            out,
            &path,
            "product.html",
            meta,
            &WithQr::new(site, &path, &view),
        )
    })?;
    standards(site, out, current)
}

fn rule<'e>(edition: &'e Edition, category: &str) -> Option<&'e CategoryRule> {
    edition
        .categories
        .iter()
        .find(|r| r.category.value == category)
}

#[derive(Serialize)]
struct Index<'a> {
    edition: Option<Link<'a>>,
    groups: Vec<GroupView<'a>>,
}

#[derive(Serialize)]
struct GroupView<'a> {
    id: &'a str,
    name: &'a str,
    categories: Vec<CategoryRow<'a>>,
}

#[derive(Serialize)]
struct CategoryRow<'a> {
    link: Link<'a>,
    class: Option<&'static str>,
    products: usize,
}

#[derive(Serialize)]
struct CategoryView<'a> {
    category: &'a Category,
    group: Option<&'a str>,
    edition: Option<Link<'a>>,
    class: Option<&'static str>,
    thresholds: &'a [Threshold],
    prohibited: Vec<&'a Prohibited>,
}

/// A page of the product list that is not a category's: the catalog's groups on
/// its first page, and the list.
#[derive(Serialize)]
struct CatalogPage<'a, 'v> {
    index: Option<&'v Index<'a>>,
    list: View<'v>,
}

/// A page of a category's products: the category's rules, and the list.
#[derive(Serialize)]
struct CategoryPage<'a, 'v> {
    #[serde(flatten)]
    view: CategoryView<'a>,
    list: View<'v>,
}

/// One product in the list, as `list_row.html` shows it.
#[derive(Serialize)]
struct ProductRow<'a> {
    link: Link<'a>,
    model: &'a str,
    manufacturer: Option<Link<'a>>,
    category: Option<Link<'a>>,
    grade: &'static str,
    certificate: &'static str,
    expires: String,
    /// In the catalog, suspended or removed: a key of `t.listing`.
    status: &'static str,
}

fn product_row<'a>(site: &Site<'a>, i: usize) -> ProductRow<'a> {
    let p = &site.dataset.products[i].record;
    ProductRow {
        link: site.product_link(i),
        model: &p.model,
        manufacturer: site.org_by_id(&p.manufacturer.value),
        category: site.category_by_id(&p.category.value),
        grade: p.certificate.grade.value.key(),
        certificate: site.derived.cert_status[i].key(),
        expires: date(p.certificate.expires.value),
        status: p.status.key(),
    }
}

/// The product list: filters on category (each with its page, products or not,
/// the category pages), and with script on catalog and certificate status; every
/// column sorts.
fn product_list<'s>(
    site: &'s Site<'_>,
    categories: &'s [Category],
    rows: &[ProductRow<'s>],
) -> Result<List<'s>, RenderError> {
    let strings = &site.theme.strings;
    let products = &site.dataset.products[..rows.len()];
    let categories: Vec<Choice<'s>> = categories
        .iter()
        .map(|c| Choice {
            key: &c.id.value,
            name: &c.name,
        })
        .collect();
    let category = lookup(&categories);
    let category_codes = products.iter().map(|p| category(&p.record.category.value));
    let named = |table, keys: &[&'static str]| Choice::named(strings, table, keys);
    let statuses = named("listing", &ListingStatus::ALL.map(ListingStatus::key));
    let status = lookup(&statuses);
    let status_codes = rows.iter().map(|r| status(r.status));
    let certificates = named("cert_status", &CertStatus::ALL.map(|s| s.key()));
    let certificate = lookup(&certificates);
    let certificate_codes = rows.iter().map(|r| certificate(r.certificate));
    let dimensions = vec![
        Dimension::one("category", "category", categories, category_codes),
        // Almost every product is listed, so a status's pages would repeat the list,
        // and a certificate's status changes with the date the site is built on:
        // both filter with script; the pages count them.
        Dimension::one("status", "listing", statuses, status_codes)
            .present_only()
            .explorer_only(),
        Dimension::one(
            "certificate",
            "certificate",
            certificates,
            certificate_codes,
        )
        .present_only()
        .explorer_only(),
    ];
    let names: Vec<Option<&str>> = rows.iter().map(|r| Some(r.link.title)).collect();
    let models: Vec<Option<&str>> = rows.iter().map(|r| Some(r.model)).collect();
    let makers: Vec<Option<&str>> = rows
        .iter()
        .map(|r| r.manufacturer.as_ref().map(|m| m.title))
        .collect();
    let grades: Vec<Option<Stars>> = products
        .iter()
        .map(|p| Some(p.record.certificate.grade.value))
        .collect();
    let expiries: Vec<Option<Date>> = products
        .iter()
        .map(|p| Some(p.record.certificate.expires.value))
        .collect();
    let columns = vec![
        Column::ranked("name", ["project", "product"], &names, Ord::cmp),
        Column::ranked("model", ["catalog", "model"], &models, Ord::cmp),
        Column::ranked(
            "manufacturer",
            ["project", "manufacturer"],
            &makers,
            Ord::cmp,
        ),
        Column::by_dimension("category", ["product", "category"], 0),
        Column::ranked("grade", ["catalog", "grade"], &grades, Ord::cmp),
        Column::by_dimension("certificate", ["project", "certificate"], 2),
        Column::ranked("expires", ["catalog", "expires"], &expiries, Ord::cmp),
        Column::by_dimension("status", ["product", "status"], 1),
    ];
    Ok(List {
        kind: RecordKind::Product,
        dimensions,
        columns,
        rows: render_rows(site, RecordKind::Product, rows)?,
    })
}

fn category_view<'a>(
    site: &Site<'a>,
    category: &'a Category,
    current: Option<usize>,
) -> CategoryView<'a> {
    let taxonomy = site.dataset.taxonomy.as_ref().map(|t| &t.record);
    let edition = current.map(|e| &site.dataset.editions[e].record);
    let rule = edition.and_then(|e| rule(e, &category.id.value));
    CategoryView {
        category,
        group: taxonomy.and_then(|t| {
            let &g = site.derived.groups.get(category.group.value.as_str())?;
            Some(t.groups[g].name.as_str())
        }),
        edition: current.map(|e| site.edition_link(e)),
        class: rule.map(|r| r.class.key()),
        thresholds: rule.map_or(&[], |r| r.thresholds.as_slice()),
        prohibited: edition.map_or_else(Vec::new, |e| {
            e.prohibited
                .iter()
                .filter(|p| {
                    p.category
                        .as_ref()
                        .is_some_and(|c| c.value == category.id.value)
                })
                .collect()
        }),
    }
}

#[derive(Serialize)]
struct ProductView<'a> {
    p: &'a Product,
    category: Option<Link<'a>>,
    manufacturer: Option<Link<'a>>,
    status: &'static str,
    description: String,
    edition: Option<Link<'a>>,
    indicators: Vec<IndicatorRow<'a>>,
    /// The indicators' combined verdict against the current edition.
    verdict: &'static str,
    uses: Vec<UseRow<'a>>,
    certificate: CertificateView<'a>,
    projects: Vec<Link<'a>>,
    inspections: Vec<Dated<'a>>,
}

/// An indicator: the product's value against the category's threshold, either of
/// which may be missing.
#[derive(Serialize)]
struct IndicatorRow<'a> {
    id: &'a str,
    name: &'a str,
    value: Option<String>,
    op: Option<&'static str>,
    threshold: Option<String>,
    unit: &'a str,
    source: &'a str,
    met: Option<bool>,
}

/// The product as used by one project's material line, judged on the day of use.
#[derive(Serialize)]
struct UseRow<'a> {
    project: Link<'a>,
    date: Option<String>,
    edition: Option<Link<'a>>,
    certificate_valid: bool,
    indicators: Vec<IndicatorRow<'a>>,
    verdict: &'static str,
}

/// An indicator check as a table row; a value no threshold judges is named by its id.
fn indicator_row<'a>(c: &IndicatorCheck<'a>) -> IndicatorRow<'a> {
    IndicatorRow {
        id: c.indicator,
        name: c.threshold.map_or(c.indicator, |t| t.name.as_str()),
        value: c.value.map(number),
        op: c.threshold.map(|t| t.op.symbol()),
        threshold: c.threshold.map(|t| number(t.value)),
        unit: c.threshold.map_or("", |t| t.unit.as_str()),
        source: c.threshold.map_or("", |t| t.source.as_str()),
        met: c.met,
    }
}

#[derive(Serialize)]
struct CertificateView<'a> {
    number: &'a str,
    grade: &'static str,
    body: Option<Link<'a>>,
    issued: String,
    expires: String,
    status: &'static str,
}

fn product_view<'a>(site: &Site<'a>, i: usize, current: Option<usize>) -> ProductView<'a> {
    let p = &site.dataset.products[i].record;
    let mut ids = PageIds::new();
    let assessed = &site.derived.assessment.products[i];
    let indicators = assessed.current.iter().map(indicator_row).collect();
    let uses = assessed
        .uses
        .iter()
        .map(|u| UseRow {
            project: site.project_link(u.project),
            date: u.used_on.map(date),
            edition: u.edition.map(|e| site.edition_link(e)),
            certificate_valid: u.certificate_valid,
            indicators: u.indicators.iter().map(indicator_row).collect(),
            verdict: u.verdict.key(),
        })
        .collect();
    let c = &p.certificate;
    ProductView {
        p,
        category: site.category_by_id(&p.category.value),
        manufacturer: site.org_by_id(&p.manufacturer.value),
        status: p.status.key(),
        description: site.markdown(&p.description.value, &mut ids),
        edition: current.map(|e| site.edition_link(e)),
        indicators,
        verdict: assessed.verdict.key(),
        uses,
        certificate: CertificateView {
            number: &c.number.value,
            grade: c.grade.value.key(),
            body: site.org_by_id(&c.body.value),
            issued: date(c.issued.value),
            expires: date(c.expires.value),
            status: site.derived.cert_status[i].key(),
        },
        projects: site
            .derived
            .referrers(RecordKind::Product, &p.id.value, RecordKind::Project, &[])
            .iter()
            .map(|&j| site.project_link(j))
            .collect(),
        inspections: site
            .derived
            .referrers(
                RecordKind::Product,
                &p.id.value,
                RecordKind::Inspection,
                &[],
            )
            .iter()
            .map(|&j| site.inspection_row(j))
            .collect(),
    }
}

#[derive(Serialize)]
struct Standards<'a> {
    editions: Vec<EditionRow<'a>>,
}

#[derive(Serialize)]
struct EditionRow<'a> {
    link: Link<'a>,
    from: String,
    until: Option<String>,
    current: bool,
}

#[derive(Serialize)]
struct EditionView<'a> {
    e: &'a Edition,
    current: bool,
    policy: Option<Link<'a>>,
    rules: Vec<RuleView<'a>>,
    prohibited: Vec<ProhibitedView<'a>>,
}

#[derive(Serialize)]
struct RuleView<'a> {
    category: Option<Link<'a>>,
    category_id: &'a str,
    class: &'static str,
    thresholds: &'a [Threshold],
}

#[derive(Serialize)]
struct ProhibitedView<'a> {
    name: &'a str,
    category: Option<Link<'a>>,
    reason: &'a str,
}

fn standards(
    site: &Site<'_>,
    out: &mut Counting<'_>,
    current: Option<usize>,
) -> Result<(), RenderError> {
    let (list_path, title) = site.list_page(RecordKind::Edition);
    let mut order: Vec<usize> = (0..site.dataset.editions.len()).collect();
    // Newest edition first.
    order.sort_by_key(|&i| std::cmp::Reverse(site.dataset.editions[i].record.effective_from.value));
    let list = Standards {
        editions: order
            .iter()
            .map(|&i| {
                let e = &site.dataset.editions[i].record;
                EditionRow {
                    link: site.edition_link(i),
                    from: date(e.effective_from.value),
                    until: e.effective_until.as_ref().map(|u| date(u.value)),
                    current: current == Some(i),
                }
            })
            .collect(),
    };
    site.page(
        out,
        &list_path,
        "standards.html",
        site.meta(title, &list_path, "catalog"),
        &list,
    )?;
    for (i, edition) in site.dataset.editions.iter().enumerate() {
        let e = &edition.record;
        let path = record_page(RecordKind::Edition, &e.id.value);
        if !out.wants(&path) {
            continue;
        }
        let view = EditionView {
            e,
            current: current == Some(i),
            policy: e.policy.as_ref().and_then(|p| site.policy_by_id(&p.value)),
            rules: e
                .categories
                .iter()
                .map(|r| RuleView {
                    category: site.category_by_id(&r.category.value),
                    category_id: &r.category.value,
                    class: r.class.key(),
                    thresholds: &r.thresholds,
                })
                .collect(),
            prohibited: e
                .prohibited
                .iter()
                .map(|p| ProhibitedView {
                    name: &p.name,
                    category: p
                        .category
                        .as_ref()
                        .and_then(|c| site.category_by_id(&c.value)),
                    reason: &p.reason,
                })
                .collect(),
        };
        let mut meta = site.meta(&e.title, &path, "catalog");
        meta.crumbs.push(site.link(&list_path, title));
        meta.history = Some(site.history(&edition.file));
        site.page(out, &path, "standard.html", meta, &view)?;
    }
    Ok(())
}

/// The products of the material category `id`, in file order.
fn products_in(site: &Site<'_>, id: &str) -> Vec<usize> {
    site.derived
        .referrers(Target::Category, id, RecordKind::Product, &[])
}
