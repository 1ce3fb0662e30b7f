//! `data.json`: every dataset with its downloads in the field names of Project Open
//! Data, for the harvesters that read them (CKAN's DCAT-US harvester among them). It
//! does not claim POD 1.1 conformance: that schema requires `bureauCode` and
//! `programCode`, codes only a US federal agency has. The catalog that conforms to
//! its standard, with sizes and checksums, is `data/dcat.jsonld` ([`super::dcat`]).

use serde_json::{Value, json};

use super::inventory::{Download, Inventory, PORTAL_PATH, dataset_page_path};
use super::ocds;
use super::tables::definitions;
use super::{ExportError, ExportFile, Site, json::pretty};

/// `data.json`, listing what `inventory` holds.
pub(super) fn write(site: &Site, inventory: &Inventory) -> Result<ExportFile, ExportError> {
    let keywords = &definitions()?.strings.keywords;
    let datasets = inventory.datasets.iter().map(|d| {
        let page = site.url(&dataset_page_path(&d.def.name));
        let fields = Fields {
            title: &d.def.title,
            description: &d.def.description,
            modified: d.modified.to_string(),
        };
        entry(site, keywords, &page, fields, &d.downloads)
    });
    // The bundles have no page of their own: their anchor on the portal's index.
    let bundles = inventory.bundles.iter().map(|b| {
        let page = site.url(&format!("{PORTAL_PATH}#{}", b.name));
        let fields = Fields {
            title: &b.bundle.title,
            description: &b.bundle.description,
            modified: site.as_of.to_string(),
        };
        entry(site, keywords, &page, fields, &b.downloads)
    });
    let catalog = json!({
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@id": site.url("data.json"),
        "@type": "dcat:Catalog",
        "dataset": datasets.chain(bundles).collect::<Vec<_>>(),
    });
    Ok(ExportFile {
        path: "data.json".to_owned(),
        bytes: pretty(&catalog)?,
    })
}

/// What differs between the catalog's datasets besides their address and files.
struct Fields<'a> {
    title: &'a str,
    description: &'a str,
    modified: String,
}

/// One catalog dataset; `page` is its landing page and identifier.
fn entry(
    site: &Site,
    keywords: &[String],
    page: &str,
    fields: Fields<'_>,
    downloads: &[Download],
) -> Value {
    let c = site.config;
    let mut contact = json!({ "@type": "vcard:Contact", "fn": c.publisher.name });
    if let Some(email) = email(&c.publisher.contact) {
        contact["hasEmail"] = format!("mailto:{email}").into();
    }
    // Several files of one format (the OCDS packages) need their names to tell them
    // apart; otherwise the format does, and the dataset's title reads better.
    let same_format = |d: &Download| downloads.iter().filter(|o| o.format == d.format).count();
    let distributions: Vec<Value> = downloads
        .iter()
        .map(|d| {
            let title = if same_format(d) > 1 {
                d.file_name().trim_end_matches(".json")
            } else {
                fields.title
            };
            json!({
                "@type": "dcat:Distribution",
                "downloadURL": d.url,
                "mediaType": if d.gzipped { "application/gzip" } else { d.media_type },
                "format": d.format,
                "title": title,
            })
        })
        .collect();
    json!({
        "@type": "dcat:Dataset",
        "identifier": page,
        "title": fields.title,
        "description": fields.description,
        "keyword": keywords,
        "modified": fields.modified,
        "publisher": { "@type": "org:Organization", "name": c.publisher.name, "identifier": ocds::publisher(site)["uid"] },
        "contactPoint": contact,
        "accessLevel": "public",
        "license": c.license.url,
        "rights": c.license.name,
        "spatial": format!("{}{}", c.province, c.city),
        "language": ["zh-CN"],
        "landingPage": page,
        "describedBy": site.url("data/datapackage.json"),
        "distribution": distributions,
    })
}

/// An e-mail address within the publisher's contact line, when there is one.
fn email(contact: &str) -> Option<&str> {
    contact
        .split(|c: char| c.is_whitespace() || "，,;；:：()（）<>".contains(c))
        .find(|w| w.contains('@') && w.contains('.'))
}
