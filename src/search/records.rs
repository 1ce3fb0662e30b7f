//! What each record contributes to search: one [`SearchDoc`] per page worth finding,
//! with its text split by how much a hit in it should count.

use serde::Serialize;

use crate::derive::Derived;
use crate::model::kind::{Format, KINDS, RecordKind};
use crate::model::{
    Dataset, Edition, Event, Inspection, Interpretation, Markdown, Org, Page, Policy, Product,
    Project, Taxonomy,
};
use crate::site_paths::{category_page, record_page};

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
    /// The result's snippet, cut to a length by kind.
    pub summary: String,
}

/// Where display names for keys come from: the theme's strings, looked up by a group
/// (`search_kind`, `stage`, `project_type`, `role`, `policy_level`,
/// `inspection_result`) and a key.
pub type Labels<'a> = dyn Fn(&str, &str) -> String + 'a;

/// The searchable documents of a dataset, in the dataset's order.
pub fn documents(dataset: &Dataset, derived: &Derived, labels: &Labels<'_>) -> Vec<SearchDoc> {
    let names = Names {
        labels,
        dataset,
        derived,
    };
    let mut docs = Vec::with_capacity(dataset.record_count());
    docs.extend(dataset.projects.iter().map(|p| names.project(&p.record)));
    docs.extend(dataset.products.iter().map(|p| names.product(&p.record)));
    docs.extend(dataset.orgs.iter().map(|o| names.org(&o.record)));
    docs.extend(dataset.policies.iter().map(|p| names.policy(&p.record)));
    let interpretations = dataset.interpretations.iter();
    docs.extend(interpretations.map(|i| names.interpretation(&i.record)));
    if let Some(taxonomy) = &dataset.taxonomy {
        docs.extend(categories(&taxonomy.record));
    }
    docs.extend(dataset.editions.iter().map(|e| names.edition(&e.record)));
    docs.extend(
        dataset
            .inspections
            .iter()
            .map(|i| names.inspection(&i.record)),
    );
    docs.extend(dataset.events.iter().map(|e| names.event(&e.record)));
    docs.extend(dataset.pages.iter().map(|p| page(&p.record)));
    for doc in &mut docs {
        cut_summary(doc);
    }
    docs
}

/// Snippet kept for a record, in characters.
const SUMMARY_CHARS: usize = 160;
/// Snippet kept for a document (policy, interpretation, page), in characters: a
/// document's hit is often far into its text.
const DOCUMENT_SUMMARY_CHARS: usize = 1000;

/// Cuts the summary to what the result list shows, with an ellipsis when cut.
fn cut_summary(doc: &mut SearchDoc) {
    let document = KINDS
        .iter()
        .any(|info| info.key == doc.kind && info.format == Format::Markdown);
    let limit = if document {
        DOCUMENT_SUMMARY_CHARS
    } else {
        SUMMARY_CHARS
    };
    if let Some((end, _)) = doc.summary.char_indices().nth(limit) {
        doc.summary.truncate(end);
        doc.summary.push('…');
    }
}

impl SearchDoc {
    /// The document of the record `id` of `kind`, titled `title`, on the record's page.
    fn of(kind: RecordKind, id: &str, title: &str) -> SearchDoc {
        SearchDoc {
            kind: kind.key(),
            title: title.to_owned(),
            path: record_page(kind, id),
            ..SearchDoc::default()
        }
    }
}

/// The names records refer to by id, looked up through derive's id maps, and the
/// labels of keys: what a document says in words where its record has ids and keys.
struct Names<'a> {
    labels: &'a Labels<'a>,
    dataset: &'a Dataset,
    derived: &'a Derived<'a>,
}

impl<'a> Names<'a> {
    /// The name or title of the record `id` of `kind`, when it exists.
    fn record(&self, kind: RecordKind, id: &str) -> Option<String> {
        let i = self.derived.index_of(kind, id)?;
        Some(self.dataset.record(kind, i).title.to_owned())
    }

    /// The name of the material category `id`, when it exists.
    fn category(&self, id: &str) -> Option<String> {
        let i = *self.derived.categories.get(id)?;
        let taxonomy = &self.dataset.taxonomy.as_ref()?.record;
        Some(taxonomy.categories[i].name.clone())
    }

