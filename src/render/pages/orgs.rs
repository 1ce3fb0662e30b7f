//! Organizations: the list by role, and one page per organization with its credit
//! record, products, projects in each role, inspections and events ("one code to
//! look everything up").

use serde::Serialize;

use super::{Dated, WithQr, date};
use crate::model::kind::RecordKind;
use crate::model::org::{CreditRating, Role};
use crate::model::{Org, Sourced};
use crate::render::markdown::PageIds;
use crate::render::{Counting, Link, RenderError, Site};
use crate::site_paths::record_page;

/// Roles in the order the list shows them.
const ROLES: [Role; 10] = [
    Role::Owner,
    Role::Agency,
    Role::Designer,
    Role::Contractor,
    Role::Supervisor,
    Role::Manufacturer,
    Role::Certifier,
    Role::Lender,
    Role::Evaluator,
    Role::Regulator,
];

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
                rating: o
                    .credit
                    .iter()
                    .max_by_key(|c| c.date.value)
                    .map(|c| c.rating),
            }
        })
        .collect();
    let by_role = ROLES
        .iter()
        .map(|&role| RoleGroup {
            role: role.key(),
            orgs: rows
                .iter()
                .filter(|r| r.roles.contains(&role.key()))
                .map(|r| r.link.clone())
                .collect(),
        })
        .filter(|g| !g.orgs.is_empty())
        .collect();
    let list = List {
        rows: &rows,
        by_role,
    };
    site.page(
        out,
        &list_path,
        "orgs.html",
        site.meta(title, &list_path, "orgs"),
        &list,
    )?;
    let page_of = |o: &Sourced<Org>| record_page(RecordKind::Org, &o.record.id.value);
    site.each_in_parallel(out, &site.dataset.orgs, page_of, |out, _, org| {
        let o = &org.record;
        let path = record_page(RecordKind::Org, &o.id.value);
        let mut meta = site.meta(&o.name, &path, "orgs");
        meta.crumbs.push(site.link(&list_path, title));
        meta.history = Some(site.history(&org.file));
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

#[derive(Serialize)]
struct OrgRow<'a> {
    link: Link<'a>,
    credit_code: &'a str,
    roles: Vec<&'static str>,
    district: Option<&'a str>,
    rating: Option<CreditRating>,
}

#[derive(Serialize)]
struct RoleGroup<'a> {
    role: &'static str,
    orgs: Vec<Link<'a>>,
}

#[derive(Serialize)]
struct List<'a, 'r> {
    rows: &'r [OrgRow<'a>],
    by_role: Vec<RoleGroup<'a>>,
}

#[derive(Serialize)]
struct Detail<'a> {
    o: &'a Org,
    roles: Vec<&'static str>,
    district: Option<&'a str>,
    description: String,
    credit: Vec<CreditRow<'a>>,
    products: Vec<Link<'a>>,
    certified: Vec<Link<'a>>,
    projects: Vec<RoleProjects<'a>>,
    inspections: Vec<Dated<'a>>,
    events: Vec<Dated<'a>>,
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
        description: site.markdown(&o.description, &mut ids),
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
            .map(|&i| site.product_link(i))
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
