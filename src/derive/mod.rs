//! Stage 3, derive: everything the pages need that no single record holds, computed
//! once from the whole [`Dataset`].
//!
//! Records point at each other by id in one direction only (a project names its
//! products, a product names its manufacturer). Pages need both directions (a product
//! lists the projects that used it), so this stage builds id lookup maps and reverse
//! references in one pass over each record kind: no page ever searches a list, which
//! keeps a build linear in the number of records.
//!
//! Every list here keeps the dataset's order (files sorted by path), or a date order
//! with a stable tie-break, so that the same input always renders the same bytes.
//! References that do not resolve are skipped: validation has reported them already.

pub mod compliance;
pub mod stats;

use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::history::History;
use crate::model::kind::{DATED_KINDS, KINDS, RecordKind, References, Refers, Target};
use crate::model::org::Role;
use crate::model::product::ListingStatus;
use crate::model::project::{Project, StageKind, party_role};
use crate::model::{Dataset, Date, standard};

pub use crate::history::Revision;
pub use compliance::{Assessment, Verdict};
pub use stats::Statistics;

/// Whether a green building material certificate is in force on the as-of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertStatus {
    /// In force, and not about to expire.
    Valid,
    /// In force, but expires within the programme's `expiring_days`.
    Expiring,
    /// Past its expiry date.
    Expired,
}

impl CertStatus {
    /// Every status, in the order lists show them.
    pub const ALL: [CertStatus; 3] = [CertStatus::Valid, CertStatus::Expiring, CertStatus::Expired];

    /// The status's key in the theme's strings.
    pub fn key(self) -> &'static str {
        match self {
            CertStatus::Valid => "valid",
            CertStatus::Expiring => "expiring",
            CertStatus::Expired => "expired",
        }
    }
}

/// A dated change in the data, for the home page's "latest changes".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    /// When it happened.
    pub date: Date,
    /// What happened, and to which record (an index into the dataset's list).
    pub what: ChangeKind,
}

/// The kinds of change shown on the home page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// A project reached a lifecycle stage.
    Stage(usize, StageKind),
    /// A record was issued, published, listed or held on its date: one of
    /// [`DATED_KINDS`], by its index in the dataset's list.
    Record(RecordKind, usize),
}

impl ChangeKind {
    /// The change's place among changes of one day, so the order never depends on chance.
    fn rank(self) -> (usize, usize, u8) {
        match self {
            ChangeKind::Stage(i, stage) => (0, i, stage as u8),
            ChangeKind::Record(kind, i) => {
                let position = DATED_KINDS.iter().position(|&k| k == kind);
                (1 + position.unwrap_or(DATED_KINDS.len()), i, 0)
            }
        }
    }
}

/// One record naming another in one of its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Referrer {
    kind: RecordKind,
    index: usize,
    field: &'static str,
    date: Option<Date>,
}

/// How many changes the home page lists.
const LATEST_CHANGES: usize = 12;

/// Lookups and reverse references over one dataset. Indices point into the
/// dataset's lists (`dataset.projects[i]`, ...).
#[derive(Debug, Default)]
pub struct Derived<'a> {
    /// The date that "now" means for this build: certificate status and the edition
    /// in force are judged on it. Never the wall clock, so that rebuilding the same
    /// input gives the same pages.
    pub as_of: Option<Date>,
    /// The git commit the data was built from, when the site is a git repository.
    pub revision: Option<Revision>,
    /// Each record's history from git, or why there is none; shared, since the
    /// preview keeps it between edits.
    pub history: Arc<History>,
    /// Id → index in its kind's list, for every kind (see [`Derived::index_of`]).
    ids: Vec<FxHashMap<&'a str, usize>>,
    /// Category id → index into the taxonomy's categories.
    pub categories: FxHashMap<&'a str, usize>,
    /// Group id → index into the taxonomy's groups.
    pub groups: FxHashMap<&'a str, usize>,
    /// District or zone id → its name.
    pub areas: FxHashMap<&'a str, &'a str>,
    /// Group id → categories in it.
    pub group_categories: FxHashMap<&'a str, Vec<usize>>,
    /// Organization id → (role, project) pairs, by role then project order.
    pub org_projects: FxHashMap<&'a str, Vec<(Role, usize)>>,
    /// Each project's parties: (role, organization id), by role then id.
    pub parties: Vec<Vec<(Role, &'a str)>>,
    /// Target → id → the records naming it, see [`Derived::referrers`].
    referrers: FxHashMap<Target, FxHashMap<&'a str, Vec<Referrer>>>,
    /// Each project's current stage (its latest lifecycle entry), by project index.
    pub current_stage: Vec<Option<StageKind>>,
    /// Each product's certificate status on the as-of date, by product index.
    pub cert_status: Vec<CertStatus>,
    /// Rule verdicts per project and indicator checks per product.
    pub assessment: Assessment<'a>,
}