    /// The name of the district or zone `id`, when it exists.
    fn area(&self, id: &str) -> Option<String> {
        self.derived.areas.get(id).map(|name| (*name).to_owned())
    }

    /// The district of the organization `id`, when it names one.
    fn org_district(&self, id: &str) -> Option<String> {
        let i = self.derived.index_of(RecordKind::Org, id)?;
        let district = self.dataset.orgs[i].record.district.as_ref()?;
        Some(district.value.clone())
    }

    /// The display name of `key` in the strings group `group`.
    fn label(&self, group: &str, key: &str) -> String {
        (self.labels)(group, key)
    }

    fn project(&self, p: &Project) -> SearchDoc {
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
        let mut related: Vec<String> = org_ids
            .filter_map(|id| self.record(RecordKind::Org, &id.value))
            .collect();
        related.extend(self.area(&p.district.value));
        related.extend(p.zone.iter().filter_map(|z| self.area(&z.value)));
        related.push(self.label("project_type", p.kind.key()));
        related.extend(
            p.materials
                .iter()
                .filter_map(|m| self.category(&m.category.value)),
        );
        related.extend(
            p.materials
                .iter()
                .flat_map(|m| &m.product)
                .filter_map(|id| self.record(RecordKind::Product, &id.value)),
        );
        let mut body = vec![p.description.value.clone(), p.address.clone()];
        body.extend(stage_docs.map(|d| d.title.clone()));
        body.extend(p.lifecycle.iter().map(|s| s.note.clone()));
        body.extend(p.materials.iter().filter_map(|m| m.description.clone()));
        let stage = p.lifecycle.last().map(|s| s.stage.value.key());
        let mut facts: Vec<String> = self.area(&p.district.value).into_iter().collect();
        facts.push(self.label("project_type", p.kind.key()));
        facts.extend(stage.map(|s| self.label("stage", s)));
        facts.push(p.code.value.clone());
        SearchDoc {
            codes,
            related,
            summary: plain(&p.description.value),
            body,
            district: Some(p.district.value.clone()),
            facts,
            ..SearchDoc::of(RecordKind::Project, &p.id.value, &p.name)
        }
    }

    fn product(&self, p: &Product) -> SearchDoc {
        let maker = self.record(RecordKind::Org, &p.manufacturer.value);
        // A product is filed under its manufacturer's district.
        let district = self.org_district(&p.manufacturer.value);
        let mut related: Vec<String> = maker.iter().cloned().collect();
        related.extend(self.category(&p.category.value));
        related.extend(self.record(RecordKind::Org, &p.certificate.body.value));
        related.extend(p.attributes.iter().cloned());
        let mut body = vec![p.description.value.clone(), p.model.clone()];
        body.extend(
            p.parameters
                .iter()
                .map(|x| format!("{} {}{}", x.name, x.value, x.unit)),
        );
        let mut facts: Vec<String> = self.category(&p.category.value).into_iter().collect();
        facts.extend(maker);
        facts.push(p.certificate.number.value.clone());
        SearchDoc {
            codes: vec![p.certificate.number.value.clone()],
            related,
            summary: plain(&p.description.value),
            body,
            district,
            category: Some(p.category.value.clone()),
            facts,
            ..SearchDoc::of(RecordKind::Product, &p.id.value, &p.name)
        }
    }

    fn org(&self, o: &Org) -> SearchDoc {
        let district = o.district.as_ref().map(|d| d.value.clone());
        let area = district.iter().filter_map(|d| self.area(d));
        let mut related: Vec<String> = area.clone().collect();
        related.extend(o.roles.iter().map(|r| self.label("role", r.key())));
        let mut body = vec![o.description.value.clone(), o.address.clone()];
        body.extend(
            o.commitments
                .iter()
                .map(|c| format!("{} {}", c.title, c.text)),
        );
        let mut facts: Vec<String> = area.collect();
        facts.extend(o.roles.first().map(|r| self.label("role", r.key())));
        facts.push(o.credit_code.value.clone());
        SearchDoc {
            codes: vec![o.credit_code.value.clone()],
            related,
            summary: plain(&o.description.value),
            body,
            district,
            facts,
            ..SearchDoc::of(RecordKind::Org, &o.id.value, &o.name)
        }
    }

