//! Open Contracting Data Standard 1.1: each project's contracting process as releases,
//! one per lifecycle step (planning, tender, award, contract, implementation), in a
//! release package, and the compiled records in a record package.
//!
//! Every release is a cumulative snapshot of what was public on its date, except that
//! the material lines a section has listed are not repeated by its later releases (a
//! large project's lines would otherwise fill every release after its award). The
//! compiled release is the last snapshot with each section's lines, which is what
//! merging the releases by the OCDS rules gives: absent fields keep their values.
//!
//! The project's material lines are the contract's `items` (the award's before a
//! contract, the tender's before an award, a planned tender's before the tender):
//! classified by the pilot's material category, the catalog product as the
//! item's id where the line names one, and whether the line counts as green as the
//! statistics count it. Every document has a `documentType` from the codelist, chosen
//! by the lifecycle stage it belongs to.

use rayon::prelude::*;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use super::inventory::POLICY_PATH;
use super::json::Package;
use super::tables::{assessed, field_def};
use super::{Emit, ExportError, ExportFile, Site, timestamp};
use crate::derive::compliance::{Assessment, LineStatus, ProjectCompliance};
use crate::model::org::Org;
use crate::model::project::{Document, ProcurementMethod, Project, StageKind};
use crate::model::{Date, Money};
use crate::site_paths::category_page;

/// The classification scheme of items: the material categories of the pilot's demand
/// standard (《绿色建筑和绿色建材政府采购需求标准》), as the site's taxonomy lists them.
/// OCDS's scheme codelist is open; custom schemes start with `x_`.
pub(super) const CATEGORY_SCHEME: &str = "x_CN_GreenMaterialsDemandStandard";

/// The scheme of an item's second classification: whether the line counts as a green
/// building material (a catalog product certified on the day of use).
pub(super) const GREEN_SCHEME: &str = "x_greenproc_green";

/// Every release as JSON Lines, beside the packages.
pub(super) const RELEASES_JSONL: &str = "data/ocds/releases.jsonl";

/// OCDS version of the packages.
const VERSION: &str = "1.1";
/// How big one package file may grow before the packages are split.
#[derive(Clone, Copy, Debug)]
pub(super) struct Limits {
    /// Most releases (or records) in one file.
    pub(super) items: usize,
    /// About the most bytes in one file.
    pub(super) bytes: usize,
}

/// At most 100,000 releases and about 100 MB per file: the OCDS guidance for bulk files
/// allows a million and 1 GB, but a file a data journalist opens in a browser, pandas or
/// a JSON viewer on an office machine should stay near a hundred megabytes. Larger
/// sites get `release-package-1.json`, `-2`...; the record packages list them all.
const LIMITS: Limits = Limits {
    items: 100_000,
    bytes: 100_000_000,
};

/// The phases of a contracting process, each a release tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Planning,
    Tender,
    Award,
    Contract,
    Implementation,
}

impl Phase {
    fn tag(self) -> &'static str {
        match self {
            Phase::Planning => "planning",
            Phase::Tender => "tender",
            Phase::Award => "award",
            Phase::Contract => "contract",
            Phase::Implementation => "implementation",
        }
    }

    fn of(stage: StageKind) -> Phase {
        match stage {
            StageKind::Approval | StageKind::Design => Phase::Planning,
            StageKind::Tender => Phase::Tender,
            StageKind::Contract => Phase::Contract,
            StageKind::Construction | StageKind::Acceptance | StageKind::Evaluation => {
                Phase::Implementation
            }
        }
    }
}

/// One release of a project: a lifecycle stage, or the award (which the lifecycle
/// records as the award notice, not as a stage).
#[derive(Clone, Copy, Debug)]
struct Step {
    /// Release id suffix.
    key: &'static str,
    phase: Phase,
    date: Date,
}

/// The open contracting id of a project.
pub(super) fn ocid(site: &Site, project: &Project) -> String {
    format!("{}-{}", site.config.ocid_prefix.value, project.id.value)
}

