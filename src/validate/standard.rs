//! Rules for the demand standard (categories, editions, thresholds) and catalog products.

use std::collections::HashSet;

use super::{Checker, Target, each};
use crate::diagnostic::{Code, Position};
use crate::model::{Dataset, Stars};

/// Every category belongs to a known group.
pub(super) fn check_taxonomy(dataset: &Dataset, checker: &mut Checker) {
    let Some(taxonomy) = &dataset.taxonomy else {
        return;
    };
    for category in &taxonomy.record.categories {
        checker.reference(&taxonomy.file, Target::Group, &category.group);
    }
}

/// Editions: dates in order, no overlap, known categories and policies.
pub(super) fn check_editions(dataset: &Dataset, checker: &mut Checker) {
    for (file, edition) in each(&dataset.editions) {
        if let Some(until) = &edition.effective_until
            && until.value < edition.effective_from.value
        {
            checker.diagnostics.report(
                Code::DateOrder,
                file,
                Position::of(until),
                format!(
                    "the edition ends on {} before it starts on {}",
                    until.value, edition.effective_from.value
                ),
                "`effective_until` is the last day in force and comes after `effective_from`",
            );
        }
        let mut seen = HashSet::new();
        for rule in &edition.categories {
            if !seen.insert(rule.category.value.as_str()) {
                checker.diagnostics.report(
                    Code::DuplicateId,
                    file,
                    Position::of(&rule.category),
                    format!(
                        "the category `{}` is listed twice in this edition",
                        rule.category.value
                    ),
                    "merge the two entries into one",
                );
            }
            let mut indicators = HashSet::new();
            for threshold in &rule.thresholds {
                if !indicators.insert(threshold.indicator.value.as_str()) {
                    checker.diagnostics.report(
                        Code::DuplicateId,
                        file,
                        Position::of(&threshold.indicator),
                        format!(
                            "the indicator `{}` has two thresholds in category `{}`",
                            threshold.indicator.value, rule.category.value
                        ),
                        "keep one threshold per indicator and category",
                    );
                }
            }
        }
    }
    // Editions must not overlap: on any day exactly one is in force.
    let mut sorted: Vec<_> = dataset.editions.iter().collect();
    sorted.sort_by_key(|e| e.record.effective_from.value);
    for pair in sorted.windows(2) {
        let (earlier, later) = (&pair[0].record, &pair[1].record);
        let overlaps = earlier
            .effective_until
            .as_ref()
            .is_none_or(|until| until.value >= later.effective_from.value);
        if overlaps {
            checker.diagnostics.report(
                Code::EditionGap,
                &pair[1].file,
                Position::of(&later.effective_from),
                format!(
                    "the edition `{}` starts while the edition `{}` is still in force",
                    later.id.value, earlier.id.value
                ),
                format!(
                    "set `effective_until` of `{}` to the day before {}",
                    earlier.id.value, later.effective_from.value
                ),
            );
        }
    }
}

/// Products: references, certificate dates, indicators known to their category, and a
/// warning for values below the thresholds of the edition in force today.
pub(super) fn check_products(dataset: &Dataset, checker: &mut Checker) {
    let today = dataset.as_of();
    for (file, product) in each(&dataset.products) {
        let certificate = &product.certificate;
        if certificate.expires.value < certificate.issued.value {
            checker.diagnostics.report(
                Code::CertificateDates,
                file,
                Position::of(&certificate.expires),
                format!(
                    "the certificate expires on {} before it was issued on {}",
                    certificate.expires.value, certificate.issued.value
                ),
                "copy both dates from the certificate; green building material certificates last five years",
            );
        }
        if certificate.grade.value == Stars::Basic {
            checker.diagnostics.report(
                Code::WrongType,
                file,
                Position::of(&certificate.grade),
                "a green building material certificate has no basic grade",
                "write one-star, two-star or three-star",
            );
        }
        let category = product.category.value.as_str();
        let defined: HashSet<&str> = dataset
            .editions
            .iter()
            .flat_map(|e| &e.record.categories)
            .filter(|rule| rule.category.value == category)
            .flat_map(|rule| &rule.thresholds)
            .map(|t| t.indicator.value.as_str())
            .collect();
        let current = today.and_then(|day| checker.index.edition_on(day));
        let thresholds = current
            .into_iter()
            .flat_map(|e| &e.categories)
            .filter(|rule| rule.category.value == category)
            .flat_map(|rule| &rule.thresholds);
        for value in &product.indicators {
            if checker.index.contains(Target::Category, category)
                && !defined.contains(value.indicator.value.as_str())
            {
                let mut known: Vec<&str> = defined.iter().copied().collect();
                known.sort_unstable();
                checker.diagnostics.report(
                    Code::UnknownIndicator,
                    file,
                    Position::of(&value.indicator),
                    format!(
                        "the category `{category}` has no indicator `{}` in any edition of the standard",
                        value.indicator.value
                    ),
                    if known.is_empty() {
                        format!("add thresholds for `{category}` to data/standards/ first")
                    } else {
                        format!("indicators of `{category}`: {}", known.join(", "))
                    },
                );
            }
        }
        for threshold in thresholds {
            let Some(value) = product
                .indicators
                .iter()
                .find(|v| v.indicator.value == threshold.indicator.value)
            else {
                continue;
            };
            if !threshold.op.holds(value.value.value, threshold.value) {
                checker.diagnostics.report(
                    Code::BelowThreshold,
                    file,
                    Position::of(&value.value),
                    format!(
                        "{} is {} {}, which does not meet the threshold {} {} {} of the edition in force",
                        threshold.name,
                        value.value.value,
                        threshold.unit,
                        threshold.op.symbol(),
                        threshold.value,
                        threshold.unit
                    ),
                    "check the test report; if the value is right, the product no longer meets the demand standard",
                );
            }
        }
    }
}
