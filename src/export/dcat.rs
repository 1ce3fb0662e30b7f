//! `data/dcat.jsonld`: the catalog of every dataset and download in W3C DCAT 3 (the
//! vocabulary DCAT-AP profiles), as JSON-LD whose context is written out in the file,
//! so that it parses as RDF without fetching anything. Each distribution carries its
//! media type, byte size and SHA-256 (SPDX checksum), each dataset its publisher,
//! licence, update frequency and the time and place it covers.

use serde_json::{Value, json};

use super::inventory::{Download, Inventory, PORTAL_PATH, dataset_page_path};
use super::ocds;
use super::tables::definitions;
use super::{ExportError, ExportFile, Site, json::pretty};
use crate::model::Date;

/// Where the catalog is published.
pub const DCAT_PATH: &str = "data/dcat.jsonld";

/// EU frequency vocabulary: records change whenever the bureau merges an edit.
const IRREGULAR: &str = "http://publications.europa.eu/resource/authority/frequency/IRREG";

/// EU language vocabulary: Chinese.
const CHINESE: &str = "http://publications.europa.eu/resource/authority/language/ZHO";

/// `data/dcat.jsonld`, listing what `inventory` holds.
pub(super) fn write(site: &Site, inventory: &Inventory) -> Result<ExportFile, ExportError> {
    let definitions = definitions()?;
    let c = site.config;
    let datasets = inventory.datasets.iter().map(|d| Described {
        page: site.url(&dataset_page_path(&d.def.name)),
        title: &d.def.title,
        description: &d.def.description,
        first: d.first,
        last: d.modified,
        downloads: &d.downloads,
    });
    // The bundles have no page of their own: their anchor on the portal's index.
    let bundles = inventory.bundles.iter().map(|b| Described {
        page: site.url(&format!("{PORTAL_PATH}#{}", b.name)),
        title: &b.bundle.title,
        description: &b.bundle.description,
        first: inventory.datasets.iter().filter_map(|d| d.first).min(),
        last: site.as_of,
        downloads: &b.downloads,
    });
    let about = Catalog {
        address: site.url(DCAT_PATH),
        title: &c.title,
        description: &definitions.bundles.datapackage.description,
        publisher: &c.publisher.name,
        publisher_id: &ocds::publisher(site)["uid"],
        place: &format!("{}{}", c.province, c.city),
        place_code: &c.admin_code.value,
        license: &c.license.url.value,
        modified: site.as_of,
        homepage: site.base.absolute(),
        keywords: &definitions.strings.keywords,
    };
    let described: Vec<Described<'_>> = datasets.chain(bundles).collect();
    Ok(ExportFile {
        path: DCAT_PATH.to_owned(),
        bytes: pretty(&catalog(&about, &described))?,
    })
}

/// What a catalog says of itself and its publisher.
pub(crate) struct Catalog<'a> {
    /// The catalog file's own address.
    pub address: String,
    /// Title of the site.
    pub title: &'a str,
    /// What the catalog covers.
    pub description: &'a str,
    /// Publisher's name.
    pub publisher: &'a str,
    /// Publisher's unified social credit code.
    pub publisher_id: &'a Value,
    /// The place the data covers, by name, and its GB/T 2260 code.
    pub place: &'a str,
    /// See `place`.
    pub place_code: &'a str,
    /// Address of the licence.
    pub license: &'a str,
    /// Date of the latest data.
    pub modified: Date,
    /// The site's address.
    pub homepage: &'a str,
    /// Keywords of every dataset.
    pub keywords: &'a [String],
}

/// One dataset of a catalog.
pub(crate) struct Described<'a> {
    /// Its landing page, also its identifier.
    pub page: String,
    /// Title.
    pub title: &'a str,
    /// Description.
    pub description: &'a str,
    /// The earliest date its rows cover, when known.
    pub first: Option<Date>,
    /// The latest.
    pub last: Date,
    /// Its files.
    pub downloads: &'a [Download],
}

