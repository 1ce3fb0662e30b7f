//! Rules for pilot projects: references, the lifecycle in order, what each stage
//! requires, ratios, and the materials against the catalog and the standard.

use super::{Checker, each};
use crate::diagnostic::{Code, Position};
use crate::messages::Text;
use crate::model::product::ListingStatus;
use crate::model::project::{Project, StageKind};
use crate::model::{Dataset, Sp};
use crate::text;

/// Checks every project.
pub(super) fn check_projects(dataset: &Dataset, checker: &mut Checker) {
    let today = dataset.as_of();
    for (file, project) in each(&dataset.projects) {
        check_lifecycle(file, project, checker);
        check_stage_requirements(file, project, checker);
        checker.percent(
            file,
            text!("validate.project.what.target_green_ratio"),
            project.targets.green_material_ratio.as_ref(),
        );
        checker.percent(
            file,
            text!("validate.project.what.target_prefab_ratio"),
            project.targets.prefab_ratio.as_ref(),
        );
        checker.percent(
            file,
            text!("validate.project.what.actual_green_ratio"),
            project.actual.green_material_ratio.as_ref(),
        );
        checker.percent(
            file,
            text!("validate.project.what.actual_prefab_ratio"),
            project.actual.prefab_ratio.as_ref(),
        );
        if let Some(evaluation) = &project.evaluation {
            checker.percent(
                file,
                text!("validate.project.what.evaluation_score"),
                Some(&evaluation.score),
            );
        }
        check_materials(file, project, today, checker);
    }
}

/// Stages follow the lifecycle order, each at most once, with dates that never go back.
fn check_lifecycle(file: &std::path::Path, project: &Project, checker: &mut Checker) {
    if project.lifecycle.is_empty() {
        checker.diagnostics.report(
            Code::MissingField,
            file,
            Position::of(&project.id),
            text!("validate.project.no_lifecycle", id = &project.id.value),
            text!(
                "validate.project.no_lifecycle_hint",
                example = "lifecycle: [{stage: approval, date: YYYY-MM-DD}]",
            ),
        );
    }
    for pair in project.lifecycle.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        if after.stage.value <= before.stage.value {
            checker.diagnostics.report(
                Code::DateOrder,
                file,
                Position::of(&after.stage),
                text!(
                    "validate.project.stage_order",
                    stage = after.stage.value.key(),
                    previous = before.stage.value.key(),
                ),
                text!("validate.project.stage_order_hint"),
            );
        } else if after.date.value < before.date.value {
            checker.diagnostics.report(
                Code::DateOrder,
                file,
                Position::of(&after.date),
                text!(
                    "validate.project.stage_date",
                    stage = after.stage.value.key(),
                    date = after.date.value.to_string(),
                    previous = before.stage.value.key(),
                    previous_date = before.date.value.to_string(),
                ),
                text!("validate.project.stage_date_hint"),
            );
        }
    }
    if let Some(contract) = &project.contract
        && contract.end.value < contract.start.value
    {
        checker.diagnostics.report(
            Code::DateOrder,
            file,
            Position::of(&contract.end),
            text!(
                "validate.project.contract_dates",
                end = contract.end.value.to_string(),
                start = contract.start.value.to_string(),
            ),
            text!("validate.project.contract_dates_hint"),
        );
    }
    check_tender(file, project, checker);
}

/// The bidding period runs forward and ends by the award; the number of bids is at
/// least the number of bidders named.
fn check_tender(file: &std::path::Path, project: &Project, checker: &mut Checker) {
    let procurement = &project.procurement;
    if let Some(period) = &procurement.tender_period {
        if period.end.value < period.start.value {
            checker.diagnostics.report(
                Code::DateOrder,
                file,
                Position::of(&period.end),
                text!(
                    "validate.project.tender_period_order",
                    end = period.end.value.to_string(),
                    start = period.start.value.to_string(),
                ),
                text!("validate.project.tender_period_order_hint"),
            );
        }
        if let Some(award) = &project.award
            && award.date.value < period.end.value
        {
            checker.diagnostics.report(
                Code::DateOrder,
                file,
                Position::of(&period.end),
                text!(
                    "validate.project.tender_period_after_award",
                    end = period.end.value.to_string(),
                    award = award.date.value.to_string(),
                ),
                text!("validate.project.tender_period_after_award_hint"),
            );
        }
    }
    if let Some(count) = &procurement.number_of_tenderers
        && (count.value as usize) < procurement.tenderers.len()
    {
        checker.diagnostics.report(
            Code::WrongType,
            file,
            Position::of(count),
            text!(
                "validate.project.tenderer_count",
                count = u64::from(count.value),
                named = procurement.tenderers.len(),
            ),
            text!("validate.project.tenderer_count_hint"),
        );
    }
}

