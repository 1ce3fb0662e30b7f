//! The data portal: `/data/` lists every dataset and the whole-site bundles with their
//! downloads; `/data/<name>/` describes one dataset (field dictionary, license, record
//! count, last change, downloads) and carries schema.org `Dataset` JSON-LD, so that
//! dataset search engines find the data the way harvesters find `data.json`.
//!
//! Counts, dates and sizes come from the export stage's [`Inventory`]: the page shows
//! what the file behind its link holds.
//!
//! [`Inventory`]: crate::export::Inventory

use serde::Serialize;
use serde_json::{Value, json};

use super::structured::script_safe;
use crate::export::Inventory;
use crate::export::inventory::{
    BundleEntry, DatasetEntry, Download, POLICY_PATH, PORTAL_PATH, dataset_page_path,
};
use crate::export::tables::{FieldDef, definitions};
use crate::render::format::file_size;
use crate::render::{Counting, Link, RenderError, Site, theme};

/// Navigation section of the portal's pages.
const SECTION: &str = "data";

#[derive(Serialize)]
struct Index<'a> {
    datasets: Vec<Summary<'a>>,
    bundles: Vec<BundleView<'a>>,
    /// `data/dcat.jsonld`, the machine-readable catalog of the same datasets (W3C
    /// DCAT 3, with sizes and checksums).
    catalog: String,
    /// `data.json`, the same in Project Open Data's field names for harvesters.
    harvest: String,
    /// The publication policy page.
    policy: String,
    as_of: String,
}

/// What the index and a dataset's own page both show of a dataset.
#[derive(Serialize)]
struct Summary<'a> {
    name: &'a str,
    link: Link<'a>,
    description: &'a str,
    records: usize,
    modified: String,
    downloads: Vec<DownloadView<'a>>,
}

#[derive(Serialize)]
struct BundleView<'a> {
    /// Anchor on the index page; `data.json` names it as the landing page.
    name: &'a str,
    /// The bundle on the index page.
    href: String,
    title: &'a str,
    description: &'a str,
    downloads: Vec<DownloadView<'a>>,
}

#[derive(Serialize)]
struct DownloadView<'a> {
    href: String,
    format: &'a str,
    file: &'a str,
    /// Size with its unit, e.g. `95.4 MB`.
    size: String,
}

#[derive(Serialize)]
struct DatasetView<'a> {
    summary: Summary<'a>,
    primary_key: &'a [String],
    fields: Vec<FieldView<'a>>,
    /// Whether the dictionary needs its "required" column.
    any_required: bool,
    /// Whether the dictionary needs its "references" column.
    any_reference: bool,
    bundles: Vec<BundleView<'a>>,
    /// schema.org `Dataset` as JSON text that cannot end its script element.
    json_ld: String,
}

#[derive(Serialize)]
struct FieldView<'a> {
    f: &'a FieldDef,
    /// Key of the type's label in `t.data_portal.types`.
    type_name: &'static str,
    reference: Option<Reference<'a>>,
}

/// A foreign key, linked to the referenced field's row on its dataset's page.
#[derive(Serialize)]
struct Reference<'a> {
    href: String,
    dataset: &'a str,
    field: &'a str,
}

pub(super) fn render(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    let Some(gathered) = out.gathered.filter(|_| out.wants(PORTAL_PATH)) else {
        return Ok(());
    };
    let exports = gathered.exports;
    let title = site.theme.strings.text(&["data_portal", "title"]);
    let bundles = || exports.bundles.iter().map(|b| bundle(site, b)).collect();
    let index = Index {
        datasets: exports.datasets.iter().map(|d| summary(site, d)).collect(),
        bundles: bundles(),
        catalog: site.base.href(crate::export::dcat::DCAT_PATH),
        harvest: site.base.href("data.json"),
        policy: site.base.href(POLICY_PATH),
        as_of: exports.as_of.to_string(),
    };
    site.page(
        out,
        PORTAL_PATH,
        "data_index.html",
        site.meta(title, PORTAL_PATH, SECTION),
        &index,
    )?;
    publication_policy(site, out, exports, title)?;
    for entry in &exports.datasets {
        let def = entry.def;
        let fields: Vec<FieldView<'_>> = def
            .fields
            .iter()
            .map(|f| FieldView {
                f,
                type_name: f.kind.name(),
                reference: f.reference().map(|(dataset, field)| Reference {
                    href: site
                        .base
                        .href(&format!("{}#field-{field}", dataset_page_path(dataset))),
                    dataset,
                    field,
                }),
            })
            .collect();
        let view = DatasetView {
            summary: summary(site, entry),
            primary_key: &def.primary_key,
            any_required: def.fields.iter().any(|f| f.required),
            any_reference: fields.iter().any(|f| f.reference.is_some()),
            fields,
            bundles: bundles(),
            json_ld: script_safe(&json_ld(site, exports, entry)),
        };
        let path = dataset_page_path(&def.name);
        let mut meta = site.meta(&def.title, &path, SECTION);
        meta.crumbs.push(site.link(PORTAL_PATH, title));
        site.page(out, &path, "dataset.html", meta, &view)?;
    }
    Ok(())
}

