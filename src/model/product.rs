//! Catalog products, `data/catalog/**/*.yaml`: the green building material catalog
//! (绿色建材目录清单).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{RecordKind, References, Refers, Target};
use super::value::{Date, Sp, Stars};

/// A product listed in the catalog.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Stable, URL-safe id.
    pub id: Sp<String>,
    /// Product name.
    pub name: String,
    /// Model or specification (型号规格).
    #[serde(default)]
    pub model: String,
    /// Material category id.
    pub category: Sp<String>,
    /// Manufacturer, an organization id.
    pub manufacturer: Sp<String>,
    /// Date the product entered the catalog.
    pub listed: Sp<Date>,
    /// Catalog status.
    #[serde(default)]
    pub status: ListingStatus,
    /// Description (Markdown).
    #[serde(default)]
    pub description: Sp<String>,
    /// Technical indicators (技术指标), checked against the demand standard.
    #[serde(default)]
    pub indicators: Vec<IndicatorValue>,
    /// Performance parameters (性能参数) not covered by thresholds.
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    /// Quality attributes (品质属性), e.g. 低碳, 可循环.
    #[serde(default)]
    pub attributes: Vec<String>,
    /// Green building material certificate.
    pub certificate: Certificate,
}

keyed! {
    /// Whether a product is currently in the catalog.
    #[derive(Default)]
    pub enum ListingStatus {
        /// 在库.
        #[default]
        Listed = "listed",
        /// 暂停.
        Suspended = "suspended",
        /// 移出.
        Removed = "removed",
    }
}

/// A measured indicator value, named by the indicator id of the demand standard.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorValue {
    /// Indicator id from the category's thresholds.
    pub indicator: Sp<String>,
    /// Measured value, in the threshold's unit.
    pub value: Sp<f64>,
}

/// A free-form performance parameter.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// Parameter name.
    pub name: String,
    /// Value as written.
    pub value: String,
    /// Unit.
    #[serde(default)]
    pub unit: String,
}

/// A green building material certificate (绿色建材认证证书).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// Certificate number.
    pub number: Sp<String>,
    /// Grade: one-star, two-star or three-star.
    pub grade: Sp<Stars>,
    /// Certification body, an organization id.
    pub body: Sp<String>,
    /// Issue date.
    pub issued: Sp<Date>,
    /// Expiry date (certificates last five years).
    pub expires: Sp<Date>,
}

impl Certificate {
    /// Whether the certificate covers a use of the product on `day`: its dates are in
    /// order and it has not expired by then. The issue date counts only when the
    /// editor gave the day of use (`explicit`): a day defaulted to the tender date
    /// precedes delivery, and a certificate issued between tender and delivery is fine.
    ///
    /// Validation (W0301) and the green-material statistics share this one rule.
    pub fn covers_use(&self, day: Date, explicit: bool) -> bool {
        let (issued, expires) = (self.issued.value, self.expires.value);
        issued <= expires && day <= expires && (!explicit || day >= issued)
    }
}

impl Refers for Product {
    fn references<'a>(&'a self, refs: &mut References<'a>) {
        refs.ids("category", Target::Category, [&self.category]);
        refs.ids("manufacturer", RecordKind::Org, [&self.manufacturer]);
        refs.ids(
            "certificate.body",
            RecordKind::Org,
            [&self.certificate.body],
        );
        refs.markdown("description", &self.description);
    }
}
