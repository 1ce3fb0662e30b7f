//! Supervision and matchmaking: inspections and supply-demand events, each with a
//! list newest first and a page per record.

use serde::Serialize;

use super::structured::{self, script_safe};
use super::{Dated, date};
use crate::model::kind::RecordKind;
use crate::model::{Event, Inspection};
use crate::render::markdown::PageIds;
use crate::render::{Counting, Link, RenderError, Site};
use crate::site_paths::record_page;

pub(super) fn render(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    inspections(site, out)?;
    events(site, out)
}

#[derive(Serialize)]
struct List<'a> {
    rows: Vec<Dated<'a>>,
}

#[derive(Serialize)]
struct InspectionView<'a> {
    r: &'a Inspection,
    date: String,
    inspector: Option<Link<'a>>,
    kind: &'static str,
    result: &'static str,
    products: Vec<Link<'a>>,
    orgs: Vec<Link<'a>>,
    projects: Vec<Link<'a>>,
    findings: String,
}

fn inspections(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    let (list_path, title) = site.list_page(RecordKind::Inspection);
    let records = &site.dataset.inspections;
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(records[i].record.date.value));
    let listed = out.listed(&list_path, order.len());
    let list = List {
        rows: order[..listed]
            .iter()
            .map(|&i| site.inspection_row(i))
            .collect(),
    };
    let path = list_path.as_str();
    site.page(
        out,
        path,
        "inspections.html",
        site.meta(title, path, "inspections"),
        &list,
    )?;
    for record in records {
        let r = &record.record;
        let page = record_page(RecordKind::Inspection, &r.id.value);
        if !out.wants(&page) {
            continue;
        }
        let mut ids = PageIds::new();
        let view = InspectionView {
            r,
            date: date(r.date.value),
            inspector: site.org_by_id(&r.inspector.value),
            kind: r.kind.key(),
            result: r.result.key(),
            products: site.links(r.products.iter().map(|s| &s.value), Site::product_by_id),
            orgs: site.links(r.orgs.iter().map(|s| &s.value), Site::org_by_id),
            projects: site.links(r.projects.iter().map(|s| &s.value), Site::project_by_id),
            findings: site.markdown(&r.findings.value, &mut ids),
        };
        let mut meta = site.meta(&r.title, &page, "inspections");
        meta.crumbs.push(site.link(path, title));
        meta.history = Some(site.history(&record.file));
        site.page(out, &page, "inspection.html", meta, &view)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct EventView<'a> {
    r: &'a Event,
    date: String,
    organizer: Option<Link<'a>>,
    participants: Vec<Link<'a>>,
    categories: Vec<Link<'a>>,
    outcome: String,
}

fn events(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    let (list_path, title) = site.list_page(RecordKind::Event);
    let records = &site.dataset.events;
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(records[i].record.date.value));
    let listed = out.listed(&list_path, order.len());
    let list = List {
        rows: order[..listed].iter().map(|&i| site.event_row(i)).collect(),
    };
    let path = list_path.as_str();
    site.page(
        out,
        path,
        "events.html",
        site.meta(title, path, "events"),
        &list,
    )?;
    for record in records {
        let r = &record.record;
        let page = record_page(RecordKind::Event, &r.id.value);
        if !out.wants(&page) {
            continue;
        }
        let mut ids = PageIds::new();
        let view = EventView {
            r,
            date: date(r.date.value),
            organizer: site.org_by_id(&r.organizer.value),
            participants: site.links(r.participants.iter().map(|s| &s.value), Site::org_by_id),
            categories: site.links(r.categories.iter().map(|s| &s.value), Site::category_by_id),
            outcome: site.markdown(&r.outcome.value, &mut ids),
        };
        let mut meta = site.meta(&r.title, &page, "events");
        meta.crumbs.push(site.link(path, title));
        meta.history = Some(site.history(&record.file));
        meta.json_ld = Some(script_safe(&structured::event(site, r)));
        site.page(out, &page, "event.html", meta, &view)?;
    }
    Ok(())
}
