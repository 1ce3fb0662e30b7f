//! Markdown documents with YAML front matter: policies (`content/policies/`),
//! interpretations (`content/interpretations/`) and plain pages (`content/pages/`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{RecordKind, References, Refers};
use super::value::{Date, Sp};

/// A policy document (政策文件).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Stable, URL-safe id.
    pub id: Sp<String>,
    /// Title.
    pub title: String,
    /// Document number (文号), e.g. 财库〔2022〕35号.
    #[serde(default)]
    pub number: Option<Sp<String>>,
    /// Issuing bodies.
    pub issuer: String,
    /// Administrative level.
    pub level: PolicyLevel,
    /// Date issued.
    pub issued: Sp<Date>,
    /// Date in force.
    #[serde(default)]
    pub effective: Option<Sp<Date>>,
    /// Validity status.
    pub status: PolicyStatus,
    /// True when the body is a summary written for this site, not the official text.
    #[serde(default)]
    pub summary_only: bool,
    /// Address of the official text.
    #[serde(default)]
    pub source_url: Option<Sp<String>>,
    /// Policy ids this one amends or replaces.
    #[serde(default)]
    pub supersedes: Vec<Sp<String>>,
    /// Attachments.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

keyed! {
    /// Administrative level of a policy.
    pub enum PolicyLevel {
        /// 国家级.
        National = "national",
        /// 省级.
        Provincial = "provincial",
        /// 市级.
        Municipal = "municipal",
    }
}

keyed! {
    /// Validity of a policy.
    pub enum PolicyStatus {
        /// 现行有效.
        InForce = "in-force",
        /// 已修订.
        Amended = "amended",
        /// 已废止.
        Repealed = "repealed",
    }
}

/// An attachment of a policy.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// Title.
    pub title: String,
    /// Address.
    pub url: Sp<String>,
}

/// A policy interpretation (政策解读).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Interpretation {
    /// Stable, URL-safe id.
    pub id: Sp<String>,
    /// Title.
    pub title: String,
    /// The policy interpreted, a policy id.
    pub policy: Sp<String>,
    /// Who wrote it.
    pub author: String,
    /// Date published.
    pub date: Sp<Date>,
    /// Address of the original.
    #[serde(default)]
    pub source_url: Option<Sp<String>>,
}

/// A plain content page (about, guide...).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Stable, URL-safe id; the page lives at `/<id>/`.
    pub id: Sp<String>,
    /// Title.
    pub title: String,
    /// Position in the footer menu, lowest first.
    #[serde(default)]
    pub order: i32,
}

impl Refers for Policy {
    fn references<'a>(&'a self, refs: &mut References<'a>) {
        refs.ids("supersedes", RecordKind::Policy, &self.supersedes);
        refs.links(&self.source_url);
        refs.links(self.attachments.iter().map(|a| &a.url));
    }
}

impl Refers for Interpretation {
    fn references<'a>(&'a self, refs: &mut References<'a>) {
        refs.ids("policy", RecordKind::Policy, [&self.policy]);
        refs.links(&self.source_url);
    }
}

impl Refers for Page {
    fn references<'a>(&'a self, _: &mut References<'a>) {}
}