/// The release and record packages, split only when a file would exceed the limits.
///
/// Releases are kept as text from the moment they are made (see [`fragment`]): as
/// values, the releases of a province's projects took over half a gigabyte.
pub(super) fn write(
    site: &Site,
    assessment: &Assessment<'_>,
    emit: &mut Emit<'_>,
) -> Result<(), ExportError> {
    write_within(site, assessment, LIMITS, emit)
}

/// [`write`], splitting the packages past `limits`; each file goes to `emit` as soon
/// as it is made, so that the packages are never all in memory at once.
pub(super) fn write_within(
    site: &Site,
    assessment: &Assessment<'_>,
    limits: Limits,
    emit: &mut Emit<'_>,
) -> Result<(), ExportError> {
    // Releases and compiled releases are kept as compact JSON text, one line each in
    // the packages: pretty-printed, the indentation of a large site's releases was a
    // third of the packages' bytes and of the memory they took while being made.
    // Each project's releases and record are made on all cores, then gathered in
    // project order: an incremental build remakes the packages whole for one edit.
    let projects = assessed(site, assessment);
    let made: Vec<Result<ProjectReleases, ExportError>> = projects
        .par_iter()
        .map(|(project, compliance)| project_releases(site, project, compliance))
        .collect();
    let mut releases = Vec::new();
    let mut records = Vec::new();
    for made in made {
        let (mine, record) = made?;
        releases.extend(mine);
        records.extend(record);
    }

    // Every release, one per line: what `jq`, pandas and the OCDS tools stream
    // without reading a package whole. Out first, so that its memory is free before
    // the packages are made.
    let mut lines = Vec::with_capacity(releases.iter().map(|(_, r)| r.get().len() + 1).sum());
    for (_, release) in &releases {
        lines.extend_from_slice(release.get().as_bytes());
        lines.push(b'\n');
    }
    emit(ExportFile {
        path: RELEASES_JSONL.to_owned(),
        bytes: lines,
    })?;
    let release_files = split(releases, |(_, r)| r.get().len(), limits.items, limits.bytes);
    let release_names = names("release-package", release_files.len());
    let release_urls: Vec<String> = release_names
        .iter()
        .map(|n| site.url(&format!("data/ocds/{n}")))
        .collect();
    let mut home = std::collections::HashMap::new();
    for ((chunk, name), url) in release_files
        .into_iter()
        .zip(&release_names)
        .zip(&release_urls)
    {
        let mut texts = Vec::with_capacity(chunk.len());
        for (id, release) in chunk {
            home.insert(id, url.clone());
            texts.push(release);
        }
        let header = header(site, url);
        emit(ExportFile {
            path: format!("data/ocds/{name}"),
            bytes: Package::new(&header, "releases", &texts).pretty(|r| r.get().len())?,
        })?;
    }

    let records: Vec<Record> = records
        .into_iter()
        .map(|(ocid, linked, compiled_release)| {
            let releases: Vec<Value> = linked
                .into_iter()
                .map(|(id, step)| {
                    let url = home.get(&id).map(String::as_str).unwrap_or_default();
                    json!({ "url": format!("{url}#{id}"), "date": timestamp(step.date), "tag": [step.phase.tag()] })
                })
                .collect();
            Record { compiled_release, ocid, releases }
        })
        .collect();
    let record_files = split(
        records,
        |r| r.compiled_release.get().len(),
        limits.items,
        limits.bytes,
    );
    let record_names = names("record-package", record_files.len());
    for (chunk, name) in record_files.into_iter().zip(&record_names) {
        let url = site.url(&format!("data/ocds/{name}"));
        let mut header = header(site, &url);
        header.insert("packages".into(), json!(release_urls));
        emit(ExportFile {
            path: format!("data/ocds/{name}"),
            // The list of a record's releases is a few lines per release.
            bytes: Package::new(&header, "records", &chunk)
                .pretty(|r| r.compiled_release.get().len() + 200 * r.releases.len())?,
        })?;
    }
    Ok(())
}

