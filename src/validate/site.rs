//! Rules for the site configuration, organizations, inspections and events.

use super::{Checker, each};
use crate::diagnostic::{Code, Position};
use crate::messages::Text;
use crate::model::config::{is_division_code, is_ocid_prefix};
use crate::model::{Dataset, Sp};
use crate::site_paths::BaseUrl;

/// Codes in `site.yaml`, the programme's ratios and the publisher's credit code.
pub(super) fn check_config(dataset: &Dataset, checker: &mut Checker) {
    let Some(config) = &dataset.config else {
        return;
    };
    let (file, site) = (config.file.as_path(), &config.record);
    let six_digits = |code: &Sp<String>| is_division_code(&code.value);
    if !six_digits(&site.admin_code) {
        checker.diagnostics.report(
            Code::InvalidCode,
            file,
            Position::of(&site.admin_code),
            crate::text!("validate.site.admin_code", code = &site.admin_code.value),
            Text::new("validate.site.admin_code_hint"),
        );
    }
    if !site.intro.value.is_empty() {
        let intro = crate::model::kind::Text::of("intro", &site.intro);
        super::markdown::check_text(checker, file, &intro);
    }
    let city_prefix = site.admin_code.value.get(..4).unwrap_or_default();
    for district in &site.districts {
        if !six_digits(&district.code) || !district.code.value.starts_with(city_prefix) {
            checker.diagnostics.report(
                Code::InvalidCode,
                file,
                Position::of(&district.code),
                crate::text!(
                    "validate.site.district_code",
                    code = &district.code.value,
                    city = &site.admin_code.value
                ),
                crate::text!("validate.site.district_code_hint", prefix = city_prefix),
            );
        }
    }
    let ocid = &site.ocid_prefix.value;
    if !is_ocid_prefix(ocid) {
        checker.diagnostics.report(
            Code::InvalidCode,
            file,
            Position::of(&site.ocid_prefix),
            crate::text!("validate.site.ocid_prefix", prefix = ocid),
            Text::new("validate.site.ocid_prefix_hint"),
        );
    }
    let base = &site.base_url.value;
    // The address every page and download is built on: refused here, not at build.
    if BaseUrl::parse(base).is_err() || !base.ends_with('/') {
        checker.diagnostics.report(
            Code::InvalidCode,
            file,
            Position::of(&site.base_url),
            crate::text!("validate.site.base_url", url = base),
            Text::new("validate.site.base_url_hint"),
        );
    }
    checker.link(file, Some(&site.license.url));
    let programme = &site.programme;
    checker.percent(
        file,
        Text::new("validate.site.mandatory_green_ratio"),
        Some(&programme.mandatory_green_ratio),
    );
    checker.percent(
        file,
        Text::new("validate.site.optional_green_type_ratio"),
        Some(&programme.optional_green_type_ratio),
    );
    checker.percent(
        file,
        Text::new("validate.site.min_prefab_ratio"),
        programme.min_prefab_ratio.as_ref(),
    );
    checker.credit_code(
        file,
        &site.publisher.credit_code,
        site.publisher.credit_code_verified,
    );
}

/// Credit codes and references of organizations.
pub(super) fn check_orgs(dataset: &Dataset, checker: &mut Checker) {
    for (file, org) in each(&dataset.orgs) {
        checker.credit_code(file, &org.credit_code, org.credit_code_verified);
        if org.roles.is_empty() {
            checker.diagnostics.report(
                Code::MissingField,
                file,
                Position::of(&org.id),
                crate::text!("validate.site.org_no_role", id = &org.id.value),
                Text::new("validate.site.org_no_role_hint"),
            );
        }
    }
}

/// References of inspections and events.
pub(super) fn check_activities(dataset: &Dataset, checker: &mut Checker) {
    for (file, inspection) in each(&dataset.inspections) {
        if inspection.products.is_empty()
            && inspection.orgs.is_empty()
            && inspection.projects.is_empty()
        {
            checker.diagnostics.report(
                Code::MissingField,
                file,
                Position::of(&inspection.id),
                crate::text!("validate.site.inspection_empty", id = &inspection.id.value),
                Text::new("validate.site.inspection_empty_hint"),
            );
        }
    }
}
