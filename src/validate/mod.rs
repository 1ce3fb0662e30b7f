//! Stage 2, validate: every rule that a single field's type cannot express — ids,
//! references between records, codes, dates in order, what a lifecycle stage requires.
//!
//! Rules never stop at the first problem: each one reports to [`Diagnostics`] and the
//! next rule runs, so an editor sees everything in one `greenproc check`.

pub mod credit_code;
mod files;
pub(crate) mod ids;
mod markdown;
mod policy;
mod project;
mod site;
mod standard;
pub mod theme;

use std::path::Path;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::diagnostic::{Code, Diagnostics, Position};
use crate::messages::{Text, list};
use crate::model::kind::{Home, RecordKind, References, Target};
use crate::model::standard::edition_in_force;
use crate::model::{Dataset, Date, Edition, Product, Sourced, Sp};
use crate::suggest::closest;

pub use ids::is_safe_id;

/// Checks `dataset` and reports every problem to `diagnostics`.
pub fn validate(dataset: &Dataset, diagnostics: &mut Diagnostics) {
    let index = Index::new(dataset, diagnostics);
    let mut checker = Checker {
        index: &index,
        diagnostics,
    };
    site::check_config(dataset, &mut checker);
    standard::check_taxonomy(dataset, &mut checker);
    standard::check_editions(dataset, &mut checker);
    standard::check_products(dataset, &mut checker);
    project::check_projects(dataset, &mut checker);
    site::check_orgs(dataset, &mut checker);
    site::check_activities(dataset, &mut checker);
    policy::check_policies(dataset, &mut checker);
    check_references(dataset, &mut checker);
    files::check_files(dataset, &mut checker);
}

/// Where the target's ids are defined, for hints.
fn home(target: Target) -> String {
    match target.home() {
        Home::File(file) => file.to_owned(),
        Home::Folder(folder) => format!("{folder}/"),
    }
}

/// The ids and web addresses every record declares
/// ([`crate::model::kind::Refers`]): each id names an existing target, each address
/// is one a browser opens safely.
fn check_references(dataset: &Dataset, checker: &mut Checker) {
    let mut refs = References::default();
    for record in dataset.records() {
        refs.clear();
        record.fields.references(&mut refs);
        for reference in &refs.ids {
            checker.reference(record.file, reference.target, reference.id);
        }
        for &link in &refs.links {
            checker.link(record.file, Some(link));
        }
        for text in &refs.texts {
            markdown::check_text(checker, record.file, text);
        }
    }
}

/// The ids of every kind, for resolving references, plus a few lookups rules share.
struct Index<'a> {
    ids: FxHashMap<Target, ids::Ids<'a>>,
    products: FxHashMap<&'a str, &'a Product>,
    editions: &'a [Sourced<Edition>],
    /// Kinds whose defining file failed to load: references to them are not checked,
    /// so that one broken `site.yaml` is one error, not one per reference.
    unloaded: Vec<Target>,
    /// Record files that could not be read or had the wrong shape, by kind: a record
    /// missing from the index may be in one of them.
    failed: FxHashMap<RecordKind, FailedFiles>,
    /// The documents of `files/`, by path from the site root.
    files: std::collections::BTreeSet<&'a str>,
}

/// Record files of one kind that loading could not turn into records.
#[derive(Default)]
struct FailedFiles {
    /// Each file by its name's stem, which names its record's id by convention.
    by_stem: FxHashMap<String, String>,
    /// Every file, each once, in the order reported.
    files: Vec<String>,
}

/// How many broken files a hint names before it counts the rest, so that a thousand
/// broken files do not write a thousand names into every reference's hint.
const NAMED_FAILED_FILES: usize = 3;

