//! Rules for pilot projects: references, the lifecycle in order, what each stage
//! requires, ratios, and the materials against the catalog and the standard.

use super::{Checker, each};
use crate::diagnostic::{Code, Position};
use crate::model::project::{Project, StageKind};
use crate::model::{Dataset, Sp};

/// Checks every project.
pub(super) fn check_projects(dataset: &Dataset, checker: &mut Checker) {
    let today = dataset.as_of();
    for (file, project) in each(&dataset.projects) {
        check_lifecycle(file, project, checker);
        check_stage_requirements(file, project, checker);
        checker.percent(
            file,
            "the target green-material ratio",
            project.targets.green_material_ratio.as_ref(),
        );
        checker.percent(
            file,
            "the target prefabrication ratio",
            project.targets.prefab_ratio.as_ref(),
        );
        checker.percent(
            file,
            "the actual green-material ratio",
            project.actual.green_material_ratio.as_ref(),
        );
        checker.percent(
            file,
            "the actual prefabrication ratio",
            project.actual.prefab_ratio.as_ref(),
        );
        if let Some(evaluation) = &project.evaluation {
            checker.percent(file, "the evaluation score", Some(&evaluation.score));
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
            format!("the project `{}` has no lifecycle stage", project.id.value),
            "add at least the approval stage: `lifecycle: [{stage: approval, date: YYYY-MM-DD}]`",
        );
    }
    for pair in project.lifecycle.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        if after.stage.value <= before.stage.value {
            checker.diagnostics.report(
                Code::DateOrder,
                file,
                Position::of(&after.stage),
                format!(
                    "the stage `{}` comes after `{}`, but the lifecycle runs approval → design → tender → contract → construction → acceptance → evaluation",
                    after.stage.value.key(),
                    before.stage.value.key()
                ),
                "list each stage once, in lifecycle order",
            );
        } else if after.date.value < before.date.value {
            checker.diagnostics.report(
                Code::DateOrder,
                file,
                Position::of(&after.date),
                format!(
                    "the `{}` stage is dated {}, before the `{}` stage on {}",
                    after.stage.value.key(),
                    after.date.value,
                    before.stage.value.key(),
                    before.date.value
                ),
                "check both dates: a later stage cannot be reached before an earlier one",
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
            format!(
                "the contract period ends on {} before it starts on {}",
                contract.end.value, contract.start.value
            ),
            "check `start` and `end` against the contract",
        );
    }
}

/// Fields that become required once the project reaches a stage: "embed early (star
/// rating at design), execute mid-way (ratio in the tender), evaluate after".
fn check_stage_requirements(file: &std::path::Path, project: &Project, checker: &mut Checker) {
    let reached = |kind: StageKind| project.lifecycle.iter().find(|s| s.stage.value >= kind);
    let mut require = |stage: Option<&Sp<StageKind>>, present: bool, field: &str, example: &str| {
        if let Some(stage) = stage
            && !present
        {
            checker.diagnostics.report(
                Code::StageRequires,
                file,
                Position::of(stage),
                format!(
                    "the project has reached the `{}` stage but has no `{field}`",
                    stage.value.key()
                ),
                format!("add `{field}` ({example})"),
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
        "the rating fixed at design, e.g. two-star",
    );
    require(
        tender,
        project.targets.green_material_ratio.is_some(),
        "targets.green_material_ratio",
        "the green-material ratio fixed in the tender, e.g. 60",
    );
    require(
        tender,
        project.award.is_some(),
        "award",
        "winner, amount and date of the award notice",
    );
    require(
        contract,
        project.contract.is_some(),
        "contract",
        "code, amount, signed, start and end",
    );
    require(
        acceptance,
        project.acceptance.is_some(),
        "acceptance",
        "at least `result: passed`",
    );
    require(
        evaluation,
        project.evaluation.is_some(),
        "evaluation",
        "evaluator, score, grade",
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
            format!(
                "the certificate of `{}` is valid from {issued} to {expires}, but the product is used from {day}",
                product.value
            ),
            "check `used_from` and the certificate dates; a product counts as green only while its certificate is valid",
        );
    } else if let Some(today) = active_today.filter(|today| dates_ok && *today > expires) {
        checker.diagnostics.report(
            Code::ExpiredCertificateInUse,
            file,
            Position::of(product),
            format!(
                "the certificate of `{}` expired on {expires} (data as of {today}), and this project is still under way",
                product.value
            ),
            "ask the supplier for the renewed certificate and update the product, or replace the product",
        );
    }
    if active_today.is_some() && record.status != crate::model::product::ListingStatus::Listed {
        checker.diagnostics.report(
            Code::DelistedProductInUse,
            file,
            Position::of(product),
            format!(
                "the product `{}` is {} in the catalog, and this project is still under way",
                product.value,
                record.status.key()
            ),
            "check with the owner whether the product is still supplied; record the replacement",
        );
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
            format!("no edition of the demand standard is in force on the tender date {date}"),
            "check the tender date, or the effective dates of the editions in data/standards/",
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
                    format!(
                        "the product `{}` belongs to the category `{category}`, not `{}`",
                        product.value, line.category.value
                    ),
                    format!(
                        "set this line's `category` to `{category}`, or name a product of `{}`",
                        line.category.value
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
                format!(
                    "this line's description names `{}`, prohibited by the edition `{}`",
                    banned.name, edition.id.value
                ),
                "check with the owner and the contractor; record the replacement material",
            );
        }
    }
}
