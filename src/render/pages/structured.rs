//! schema.org descriptions of record pages, as JSON-LD in the page's head, for the
//! kinds schema.org has a fitting type for: a product (`Product`), an organization
//! (`Organization`, its credit code as an identifier), a policy (`Legislation`), an
//! interpretation (`Article` about the policy) and an event (`Event`). Projects and
//! inspections have none (schema.org's `Project` is an organization, not a building
//! project), so their pages carry none. Addresses are absolute, as search engines
//! require.

use serde_json::{Value, json};

use super::Site;
use crate::model::activity::Event;
use crate::model::document::{Interpretation, Policy, PolicyStatus};
use crate::model::kind::RecordKind;
use crate::model::org::Org;
use crate::model::product::Product;
use crate::site_paths::{category_page, record_page};

/// JSON text safe inside `<script>`: `</` would end the element and `<!--` would
/// change how the HTML parser reads the rest, so both lose their `<` to a JSON
/// escape. Only strings can hold a `<`, and there the escapes mean the same.
pub(super) fn script_safe(value: &Value) -> String {
    value
        .to_string()
        .replace("</", "<\\/")
        .replace("<!--", "\\u003c!--")
}

/// A record's description of schema.org `kind`: its context, type, id and address,
/// then `fields`.
fn described(
    site: &Site<'_>,
    schema_type: &str,
    kind: RecordKind,
    id: &str,
    fields: Value,
) -> Value {
    let url = site.record_url(kind, id);
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": schema_type,
        "@id": url,
        "url": url,
    });
    if let (Value::Object(value), Value::Object(fields)) = (&mut value, fields) {
        value.extend(fields);
    }
    value
}

impl Site<'_> {
    /// The absolute address of record `id` of `kind`.
    fn record_url(&self, kind: RecordKind, id: &str) -> String {
        self.base.url(&record_page(kind, id))
    }

    /// An organization named by id, as schema.org refers to one.
    fn org_ref(&self, id: &str) -> Value {
        let name = self
            .derived
            .index_of(RecordKind::Org, id)
            .map(|i| self.dataset.orgs[i].record.name.as_str());
        json!({
            "@type": "Organization",
            "name": name.unwrap_or(id),
            "url": self.record_url(RecordKind::Org, id),
        })
    }
}

/// A catalog product.
pub(super) fn product(site: &Site<'_>, p: &Product) -> Value {
    let category = site
        .derived
        .categories
        .get(p.category.value.as_str())
        .and_then(|&i| {
            site.dataset
                .taxonomy
                .as_ref()
                .map(|t| &t.record.categories[i])
        });
    let mut value = described(
        site,
        "Product",
        RecordKind::Product,
        &p.id.value,
        json!({
            "name": p.name,
            "productID": p.id.value,
            "manufacturer": site.org_ref(&p.manufacturer.value),
        }),
    );
    if !p.model.is_empty() {
        value["model"] = p.model.clone().into();
    }
    if let Some(category) = category {
        value["category"] = json!({
            "@type": "DefinedTerm",
            "name": category.name,
            "url": site.base.url(&category_page(&category.id.value)),
        });
    }
    value
}

/// An organization, its unified social credit code as its identifier.
pub(super) fn organization(site: &Site<'_>, o: &Org) -> Value {
    let mut value = described(
        site,
        "Organization",
        RecordKind::Org,
        &o.id.value,
        json!({
            "name": o.name,
            "identifier": {
                "@type": "PropertyValue",
                "propertyID": "CN-USCI",
                "value": o.credit_code.value,
            },
        }),
    );
    if !o.address.is_empty() {
        value["address"] = o.address.clone().into();
    }
    if let Some(website) = &o.website {
        value["sameAs"] = website.value.clone().into();
    }
    value
}

/// A policy document.
pub(super) fn legislation(site: &Site<'_>, p: &Policy) -> Value {
    let force = match p.status {
        PolicyStatus::InForce => "https://schema.org/InForce",
        _ => "https://schema.org/NotInForce",
    };
    let mut value = described(
        site,
        "Legislation",
        RecordKind::Policy,
        &p.id.value,
        json!({
            "name": p.title,
            "inLanguage": "zh-CN",
            "legislationDate": p.issued.value.to_string(),
            "legislationLegalForce": force,
            "legislationPassedBy": { "@type": "GovernmentOrganization", "name": p.issuer },
        }),
    );
    if let Some(number) = &p.number {
        value["legislationIdentifier"] = number.value.clone().into();
    }
    if let Some(effective) = &p.effective {
        value["legislationDateVersion"] = effective.value.to_string().into();
    }
    value
}

/// An interpretation of a policy.
pub(super) fn article(site: &Site<'_>, i: &Interpretation) -> Value {
    let policy = site
        .derived
        .index_of(RecordKind::Policy, &i.policy.value)
        .map(|index| site.dataset.policies[index].record.meta.title.as_str());
    described(
        site,
        "Article",
        RecordKind::Interpretation,
        &i.id.value,
        json!({
            "headline": i.title,
            "inLanguage": "zh-CN",
            "datePublished": i.date.value.to_string(),
            "author": { "@type": "Organization", "name": i.author },
            "about": {
                "@type": "Legislation",
                "name": policy.unwrap_or(&i.policy.value),
                "url": site.record_url(RecordKind::Policy, &i.policy.value),
            },
        }),
    )
}

/// A supply and demand matching event.
pub(super) fn event(site: &Site<'_>, e: &Event) -> Value {
    described(
        site,
        "Event",
        RecordKind::Event,
        &e.id.value,
        json!({
            "name": e.title,
            "startDate": e.date.value.to_string(),
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": { "@type": "Place", "name": e.place, "address": e.place },
            "organizer": site.org_ref(&e.organizer.value),
        }),
    )
}