/// The figures of the pages that gather many records: the statistics and the latest
/// changes. Made from a finished [`Derived`], apart from it, so that `serve` can
/// render an edit's record pages before these.
#[derive(Debug)]
pub struct Aggregates<'a> {
    /// Aggregates for the statistics pages and the statistics datasets.
    pub statistics: Statistics<'a>,
    /// The latest dated changes, newest first.
    pub latest_changes: Vec<Change>,
}

impl<'a> Aggregates<'a> {
    /// The aggregates of `dataset`, from what `derived` made of it.
    pub fn new(dataset: &'a Dataset, derived: &Derived<'a>) -> Aggregates<'a> {
        let (statistics, latest_changes) = rayon::join(
            || Statistics::new(dataset, &derived.assessment, derived.as_of),
            || latest_changes(dataset),
        );
        Aggregates {
            statistics,
            latest_changes,
        }
    }
}

impl<'a> Derived<'a> {
    /// The index of the record `id` of `kind` in its list in the dataset.
    pub fn index_of(&self, kind: RecordKind, id: &str) -> Option<usize> {
        self.ids.get(kind as usize)?.get(id).copied()
    }

    /// The records of `kind` that name `id` of `target` in one of `fields` (in any
    /// field when `fields` is empty), each once, in the order pages list them: newest
    /// first for kinds listed so ([`crate::model::kind::KindInfo::listed_newest_first`]),
    /// else by file.
    pub fn referrers(
        &self,
        target: impl Into<Target>,
        id: &str,
        kind: RecordKind,
        fields: &[&str],
    ) -> Vec<usize> {
        let mut found: Vec<usize> = Vec::new();
        let list = self
            .referrers
            .get(&target.into())
            .and_then(|ids| ids.get(id));
        for r in list.into_iter().flatten() {
            let named = fields.is_empty() || fields.contains(&r.field);
            // One record's references are adjacent, so a repeat is the last entry.
            if r.kind == kind && named && found.last() != Some(&r.index) {
                found.push(r.index);
            }
        }
        found
    }

    /// Derives everything from `dataset`; `root` is the site folder, read for its git
    /// revision and history only.
    pub fn new(dataset: &'a Dataset, root: &Path) -> Derived<'a> {
        let history = Arc::new(History::read(root));
        Derived::with_history(dataset, Revision::read(root), history)
    }

    /// Derives everything from `dataset` with a revision and history read before:
    /// `greenproc serve` reads history again only when the commit changes, since
    /// editing a file changes no commit.
    pub fn with_history(
        dataset: &'a Dataset,
        revision: Option<Revision>,
        history: Arc<History>,
    ) -> Derived<'a> {
        // The as-of date is the data's own latest date, as `check` uses, so that a page
        // and the checker never disagree on whether a certificate has expired.
        let as_of = dataset.as_of();
        let mut derived = Derived {
            as_of,
            revision,
            history,
            ..Derived::default()
        };
        // The assessment needs none of the lookups: on two cores it is made beside
        // them.
        let ((), assessment) = rayon::join(
            || {
                derived.index(dataset);
                derived.reverse_references(dataset);
                derived.statuses(dataset);
            },
            || Assessment::new(dataset, as_of),
        );
        derived.assessment = assessment;
        derived
    }