/// One project's releases (id and compact text) and its record (ocid, the releases
/// it links with their steps, the compiled release), when it has releases.
type ProjectReleases = (
    Vec<(String, Box<RawValue>)>,
    Option<(String, Vec<(String, Step)>, Box<RawValue>)>,
);

/// The releases and record of `project`.
fn project_releases(
    site: &Site,
    project: &Project,
    compliance: &ProjectCompliance,
) -> Result<ProjectReleases, ExportError> {
    let ocid = ocid(site, project);
    let items = items(site, project, &compliance.lines);
    let mut releases = Vec::new();
    let mut linked = Vec::new();
    let mut last = None;
    // The sections that have published the items, in order.
    let mut holders: Vec<Holder> = Vec::new();
    for step in steps(project) {
        let mut release = release(site, project, &ocid, step, &items)?;
        let holder = Holder::of(&release);
        if let Some(holder) = holder {
            if holders.last() == Some(&holder) {
                // Published already: a later release leaves them out, and the OCDS
                // merge keeps them (absent fields keep their earlier values).
                holder.remove_items(&mut release);
            } else {
                holders.push(holder);
            }
        }
        let id = release["id"].as_str().unwrap_or_default().to_owned();
        // An item of a package's list: two levels deep.
        releases.push((id.clone(), compact(&release)?));
        linked.push((id, step));
        last = Some(release);
    }
    let record = match last {
        Some(mut compiled) => {
            compiled["id"] = format!("{ocid}-compiled").into();
            compiled["tag"] = json!(["compiled"]);
            // As the merge of the releases: the items in each section that published
            // them (the tender's as tendered, the contract's as contracted).
            for holder in &holders {
                holder.put_items(&mut compiled, &items);
            }
            // A field of an item of a package's list: three levels deep.
            Some((ocid, linked, compact(&compiled)?))
        }
        None => None,
    };
    Ok((releases, record))
}

/// A record of a record package, its fields in the order of their names as a JSON
/// map would have them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    compiled_release: Box<RawValue>,
    ocid: String,
    releases: Vec<Value>,
}

/// File names: `<stem>.json` alone, `<stem>-1.json`... when split.
fn names(stem: &str, count: usize) -> Vec<String> {
    if count <= 1 {
        vec![format!("{stem}.json")]
    } else {
        (1..=count).map(|i| format!("{stem}-{i}.json")).collect()
    }
}

/// Splits items into files of at most `max_items` items and about `max_bytes` bytes
/// (an item's `size`); always at least one (possibly empty) file, since a package must
/// exist.
fn split<T>(
    items: Vec<T>,
    size: impl Fn(&T) -> usize,
    max_items: usize,
    max_bytes: usize,
) -> Vec<Vec<T>> {
    let mut files = vec![Vec::new()];
    let mut bytes = 0;
    for item in items {
        let size = size(&item);
        let current = files.last_mut().expect("files starts non-empty");
        if !current.is_empty() && (current.len() >= max_items || bytes + size > max_bytes) {
            files.push(Vec::new());
            bytes = 0;
        }
        bytes += size;
        files.last_mut().expect("files is non-empty").push(item);
    }
    files
}

/// The metadata every package carries.
fn header(site: &Site, uri: &str) -> Map<String, Value> {
    let mut package = Map::new();
    package.insert("uri".into(), uri.into());
    package.insert("version".into(), VERSION.into());
    package.insert("publishedDate".into(), timestamp(site.as_of).into());
    package.insert("publisher".into(), publisher(site));
    package.insert(
        "license".into(),
        site.config.license.url.value.clone().into(),
    );
    package.insert("publicationPolicy".into(), site.url(POLICY_PATH).into());
    package
}

/// The package publisher, identified by its credit code.
pub(super) fn publisher(site: &Site) -> Value {
    let p = &site.config.publisher;
    json!({ "name": p.name, "scheme": IDENTIFIER_SCHEME, "uid": p.credit_code.value })
}

