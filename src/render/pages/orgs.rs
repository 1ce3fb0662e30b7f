//! Organizations: the list by role and district, and one page per organization with its credit
//! record, products, projects in each role, inspections and events ("one code to
//! look everything up").

use serde::Serialize;

use super::structured::{self, script_safe};
use super::{Dated, WithQr, date};
use crate::model::kind::RecordKind;
use crate::model::org::{CreditRating, Role};
use crate::model::{Org, Sourced};
use crate::render::list::{self, Choice, Column, Dimension, List, lookup, render_rows};
use crate::render::markdown::PageIds;
use crate::render::{Counting, Link, RenderError, Site};
use crate::site_paths::record_page;

pub(super) fn render(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    let (list_path, title) = site.list_page(RecordKind::Org);
    let listed = out.listed(&list_path, site.dataset.orgs.len());
    let rows: Vec<OrgRow<'_>> = site.dataset.orgs[..listed]
        .iter()
        .map(|o| {
            let o = &o.record;
            OrgRow {
                link: site.link(&record_page(RecordKind::Org, &o.id.value), &o.name),
                credit_code: &o.credit_code.value,
                roles: o.roles.iter().map(|r| r.key()).collect(),
                district: o
                    .district
                    .as_ref()
                    .map(|d| site.derived.area_name(&d.value)),
                rating: latest_rating(o),
            }
        })
        .collect();
    let list = org_list(site, &rows)?;
    list::render_titled(site, out, &list, "orgs", "orgs.html")?;
    let page_of = |o: &Sourced<Org>| record_page(RecordKind::Org, &o.record.id.value);
    site.each_in_parallel(out, &site.dataset.orgs, page_of, |out, _, org| {
        let o = &org.record;
        let path = record_page(RecordKind::Org, &o.id.value);
        let mut meta = site.meta(&o.name, &path, "orgs");
        meta.crumbs.push(site.link(&list_path, title));
        meta.history = Some(site.history(&org.file));
        meta.json_ld = Some(script_safe(&structured::organization(site, o)));
        let view = detail(site, o);
        site.page(
            out,
            &path,
            "org.html",
            meta,
            &WithQr::new(site, &path, &view),
        )
    })
}

/// One organization in the list, as `list_row.html` shows it.
#[derive(Serialize)]
struct OrgRow<'a> {
    link: Link<'a>,
    credit_code: &'a str,
    roles: Vec<&'static str>,
    district: Option<&'a str>,
    rating: Option<CreditRating>,
}

/// The context of a list page: the list's view only.
/// An organization's latest credit rating.
fn latest_rating(o: &Org) -> Option<CreditRating> {
    o.credit
        .iter()
        .max_by_key(|c| c.date.value)
        .map(|c| c.rating)
}

/// The organization list: filters on role (an organization has one or more) and
/// district; every column sorts.
fn org_list<'s>(site: &'s Site<'_>, rows: &[OrgRow<'s>]) -> Result<List<'s>, RenderError> {
    let orgs = &site.dataset.orgs[..rows.len()];
    let roles = Choice::named(&site.theme.strings, "role", &Role::ALL.map(Role::key));
    let role_of = |role: Role| Role::ALL.iter().position(|&r| r == role);
    let masks = orgs.iter().map(|o| {
        o.record
            .roles
            .iter()
            .filter_map(|&r| role_of(r))
            .fold(0, |mask, i| mask | (1 << i))
    });
    let districts = Choice::districts(site);
    let district = lookup(&districts);
    let district_codes = orgs
        .iter()
        .map(|o| o.record.district.as_ref().and_then(|d| district(&d.value)));
    let dimensions = vec![
        Dimension::many("role", "role", roles, masks).present_only(),
        Dimension::one("district", "district", districts, district_codes).present_only(),
    ];
    let names: Vec<Option<&str>> = rows.iter().map(|r| Some(r.link.title)).collect();
    let codes: Vec<Option<&str>> = rows.iter().map(|r| Some(r.credit_code)).collect();
    // By the roles in the list's order, as the filter lists them.
    let role_lists: Vec<Option<Vec<usize>>> = orgs
        .iter()
        .map(|o| {
            let mut list: Vec<usize> = o.record.roles.iter().filter_map(|&r| role_of(r)).collect();
            list.sort_unstable();
            (!list.is_empty()).then_some(list)
        })
        .collect();
    let ratings: Vec<Option<CreditRating>> = rows.iter().map(|r| r.rating).collect();
    let columns = vec![
        Column::ranked("name", ["org", "name"], &names, Ord::cmp),
        Column::ranked("credit_code", ["org", "credit_code"], &codes, Ord::cmp),
        Column::ranked("roles", ["org", "roles"], &role_lists, Ord::cmp),
        Column::by_dimension("district", ["org", "district"], 1),
        Column::ranked("rating", ["org", "latest_rating"], &ratings, Ord::cmp),
    ];
    Ok(List {
        kind: RecordKind::Org,
        dimensions,
        columns,
        rows: render_rows(site, RecordKind::Org, rows)?,
    })
}