    fn index(&mut self, d: &'a Dataset) {
        // Each map sized once from its kind's count, then filled in list order.
        self.ids = RecordKind::all()
            .map(|kind| FxHashMap::with_capacity_and_hasher(d.count(kind), Default::default()))
            .collect();
        let mut next = vec![0; KINDS.len()];
        for record in d.records() {
            let kind = record.kind as usize;
            // The first record of a duplicated id, as validation reports the second.
            self.ids[kind]
                .entry(record.id.value.as_str())
                .or_insert(next[kind]);
            next[kind] += 1;
        }
        if let Some(taxonomy) = &d.taxonomy {
            let taxonomy = &taxonomy.record;
            self.categories = ids(taxonomy.categories.iter().map(|c| c.id.value.as_str()));
            self.groups = ids(taxonomy.groups.iter().map(|g| g.id.value.as_str()));
            for (i, category) in taxonomy.categories.iter().enumerate() {
                push(&mut self.group_categories, &category.group.value, i);
            }
        }
        if let Some(config) = &d.config {
            let config = &config.record;
            for district in &config.districts {
                self.areas.insert(&district.id.value, &district.name);
            }
            for zone in &config.zones {
                self.areas.insert(&zone.id.value, &zone.name);
            }
        }
    }

    fn reverse_references(&mut self, d: &'a Dataset) {
        let mut refs = References::default();
        for record in d.records() {
            refs.clear();
            record.fields.references(&mut refs);
            for reference in &refs.ids {
                let referrer = Referrer {
                    kind: record.kind,
                    index: record.index,
                    field: reference.field,
                    date: record.date,
                };
                self.referrers
                    .entry(reference.target)
                    .or_default()
                    .entry(reference.id.value.as_str())
                    .or_default()
                    .push(referrer);
            }
        }
        // Records come by kind, then by file; a stable sort keeps that order among
        // records of one day.
        for list in self.referrers.values_mut().flat_map(|ids| ids.values_mut()) {
            list.sort_by(|a, b| {
                let newest_first = a.kind.info().listed_newest_first;
                a.kind.cmp(&b.kind).then_with(|| {
                    if newest_first {
                        b.date.cmp(&a.date)
                    } else {
                        std::cmp::Ordering::Equal
                    }
                })
            });
        }
        self.project_parties(d);
    }