/// The releases of a project in date order, the award slotted in by its date.
fn steps(project: &Project) -> Vec<Step> {
    let mut steps: Vec<Step> = project
        .lifecycle
        .iter()
        .map(|s| Step {
            key: s.stage.value.key(),
            phase: Phase::of(s.stage.value),
            date: s.date.value,
        })
        .collect();
    if let Some(award) = &project.award {
        steps.push(Step {
            key: "award",
            phase: Phase::Award,
            date: award.date.value,
        });
    }
    // Stable: stages keep their lifecycle order on the same date.
    steps.sort_by_key(|s| (s.date, s.phase));
    steps
}

// Long because it writes one release in the OCDS schema's order (parties, planning,
// tender, awards, contracts), each section a few fields from the project: read top
// to bottom it is the release.
/// The snapshot of a project's contracting process as of `step`.
fn release(
    site: &Site,
    project: &Project,
    ocid: &str,
    step: Step,
    items: &[Value],
) -> Result<Value, ExportError> {
    let phase = step.phase;
    // Documents of the stages reached by this step's date and phase.
    let reached = |stage: StageKind| {
        project.lifecycle.iter().filter(move |s| {
            s.stage.value == stage && s.date.value <= step.date && Phase::of(stage) <= phase
        })
    };
    let documents = |stages: &[StageKind]| -> Vec<Value> {
        stages
            .iter()
            .flat_map(|&stage| reached(stage).map(move |s| (stage, s)))
            .flat_map(|(stage, s)| {
                s.documents
                    .iter()
                    .enumerate()
                    .map(move |(i, d)| document(site, stage, i, s.date.value, d))
            })
            .collect()
    };

    let mut parties = PartyList::default();
    let owner = site.org(&project.owner.value);
    let agency = project.agency.as_ref().and_then(|a| site.org(&a.value));
    if let Some(owner) = owner {
        parties.add(owner, "buyer");
        if agency.is_none() {
            parties.add(owner, "procuringEntity");
        }
    }
    if let Some(agency) = agency {
        parties.add(agency, "procuringEntity");
    }

    let mut release = Map::new();
    release.insert("ocid".into(), ocid.into());
    release.insert("id".into(), format!("{ocid}-{}", step.key).into());
    release.insert("date".into(), timestamp(step.date).into());
    release.insert("tag".into(), json!([phase.tag()]));
    release.insert("initiationType".into(), "tender".into());
    release.insert("language".into(), "zh".into());
    if let Some(owner) = owner {
        release.insert("buyer".into(), reference(owner));
    }
    let mut planning = json!({
        "budget": {
            "amount": amount(project.procurement.budget),
            "project": project.name,
            "projectID": project.code.value,
        },
    });
    let planning_documents = documents(&[StageKind::Approval, StageKind::Design]);
    if !planning_documents.is_empty() {
        planning["documents"] = planning_documents.into();
    }
    release.insert("planning".into(), planning);

    let award = project.award.as_ref().filter(|_| phase >= Phase::Award);
    let contract = project
        .contract
        .as_ref()
        .filter(|_| phase >= Phase::Contract);
    if phase >= Phase::Tender {
        let method = project.procurement.method;
        let mut tender = json!({
            "id": project.procurement_code.as_ref().map_or(&project.code.value, |c| &c.value),
            "title": project.name,
            "status": if phase >= Phase::Award && project.award.is_some() { "complete" } else { "active" },
            "value": amount(project.procurement.budget),
            "procurementMethod": method_code(method),
            "procurementMethodDetails": method_label(method)?,
            "mainProcurementCategory": "works",
        });
        if let Some(entity) = agency.or(owner) {
            tender["procuringEntity"] = reference(entity);
        }
        let procurement = &project.procurement;
        if let Some(period) = &procurement.tender_period {
            tender["tenderPeriod"] = json!({
                "startDate": timestamp(period.start.value),
                "endDate": timestamp(period.end.value),
            });
        }
        // Who bid is public once the result is: with the award.
        if phase >= Phase::Award {
            let tenderers: Vec<&Org> = procurement
                .tenderers
                .iter()
                .filter_map(|t| site.org(&t.value))
                .collect();
            if !tenderers.is_empty() {
                tender["tenderers"] = tenderers.iter().map(|o| reference(o)).collect();
            }
            for org in tenderers {
                parties.add(org, "tenderer");
            }
            if let Some(count) = procurement.tenderer_count() {
                tender["numberOfTenderers"] = count.into();
            }
        }
        let tender_documents = documents(&[StageKind::Tender]);
        if !tender_documents.is_empty() {
            tender["documents"] = tender_documents.into();
        }
        // The lines are listed once: by the contract, else the award, else the tender.
        if !items.is_empty() && award.is_none() && contract.is_none() {
            tender["items"] = items.into();
        }
        release.insert("tender".into(), tender);
    } else if !items.is_empty() {
        // Lines known before the tender (a design's bill of materials): a planned
        // tender, as OCDS publishes a procurement to come.
        release.insert(
            "tender".into(),
            json!({
                "id": project.procurement_code.as_ref().map_or(&project.code.value, |c| &c.value),
                "title": project.name,
                "status": "planned",
                "items": items,
            }),
        );
    }

    if let Some(award) = award {
        let winner = site.org(&award.winner.value);
        let mut value = json!({
            "id": format!("{ocid}-award"),
            "title": project.name,
            "status": "active",
            "date": timestamp(award.date.value),
            "value": amount(award.amount),
            "suppliers": winner.map(reference).into_iter().collect::<Vec<_>>(),
        });
        if let Some(url) = &award.notice_url {
            value["documents"] = json!([{
                "id": "award-notice",
                "documentType": "awardNotice",
                "title": project.name,
                "url": site.absolute(&url.value),
                "datePublished": timestamp(award.date.value),
            }]);
        }
        if let Some(winner) = winner {
            parties.add(winner, "tenderer");
            parties.add(winner, "supplier");
        }
        if !items.is_empty() && contract.is_none() {
            value["items"] = items.into();
        }
        release.insert("awards".into(), json!([value]));
    }

    if let Some(contract) = contract {
        let completed = project
            .lifecycle
            .iter()
            .any(|s| s.stage.value >= StageKind::Acceptance && s.date.value <= step.date);
        let mut value = json!({
            "id": contract.code,
            "awardID": format!("{ocid}-award"),
            "title": project.name,
            "status": if completed { "terminated" } else { "active" },
            "value": amount(contract.amount),
            "period": { "startDate": timestamp(contract.start.value), "endDate": timestamp(contract.end.value) },
            "dateSigned": timestamp(contract.signed.value),
        });
        if award.is_none() {
            value.as_object_mut().map(|c| c.remove("awardID"));
        }
        if !items.is_empty() {
            value["items"] = items.into();
        }
        let contract_documents = documents(&[StageKind::Contract]);
        if !contract_documents.is_empty() {
            value["documents"] = contract_documents.into();
        }
        let implementation = documents(&[
            StageKind::Construction,
            StageKind::Acceptance,
            StageKind::Evaluation,
        ]);
        if !implementation.is_empty() {
            value["implementation"] = json!({ "documents": implementation });
        }
        release.insert("contracts".into(), json!([value]));
    }
    release.insert("parties".into(), parties.into_value());
    Ok(release.into())
}