/// What the publication policy page says that the site's data decides.
#[derive(Serialize)]
struct PolicyView<'a> {
    contact: &'a str,
    as_of: String,
    ocid_prefix: &'a str,
    oc4ids_prefix: String,
    portal: String,
    catalog: String,
}

/// The publication policy page: who publishes, what, how often, with which
/// identifiers, standards and licence, and where to report a problem.
fn publication_policy(
    site: &Site<'_>,
    out: &mut Counting<'_>,
    exports: &Inventory,
    portal_title: &str,
) -> Result<(), RenderError> {
    let Some(config) = site.dataset.config.as_ref().map(|c| &c.record) else {
        return Ok(());
    };
    let view = PolicyView {
        contact: &config.publisher.contact,
        as_of: exports.as_of.to_string(),
        ocid_prefix: &config.ocid_prefix.value,
        oc4ids_prefix: crate::export::oc4ids::project_prefix(&config.ocid_prefix.value),
        portal: site.base.href(PORTAL_PATH),
        catalog: site.base.href(crate::export::dcat::DCAT_PATH),
    };
    let title = site.theme.strings.text(&["publication_policy", "title"]);
    let mut meta = site.meta(title, POLICY_PATH, SECTION);
    meta.crumbs.push(site.link(PORTAL_PATH, portal_title));
    site.page(out, POLICY_PATH, "publication_policy.html", meta, &view)
}

fn summary<'a>(site: &Site<'_>, entry: &'a DatasetEntry) -> Summary<'a> {
    let def = entry.def;
    Summary {
        name: &def.name,
        link: site.link(&dataset_page_path(&def.name), &def.title),
        description: &def.description,
        records: entry.records,
        modified: entry.modified.to_string(),
        downloads: downloads(site, &entry.downloads),
    }
}

fn bundle<'a>(site: &Site<'_>, entry: &'a BundleEntry) -> BundleView<'a> {
    BundleView {
        name: entry.name,
        href: site.base.href(&format!("{PORTAL_PATH}#{}", entry.name)),
        title: &entry.bundle.title,
        description: &entry.bundle.description,
        downloads: downloads(site, &entry.downloads),
    }
}

fn downloads<'a>(site: &Site<'_>, list: &'a [Download]) -> Vec<DownloadView<'a>> {
    list.iter()
        .map(|d| DownloadView {
            href: site.base.href(&d.path),
            format: d.format,
            file: d.file_name(),
            size: file_size(d.bytes),
        })
        .collect()
}

/// The schema.org `Dataset` of a dataset page, with absolute addresses throughout,
/// as search engines require.
fn json_ld(site: &Site<'_>, exports: &Inventory, entry: &DatasetEntry) -> Value {
    let def = entry.def;
    let page = exports.url(&dataset_page_path(&def.name));
    let config = site.dataset.config.as_ref().map(|c| &c.record);
    let publisher = json!({
        "@type": "Organization",
        "name": config.map(|c| c.publisher.name.as_str()),
    });
    let keywords = definitions()
        .map(|d| d.strings.keywords.as_slice())
        .unwrap_or_default();
    let distribution: Vec<Value> = entry
        .downloads
        .iter()
        .map(|d| {
            json!({
                "@type": "DataDownload",
                "name": d.file_name(),
                "encodingFormat": if d.gzipped { "application/gzip" } else { d.media_type },
                "contentUrl": d.url,
                "contentSize": file_size(d.bytes),
            })
        })
        .collect();
    let variables: Vec<Value> = def
        .fields
        .iter()
        .map(|f| {
            let mut variable = json!({
                "@type": "PropertyValue",
                "name": f.name,
                "alternateName": f.label,
                "description": f.meaning,
            });
            if !f.unit.is_empty() {
                variable["unitText"] = f.unit.as_str().into();
            }
            variable
        })
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": page,
        "url": page,
        "name": def.title,
        "alternateName": def.name,
        "description": def.description,
        "inLanguage": theme::LANGUAGE,
        "keywords": keywords,
        "license": config.map(|c| c.license.url.value.as_str()),
        "isAccessibleForFree": true,
        "creator": publisher,
        "publisher": publisher,
        "dateModified": entry.modified.to_string(),
        "spatialCoverage": config.map(|c| format!("{}{}", c.province, c.city)),
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": config.map(|c| c.title.as_str()),
            "url": exports.url(PORTAL_PATH),
        },
        "distribution": distribution,
        "variableMeasured": variables,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_up_to_a_tenth_in_the_unit_people_read() {
        assert_eq!(file_size(1), "0.1 KB");
        assert_eq!(file_size(1024), "1.0 KB");
        assert_eq!(file_size(1025), "1.1 KB");
        assert_eq!(file_size(1023 * 1024), "1023.0 KB");
        assert_eq!(file_size(1024 * 1024 - 1), "1.0 MB");
        // The 100,000-record release package, which showed as "95446.3 KB".
        assert_eq!(file_size(97_736_949), "93.3 MB");
        assert_eq!(file_size(3 * 1024 * 1024 * 1024), "3.0 GB");
    }

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let value = json!({ "a": "</script><!-- x", "b": "<b>" });
        let safe = script_safe(&value);
        assert!(!safe.contains("</") && !safe.contains("<!--"), "{safe}");
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }
}
