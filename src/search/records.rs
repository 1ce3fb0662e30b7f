//! What each record contributes to search: one [`SearchDoc`] per page worth finding,
//! with its text split by how much a hit in it should count.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::Dataset;

/// One searchable page, independent of the record kind it came from, so that the
/// index builder (and the benchmark's generated data) need not know the model.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchDoc {
    /// Kind key: `project`, `product`, `org`, `policy`, ...
    pub kind: &'static str,
    /// Title shown in results.
    pub title: String,
    /// Clean path of the page without the base path, e.g. `projects/zb-001/`.
    pub path: String,
    /// Codes that lead straight to this page (credit code, certificate number,
    /// project code, document number); also searchable as words of the title.
    pub codes: Vec<String>,
    /// Names of related records and places: a hit here counts less than the title.
    pub related: Vec<String>,
    /// Descriptions, notes and document text: a hit here counts least.
    pub body: Vec<String>,
    /// District or zone id, for the district filter.
    pub district: Option<String>,
    /// Material category id, for the category filter.
    pub category: Option<String>,
    /// Short facts shown under the title (district, category, stage...), already
    /// in the visitor's language.
    pub facts: Vec<String>,
    /// Text the result snippet is cut from.
    pub summary: String,
}

/// Where display names for keys come from: the theme's strings, looked up by a group
/// (`search_kind`, `stage`, `project_type`, `role`, `policy_level`,
/// `inspection_result`) and a key. `None` shows the key itself.
pub type Labels<'a> = dyn Fn(&str, &str) -> Option<String> + 'a;