/// An OCDS document from a stage's document list; its id is unique within the
/// release because it names the stage.
fn document(site: &Site, stage: StageKind, index: usize, date: Date, d: &Document) -> Value {
    let mut value = json!({
        "id": format!("{}-{}", stage.key(), index + 1),
        "documentType": document_type(stage),
        "title": d.title,
        "datePublished": timestamp(date),
    });
    if let Some(url) = &d.url {
        value["url"] = site.absolute(&url.value).into();
    }
    value
}

/// The section of a release that lists the material lines as items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Holder {
    Tender,
    Award,
    Contract,
}

impl Holder {
    /// The section of `release` with items, the latest in the process.
    fn of(release: &Value) -> Option<Holder> {
        [Holder::Contract, Holder::Award, Holder::Tender]
            .into_iter()
            .find(|h| h.section(release).is_some_and(|s| s.get("items").is_some()))
    }

    /// The section's object in `release`.
    fn section(self, release: &Value) -> Option<&Value> {
        match self {
            Holder::Tender => release.get("tender"),
            Holder::Award => release.get("awards")?.get(0),
            Holder::Contract => release.get("contracts")?.get(0),
        }
    }

    /// The section's object in `release`, to change.
    fn section_mut(self, release: &mut Value) -> Option<&mut Value> {
        match self {
            Holder::Tender => release.get_mut("tender"),
            Holder::Award => release.get_mut("awards")?.get_mut(0),
            Holder::Contract => release.get_mut("contracts")?.get_mut(0),
        }
    }