#[derive(Serialize)]
struct Detail<'a> {
    o: &'a Org,
    roles: Vec<&'static str>,
    district: Option<&'a str>,
    description: String,
    credit: Vec<CreditRow<'a>>,
    products: Vec<ProductRow<'a>>,
    certified: Vec<Link<'a>>,
    projects: Vec<RoleProjects<'a>>,
    inspections: Vec<Dated<'a>>,
    events: Vec<Dated<'a>>,
}

/// One of a manufacturer's products: several may share a name, so the model tells
/// them apart.
#[derive(Serialize)]
struct ProductRow<'a> {
    link: Link<'a>,
    model: &'a str,
    listing: &'static str,
}

#[derive(Serialize)]
struct CreditRow<'a> {
    date: String,
    rating: CreditRating,
    evaluator: Option<Link<'a>>,
    note: &'a str,
}

#[derive(Serialize)]
struct RoleProjects<'a> {
    role: &'static str,
    projects: Vec<Link<'a>>,
}

fn detail<'a>(site: &Site<'a>, o: &'a Org) -> Detail<'a> {
    let d = site.derived;
    let id = o.id.value.as_str();
    let mut ids = PageIds::new();
    // `org_projects` is sorted by role, so equal roles are adjacent.
    let mut projects: Vec<RoleProjects<'a>> = Vec::new();
    for &(role, i) in d.org_projects.get(id).map_or(&[][..], Vec::as_slice) {
        if projects.last().is_none_or(|g| g.role != role.key()) {
            projects.push(RoleProjects {
                role: role.key(),
                projects: Vec::new(),
            });
        }
        if let Some(group) = projects.last_mut() {
            group.projects.push(site.project_link(i));
        }
    }
    Detail {
        o,
        roles: o.roles.iter().map(|r| r.key()).collect(),
        district: o.district.as_ref().map(|x| d.area_name(&x.value)),
        description: site.markdown(&o.description.value, &mut ids),
        credit: o
            .credit
            .iter()
            .rev()
            .map(|c| CreditRow {
                date: date(c.date.value),
                rating: c.rating,
                evaluator: site.org_by_id(&c.evaluator.value),
                note: &c.note,
            })
            .collect(),
        products: d
            .referrers(RecordKind::Org, id, RecordKind::Product, &["manufacturer"])
            .iter()
            .map(|&i| {
                let p = &site.dataset.products[i].record;
                ProductRow {
                    link: site.product_link(i),
                    model: &p.model,
                    listing: p.status.key(),
                }
            })
            .collect(),
        certified: d
            .referrers(
                RecordKind::Org,
                id,
                RecordKind::Product,
                &["certificate.body"],
            )
            .iter()
            .map(|&i| site.product_link(i))
            .collect(),
        projects,
        inspections: d
            .referrers(RecordKind::Org, id, RecordKind::Inspection, &[])
            .iter()
            .map(|&i| site.inspection_row(i))
            .collect(),
        events: d
            .referrers(RecordKind::Org, id, RecordKind::Event, &[])
            .iter()
            .map(|&i| site.event_row(i))
            .collect(),
    }
}