impl<'a> Index<'a> {
    /// Collects ids, reporting unsafe and duplicate ones on the way.
    fn new(dataset: &'a Dataset, diagnostics: &mut Diagnostics) -> Index<'a> {
        // Loading reports a file it could not turn into a record with an `E00xx` or
        // `E01xx` error, and leaves the record out.
        let mut failed: FxHashMap<RecordKind, FailedFiles> = FxHashMap::default();
        let mut seen = FxHashSet::default();
        for d in diagnostics.iter() {
            let code = d.code.as_str();
            let path = Path::new(&d.file);
            if (code.starts_with("E00") || code.starts_with("E01"))
                && let Some(kind) = RecordKind::of(path)
                && seen.insert(d.file.as_str())
            {
                let failed = failed.entry(kind).or_default();
                if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                    failed
                        .by_stem
                        .entry(stem.to_owned())
                        .or_insert_with(|| d.file.clone());
                }
                failed.files.push(d.file.clone());
            }
        }
        let mut ids = ids::Collector::new(diagnostics);
        if let Some(config) = &dataset.config {
            ids.add_all(
                Target::District,
                &config.file,
                config.record.districts.iter().map(|d| &d.id),
            );
            ids.add_all(
                Target::Zone,
                &config.file,
                config.record.zones.iter().map(|z| &z.id),
            );
        }
        if let Some(taxonomy) = &dataset.taxonomy {
            let t = &taxonomy.record;
            ids.add_all(
                Target::Group,
                &taxonomy.file,
                t.groups.iter().map(|g| &g.id),
            );
            ids.add_all(
                Target::Category,
                &taxonomy.file,
                t.categories.iter().map(|c| &c.id),
            );
        }
        for kind in RecordKind::all() {
            ids.reserve(Target::Record(kind), dataset.count(kind));
        }
        for record in dataset.records() {
            ids.add(Target::Record(record.kind), record.file, record.id);
        }
        let mut unloaded = Vec::new();
        if dataset.config.is_none() {
            unloaded.extend([Target::District, Target::Zone]);
        }
        if dataset.taxonomy.is_none() {
            unloaded.extend([Target::Group, Target::Category]);
        }
        Index {
            ids: ids.finish(),
            unloaded,
            failed,
            products: dataset
                .products
                .iter()
                .map(|p| (p.record.id.value.as_str(), &p.record))
                .collect(),
            editions: &dataset.editions,
            files: dataset.files.iter().map(|f| f.path.as_str()).collect(),
        }
    }

    fn contains(&self, kind: Target, id: &str) -> bool {
        self.ids.get(&kind).is_some_and(|ids| ids.contains_key(id))
    }

    fn suggestion(&self, kind: Target, id: &str) -> Option<&'a str> {
        let candidates: Vec<&str> = self.ids.get(&kind)?.keys().copied().collect();
        closest(id, &candidates)
    }

    /// The edition of the demand standard in force on `date`, by the rule derive uses.
    fn edition_on(&self, date: Date) -> Option<&'a Edition> {
        let i = edition_in_force(self.editions, date)?;
        Some(&self.editions[i].record)
    }
}

/// What rules use to look things up and report.
struct Checker<'i, 'a> {
    index: &'i Index<'a>,
    diagnostics: &'i mut Diagnostics,
}

impl Checker<'_, '_> {
    /// Reports `id` when no record of `kind` has it.
    fn reference(&mut self, file: &Path, kind: Target, id: &Sp<String>) {
        if self.index.contains(kind, &id.value) || self.index.unloaded.contains(&kind) {
            return;
        }
        // The cause may be a file of that kind that could not be read: name it rather
        // than guess at another record.
        let failed = match kind {
            Target::Record(kind) => self.index.failed.get(&kind),
            _ => None,
        };
        let same_name = failed.and_then(|f| f.by_stem.get(&id.value));
        let failed = failed.map_or(&[][..], |f| f.files.as_slice());
        let none = || {
            crate::text!(
                "validate.reference.none",
                kind = kind.noun(),
                id = &id.value
            )
        };
        let (message, hint) = match (same_name, failed) {
            (Some(source), _) => (
                crate::text!(
                    "validate.reference.in_unread_file",
                    kind = kind.noun(),
                    id = &id.value,
                    file = source
                ),
                crate::text!("validate.reference.in_unread_file_hint", file = source),
            ),
            (None, [_]) => (
                none(),
                crate::text!(
                    "validate.reference.unread_file_hint",
                    home = home(kind),
                    files = list(failed, NAMED_FAILED_FILES)
                ),
            ),
            (None, [_, _, ..]) => (
                none(),
                crate::text!(
                    "validate.reference.unread_files_hint",
                    home = home(kind),
                    files = list(failed, NAMED_FAILED_FILES)
                ),
            ),
            (None, []) => (
                none(),
                match self.index.suggestion(kind, &id.value) {
                    Some(best) => crate::text!("common.did_you_mean", name = best),
                    None => crate::text!(
                        "validate.reference.none_hint",
                        kind = kind.noun(),
                        home = home(kind)
                    ),
                },
            ),
        };
        self.diagnostics
            .report(Code::BrokenReference, file, Position::of(id), message, hint);
    }

    /// Reports a percentage outside 0 to 100.
    fn percent(&mut self, file: &Path, what: Text, value: Option<&Sp<crate::model::Percent>>) {
        if let Some(value) = value
            && !value.value.in_range()
        {
            self.diagnostics.report(
                Code::RatioRange,
                file,
                Position::of(value),
                crate::text!(
                    "validate.percent.out_of_range",
                    what = what,
                    value = value.value.0
                ),
                Text::new("validate.percent.out_of_range_hint"),
            );
        }
    }

    /// Reports a credit code that fails the check, unless marked as verified by hand.
    fn credit_code(&mut self, file: &Path, code: &Sp<String>, verified: bool) {
        report_credit_code(self.diagnostics, file, code, verified);
    }