/// Fields that become required once the project reaches a stage: "embed early (star
/// rating at design), execute mid-way (ratio in the tender), evaluate after".
fn check_stage_requirements(file: &std::path::Path, project: &Project, checker: &mut Checker) {
    let reached = |kind: StageKind| project.lifecycle.iter().find(|s| s.stage.value >= kind);
    let mut require = |stage: Option<&Sp<StageKind>>, present: bool, field: &str, example: Text| {
        if let Some(stage) = stage
            && !present
        {
            checker.diagnostics.report(
                Code::StageRequires,
                file,
                Position::of(stage),
                text!(
                    "validate.project.stage_requires",
                    stage = stage.value.key(),
                    field = field,
                ),
                text!(
                    "validate.project.stage_requires_hint",
                    field = field,
                    example = example
                ),
            );
        }
    };
    let design = reached(StageKind::Design).map(|s| &s.stage);
    let tender = reached(StageKind::Tender).map(|s| &s.stage);
    let contract = reached(StageKind::Contract).map(|s| &s.stage);
    let acceptance = reached(StageKind::Acceptance).map(|s| &s.stage);
    let evaluation = reached(StageKind::Evaluation).map(|s| &s.stage);
    require(
        design,
        project.targets.star_rating.is_some(),
        "targets.star_rating",
        text!("validate.project.example.star_rating"),
    );
    require(
        tender,
        project.targets.green_material_ratio.is_some(),
        "targets.green_material_ratio",
        text!("validate.project.example.green_material_ratio"),
    );
    require(
        tender,
        project.award.is_some(),
        "award",
        text!("validate.project.example.award"),
    );
    require(
        contract,
        project.contract.is_some(),
        "contract",
        text!("validate.project.example.contract"),
    );
    require(
        acceptance,
        project.acceptance.is_some(),
        "acceptance",
        text!("validate.project.example.acceptance"),
    );
    require(
        evaluation,
        project.evaluation.is_some(),
        "evaluation",
        text!("validate.project.example.evaluation"),
    );
}

/// A catalog product named by a material line: its certificate must be valid on the
/// day of use and, while the project is under way, today; and it must still be listed.
fn check_product_in_use(
    file: &std::path::Path,
    product: &Sp<String>,
    record: &crate::model::Product,
    used: Option<crate::model::Date>,
    used_is_explicit: bool,
    active_today: Option<crate::model::Date>,
    checker: &mut Checker,
) {
    let certificate = &record.certificate;
    let (issued, expires) = (certificate.issued.value, certificate.expires.value);
    let invalid_on = |day: crate::model::Date| !certificate.covers_use(day, used_is_explicit);
    // Dates in the wrong order are reported on the product (E0208); judging the day of
    // use by them would only repeat that problem in every project using it.
    let dates_ok = issued <= expires;
    if let Some(day) = used.filter(|day| dates_ok && invalid_on(*day)) {
        checker.diagnostics.report(
            Code::ExpiredCertificateInUse,
            file,
            Position::of(product),
            text!(
                "validate.project.certificate_invalid_on_use",
                product = &product.value,
                issued = issued.to_string(),
                expires = expires.to_string(),
                day = day.to_string(),
            ),
            text!("validate.project.certificate_invalid_on_use_hint"),
        );
    } else if let Some(today) = active_today.filter(|today| dates_ok && *today > expires) {
        checker.diagnostics.report(
            Code::ExpiredCertificateInUse,
            file,
            Position::of(product),
            text!(
                "validate.project.certificate_expired",
                product = &product.value,
                expires = expires.to_string(),
                today = today.to_string(),
            ),
            text!("validate.project.certificate_expired_hint"),
        );
    }
    if active_today.is_some() && record.status != ListingStatus::Listed {
        checker.diagnostics.report(
            Code::DelistedProductInUse,
            file,
            Position::of(product),
            text!(
                "validate.project.delisted",
                product = &product.value,
                status = status_text(record.status),
            ),
            text!("validate.project.delisted_hint"),
        );
    }
}

/// A catalog status as a message says it.
fn status_text(status: ListingStatus) -> Text {
    match status {
        ListingStatus::Listed => text!("validate.project.status.listed"),
        ListingStatus::Suspended => text!("validate.project.status.suspended"),
        ListingStatus::Removed => text!("validate.project.status.removed"),
    }
}

/// Material lines: known categories and products of that category, and warnings for
/// expired certificates on active projects and for prohibited materials.
fn check_materials(
    file: &std::path::Path,
    project: &Project,
    today: Option<crate::model::Date>,
    checker: &mut Checker,
) {
    let active = project
        .lifecycle
        .last()
        .is_some_and(|s| s.stage.value < StageKind::Acceptance);
    let tender = project
        .lifecycle
        .iter()
        .find(|s| s.stage.value == StageKind::Tender)
        .map(|s| s.date.value);
    let edition = tender.and_then(|date| checker.index.edition_on(date));
    if let (Some(date), None) = (tender, edition)
        && let Some(stage) = project
            .lifecycle
            .iter()
            .find(|s| s.stage.value == StageKind::Tender)
    {
        checker.diagnostics.report(
            Code::EditionGap,
            file,
            Position::of(&stage.date),
            text!("validate.project.no_edition", date = date.to_string()),
            text!("validate.project.no_edition_hint"),
        );
    }
    for line in &project.materials {
        if let Some(product) = &line.product {
            let record = checker.index.products.get(product.value.as_str()).copied();
            if let Some(category) = record.map(|r| &r.category.value)
                && *category != line.category.value
            {
                checker.diagnostics.report(
                    Code::BrokenReference,
                    file,
                    Position::of(product),
                    text!(
                        "validate.project.wrong_category",
                        product = &product.value,
                        category = category,
                        line_category = &line.category.value,
                    ),
                    text!(
                        "validate.project.wrong_category_hint",
                        category = category,
                        line_category = &line.category.value,
                    ),
                );
            }
            if let Some(record) = record {
                let used = line.used_from.as_ref().map(|d| d.value);
                check_product_in_use(
                    file,
                    product,
                    record,
                    used.or(tender),
                    used.is_some(),
                    active.then_some(today).flatten(),
                    checker,
                );
            }
        }
        if let (Some(edition), Some(description)) = (edition, &line.description)
            && let Some(banned) = edition
                .prohibited
                .iter()
                .find(|p| !p.name.is_empty() && description.contains(&p.name))
        {
            checker.diagnostics.report(
                Code::ProhibitedProduct,
                file,
                Position::of(&line.category),
                text!(
                    "validate.project.prohibited",
                    name = &banned.name,
                    edition = &edition.id.value,
                ),
                text!("validate.project.prohibited_hint"),
            );
        }
    }
}
