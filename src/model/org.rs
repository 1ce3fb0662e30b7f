//! Organizations, `data/orgs/*.yaml`: owners, suppliers, manufacturers, agencies,
//! certification bodies, lenders, with their credit records.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{RecordKind, References, Refers, Target};
use super::value::{Date, Sp};

/// An organization.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Org {
    /// Stable, URL-safe id.
    pub id: Sp<String>,
    /// Registered name.
    pub name: String,
    /// Unified social credit code (统一社会信用代码).
    pub credit_code: Sp<String>,
    /// Set when the code was checked by hand against the registry although it fails
    /// the GB 32100-2015 check character.
    #[serde(default)]
    pub credit_code_verified: bool,
    /// Roles the organization plays in the programme.
    pub roles: Vec<Role>,
    /// District id, when located in the city.
    #[serde(default)]
    pub district: Option<Sp<String>>,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// Web site.
    #[serde(default)]
    pub website: Option<Sp<String>>,
    /// Description (Markdown).
    #[serde(default)]
    pub description: Sp<String>,
    /// Credit evaluations (信用评价), oldest first.
    #[serde(default)]
    pub credit: Vec<CreditEvaluation>,
    /// Credit commitments (信用承诺).
    #[serde(default)]
    pub commitments: Vec<Commitment>,
}

keyed! {
    /// The roles an organization can play.
    pub enum Role {
        /// 建设单位/采购人.
        Owner = "owner",
        /// 采购代理机构.
        Agency = "agency",
        /// 设计单位.
        Designer = "designer",
        /// 施工单位.
        Contractor = "contractor",
        /// 监理单位.
        Supervisor = "supervisor",
        /// 建材生产企业.
        Manufacturer = "manufacturer",
        /// 认证机构.
        Certifier = "certifier",
        /// 金融机构.
        Lender = "lender",
        /// 第三方评价机构.
        Evaluator = "evaluator",
        /// 监管部门.
        Regulator = "regulator",
    }
}

/// A credit evaluation.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditEvaluation {
    /// Evaluation date.
    pub date: Sp<Date>,
    /// Rating.
    pub rating: CreditRating,
    /// Who evaluated, an organization id.
    pub evaluator: Sp<String>,
    /// Remarks.
    #[serde(default)]
    pub note: String,
}

/// Credit ratings, A best.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
pub enum CreditRating {
    /// 守信.
    A,
    /// 基本守信.
    B,
    /// 失信风险.
    C,
    /// 失信.
    D,
}

/// A public credit commitment.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    /// Date signed.
    pub date: Sp<Date>,
    /// Title.
    pub title: String,
    /// What was promised.
    #[serde(default)]
    pub text: String,
}

impl Refers for Org {
    fn references<'a>(&'a self, refs: &mut References<'a>) {
        refs.ids("district", Target::District, &self.district);
        refs.links(&self.website);
        for evaluation in &self.credit {
            refs.ids("credit.evaluator", RecordKind::Org, [&evaluation.evaluator]);
        }
        refs.markdown("description", &self.description);
    }
}