/// The DCAT catalog of `datasets` as JSON-LD.
pub(crate) fn catalog(about: &Catalog<'_>, datasets: &[Described<'_>]) -> Value {
    let publisher = json!({
        "@type": "foaf:Agent",
        "foaf:name": text(about.publisher),
        "dct:identifier": about.publisher_id,
    });
    let spatial = json!({
        "@type": "dct:Location",
        "skos:prefLabel": text(about.place),
        // GB/T 2260, the administrative division code.
        "dct:identifier": about.place_code,
    });
    let common = Common {
        publisher: &publisher,
        spatial: &spatial,
        license: about.license,
        keywords: about.keywords,
    };
    let datasets: Vec<Value> = datasets.iter().map(|d| dataset(&common, d)).collect();
    json!({
        "@context": context(),
        "@id": about.address,
        "@type": "dcat:Catalog",
        "dct:title": text(about.title),
        "dct:description": text(about.description),
        "dct:publisher": publisher,
        "dct:license": { "@id": about.license },
        "dct:language": { "@id": CHINESE },
        "dct:modified": date(about.modified),
        "foaf:homepage": { "@id": about.homepage },
        "dcat:dataset": datasets,
    })
}

/// The prefixes the catalog uses.
fn context() -> Value {
    json!({
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "spdx": "http://spdx.org/rdf/terms#",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    })
}

/// What every dataset of the catalog shares.
struct Common<'a> {
    publisher: &'a Value,
    spatial: &'a Value,
    license: &'a str,
    keywords: &'a [String],
}

/// One dataset; its page is its landing page and identifier.
fn dataset(common: &Common, about: &Described<'_>) -> Value {
    let (page, downloads) = (&about.page, about.downloads);
    let mut temporal = json!({ "@type": "dct:PeriodOfTime", "dcat:endDate": date(about.last) });
    if let Some(first) = about.first {
        temporal["dcat:startDate"] = date(first);
    }
    let keywords: Vec<Value> = common.keywords.iter().map(|k| text(k)).collect();
    json!({
        "@id": page,
        "@type": "dcat:Dataset",
        "dct:identifier": page,
        "dct:title": text(about.title),
        "dct:description": text(about.description),
        "dcat:keyword": keywords,
        "dct:modified": date(about.last),
        "dct:publisher": common.publisher,
        "dct:license": { "@id": common.license },
        "dct:accrualPeriodicity": { "@id": IRREGULAR },
        "dct:temporal": temporal,
        "dct:spatial": common.spatial,
        "dcat:landingPage": { "@id": page },
        "dcat:distribution": downloads.iter().map(|d| distribution(common, d)).collect::<Vec<_>>(),
    })
}

/// One download, with what a harvester needs to fetch and verify it.
fn distribution(common: &Common, d: &Download) -> Value {
    let mut value = json!({
        "@id": d.url,
        "@type": "dcat:Distribution",
        "dct:title": text(d.file_name()),
        "dcat:accessURL": { "@id": d.url },
        "dcat:downloadURL": { "@id": d.url },
        "dcat:mediaType": { "@id": format!("https://www.iana.org/assignments/media-types/{}", d.media_type) },
        "dct:format": d.format,
        "dct:license": { "@id": common.license },
        "dcat:byteSize": { "@value": d.bytes.to_string(), "@type": "xsd:nonNegativeInteger" },
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": { "@id": "spdx:checksumAlgorithm_sha256" },
            "spdx:checksumValue": { "@value": d.sha256, "@type": "xsd:hexBinary" },
        },
    });
    if d.gzipped {
        value["dcat:compressFormat"] =
            json!({ "@id": "https://www.iana.org/assignments/media-types/application/gzip" });
    }
    value
}

/// Text in Chinese, tagged so.
fn text(value: &str) -> Value {
    json!({ "@value": value, "@language": "zh-CN" })
}

/// A date as `xsd:date`.
fn date(value: Date) -> Value {
    json!({ "@value": value.to_string(), "@type": "xsd:date" })
}
