//! Pilot projects, `data/projects/*.yaml`: one construction project through its lifecycle.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{RecordKind, References, Refers, Target};
use super::org::Role;
use super::value::{Date, Money, Percent, Sp, Stars};

/// A pilot project.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Stable, URL-safe id.
    pub id: Sp<String>,
    /// Project name.
    pub name: String,
    /// Public project code (项目代码) from the investment project platform.
    pub code: Sp<String>,
    /// Procurement project number (采购项目编号), when procured.
    #[serde(default)]
    pub procurement_code: Option<Sp<String>>,
    /// Disclosure index number (索引号).
    #[serde(default)]
    pub index_number: Option<String>,
    /// District id from `site.yaml`.
    pub district: Sp<String>,
    /// Functional zone id from `site.yaml`, when the project lies in one.
    #[serde(default)]
    pub zone: Option<Sp<String>>,
    /// Building type.
    #[serde(rename = "type")]
    pub kind: ProjectType,
    /// Where the money comes from.
    pub funding: Funding,
    /// Site address.
    #[serde(default)]
    pub address: String,
    /// What is built (Markdown).
    #[serde(default)]
    pub description: Sp<String>,
    /// Gross floor area in square metres.
    #[serde(default)]
    pub floor_area: Option<f64>,
    /// Owner or purchaser (采购人/建设单位), an organization id.
    pub owner: Sp<String>,
    /// Procurement agency, an organization id.
    #[serde(default)]
    pub agency: Option<Sp<String>>,
    /// Design institute, an organization id.
    #[serde(default)]
    pub designer: Option<Sp<String>>,
    /// Construction supervisor (监理), an organization id.
    #[serde(default)]
    pub supervisor: Option<Sp<String>>,
    /// Procurement method and budget.
    pub procurement: Procurement,
    /// The award, once made.
    #[serde(default)]
    pub award: Option<Award>,
    /// The contract, once signed.
    #[serde(default)]
    pub contract: Option<Contract>,
    /// Green targets fixed at design and tender.
    #[serde(default)]
    pub targets: Targets,
    /// Figures measured at acceptance.
    #[serde(default)]
    pub actual: Actual,
    /// Lifecycle stages reached so far, in order.
    pub lifecycle: Vec<Stage>,
    /// Materials used.
    #[serde(default)]
    pub materials: Vec<MaterialLine>,
    /// Acceptance (验收), once done.
    #[serde(default)]
    pub acceptance: Option<Acceptance>,
    /// Third-party performance evaluation, once done.
    #[serde(default)]
    pub evaluation: Option<Evaluation>,
    /// Government-procurement contract loans (政采贷) to the contractor.
    #[serde(default)]
    pub financing: Vec<Loan>,
}

keyed! {
    /// Building types in the programme's scope.
    pub enum ProjectType {
        /// 医院.
        Hospital = "hospital",
        /// 学校.
        School = "school",
        /// 办公楼.
        Office = "office",
        /// 综合体.
        Complex = "complex",
        /// 展览馆.
        ExhibitionHall = "exhibition-hall",
        /// 会展中心.
        ConventionCentre = "convention-centre",
        /// 体育馆.
        Stadium = "stadium",
        /// 保障房.
        SubsidisedHousing = "subsidised-housing",
    }
}

keyed! {
    /// Funding sources in the pilot's widened scope: government procurement works,
    /// and government-invested or state-owned-company-financed projects of the city or
    /// of a county or district below it.
    pub enum Funding {
        /// 政府采购工程.
        GovernmentProcurement = "government-procurement",
        /// 政府投资.
        GovernmentInvestment = "government-investment",
        /// 省属国有企业投融资.
        ProvincialSoe = "provincial-soe",
        /// 市属国有企业投融资.
        MunicipalSoe = "municipal-soe",
        /// 区县属国有企业投融资.
        CountySoe = "county-soe",
    }
}