    /// Reports a link that is neither `http(s)://` nor a path on this site. A path
    /// may not climb out of the site with `.` or `..` segments, and no link may hold
    /// a backslash, which browsers read as `/` (`/\host` is another host). Browsers
    /// also read `%2e` as a dot in a path.
    fn link(&mut self, file: &Path, url: Option<&Sp<String>>) {
        let Some(url) = url else { return };
        let text = url.value.trim();
        let lower = text.to_ascii_lowercase();
        let site_path = text.starts_with('/') && !text.starts_with("//");
        let climbs = site_path
            && text
                .split(['?', '#'])
                .next()
                .unwrap_or_default()
                .split('/')
                .map(percent_decoded)
                .any(|segment| segment == "." || segment == "..");
        let allowed = lower.starts_with("https://") || lower.starts_with("http://") || site_path;
        let odd = |c: char| c.is_whitespace() || c.is_control() || c == '\\';
        if !allowed || climbs || text.chars().any(odd) {
            self.diagnostics.report(
                Code::InvalidCode,
                file,
                Position::of(url),
                crate::text!("validate.link.not_web_address", url = text),
                Text::new("validate.link.not_web_address_hint"),
            );
        } else if site_path {
            self.site_link(file, Position::of(url), text);
        }
    }

    /// Reports a link to a path on this site that leads nowhere: a document missing
    /// from `files/`, or the page of a record that does not exist. Other paths (lists,
    /// statistics, the data portal) are not checked here; the build's pages are.
    fn site_link(&mut self, file: &Path, position: Position, url: &str) {
        let Some(path) = url
            .strip_prefix('/')
            .filter(|p| !p.starts_with(['/', '\\']))
        else {
            return;
        };
        let path = percent_decoded(path.split(['?', '#']).next().unwrap_or_default());
        if path.starts_with("files/") {
            if self.index.files.contains(path.as_str()) {
                return;
            }
            let candidates: Vec<&str> = self.index.files.iter().copied().collect();
            let hint = match closest(&path, &candidates) {
                Some(near) => crate::text!("common.did_you_mean", name = format!("/{near}")),
                None => crate::text!(
                    "validate.link.no_file_hint",
                    folder = crate::model::FILES_FOLDER
                ),
            };
            self.diagnostics.report(
                Code::BrokenReference,
                file,
                position,
                crate::text!("validate.link.no_file", path = &path),
                hint,
            );
            return;
        }
        let mut segments = path.split('/');
        let (Some(section), Some(id), Some("") | None) =
            (segments.next(), segments.next(), segments.next())
        else {
            return;
        };
        let kind = RecordKind::all().find(|k| k.info().section == Some(section));
        if let Some(kind) = kind
            && !id.is_empty()
            && segments.next().is_none()
        {
            let target = Target::Record(kind);
            if !self.index.contains(target, id) && !self.index.failed.contains_key(&kind) {
                let hint = match self.index.suggestion(target, id) {
                    Some(near) => {
                        crate::text!("common.did_you_mean", name = format!("/{section}/{near}/"))
                    }
                    None => crate::text!("validate.link.no_page_hint", home = home(target)),
                };
                self.diagnostics.report(
                    Code::BrokenReference,
                    file,
                    position,
                    crate::text!("validate.link.no_page", kind = target.noun(), id = id),
                    hint,
                );
            }
        }
    }
}

/// `path` with its `%xx` escapes decoded, as a web server finds the file.
fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Iterates over the records of a list with their files.
fn each<T>(records: &[Sourced<T>]) -> impl Iterator<Item = (&Path, &T)> {
    records.iter().map(|s| (s.file.as_path(), &s.record))
}

/// Reports a unified social credit code that fails its check character, unless an
/// editor vouched for it (`credit_code_verified`).
pub fn report_credit_code(
    diagnostics: &mut Diagnostics,
    file: &Path,
    code: &Sp<String>,
    verified: bool,
) {
    if verified {
        return;
    }
    if let Err(problem) = credit_code::check(&code.value) {
        diagnostics.report(
            Code::CreditCode,
            file,
            Position::of(code),
            crate::text!(
                "validate.credit_code.invalid",
                code = &code.value,
                problem = problem.text()
            ),
            Text::new("validate.credit_code.invalid_hint"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_names_a_few_broken_files_and_counts_the_rest() {
        use crate::messages::Lang;
        let files: Vec<String> = (1..=5).map(|i| format!("data/orgs/o{i}.yaml")).collect();
        let named = |files: &[String]| list(files, NAMED_FAILED_FILES).render(Lang::En);
        assert_eq!(named(&files[..1]), "data/orgs/o1.yaml");
        assert_eq!(
            named(&files),
            "data/orgs/o1.yaml, data/orgs/o2.yaml, data/orgs/o3.yaml and 2 more"
        );
    }
}
