//! The documents of `files/`: only the types `site.yaml` allows (by default documents
//! and images a browser opens: PDF, OFD, office formats, JPEG, PNG, WebP), none larger
//! than its limit, so that a merge request cannot publish a program, a script in an
//! SVG, or a scan of a gigabyte.

use crate::diagnostic::{Code, Position};
use crate::model::Dataset;
use crate::model::config::FilesPolicy;
use crate::text;

use super::Checker;

/// Reports each document of a type or size the site does not publish.
pub(super) fn check_files(dataset: &Dataset, checker: &mut Checker) {
    let default = FilesPolicy::default();
    let policy = dataset
        .config
        .as_ref()
        .map_or(&default, |c| &c.record.files);
    let limit = u64::from(policy.max_megabytes) * 1024 * 1024;
    for file in &dataset.files {
        let path = std::path::Path::new(&file.path);
        let extension = file.extension();
        if !policy
            .types
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&extension))
        {
            let message = if extension.is_empty() {
                text!("validate.files.type_none")
            } else {
                text!("validate.files.type", extension = format!(".{extension}"))
            };
            checker.diagnostics.report(
                Code::FileNotPublished,
                path,
                Position::FILE,
                message,
                text!("validate.files.type_hint", types = policy.types.join(", ")),
            );
        }
        if file.size > limit {
            checker.diagnostics.report(
                Code::FileNotPublished,
                path,
                Position::FILE,
                text!(
                    "validate.files.size",
                    size = format!("{:.1}", file.size as f64 / 1024.0 / 1024.0),
                    max = policy.max_megabytes,
                ),
                text!("validate.files.size_hint"),
            );
        }
    }
}