/// The searchable documents of a dataset, in the dataset's order.
pub fn documents(dataset: &Dataset, labels: &Labels<'_>) -> Vec<SearchDoc> {
    let label = |group: &str, key: &str| labels(group, key).unwrap_or_else(|| key.to_owned());
    let mut areas: HashMap<&str, &str> = HashMap::new();
    if let Some(config) = &dataset.config {
        let c = &config.record;
        areas.extend(
            c.districts
                .iter()
                .map(|d| (d.id.value.as_str(), d.name.as_str())),
        );
        areas.extend(
            c.zones
                .iter()
                .map(|z| (z.id.value.as_str(), z.name.as_str())),
        );
    }
    let categories: HashMap<&str, &str> = dataset
        .taxonomy
        .iter()
        .flat_map(|t| &t.record.categories)
        .map(|c| (c.id.value.as_str(), c.name.as_str()))
        .collect();
    let orgs: HashMap<&str, &str> = dataset
        .orgs
        .iter()
        .map(|o| (o.record.id.value.as_str(), o.record.name.as_str()))
        .collect();
    let org_districts: HashMap<&str, &str> = dataset
        .orgs
        .iter()
        .filter_map(|o| {
            Some((
                o.record.id.value.as_str(),
                o.record.district.as_ref()?.value.as_str(),
            ))
        })
        .collect();
    let products: HashMap<&str, &str> = dataset
        .products
        .iter()
        .map(|p| (p.record.id.value.as_str(), p.record.name.as_str()))
        .collect();
    let policies: HashMap<&str, &str> = dataset
        .policies
        .iter()
        .map(|p| {
            (
                p.record.meta.id.value.as_str(),
                p.record.meta.title.as_str(),
            )
        })
        .collect();
    let name = |map: &HashMap<&str, &str>, id: &str| map.get(id).map(|s| (*s).to_owned());
    let mut docs = Vec::new();

    for p in dataset.projects.iter().map(|p| &p.record) {
        let mut codes = vec![p.code.value.clone()];
        codes.extend(p.procurement_code.iter().map(|c| c.value.clone()));
        codes.extend(p.index_number.iter().cloned());
        codes.extend(p.contract.iter().map(|c| c.code.clone()));
        let stage_docs = p.lifecycle.iter().flat_map(|s| &s.documents);
        codes.extend(stage_docs.clone().filter_map(|d| d.number.clone()));
        let org_ids = [Some(&p.owner), p.agency.as_ref(), p.designer.as_ref()]
            .into_iter()
            .chain([p.supervisor.as_ref(), p.award.as_ref().map(|a| &a.winner)])
            .flatten();
        let mut related: Vec<String> = org_ids.filter_map(|id| name(&orgs, &id.value)).collect();
        related.extend(name(&areas, &p.district.value));
        related.extend(p.zone.iter().filter_map(|z| name(&areas, &z.value)));
        related.push(label("project_type", p.kind.key()));
        related.extend(
            p.materials
                .iter()
                .filter_map(|m| name(&categories, &m.category.value)),
        );
        related.extend(
            p.materials
                .iter()
                .flat_map(|m| &m.product)
                .filter_map(|id| name(&products, &id.value)),
        );
        let mut body = vec![p.description.clone(), p.address.clone()];
        body.extend(stage_docs.map(|d| d.title.clone()));
        body.extend(p.lifecycle.iter().map(|s| s.note.clone()));
        body.extend(p.materials.iter().filter_map(|m| m.description.clone()));
        let stage = p.lifecycle.last().map(|s| s.stage.value.key());
        let mut facts: Vec<String> = name(&areas, &p.district.value).into_iter().collect();
        facts.push(label("project_type", p.kind.key()));
        facts.extend(stage.map(|s| label("stage", s)));
        facts.push(p.code.value.clone());
        docs.push(SearchDoc {
            kind: "project",
            title: p.name.clone(),
            path: format!("projects/{}/", p.id.value),
            codes,
            related,
            summary: plain(&p.description),
            body,
            district: Some(p.district.value.clone()),
            category: None,
            facts,
        });
    }

    for p in dataset.products.iter().map(|p| &p.record) {
        let maker = name(&orgs, &p.manufacturer.value);
        // A product is filed under its manufacturer's district.
        let district = org_districts
            .get(p.manufacturer.value.as_str())
            .map(|d| (*d).to_owned());
        let mut related: Vec<String> = maker.iter().cloned().collect();
        related.extend(name(&categories, &p.category.value));
        related.extend(name(&orgs, &p.certificate.body.value));
        related.extend(p.attributes.iter().cloned());
        let mut body = vec![p.description.clone(), p.model.clone()];
        body.extend(
            p.parameters
                .iter()
                .map(|x| format!("{} {}{}", x.name, x.value, x.unit)),
        );
        let mut facts: Vec<String> = name(&categories, &p.category.value).into_iter().collect();
        facts.extend(maker);
        facts.push(p.certificate.number.value.clone());
        docs.push(SearchDoc {
            kind: "product",
            title: p.name.clone(),
            path: format!("products/{}/", p.id.value),
            codes: vec![p.certificate.number.value.clone()],
            related,
            summary: plain(&p.description),
            body,
            district,
            category: Some(p.category.value.clone()),
            facts,
        });
    }

    for o in dataset.orgs.iter().map(|o| &o.record) {
        let district = o.district.as_ref().map(|d| d.value.clone());
        let mut related: Vec<String> = district.iter().filter_map(|d| name(&areas, d)).collect();
        related.extend(o.roles.iter().map(|r| label("role", r.key())));
        let mut body = vec![o.description.clone(), o.address.clone()];
        body.extend(
            o.commitments
                .iter()
                .map(|c| format!("{} {}", c.title, c.text)),
        );
        let mut facts: Vec<String> = district.iter().filter_map(|d| name(&areas, d)).collect();
        facts.extend(o.roles.first().map(|r| label("role", r.key())));
        facts.push(o.credit_code.value.clone());
        docs.push(SearchDoc {
            kind: "org",
            title: o.name.clone(),
            path: format!("orgs/{}/", o.id.value),
            codes: vec![o.credit_code.value.clone()],
            related,
            summary: plain(&o.description),
            body,
            district,
            category: None,
            facts,
        });
    }

    for p in dataset.policies.iter().map(|p| &p.record) {
        let m = &p.meta;
        let mut facts = vec![label("policy_level", m.level.key())];
        facts.extend(m.number.iter().map(|n| n.value.clone()));
        facts.push(m.issued.value.to_string());
        docs.push(SearchDoc {
            kind: "policy",
            title: m.title.clone(),
            path: format!("policies/{}/", m.id.value),
            codes: m.number.iter().map(|n| n.value.clone()).collect(),
            related: vec![m.issuer.clone()],
            summary: plain(&p.body),
            body: vec![p.body.clone()],
            facts,
            ..SearchDoc::default()
        });
    }

    for i in dataset.interpretations.iter().map(|i| &i.record) {
        let m = &i.meta;
        docs.push(SearchDoc {
            kind: "interpretation",
            title: m.title.clone(),
            path: format!("interpretations/{}/", m.id.value),
            related: name(&policies, &m.policy.value)
                .into_iter()
                .chain([m.author.clone()])
                .collect(),
            summary: plain(&i.body),
            body: vec![i.body.clone()],
            facts: vec![m.author.clone(), m.date.value.to_string()],
            ..SearchDoc::default()
        });
    }

    if let Some(taxonomy) = &dataset.taxonomy {
        for c in &taxonomy.record.categories {
            let group = taxonomy
                .record
                .groups
                .iter()
                .find(|g| g.id.value == c.group.value);
            docs.push(SearchDoc {
                kind: "category",
                title: c.name.clone(),
                path: format!("catalog/{}/", c.id.value),
                related: group.map(|g| g.name.clone()).into_iter().collect(),
                category: Some(c.id.value.clone()),
                facts: group.map(|g| g.name.clone()).into_iter().collect(),
                ..SearchDoc::default()
            });
        }
    }

    for e in dataset.editions.iter().map(|e| &e.record) {
        docs.push(SearchDoc {
            kind: "standard",
            title: e.title.clone(),
            path: format!("standards/{}/", e.id.value),
            related: e
                .categories
                .iter()
                .filter_map(|c| name(&categories, &c.category.value))
                .collect(),
            body: e
                .prohibited
                .iter()
                .map(|p| format!("{} {}", p.name, p.reason))
                .collect(),
            facts: vec![e.effective_from.value.to_string()],
            ..SearchDoc::default()
        });
    }

    for i in dataset.inspections.iter().map(|i| &i.record) {
        let mut related: Vec<String> = i
            .orgs
            .iter()
            .chain([&i.inspector])
            .filter_map(|id| name(&orgs, &id.value))
            .collect();
        related.extend(
            i.products
                .iter()
                .filter_map(|id| name(&products, &id.value)),
        );
        docs.push(SearchDoc {
            kind: "inspection",
            title: i.title.clone(),
            path: format!("inspections/{}/", i.id.value),
            related,
            summary: plain(&i.findings),
            body: vec![i.findings.clone()],
            facts: vec![
                label("inspection_result", i.result.key()),
                i.date.value.to_string(),
            ],
            ..SearchDoc::default()
        });
    }

    for e in dataset.events.iter().map(|e| &e.record) {
        let mut related: Vec<String> = e
            .participants
            .iter()
            .chain([&e.organizer])
            .filter_map(|id| name(&orgs, &id.value))
            .collect();
        related.extend(
            e.categories
                .iter()
                .filter_map(|id| name(&categories, &id.value)),
        );
        docs.push(SearchDoc {
            kind: "event",
            title: e.title.clone(),
            path: format!("events/{}/", e.id.value),
            related,
            summary: plain(&e.outcome),
            body: vec![e.outcome.clone(), e.place.clone()],
            facts: vec![e.place.clone(), e.date.value.to_string()],
            ..SearchDoc::default()
        });
    }

    for p in dataset.pages.iter().map(|p| &p.record) {
        docs.push(SearchDoc {
            kind: "page",
            title: p.meta.title.clone(),
            path: format!("{}/", p.meta.id.value),
            summary: plain(&p.body),
            body: vec![p.body.clone()],
            ..SearchDoc::default()
        });
    }
    docs
}

/// Markdown reduced to its words for a snippet: markup characters and link targets
/// dropped, white space collapsed. Exactness does not matter; readability does.
fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i]);
        rest = &rest[i + 2..];
        rest = rest.find(')').map_or("", |j| &rest[j + 1..]);
    }
    out.push_str(rest);
    let cleaned: String = out
        .chars()
        .map(|c| if "#*>`|_[]".contains(c) { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_drops_markup_and_link_targets() {
        assert_eq!(
            plain("## 标题\n\n见[通知](https://example.org/a)和**附件**。"),
            "标题 见 通知和 附件 。"
        );
    }
}