/// How the works were procured.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Procurement {
    /// Procurement method.
    pub method: ProcurementMethod,
    /// Budget in yuan.
    pub budget: Money,
    /// When bids could be submitted: from the tender notice to the bid opening.
    #[serde(default)]
    pub tender_period: Option<TenderPeriod>,
    /// Organizations that submitted bids (投标人), by id, as the result notice names
    /// them.
    #[serde(default)]
    pub tenderers: Vec<Sp<String>>,
    /// Number of bids received, when the notice gives the number but not every name;
    /// at least the number of `tenderers`.
    #[serde(default)]
    pub number_of_tenderers: Option<Sp<u32>>,
}

/// The bidding period of a tender (招标公告发布至开标).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TenderPeriod {
    /// Publication of the tender notice.
    pub start: Sp<Date>,
    /// Bid opening, the deadline for bids.
    pub end: Sp<Date>,
}

impl Procurement {
    /// The number of bids received: the number given, else the tenderers named.
    pub fn tenderer_count(&self) -> Option<u32> {
        let named = self.tenderers.len() as u32;
        match &self.number_of_tenderers {
            Some(n) => Some(n.value.max(named)),
            None => (named > 0).then_some(named),
        }
    }
}

keyed! {
    /// Procurement methods of the Government Procurement Law and the Tendering Law.
    pub enum ProcurementMethod {
        /// 公开招标.
        OpenTender = "open-tender",
        /// 邀请招标.
        InvitedTender = "invited-tender",
        /// 竞争性谈判.
        CompetitiveNegotiation = "competitive-negotiation",
        /// 竞争性磋商.
        CompetitiveConsultation = "competitive-consultation",
        /// 单一来源.
        SingleSource = "single-source",
        /// 询价.
        Inquiry = "inquiry",
    }
}

/// The award notice (中标公告).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Award {
    /// Winning supplier, an organization id.
    pub winner: Sp<String>,
    /// Award amount in yuan.
    pub amount: Money,
    /// Date of the award notice.
    pub date: Sp<Date>,
    /// Address of the published notice.
    #[serde(default)]
    pub notice_url: Option<Sp<String>>,
}

/// The contract (合同公告).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Contract number.
    pub code: String,
    /// Contract amount in yuan.
    pub amount: Money,
    /// Signing date.
    pub signed: Sp<Date>,
    /// Start of the contract period.
    pub start: Sp<Date>,
    /// End of the contract period.
    pub end: Sp<Date>,
}

/// Green targets.
#[derive(Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Target green building rating, fixed at approval or design.
    #[serde(default)]
    pub star_rating: Option<Stars>,
    /// Target green-material procurement ratio by amount, fixed in the tender.
    #[serde(default)]
    pub green_material_ratio: Option<Sp<Percent>>,
    /// Target prefabrication ratio (装配率).
    #[serde(default)]
    pub prefab_ratio: Option<Sp<Percent>>,
}

/// Figures measured at acceptance.
#[derive(Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actual {
    /// Green building rating obtained.
    #[serde(default)]
    pub star_rating: Option<Stars>,
    /// Green-material ratio by amount as reported by the owner.
    #[serde(default)]
    pub green_material_ratio: Option<Sp<Percent>>,
    /// Prefabrication ratio achieved.
    #[serde(default)]
    pub prefab_ratio: Option<Sp<Percent>>,
}

/// A lifecycle stage reached, with its documents.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Which stage.
    pub stage: Sp<StageKind>,
    /// Date the stage was reached.
    pub date: Sp<Date>,
    /// Remarks.
    #[serde(default)]
    pub note: String,
    /// Documents published at this stage.
    #[serde(default)]
    pub documents: Vec<Document>,
}

keyed! {
    /// The lifecycle stages of the pilot's "embed early, execute mid-way, evaluate after".
    pub enum StageKind {
        /// 立项.
        Approval = "approval",
        /// 设计.
        Design = "design",
        /// 招投标.
        Tender = "tender",
        /// 合同签订.
        Contract = "contract",
        /// 施工.
        Construction = "construction",
        /// 验收.
        Acceptance = "acceptance",
        /// 绩效评价.
        Evaluation = "evaluation",
    }
}

/// A published document.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Title.
    pub title: String,
    /// Document number (文号), if any.
    #[serde(default)]
    pub number: Option<String>,
    /// Address of the original.
    #[serde(default)]
    pub url: Option<Sp<String>>,
}

