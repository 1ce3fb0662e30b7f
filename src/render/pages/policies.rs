//! Policies and their interpretations: a list filterable by level, status and year
//! (one pre-rendered page per value), a page per policy with its metadata block and
//! text, and a page per interpretation.

use std::collections::BTreeMap;

use serde::Serialize;

use super::structured::{self, script_safe};
use super::{Dated, date};
use crate::model::document::{Interpretation, Policy, PolicyLevel, PolicyStatus};
use crate::model::kind::RecordKind;
use crate::model::{Markdown, Sourced};
use crate::render::markdown::PageIds;
use crate::render::{Counting, Link, RenderError, Site};
use crate::site_paths::{filtered_list_page, record_page};

pub(super) fn render(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    let (list_path, title) = site.list_page(RecordKind::Policy);
    let mut order: Vec<usize> = (0..site.dataset.policies.len()).collect();
    // Newest first; the id breaks ties.
    order.sort_by(|&a, &b| {
        let (a, b) = (
            &site.dataset.policies[a].record.meta,
            &site.dataset.policies[b].record.meta,
        );
        b.issued
            .value
            .cmp(&a.issued.value)
            .then(a.id.value.cmp(&b.id.value))
    });
    let listed = out.listed(&list_path, order.len());
    let rows: Vec<Row<'_>> = order[..listed]
        .iter()
        .map(|&i| {
            let p = &site.dataset.policies[i].record.meta;
            Row {
                link: site.link(&record_page(RecordKind::Policy, &p.id.value), &p.title),
                number: p.number.as_ref().map(|n| n.value.as_str()),
                issuer: &p.issuer,
                level: p.level.key(),
                status: p.status.key(),
                year: p.issued.value.year().to_string(),
                issued: date(p.issued.value),
            }
        })
        .collect();
    let filters = filters(site, &rows);
    let list = List {
        filters: &filters,
        filter: None,
        rows: rows.iter().collect(),
    };
    site.page(
        out,
        &list_path,
        "policies.html",
        site.meta(title, &list_path, "policies"),
        &list,
    )?;
    for group in &filters {
        for option in &group.options {
            let path = filtered_list_page(RecordKind::Policy, group.dimension, &option.value);
            let list = List {
                filters: &filters,
                filter: Some(Current {
                    dimension: group.dimension,
                    value: &option.value,
                }),
                rows: rows
                    .iter()
                    .filter(|r| r.value(group.dimension) == option.value)
                    .collect(),
            };
            let mut meta = site.meta(title, &path, "policies");
            meta.crumbs.push(site.link(&list_path, title));
            site.page(out, &path, "policies.html", meta, &list)?;
        }
    }
    let page_of =
        |p: &Sourced<Markdown<Policy>>| record_page(RecordKind::Policy, &p.record.meta.id.value);
    site.each_in_parallel(out, &site.dataset.policies, page_of, |out, _, policy| {
        let p = &policy.record.meta;
        let path = page_of(policy);
        let mut meta = site.meta(&p.title, &path, "policies");
        meta.crumbs.push(site.link(&list_path, title));
        meta.history = Some(site.history(&policy.file));
        meta.json_ld = Some(script_safe(&structured::legislation(site, p)));
        site.page(
            out,
            &path,
            "policy.html",
            meta,
            &detail(site, p, &policy.record.body),
        )
    })?;
    interpretations(site, out)
}

#[derive(Serialize)]
struct Row<'a> {
    link: Link<'a>,
    number: Option<&'a str>,
    issuer: &'a str,
    level: &'static str,
    status: &'static str,
    year: String,
    issued: String,
}

impl Row<'_> {
    fn value(&self, dimension: &str) -> &str {
        match dimension {
            "level" => self.level,
            "status" => self.status,
            _ => &self.year,
        }
    }
}

#[derive(Serialize)]
struct List<'a, 'r> {
    filters: &'r [Filter],
    filter: Option<Current<'r>>,
    rows: Vec<&'r Row<'a>>,
}

#[derive(Serialize)]
struct Current<'r> {
    dimension: &'static str,
    value: &'r str,
}

#[derive(Serialize)]
struct Filter {
    dimension: &'static str,
    options: Vec<FilterOption>,
}

#[derive(Serialize)]
struct FilterOption {
    value: String,
    href: String,
    count: usize,
}

