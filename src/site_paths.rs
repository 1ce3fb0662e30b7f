//! The site's URL scheme: the clean path of every record's page, relative to the site
//! root, from the kinds table's sections. Pages, JSON twins, search results, feeds,
//! history and the preview all ask here, so that links and files line up.

use crate::model::kind::RecordKind;

/// The clean path of the page of the record `id` of `kind`: `<section>/<id>/`, or
/// `<id>/` for content pages, which have no section.
pub fn record_page(kind: RecordKind, id: &str) -> String {
    match kind.info().section {
        Some(section) => page_path(section, id),
        None => format!("{id}/"),
    }
}

/// The clean path of a page in a section, e.g. `projects/zb-001/`.
pub fn page_path(section: &str, id: &str) -> String {
    format!("{section}/{id}/")
}

/// The clean path of the page listing every record of `kind`, `<list>/`, or the home
/// page's, `""`, for the kinds it stands for (see [`crate::model::kind::KindInfo::list`]).
pub fn list_page(kind: RecordKind) -> String {
    kind.info()
        .list
        .map_or_else(String::new, |list| format!("{list}/"))
}

/// The clean path of the list of `kind`'s records filtered to `value` of `dimension`,
/// e.g. `projects/district/zhangdian/`.
pub fn filtered_list_page(kind: RecordKind, dimension: &str, value: &str) -> String {
    format!("{}{dimension}/{value}/", list_page(kind))
}

/// Whether `path` is a record page under a section (`<section>/<id>/`), which has a
/// JSON twin beside it.
pub fn is_record_page(path: &str) -> bool {
    let mut parts = path.trim_end_matches('/').split('/');
    let (Some(section), Some(_id), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    RecordKind::of_section(section).is_some()
}

/// The clean path of a material category's page in the catalog.
pub fn category_page(id: &str) -> String {
    page_path("catalog", id)
}
