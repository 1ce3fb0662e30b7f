//! `data.json`: a Project Open Data 1.1 catalog (DCAT vocabulary) listing every
//! dataset with its downloads, so that portals and harvesters find the data.

use serde_json::{Value, json};

use super::ocds;
use super::tables::definitions;
use super::{ExportError, ExportFile, Site, json::pretty, sqlite};

/// `data.json`.
pub(super) fn write(site: &Site) -> Result<ExportFile, ExportError> {
    let defs = definitions()?;
    let mut datasets: Vec<Value> = defs
        .datasets
        .iter()
        .map(|d| {
            let file = |ext: &str, media: &str, format: &str| {
                distribution(
                    site,
                    &format!("data/{}.{ext}", d.name),
                    media,
                    format,
                    &d.title,
                )
            };
            entry(
                site,
                &d.name,
                &d.title,
                &d.description,
                vec![
                    file("csv", "text/csv", "CSV"),
                    file("json", "application/json", "JSON"),
                    file(
                        "xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        "XLSX",
                    ),
                ],
            )
        })
        .collect();
    let b = &defs.bundles;
    datasets.push(entry(
        site,
        "sqlite",
        &b.sqlite.title,
        &b.sqlite.description,
        vec![distribution(
            site,
            sqlite::PATH,
            "application/vnd.sqlite3",
            "SQLite",
            &b.sqlite.title,
        )],
    ));
    datasets.push(entry(
        site,
        "datapackage",
        &b.datapackage.title,
        &b.datapackage.description,
        vec![distribution(
            site,
            "data/datapackage.json",
            "application/json",
            "Frictionless Data Package",
            &b.datapackage.title,
        )],
    ));
    datasets.push(entry(
        site,
        "ocds",
        &b.ocds.title,
        &b.ocds.description,
        ["release-package", "record-package"]
            .into_iter()
            .map(|n| {
                distribution(
                    site,
                    &format!("data/ocds/{n}.json"),
                    "application/json",
                    "OCDS",
                    n,
                )
            })
            .collect(),
    ));
    datasets.push(entry(
        site,
        "oc4ids",
        &b.oc4ids.title,
        &b.oc4ids.description,
        vec![distribution(
            site,
            "data/oc4ids/project-package.json",
            "application/json",
            "OC4IDS",
            &b.oc4ids.title,
        )],
    ));
    let catalog = json!({
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@id": site.url("data.json"),
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        "dataset": datasets,
    });
    Ok(ExportFile {
        path: "data.json".to_owned(),
        bytes: pretty(&catalog)?,
    })
}

/// One catalog dataset; `anchor` names it on the portal page.
fn entry(
    site: &Site,
    anchor: &str,
    title: &str,
    description: &str,
    distributions: Vec<Value>,
) -> Value {
    let c = site.config;
    let mut contact = json!({ "@type": "vcard:Contact", "fn": c.publisher.name });
    if let Some(email) = email(&c.publisher.contact) {
        contact["hasEmail"] = format!("mailto:{email}").into();
    }
    json!({
        "@type": "dcat:Dataset",
        "identifier": site.url(&format!("data/#{anchor}")),
        "title": title,
        "description": description,
        "keyword": definitions().map(|d| d.strings.keywords.clone()).unwrap_or_default(),
        "modified": site.as_of.to_string(),
        "publisher": { "@type": "org:Organization", "name": c.publisher.name, "identifier": ocds::publisher(site)["uid"] },
        "contactPoint": contact,
        "accessLevel": "public",
        "license": c.license.url,
        "rights": c.license.name,
        "spatial": format!("{}{}", c.province, c.city),
        "language": ["zh-CN"],
        "landingPage": site.url(&format!("data/#{anchor}")),
        "describedBy": site.url("data/datapackage.json"),
        "distribution": distributions,
    })
}

fn distribution(site: &Site, path: &str, media: &str, format: &str, title: &str) -> Value {
    json!({
        "@type": "dcat:Distribution",
        "downloadURL": site.url(path),
        "mediaType": media,
        "format": format,
        "title": title,
    })
}

/// An e-mail address within the publisher's contact line, when there is one.
fn email(contact: &str) -> Option<&str> {
    contact
        .split(|c: char| c.is_whitespace() || "，,;；:：()（）<>".contains(c))
        .find(|w| w.contains('@') && w.contains('.'))
}