fn filters(site: &Site<'_>, rows: &[Row<'_>]) -> Vec<Filter> {
    let levels = [
        PolicyLevel::National,
        PolicyLevel::Provincial,
        PolicyLevel::Municipal,
    ]
    .map(|l| l.key().to_owned());
    let statuses = [
        PolicyStatus::InForce,
        PolicyStatus::Amended,
        PolicyStatus::Repealed,
    ]
    .map(|s| s.key().to_owned());
    let mut years: Vec<String> = rows.iter().map(|r| r.year.clone()).collect();
    years.sort_by(|a, b| b.cmp(a));
    years.dedup();
    [
        ("level", levels.to_vec()),
        ("status", statuses.to_vec()),
        ("year", years),
    ]
    .into_iter()
    .map(|(dimension, values)| {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for r in rows {
            *counts.entry(r.value(dimension)).or_default() += 1;
        }
        let options = values
            .into_iter()
            .filter_map(|value| {
                let count = *counts.get(value.as_str())?;
                Some(FilterOption {
                    href: site.base.href(&filtered_list_page(
                        RecordKind::Policy,
                        dimension,
                        &value,
                    )),
                    value,
                    count,
                })
            })
            .collect();
        Filter { dimension, options }
    })
    .collect()
}

#[derive(Serialize)]
struct Detail<'a> {
    p: &'a Policy,
    level: &'static str,
    status: &'static str,
    issued: String,
    effective: Option<String>,
    body: String,
    supersedes: Vec<Link<'a>>,
    superseded_by: Vec<Link<'a>>,
    editions: Vec<Link<'a>>,
    interpretations: Vec<Dated<'a>>,
}

fn detail<'a>(site: &Site<'a>, p: &'a Policy, body: &str) -> Detail<'a> {
    let d = site.derived;
    let id = p.id.value.as_str();
    let mut ids = PageIds::new();
    Detail {
        p,
        level: p.level.key(),
        status: p.status.key(),
        issued: date(p.issued.value),
        effective: p.effective.as_ref().map(|e| date(e.value)),
        body: site.markdown(body, &mut ids),
        supersedes: site.links(p.supersedes.iter().map(|s| &s.value), Site::policy_by_id),
        superseded_by: d
            .referrers(RecordKind::Policy, id, RecordKind::Policy, &[])
            .iter()
            .filter_map(|&i| site.policy_by_id(&site.dataset.policies[i].record.meta.id.value))
            .collect(),
        editions: d
            .referrers(RecordKind::Policy, id, RecordKind::Edition, &[])
            .iter()
            .map(|&i| site.edition_link(i))
            .collect(),
        interpretations: d
            .referrers(RecordKind::Policy, id, RecordKind::Interpretation, &[])
            .iter()
            .map(|&i| site.interpretation_row(i))
            .collect(),
    }
}

#[derive(Serialize)]
struct Interpretations<'a> {
    rows: Vec<InterpretationRow<'a>>,
}

#[derive(Serialize)]
struct InterpretationRow<'a> {
    row: Dated<'a>,
    author: &'a str,
    policy: Option<Link<'a>>,
}

#[derive(Serialize)]
struct InterpretationView<'a> {
    i: &'a Interpretation,
    date: String,
    policy: Option<Link<'a>>,
    body: String,
}

fn interpretations(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    let (list_path, title) = site.list_page(RecordKind::Interpretation);
    let mut order: Vec<usize> = (0..site.dataset.interpretations.len()).collect();
    order.sort_by_key(|&i| {
        std::cmp::Reverse(site.dataset.interpretations[i].record.meta.date.value)
    });
    let listed = out.listed(&list_path, order.len());
    let list = Interpretations {
        rows: order[..listed]
            .iter()
            .map(|&i| {
                let m = &site.dataset.interpretations[i].record.meta;
                InterpretationRow {
                    row: site.interpretation_row(i),
                    author: &m.author,
                    policy: site.policy_by_id(&m.policy.value),
                }
            })
            .collect(),
    };
    let path = list_path.as_str();
    site.page(
        out,
        path,
        "interpretations.html",
        site.meta(title, path, "policies"),
        &list,
    )?;
    let page_of = |d: &Sourced<Markdown<Interpretation>>| {
        record_page(RecordKind::Interpretation, &d.record.meta.id.value)
    };
    site.each_in_parallel(
        out,
        &site.dataset.interpretations,
        page_of,
        |out, _, doc| {
            let m = &doc.record.meta;
            let page = page_of(doc);
            let mut ids = PageIds::new();
            let view = InterpretationView {
                i: m,
                date: date(m.date.value),
                policy: site.policy_by_id(&m.policy.value),
                body: site.markdown(&doc.record.body, &mut ids),
            };
            let mut meta = site.meta(&m.title, &page, "policies");
            meta.crumbs.push(site.link(path, title));
            meta.history = Some(site.history(&doc.file));
            meta.json_ld = Some(script_safe(&structured::article(site, m)));
            site.page(out, &page, "interpretation.html", meta, &view)
        },
    )
}

impl<'a> Site<'a> {
    fn interpretation_row(&self, i: usize) -> Dated<'a> {
        let r = &self.dataset.interpretations[i].record.meta;
        Dated {
            date: r.date.value.to_string(),
            link: self.record_link(RecordKind::Interpretation, i),
            key: None,
        }
    }
}