    /// Takes the section's items out of `release`.
    fn remove_items(self, release: &mut Value) {
        if let Some(Value::Object(section)) = self.section_mut(release) {
            section.remove("items");
        }
    }

    /// Gives the section in `release` the items `items`, when the release has it.
    fn put_items(self, release: &mut Value, items: &[Value]) {
        if let Some(section) = self.section_mut(release) {
            section["items"] = items.into();
        }
    }
}

/// The `documentType` of a stage's documents: what the pilot publishes at that stage,
/// by the codelist's descriptions. A performance evaluation (绩效评价) is the closest
/// the codelist has to a final audit.
fn document_type(stage: StageKind) -> &'static str {
    match stage {
        StageKind::Approval => "projectPlan",
        StageKind::Design => "technicalSpecifications",
        StageKind::Tender => "tenderNotice",
        StageKind::Contract => "contractSigned",
        StageKind::Construction => "physicalProgressReport",
        StageKind::Acceptance => "completionCertificate",
        StageKind::Evaluation => "finalAudit",
    }
}

/// The project's material lines as OCDS items, in the project's order. An item's id
/// is its catalog product's id, or `line-<n>`, made unique within the project; its unit
/// price is the line's amount over its quantity, so that quantity × price gives the
/// amount every other download states.
fn items(site: &Site, project: &Project, lines: &[LineStatus]) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    project
        .materials
        .iter()
        .zip(lines)
        .enumerate()
        .map(|(i, (line, status))| {
            let base = line
                .product
                .as_ref()
                .map_or_else(|| format!("line-{}", i + 1), |p| p.value.clone());
            let id = if seen.insert(base.clone()) {
                base
            } else {
                format!("{base}-{}", i + 1)
            };
            let category = site.category(&line.category.value);
            let description = line
                .product
                .as_ref()
                .and_then(|p| site.product_name(&p.value))
                .or(line.description.as_deref())
                .or(category.map(|c| c.name.as_str()))
                .unwrap_or(&line.category.value);
            let mut classification = json!({
                "scheme": CATEGORY_SCHEME,
                "id": line.category.value,
                "uri": site.url(&category_page(&line.category.value)),
            });
            if let Some(category) = category {
                classification["description"] = category.name.clone().into();
            }
            let green = if status.green { "green" } else { "not-green" };
            let price = if line.quantity > 0.0 {
                line.amount.yuan_f64() / line.quantity
            } else {
                0.0
            };
            json!({
                "id": id,
                "description": description,
                "classification": classification,
                "additionalClassifications": [{ "scheme": GREEN_SCHEME, "id": green }],
                "quantity": line.quantity,
                "unit": {
                    "name": line.unit,
                    "value": { "amount": price, "currency": "CNY" },
                },
            })
        })
        .collect()
}

/// `value` as compact JSON text, to be written into a package as it is.
fn compact(value: &Value) -> Result<Box<RawValue>, ExportError> {
    Ok(RawValue::from_string(serde_json::to_string(value)?)?)
}

/// An amount of yuan.
pub(super) fn amount(money: Money) -> Value {
    json!({ "amount": money.yuan_f64(), "currency": "CNY" })
}

