//! OC4IDS 0.9: every pilot project as an infrastructure project, its contracting
//! process summarised with a link to the OCDS releases, and the green targets and
//! actual ratios as metrics with a target and an actual observation.

use serde_json::{Value, json};

use super::inventory::POLICY_PATH;
use super::json::{Package, fragment};
use super::ocds::{self, PartyList, amount, method_code, method_label, reference};
use super::tables::{assessed, definitions};
use super::{ExportError, ExportFile, Site, timestamp};
use crate::derive::compliance::{ActualShare, Assessment};
use crate::model::project::{Project, ProjectType, StageKind};
use crate::model::{Percent, Sp, Stars};

/// Where the package goes.
const PATH: &str = "data/oc4ids/project-package.json";

/// `data/oc4ids/project-package.json`.
pub(super) fn write(site: &Site, assessment: &Assessment<'_>) -> Result<ExportFile, ExportError> {
    // Each project is kept as text once made, two levels deep in the package.
    let projects = assessed(site, assessment)
        .into_iter()
        .map(|(p, c)| fragment(&project(site, p, &c.actual_share)?, 2))
        .collect::<Result<Vec<_>, _>>()?;
    let header = json!({
        "uri": site.url(PATH),
        "publishedDate": timestamp(site.as_of),
        "version": "0.9",
        "publisher": ocds::publisher(site),
        "license": site.config.license.url,
        "publicationPolicy": site.url(POLICY_PATH),
    });
    let Value::Object(header) = header else {
        unreachable!("json! of braces is an object");
    };
    Ok(ExportFile {
        path: PATH.to_owned(),
        bytes: Package::new(&header, "projects", &projects).pretty(|p| p.get().len())?,
    })
}

/// The OC4IDS project id: [`project_prefix`] and the project's id.
fn project_id(site: &Site, project: &Project) -> String {
    format!(
        "{}-{}",
        project_prefix(&site.config.ocid_prefix.value),
        project.id.value
    )
}

/// The OC4IDS prefix of an OCDS prefix. OC4IDS prefixes (`oc4ids-xxxxxx`) are
/// registered like OCDS prefixes (`ocds-xxxxxx`) with the same suffix, so the site's
/// one configured prefix serves both.
pub fn project_prefix(ocid_prefix: &str) -> String {
    ocid_prefix
        .strip_prefix("ocds-")
        .map_or_else(|| ocid_prefix.to_owned(), |rest| format!("oc4ids-{rest}"))
}

// Long because it writes one OC4IDS project in the schema's order, each field a line
// or two from the project: read top to bottom it is the project object.
fn project(site: &Site, p: &Project, share: &ActualShare) -> Result<Value, ExportError> {
    let latest = p.lifecycle.last();
    let reached = |stage: StageKind| p.lifecycle.iter().find(|s| s.stage.value == stage);
    let owner = site.org(&p.owner.value);
    let agency = p.agency.as_ref().and_then(|a| site.org(&a.value));
    let winner = p.award.as_ref().and_then(|a| site.org(&a.winner.value));

    let mut parties = PartyList::default();
    if let Some(owner) = owner {
        parties.add(owner, "publicAuthority");
        parties.add(owner, "buyer");
    }
    if let Some(agency) = agency {
        parties.add(agency, "procuringEntity");
    }
    if let Some(winner) = winner {
        parties.add(winner, "supplier");
    }
    let evaluator = p
        .evaluation
        .as_ref()
        .and_then(|e| site.org(&e.evaluator.value));
    if let Some(evaluator) = evaluator {
        parties.add(evaluator, "independentMonitor");
    }
    for loan in &p.financing {
        if let Some(lender) = site.org(&loan.lender.value) {
            parties.add(lender, "funder");
        }
    }

    let ocid = ocds::ocid(site, p);
    let mut tender = json!({
        "procurementMethod": method_code(p.procurement.method),
        "procurementMethodDetails": method_label(p.procurement.method)?,
        "costEstimate": amount(p.procurement.budget),
        // The demand standard's indicator thresholds are written into the tender's
        // technical specifications: that is how the pilot procures green.
        "sustainability": [{ "strategies": ["technicalSpecifications", "nationalGPPCriteria"] }],
    });
    if let Some(entity) = agency.or(owner) {
        tender["procuringEntity"] = reference(entity);
    }
    if let Some(date) = reached(StageKind::Tender) {
        tender["datePublished"] = timestamp(date.date.value).into();
    }
    let stage = latest.map(|s| s.stage.value);
    let status = match stage {
        Some(s) if s >= StageKind::Acceptance => "closed",
        Some(s) if s >= StageKind::Contract || p.award.is_some() => "active",
        _ => "pre-award",
    };
    let mut summary = json!({
        "ocid": ocid,
        "nature": ["construction"],
        "title": p.name,
        "status": status,
        "tender": tender,
    });
    if let Some(code) = &p.procurement_code {
        summary["externalReference"] = code.value.clone().into();
    }
    if let Some(winner) = winner {
        summary["suppliers"] = json!([reference(winner)]);
    }
    if let Some(contract) = &p.contract {
        summary["contractValue"] = amount(contract.amount);
        summary["contractPeriod"] = json!({
            "startDate": timestamp(contract.start.value),
            "endDate": timestamp(contract.end.value),
        });
    }

    let mut project = json!({
        "id": project_id(site, p),
        "updated": timestamp(latest.map_or(site.as_of, |s| s.date.value)),
        "language": "zh",
        "title": p.name,
        "status": project_status(stage),
        "type": "construction",
        "sector": [sector(p.kind)],
        "budget": { "amount": amount(p.procurement.budget) },
        "parties": parties.into_value(),
        "contractingProcesses": [{ "id": ocid, "summary": summary }],
    });
    if !p.description.value.trim().is_empty() {
        project["description"] = p.description.value.trim().into();
    }
    if let Some(owner) = owner {
        project["publicAuthority"] = reference(owner);
    }
    let district = site
        .config
        .districts
        .iter()
        .find(|d| d.id.value == p.district.value);
    let mut address = json!({ "region": site.config.province, "locality": site.config.city });
    if !p.address.is_empty() {
        address["streetAddress"] = p.address.clone().into();
    }
    if let Some(district) = district {
        address["locality"] = format!("{}{}", site.config.city, district.name).into();
    }
    project["locations"] = json!([{ "id": "1", "address": address }]);
    if let Some(contract) = &p.contract {
        project["period"] = json!({
            "startDate": timestamp(contract.start.value),
            "endDate": timestamp(contract.end.value),
        });
    }
    let metrics = metrics(p, share)?;
    if !metrics.is_empty() {
        project["metrics"] = metrics.into();
    }
    if let Some(done) = reached(StageKind::Acceptance) {
        let mut completion = json!({ "endDate": timestamp(done.date.value) });
        if let Some(contract) = &p.contract {
            completion["finalValue"] = amount(contract.amount);
        }
        project["completion"] = completion;
    }
    Ok(project)
}

