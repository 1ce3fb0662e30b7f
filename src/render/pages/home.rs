//! The home page: what the pilot is, key figures, latest changes, entry points.

use serde::Serialize;

use super::date;
use crate::derive::ChangeKind;
use crate::model::Money;
use crate::render::markdown::PageIds;
use crate::render::{Counting, Link, RenderError, Site, money};

#[derive(Serialize)]
struct Home<'a> {
    intro: String,
    figures: Vec<Figure>,
    changes: Vec<ChangeRow<'a>>,
}

/// A key figure; its label is `t.figures[key]`.
#[derive(Serialize)]
struct Figure {
    key: &'static str,
    value: String,
    /// Strings key of the unit, if any.
    unit: Option<&'static str>,
    /// The exact amount in 元 of a figure of money.
    exact: Option<String>,
}

#[derive(Serialize)]
struct ChangeRow<'a> {
    date: String,
    /// What happened: a key of `t.change`.
    kind: &'static str,
    /// The stage reached, for project changes.
    stage: Option<&'static str>,
    link: Link<'a>,
}

pub(super) fn render(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    let Some(gathered) = out.gathered.filter(|_| out.wants("")) else {
        return Ok(());
    };
    let dataset = site.dataset;
    let derived = site.derived;
    let mut ids = PageIds::new();
    let intro = dataset
        .config
        .as_ref()
        .map(|c| site.markdown(&c.record.intro.value, &mut ids))
        .unwrap_or_default();
    let contracted: Money = dataset
        .projects
        .iter()
        .filter_map(|p| p.record.contract.as_ref().map(|c| c.amount))
        .sum();
    let valid = (0..dataset.products.len())
        .filter(|&i| derived.product_in_force(dataset, i))
        .count();
    let count = |key, n: usize, unit| Figure {
        key,
        value: n.to_string(),
        unit: Some(unit),
        exact: None,
    };
    let contracted = money(contracted);
    let figures = vec![
        count("projects", dataset.projects.len(), "items"),
        Figure {
            key: "contracted",
            value: contracted.short,
            unit: Some(contracted.unit),
            exact: Some(contracted.exact),
        },
        count("products", dataset.products.len(), "items"),
        count("valid_certificates", valid, "items"),
        count("orgs", dataset.orgs.len(), "orgs"),
        count("policies", dataset.policies.len(), "documents"),
    ];
    let changes = gathered
        .aggregates
        .latest_changes
        .iter()
        .map(|c| {
            let (kind, stage, link) = match c.what {
                ChangeKind::Stage(i, stage) => ("stage", Some(stage.key()), site.project_link(i)),
                ChangeKind::Record(kind, i) => (kind.key(), None, site.record_link(kind, i)),
            };
            ChangeRow {
                date: date(c.date),
                kind,
                stage,
                link,
            }
        })
        .collect();
    let home = Home {
        intro,
        figures,
        changes,
    };
    let title = dataset
        .config
        .as_ref()
        .map_or("", |c| c.record.title.as_str());
    site.page(out, "", "home.html", site.meta(title, "", "home"), &home)
}