/// The OCDS method codelist value of a procurement method: 竞争性谈判, 竞争性磋商 and
/// 询价 invite chosen suppliers, so they are selective; single source is direct.
pub(super) fn method_code(method: ProcurementMethod) -> &'static str {
    match method {
        ProcurementMethod::OpenTender => "open",
        ProcurementMethod::InvitedTender
        | ProcurementMethod::CompetitiveNegotiation
        | ProcurementMethod::CompetitiveConsultation
        | ProcurementMethod::Inquiry => "selective",
        ProcurementMethod::SingleSource => "direct",
    }
}

/// The method's Chinese name, from the dataset definitions.
pub(super) fn method_label(method: ProcurementMethod) -> Result<&'static str, ExportError> {
    field_def("projects", "procurement_method")?
        .label_of(method.key())
        .ok_or_else(|| {
            ExportError::Definition(format!(
                "no label for the procurement method `{}`",
                method.key()
            ))
        })
}

/// The org-id.guide list of the unified social credit code (统一社会信用代码), the
/// scheme of every organization identifier: registered as `CN-USCI`.
const IDENTIFIER_SCHEME: &str = "CN-USCI";

/// The OCDS party id of an organization: its credit code, the one identifier every
/// Chinese register shares.
pub(super) fn party_id(org: &Org) -> String {
    format!("{IDENTIFIER_SCHEME}-{}", org.credit_code.value)
}

/// An organization reference.
pub(super) fn reference(org: &Org) -> Value {
    json!({ "id": party_id(org), "name": org.name })
}

/// Parties with their roles, in order of first mention.
#[derive(Default)]
pub(super) struct PartyList<'a> {
    parties: Vec<(&'a Org, Vec<&'static str>)>,
}

impl<'a> PartyList<'a> {
    /// Adds `role` to `org`, adding the organization when new.
    pub(super) fn add(&mut self, org: &'a Org, role: &'static str) {
        match self
            .parties
            .iter_mut()
            .find(|(o, _)| o.id.value == org.id.value)
        {
            Some((_, roles)) if roles.contains(&role) => {}
            Some((_, roles)) => roles.push(role),
            None => self.parties.push((org, vec![role])),
        }
    }

    /// The OCDS `parties` array.
    pub(super) fn into_value(self) -> Value {
        self.parties
            .into_iter()
            .map(|(org, roles)| {
                let mut party = json!({
                    "id": party_id(org),
                    "name": org.name,
                    "identifier": { "scheme": IDENTIFIER_SCHEME, "id": org.credit_code.value, "legalName": org.name },
                    "roles": roles,
                });
                if !org.address.is_empty() {
                    party["address"] = json!({ "streetAddress": org.address });
                }
                party
            })
            .collect::<Vec<_>>()
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::json::pretty;

    #[test]
    fn packages_split_only_past_the_limits() {
        // Items of 8 bytes each.
        let items: Vec<String> = (0..5).map(|i| format!("{{\"id\":{i}}}")).collect();
        let size = |item: &String| item.len();
        assert_eq!(split(items.clone(), size, 10, 1000).len(), 1);
        let parts = split(items.clone(), size, 2, 1000);
        assert_eq!(parts.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
        assert_eq!(split(items, size, 10, 20).len(), 3);
        assert_eq!(split(Vec::new(), size, 10, 10).len(), 1);
        assert_eq!(names("release-package", 1), ["release-package.json"]);
        assert_eq!(names("release-package", 2)[1], "release-package-2.json");
    }

    #[test]
    fn fragments_print_as_the_values_would() {
        let release = json!({ "id": "a", "tag": ["planning"], "tender": { "value": 1 } });
        let header = json!({ "uri": "u", "license": "l", "version": "1.1" });
        let Value::Object(header) = header else {
            unreachable!()
        };
        let whole = {
            let mut package = header.clone();
            package.insert("releases".into(), json!([release.clone(), release.clone()]));
            pretty(&package).unwrap()
        };
        let fragment = super::super::json::fragment;
        let texts = vec![
            fragment(&release, 2).unwrap(),
            fragment(&release, 2).unwrap(),
        ];
        let spliced = pretty(&Package::new(&header, "releases", &texts)).unwrap();
        assert_eq!(String::from_utf8(spliced), String::from_utf8(whole));
    }
}