/// The projectStatus of a project from its latest stage.
fn project_status(stage: Option<StageKind>) -> &'static str {
    match stage {
        None | Some(StageKind::Approval) => "identification",
        Some(StageKind::Design | StageKind::Tender | StageKind::Contract) => "preparation",
        Some(StageKind::Construction) => "implementation",
        Some(StageKind::Acceptance | StageKind::Evaluation) => "completion",
    }
}

/// The projectSector of a building type.
fn sector(kind: ProjectType) -> &'static str {
    match kind {
        ProjectType::Hospital => "health",
        ProjectType::School => "education",
        ProjectType::Office | ProjectType::Complex => "governance",
        ProjectType::ExhibitionHall | ProjectType::ConventionCentre | ProjectType::Stadium => {
            "cultureSportsAndRecreation"
        }
        ProjectType::SubsidisedHousing => "socialHousing",
    }
}

/// The green metrics with the observations the project has; metrics without any are
/// left out. The actual green-material share is the derived one every page shows.
fn metrics(p: &Project, share: &ActualShare) -> Result<Vec<Value>, ExportError> {
    let defs = definitions()?;
    let ratio = |v: &Option<Sp<Percent>>| v.as_ref().map(|r| r.value.0);
    let stars = |s: Option<Stars>| s.map(|s| f64::from(s.count()));
    let mut metrics = Vec::new();
    for metric in &defs.metrics {
        let (target, actual) = match metric.id.as_str() {
            "green-material-ratio" => (
                ratio(&p.targets.green_material_ratio),
                share.value().map(|r| r.0),
            ),
            "prefab-ratio" => (
                ratio(&p.targets.prefab_ratio),
                ratio(&p.actual.prefab_ratio),
            ),
            "star-rating" => (stars(p.targets.star_rating), stars(p.actual.star_rating)),
            other => {
                return Err(ExportError::Definition(format!(
                    "no project figure for the metric `{other}`"
                )));
            }
        };
        let observations: Vec<Value> = [
            ("target", &defs.strings.metric_target, target),
            ("actual", &defs.strings.metric_actual, actual),
        ]
        .into_iter()
        .filter_map(|(id, notes, measure)| {
            Some(json!({ "id": id, "measure": measure?, "unit": { "name": metric.unit }, "notes": notes }))
        })
        .collect();
        if !observations.is_empty() {
            metrics.push(json!({
                "id": metric.id,
                "title": metric.title,
                "description": metric.description,
                "observations": observations,
            }));
        }
    }
    Ok(metrics)
}
