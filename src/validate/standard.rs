//! Rules for the demand standard (categories, editions, thresholds) and catalog products.

use std::collections::HashSet;

use super::{Checker, Target, each};
use crate::diagnostic::{Code, Position};
use crate::model::{Dataset, Stars};
use crate::text;

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
                text!(
                    "validate.standard.edition_dates",
                    until = until.value.to_string(),
                    from = edition.effective_from.value.to_string(),
                ),
                text!("validate.standard.edition_dates_hint"),
            );
        }
        let mut seen = HashSet::new();
        for rule in &edition.categories {
            if !seen.insert(rule.category.value.as_str()) {
                checker.diagnostics.report(
                    Code::DuplicateId,
                    file,
                    Position::of(&rule.category),
                    text!(
                        "validate.standard.duplicate_category",
                        category = &rule.category.value,
                    ),
                    text!("validate.standard.duplicate_category_hint"),
                );
            }
            let mut indicators = HashSet::new();
            for threshold in &rule.thresholds {
                if !indicators.insert(threshold.indicator.value.as_str()) {
                    checker.diagnostics.report(
                        Code::DuplicateId,
                        file,
                        Position::of(&threshold.indicator),
                        text!(
                            "validate.standard.duplicate_threshold",
                            indicator = &threshold.indicator.value,
                            category = &rule.category.value,
                        ),
                        text!("validate.standard.duplicate_threshold_hint"),
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
                text!(
                    "validate.standard.overlap",
                    later = &later.id.value,
                    earlier = &earlier.id.value,
                ),
                text!(
                    "validate.standard.overlap_hint",
                    earlier = &earlier.id.value,
                    from = later.effective_from.value.to_string(),
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
                text!(
                    "validate.standard.certificate_dates",
                    expires = certificate.expires.value.to_string(),
                    issued = certificate.issued.value.to_string(),
                ),
                text!("validate.standard.certificate_dates_hint"),
            );
        }
        if certificate.grade.value == Stars::Basic {
            checker.diagnostics.report(
                Code::WrongType,
                file,
                Position::of(&certificate.grade),
                text!("validate.standard.basic_grade"),
                text!("validate.standard.basic_grade_hint"),
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
                    text!(
                        "validate.standard.unknown_indicator",
                        category = category,
                        indicator = &value.indicator.value,
                    ),
                    if known.is_empty() {
                        text!("validate.standard.no_indicators_hint", category = category)
                    } else {
                        text!(
                            "validate.standard.known_indicators_hint",
                            category = category,
                            indicators = known.join(", "),
                        )
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
                    text!(
                        "validate.standard.below_threshold",
                        name = &threshold.name,
                        value = value.value.value,
                        unit = &threshold.unit,
                        op = threshold.op.symbol(),
                        threshold = threshold.value,
                    ),
                    text!("validate.standard.below_threshold_hint"),
                );
            }
        }
    }
}