    /// Each project's parties by role, and each organization's projects.
    fn project_parties(&mut self, d: &'a Dataset) {
        let mut refs = References::default();
        for (i, project) in d.projects.iter().enumerate() {
            refs.clear();
            project.record.references(&mut refs);
            let mut parties: Vec<(Role, &'a str)> = refs
                .ids
                .iter()
                .filter_map(|r| Some((party_role(r.field)?, r.id.value.as_str())))
                .collect();
            parties.sort();
            parties.dedup();
            for &(role, org) in &parties {
                push_unique(&mut self.org_projects, org, (role, i));
            }
            self.parties.push(parties);
        }
        // Within an organization, group its projects by role for the page's sections.
        for list in self.org_projects.values_mut() {
            list.sort();
        }
    }

    fn statuses(&mut self, d: &Dataset) {
        self.current_stage = d
            .projects
            .iter()
            .map(|p| current_stage(&p.record))
            .collect();
        let expiring_days = d
            .config
            .as_ref()
            .map_or(90, |c| c.record.programme.expiring_days);
        self.cert_status = d
            .products
            .iter()
            .map(|p| {
                cert_status(
                    p.record.certificate.expires.value,
                    self.as_of,
                    expiring_days,
                )
            })
            .collect();
    }

    /// The index of the demand-standard edition in force on `date`: the one with the
    /// latest start on or before it whose end, if any, is not before it.
    pub fn edition_on(&self, dataset: &Dataset, date: Date) -> Option<usize> {
        edition_in_force(dataset, date)
    }

    /// The edition in force on the as-of date.
    pub fn current_edition(&self, dataset: &Dataset) -> Option<usize> {
        self.edition_on(dataset, self.as_of?)
    }

    /// Whether product `i` is a valid certified product (有效认证产品): in the catalog
    /// (neither suspended nor removed) and its certificate not expired on the as-of
    /// date. Every page that counts valid products counts with this.
    pub fn product_in_force(&self, dataset: &Dataset, i: usize) -> bool {
        dataset.products[i].record.status == ListingStatus::Listed
            && self.cert_status[i] != CertStatus::Expired
    }

    /// The name of a district or zone, or its id when it is unknown.
    pub fn area_name(&self, id: &'a str) -> &'a str {
        self.areas.get(id).copied().unwrap_or(id)
    }
}

/// A project's current stage: its latest lifecycle entry by date, and among entries of
/// one day, the later stage.
pub fn current_stage(project: &Project) -> Option<StageKind> {
    project
        .lifecycle
        .iter()
        .max_by_key(|s| (s.date.value, s.stage.value))
        .map(|s| s.stage.value)
}

/// The index of the demand-standard edition in force on `date`, by the one rule of
/// [`standard::edition_in_force`].
pub fn edition_in_force(dataset: &Dataset, date: Date) -> Option<usize> {
    standard::edition_in_force(&dataset.editions, date)
}

/// A certificate's status on `as_of`; without an as-of date every certificate counts
/// as valid, since nothing says otherwise.
fn cert_status(expires: Date, as_of: Option<Date>, expiring_days: u32) -> CertStatus {
    let Some(as_of) = as_of else {
        return CertStatus::Valid;
    };
    let left = as_of.days_until(expires);
    if left < 0 {
        CertStatus::Expired
    } else if left <= i64::from(expiring_days) {
        CertStatus::Expiring
    } else {
        CertStatus::Valid
    }
}

fn latest_changes(d: &Dataset) -> Vec<Change> {
    let mut changes: Vec<Change> = Vec::new();
    for (i, p) in d.projects.iter().enumerate() {
        for stage in &p.record.lifecycle {
            changes.push(Change {
                date: stage.date.value,
                what: ChangeKind::Stage(i, stage.stage.value),
            });
        }
    }
    for record in d.records() {
        if let Some(date) = record.date
            && DATED_KINDS.contains(&record.kind)
        {
            changes.push(Change {
                date,
                what: ChangeKind::Record(record.kind, record.index),
            });
        }
    }
    // Newest first; the kind and index break ties so the order never depends on chance.
    changes.sort_by(|a, b| b.date.cmp(&a.date).then(a.what.rank().cmp(&b.what.rank())));
    changes.truncate(LATEST_CHANGES);
    changes
}

fn ids<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> FxHashMap<&'a str, usize> {
    let mut map = FxHashMap::with_capacity_and_hasher(ids.len(), Default::default());
    for (i, id) in ids.enumerate() {
        // Keep the first record of a duplicated id, as validation reports the second.
        map.entry(id).or_insert(i);
    }
    map
}

fn push<'a, T>(map: &mut FxHashMap<&'a str, Vec<T>>, key: &'a str, value: T) {
    map.entry(key).or_default().push(value);
}

/// Pushes unless `value` is already the last entry: callers visit records in order,
/// so repeats of one record are adjacent.
fn push_unique<'a, T: PartialEq>(map: &mut FxHashMap<&'a str, Vec<T>>, key: &'a str, value: T) {
    let list = map.entry(key).or_default();
    if list.last() != Some(&value) {
        list.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_status_uses_the_as_of_date() {
        let expires = Date::parse("2025-06-30").unwrap();
        let on = |d: &str| cert_status(expires, Date::parse(d), 90);
        assert_eq!(on("2025-01-01"), CertStatus::Valid);
        assert_eq!(on("2025-04-01"), CertStatus::Expiring);
        assert_eq!(on("2025-06-30"), CertStatus::Expiring);
        assert_eq!(on("2025-07-01"), CertStatus::Expired);
        assert_eq!(cert_status(expires, None, 90), CertStatus::Valid);
    }
}
