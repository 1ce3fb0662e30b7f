//! Supervision and matchmaking: inspections (`data/inspections/*.yaml`) and
//! supply-demand events (`data/events/*.yaml`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{RecordKind, References, Refers, Target};
use super::value::{Date, Sp};

/// A supervisory inspection (监督检查).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    /// Stable, URL-safe id.
    pub id: Sp<String>,
    /// Title.
    pub title: String,
    /// Inspection date.
    pub date: Sp<Date>,
    /// Inspecting body, an organization id.
    pub inspector: Sp<String>,
    /// Kind of inspection.
    pub kind: InspectionKind,
    /// Products inspected.
    #[serde(default)]
    pub products: Vec<Sp<String>>,
    /// Organizations inspected.
    #[serde(default)]
    pub orgs: Vec<Sp<String>>,
    /// Projects inspected.
    #[serde(default)]
    pub projects: Vec<Sp<String>>,
    /// Outcome.
    pub result: InspectionResult,
    /// Findings (Markdown).
    #[serde(default)]
    pub findings: Sp<String>,
}

keyed! {
    /// Kinds of inspection.
    pub enum InspectionKind {
        /// 产品抽检.
        Sampling = "sampling",
        /// 施工现场检查.
        SiteCheck = "site-check",
        /// 证书核查.
        CertificateCheck = "certificate-check",
    }
}

keyed! {
    /// Inspection outcomes.
    pub enum InspectionResult {
        /// 合格.
        Pass = "pass",
        /// 限期整改.
        Rectify = "rectify",
        /// 不合格.
        Fail = "fail",
    }
}

/// A supply-demand matchmaking event (供需对接会) or training.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Stable, URL-safe id.
    pub id: Sp<String>,
    /// Title.
    pub title: String,
    /// Date held.
    pub date: Sp<Date>,
    /// Place.
    pub place: String,
    /// Organizing body, an organization id.
    pub organizer: Sp<String>,
    /// Participating organizations.
    #[serde(default)]
    pub participants: Vec<Sp<String>>,
    /// Categories on the agenda.
    #[serde(default)]
    pub categories: Vec<Sp<String>>,
    /// Outcome (Markdown).
    #[serde(default)]
    pub outcome: Sp<String>,
    /// Number of supply intentions signed.
    #[serde(default)]
    pub agreements: u32,
}

impl Refers for Inspection {
    fn references<'a>(&'a self, refs: &mut References<'a>) {
        refs.ids("inspector", RecordKind::Org, [&self.inspector]);
        refs.ids("products", RecordKind::Product, &self.products);
        refs.ids("orgs", RecordKind::Org, &self.orgs);
        refs.ids("projects", RecordKind::Project, &self.projects);
        refs.markdown("findings", &self.findings);
    }
}

impl Refers for Event {
    fn references<'a>(&'a self, refs: &mut References<'a>) {
        refs.ids("organizer", RecordKind::Org, [&self.organizer]);
        refs.ids("participants", RecordKind::Org, &self.participants);
        refs.ids("categories", Target::Category, &self.categories);
        refs.markdown("outcome", &self.outcome);
    }
}