/// One material line of a project.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialLine {
    /// Material category id.
    pub category: Sp<String>,
    /// Catalog product id; absent when the material is not from the catalog.
    #[serde(default)]
    pub product: Option<Sp<String>>,
    /// Description when no catalog product is named.
    #[serde(default)]
    pub description: Option<String>,
    /// Quantity in `unit`.
    pub quantity: f64,
    /// Unit, e.g. m³, t, m².
    pub unit: String,
    /// Amount in yuan.
    pub amount: Money,
    /// Date of first use on site; the certificate must be valid then. Defaults to the
    /// tender date.
    #[serde(default)]
    pub used_from: Option<Sp<Date>>,
}

/// Acceptance (竣工验收).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// Outcome.
    pub result: AcceptanceResult,
    /// Remarks.
    #[serde(default)]
    pub note: String,
}

keyed! {
    /// Acceptance outcomes.
    pub enum AcceptanceResult {
        /// 合格.
        Passed = "passed",
        /// 整改后合格.
        PassedAfterRectification = "passed-after-rectification",
        /// 不合格.
        Failed = "failed",
    }
}

/// Third-party performance evaluation (绩效评价).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// Evaluating organization id.
    pub evaluator: Sp<String>,
    /// Score out of 100.
    pub score: Sp<Percent>,
    /// Grade.
    pub grade: Grade,
    /// Summary of findings.
    #[serde(default)]
    pub summary: Sp<String>,
}

keyed! {
    /// Evaluation grades.
    pub enum Grade {
        /// 优秀.
        Excellent = "excellent",
        /// 良好.
        Good = "good",
        /// 合格.
        Pass = "pass",
        /// 不合格.
        Fail = "fail",
    }
}

/// A government-procurement contract loan (政采贷).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Loan {
    /// Lending bank, an organization id.
    pub lender: Sp<String>,
    /// Borrowing supplier, an organization id.
    pub borrower: Sp<String>,
    /// Amount in yuan.
    pub amount: Money,
    /// Date granted.
    pub date: Sp<Date>,
}

/// The role in which a project's field (a [`Refers`] field path) names an
/// organization, for the fields that name its parties.
pub fn party_role(field: &str) -> Option<Role> {
    Some(match field {
        "owner" => Role::Owner,
        "agency" => Role::Agency,
        "designer" => Role::Designer,
        "supervisor" => Role::Supervisor,
        "award.winner" | "financing.borrower" => Role::Contractor,
        "evaluation.evaluator" => Role::Evaluator,
        "financing.lender" => Role::Lender,
        _ => return None,
    })
}

impl Refers for Project {
    fn references<'a>(&'a self, refs: &mut References<'a>) {
        refs.ids("district", Target::District, [&self.district]);
        refs.ids("zone", Target::Zone, &self.zone);
        refs.ids("owner", RecordKind::Org, [&self.owner]);
        refs.ids("agency", RecordKind::Org, &self.agency);
        refs.ids("designer", RecordKind::Org, &self.designer);
        refs.ids("supervisor", RecordKind::Org, &self.supervisor);
        refs.ids(
            "procurement.tenderers",
            RecordKind::Org,
            &self.procurement.tenderers,
        );
        if let Some(award) = &self.award {
            refs.ids("award.winner", RecordKind::Org, [&award.winner]);
            refs.links(&award.notice_url);
        }
        if let Some(evaluation) = &self.evaluation {
            refs.ids(
                "evaluation.evaluator",
                RecordKind::Org,
                [&evaluation.evaluator],
            );
        }
        for loan in &self.financing {
            refs.ids("financing.lender", RecordKind::Org, [&loan.lender]);
            refs.ids("financing.borrower", RecordKind::Org, [&loan.borrower]);
        }
        for stage in &self.lifecycle {
            refs.links(stage.documents.iter().flat_map(|d| &d.url));
        }
        for line in &self.materials {
            refs.ids("materials.category", Target::Category, [&line.category]);
            refs.ids("materials.product", RecordKind::Product, &line.product);
        }
        refs.markdown("description", &self.description);
        if let Some(evaluation) = &self.evaluation {
            refs.markdown("evaluation.summary", &evaluation.summary);
        }
    }
}