    fn policy(&self, p: &Markdown<Policy>) -> SearchDoc {
        let m = &p.meta;
        let mut facts = vec![self.label("policy_level", m.level.key())];
        facts.extend(m.number.iter().map(|n| n.value.clone()));
        facts.push(m.issued.value.to_string());
        SearchDoc {
            codes: m.number.iter().map(|n| n.value.clone()).collect(),
            related: vec![m.issuer.clone()],
            summary: plain(&p.body),
            body: vec![p.body.clone()],
            facts,
            ..SearchDoc::of(RecordKind::Policy, &m.id.value, &m.title)
        }
    }

    fn interpretation(&self, i: &Markdown<Interpretation>) -> SearchDoc {
        let m = &i.meta;
        SearchDoc {
            related: self
                .record(RecordKind::Policy, &m.policy.value)
                .into_iter()
                .chain([m.author.clone()])
                .collect(),
            summary: plain(&i.body),
            body: vec![i.body.clone()],
            facts: vec![m.author.clone(), m.date.value.to_string()],
            ..SearchDoc::of(RecordKind::Interpretation, &m.id.value, &m.title)
        }
    }

    fn edition(&self, e: &Edition) -> SearchDoc {
        SearchDoc {
            related: e
                .categories
                .iter()
                .filter_map(|c| self.category(&c.category.value))
                .collect(),
            body: e
                .prohibited
                .iter()
                .map(|p| format!("{} {}", p.name, p.reason))
                .collect(),
            facts: vec![e.effective_from.value.to_string()],
            ..SearchDoc::of(RecordKind::Edition, &e.id.value, &e.title)
        }
    }

    fn inspection(&self, i: &Inspection) -> SearchDoc {
        let mut related: Vec<String> = i
            .orgs
            .iter()
            .chain([&i.inspector])
            .filter_map(|id| self.record(RecordKind::Org, &id.value))
            .collect();
        related.extend(
            i.products
                .iter()
                .filter_map(|id| self.record(RecordKind::Product, &id.value)),
        );
        SearchDoc {
            related,
            summary: plain(&i.findings.value),
            body: vec![i.findings.value.clone()],
            facts: vec![
                self.label("inspection_result", i.result.key()),
                i.date.value.to_string(),
            ],
            ..SearchDoc::of(RecordKind::Inspection, &i.id.value, &i.title)
        }
    }

    fn event(&self, e: &Event) -> SearchDoc {
        let mut related: Vec<String> = e
            .participants
            .iter()
            .chain([&e.organizer])
            .filter_map(|id| self.record(RecordKind::Org, &id.value))
            .collect();
        related.extend(
            e.categories
                .iter()
                .filter_map(|id| self.category(&id.value)),
        );
        SearchDoc {
            related,
            summary: plain(&e.outcome.value),
            body: vec![e.outcome.value.clone(), e.place.clone()],
            facts: vec![e.place.clone(), e.date.value.to_string()],
            ..SearchDoc::of(RecordKind::Event, &e.id.value, &e.title)
        }
    }
}

/// The documents of the material categories, one per category page.
fn categories(taxonomy: &Taxonomy) -> impl Iterator<Item = SearchDoc> + '_ {
    taxonomy.categories.iter().map(|c| {
        let group = taxonomy.groups.iter().find(|g| g.id.value == c.group.value);
        SearchDoc {
            kind: "category",
            title: c.name.clone(),
            path: category_page(&c.id.value),
            related: group.map(|g| g.name.clone()).into_iter().collect(),
            category: Some(c.id.value.clone()),
            facts: group.map(|g| g.name.clone()).into_iter().collect(),
            ..SearchDoc::default()
        }
    })
}

/// The document of a content page.
fn page(p: &Markdown<Page>) -> SearchDoc {
    SearchDoc {
        summary: plain(&p.body),
        body: vec![p.body.clone()],
        ..SearchDoc::of(RecordKind::Page, &p.meta.id.value, &p.meta.title)
    }
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
