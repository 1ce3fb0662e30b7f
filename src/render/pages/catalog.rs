//! The green building material catalog: groups and categories, a page per category
//! with its demand-standard thresholds, a page per product with its indicators
//! judged against them, and the editions of the demand standard.

use serde::Serialize;

use super::{Dated, WithQr, date};
use crate::derive::compliance::IndicatorCheck;
use crate::model::Sourced;
use crate::model::kind::{RecordKind, Target};
use crate::model::product::Product;
use crate::model::standard::{Category, CategoryRule, Edition, Prohibited, Threshold};
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
        // The catalog page is where the categories file shows, so its history does.
        let mut meta = site.meta(title, &list_path, "catalog");
        meta.history = Some(site.history(&taxonomy_file.file));
        site.page(out, &list_path, "catalog.html", meta, &index)?;
        for category in &taxonomy.categories {
            let path = category_page(&category.id.value);
            if !out.wants(&path) {
                continue;
            }
            let mut meta = site.meta(&category.name, &path, "catalog");
            meta.crumbs.push(site.link(&list_path, title));
            site.page(
                out,
                &path,
                "category.html",
                meta,
                &category_view(site, category, current),
            )?;
        }
    }
    let page_of = |p: &Sourced<Product>| record_page(RecordKind::Product, &p.record.id.value);
    site.each_in_parallel(out, &site.dataset.products, page_of, |out, i, product| {
        let p = &product.record;
        let path = record_page(RecordKind::Product, &p.id.value);
        let mut meta = site.meta(&p.name, &path, "catalog");
        meta.crumbs.push(site.link(&list_path, title));
        meta.crumbs.extend(site.category_by_id(&p.category.value));
        meta.history = Some(site.history(&product.file));
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
    products: Vec<ProductRow<'a>>,
}

#[derive(Serialize)]
struct ProductRow<'a> {
    link: Link<'a>,
    model: &'a str,
    manufacturer: Option<Link<'a>>,
    grade: &'static str,
    certificate: &'static str,
    expires: String,
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
        products: products_in(site, &category.id.value)
            .iter()
            .map(|&i| {
                let p = &site.dataset.products[i].record;
                ProductRow {
                    link: site.product_link(i),
                    model: &p.model,
                    manufacturer: site.org_by_id(&p.manufacturer.value),
                    grade: p.certificate.grade.value.key(),
                    certificate: site.derived.cert_status[i].key(),
                    expires: date(p.certificate.expires.value),
                }
            })
            .collect(),
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
        description: site.markdown(&p.description, &mut ids),
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
