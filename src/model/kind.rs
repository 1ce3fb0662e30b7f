//! The one table of record kinds: where each kind's files live, what it is called in
//! each place, and which Rust type holds it. Stages loop over [`KINDS`] or dispatch
//! with [`RecordKind::visit`] instead of naming kinds one by one, so that adding a
//! kind is a row here, its type, and the pages and rules that are its own.

use std::path::Path;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{
    Dataset, Edition, Event, Inspection, Interpretation, Markdown, Org, Page, Policy, Product,
    Project, SiteConfig, Sourced, Sp, Taxonomy,
};

/// Which kind of record a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordKind {
    /// `data/site.yaml`.
    Config,
    /// `data/standards/categories.yaml`.
    Taxonomy,
    /// An edition of the demand standard.
    Edition,
    /// A project.
    Project,
    /// A catalog product.
    Product,
    /// An organization.
    Org,
    /// An inspection.
    Inspection,
    /// A matchmaking event.
    Event,
    /// A policy.
    Policy,
    /// A policy interpretation.
    Interpretation,
    /// A plain page.
    Page,
}

/// Where a kind's files are, relative to the site root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    /// One file the site must have.
    File(&'static str),
    /// Every file with the kind's extension below a folder, at any depth.
    Folder(&'static str),
}

/// A kind's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A YAML record, `.yaml` or `.yml`.
    Yaml,
    /// A Markdown document, `.md`, with a YAML front matter.
    Markdown,
}

/// Everything the stages know about one record kind.
#[derive(Debug)]
pub struct KindInfo {
    /// The kind.
    pub kind: RecordKind,
    /// Where its files are.
    pub home: Home,
    /// Its file format.
    pub format: Format,
    /// Its key in the theme's strings (`t.record_kind`, `t.fields`), the search index
    /// and `greenproc diff --format json`.
    pub key: &'static str,
    /// Its name for editors: `greenproc new <name>` and `schema/<name>.json`.
    pub name: &'static str,
    /// What it is called in diagnostics, after "a" or "the".
    pub noun: &'static str,
    /// Its heading in `greenproc diff`'s Markdown.
    pub heading: &'static str,
    /// First segment of each record's page, `<section>/<id>/`, for kinds with a page
    /// per record under a section of their own.
    pub section: Option<&'static str>,
    /// The blank record `greenproc new` writes, for kinds editors add one by one.
    pub form: Option<&'static str>,
}

/// Every kind, in the order reports, history and the schemas list them.
pub const KINDS: [KindInfo; 11] = [
    KindInfo {
        kind: RecordKind::Config,
        home: Home::File("data/site.yaml"),
        format: Format::Yaml,
        key: "site",
        name: "site",
        noun: "site configuration",
        heading: "Site configuration",
        section: None,
        form: None,
    },
    KindInfo {
        kind: RecordKind::Taxonomy,
        home: Home::File("data/standards/categories.yaml"),
        format: Format::Yaml,
        key: "taxonomy",
        name: "categories",
        noun: "material taxonomy",
        heading: "Material categories",
        section: None,
        form: None,
    },
    // Editions share their folder with the taxonomy file: `RecordKind::of` gives the
    // one file to the taxonomy, because file homes are matched before folders.
    KindInfo {
        kind: RecordKind::Edition,
        home: Home::Folder("data/standards"),
        format: Format::Yaml,
        key: "standard",
        name: "edition",
        noun: "standard edition",
        heading: "Demand-standard editions",
        section: Some("standards"),
        form: Some(include_str!("../scaffold/templates/new/edition.yaml")),
    },
    KindInfo {
        kind: RecordKind::Project,
        home: Home::Folder("data/projects"),
        format: Format::Yaml,
        key: "project",
        name: "project",
        noun: "project",
        heading: "Projects",
        section: Some("projects"),
        form: Some(include_str!("../scaffold/templates/new/project.yaml")),
    },
    KindInfo {
        kind: RecordKind::Product,
        home: Home::Folder("data/catalog"),
        format: Format::Yaml,
        key: "product",
        name: "product",
        noun: "product",
        heading: "Products",
        section: Some("products"),
        form: Some(include_str!("../scaffold/templates/new/product.yaml")),
    },
    KindInfo {
        kind: RecordKind::Org,
        home: Home::Folder("data/orgs"),
        format: Format::Yaml,
        key: "org",
        name: "org",
        noun: "organization",
        heading: "Organizations",
        section: Some("orgs"),
        form: Some(include_str!("../scaffold/templates/new/org.yaml")),
    },
    KindInfo {
        kind: RecordKind::Inspection,
        home: Home::Folder("data/inspections"),
        format: Format::Yaml,
        key: "inspection",
        name: "inspection",
        noun: "inspection",
        heading: "Inspections",
        section: Some("inspections"),
        form: Some(include_str!("../scaffold/templates/new/inspection.yaml")),
    },
    KindInfo {
        kind: RecordKind::Event,
        home: Home::Folder("data/events"),
        format: Format::Yaml,
        key: "event",
        name: "event",
        noun: "event",
        heading: "Events",
        section: Some("events"),
        form: Some(include_str!("../scaffold/templates/new/event.yaml")),
    },
    KindInfo {
        kind: RecordKind::Policy,
        home: Home::Folder("content/policies"),
        format: Format::Markdown,
        key: "policy",
        name: "policy",
        noun: "policy",
        heading: "Policies",
        section: Some("policies"),
        form: Some(include_str!("../scaffold/templates/new/policy.md")),
    },
    KindInfo {
        kind: RecordKind::Interpretation,
        home: Home::Folder("content/interpretations"),
        format: Format::Markdown,
        key: "interpretation",
        name: "interpretation",
        noun: "interpretation",
        heading: "Interpretations",
        section: Some("interpretations"),
        form: Some(include_str!("../scaffold/templates/new/interpretation.md")),
    },
    // Pages live at the site's top level, `<id>/`, not under a section.
    KindInfo {
        kind: RecordKind::Page,
        home: Home::Folder("content/pages"),
        format: Format::Markdown,
        key: "page",
        name: "page",
        noun: "page",
        heading: "Pages",
        section: None,
        form: Some(include_str!("../scaffold/templates/new/page.md")),
    },
];

impl RecordKind {
    /// Every kind, in the order of [`KINDS`].
    pub fn all() -> impl Iterator<Item = RecordKind> {
        KINDS.iter().map(|info| info.kind)
    }

    /// The kind's row in [`KINDS`].
    pub fn info(self) -> &'static KindInfo {
        // The table is in declaration order, which a test keeps.
        &KINDS[self as usize]
    }

    /// The kind's key (see [`KindInfo::key`]).
    pub fn key(self) -> &'static str {
        self.info().key
    }

    /// The kind whose [`KindInfo::section`] is `section`.
    pub fn of_section(section: &str) -> Option<RecordKind> {
        KINDS
            .iter()
            .find(|info| info.section == Some(section))
            .map(|info| info.kind)
    }

    /// The kind of record `file` (relative to the site root) holds, or `None` when no
    /// stage reads it: the files of [`Home::File`] first, then the folders, with the
    /// folder's format's extensions.
    pub fn of(file: &Path) -> Option<RecordKind> {
        let single = KINDS
            .iter()
            .find(|info| matches!(info.home, Home::File(home) if file == Path::new(home)));
        if let Some(info) = single {
            return Some(info.kind);
        }
        let extension = file.extension().and_then(|e| e.to_str())?;
        KINDS
            .iter()
            .find(|info| {
                matches!(info.home, Home::Folder(folder) if file.starts_with(folder))
                    && info.format.extensions().contains(&extension)
            })
            .map(|info| info.kind)
    }

    /// Calls the method of `visitor` for this kind's record type.
    pub fn visit<V: KindVisitor>(self, visitor: V) -> V::Output {
        match self {
            RecordKind::Config => visitor.single::<SiteConfig>(),
            RecordKind::Taxonomy => visitor.single::<Taxonomy>(),
            RecordKind::Edition => visitor.yaml::<Edition>(),
            RecordKind::Project => visitor.yaml::<Project>(),
            RecordKind::Product => visitor.yaml::<Product>(),
            RecordKind::Org => visitor.yaml::<Org>(),
            RecordKind::Inspection => visitor.yaml::<Inspection>(),
            RecordKind::Event => visitor.yaml::<Event>(),
            RecordKind::Policy => visitor.markdown::<Policy>(),
            RecordKind::Interpretation => visitor.markdown::<Interpretation>(),
            RecordKind::Page => visitor.markdown::<Page>(),
        }
    }
}

impl Home {
    /// The file or folder, relative to the site root.
    pub fn path(self) -> &'static str {
        match self {
            Home::File(path) | Home::Folder(path) => path,
        }
    }
}

impl Format {
    /// The file extensions of the format, without the dot.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Yaml => &["yaml", "yml"],
            Format::Markdown => &["md"],
        }
    }
}

/// The fields of a file as written: a YAML record or a document's front matter.
pub trait Fields: DeserializeOwned + Serialize + JsonSchema + Send + Sync + 'static {}

impl<T: DeserializeOwned + Serialize + JsonSchema + Send + Sync + 'static> Fields for T {}

/// A kind of which a site has many records, each in a file of its own.
pub trait Record: Send + Sync + Sized + 'static {
    /// The record's kind.
    const KIND: RecordKind;
    /// The record's id, unique within its kind.
    fn id(&self) -> &Sp<String>;
    /// The record's name or title, as its page heads it.
    fn title(&self) -> &str;
    /// The dataset's records of this kind, in file order.
    fn list(dataset: &Dataset) -> &Vec<Sourced<Self>>;
    /// The same, to change.
    fn list_mut(dataset: &mut Dataset) -> &mut Vec<Sourced<Self>>;
}

/// A kind of which a site has one file.
pub trait Single: Fields {
    /// The kind.
    const KIND: RecordKind;
    /// The dataset's record, when it loaded.
    fn slot(dataset: &mut Dataset) -> &mut Option<Sourced<Self>>;
}

/// Something a stage does for one kind, generic over the kind's type: the one place
/// that maps kinds to types is [`RecordKind::visit`].
pub trait KindVisitor {
    /// What the visit gives back.
    type Output;
    /// For a kind of one file.
    fn single<T: Single>(self) -> Self::Output;
    /// For a kind of YAML records.
    fn yaml<R: Record + Fields>(self) -> Self::Output;
    /// For a kind of Markdown documents with front matter `M`.
    fn markdown<M: Fields>(self) -> Self::Output
    where
        Markdown<M>: Record;
}

/// Implements [`Record`] for a kind: its type, its dataset list, its id and title fields.
macro_rules! record {
    ($type:ty, $kind:ident, $list:ident, |$r:ident| $id:expr, $title:expr) => {
        impl Record for $type {
            const KIND: RecordKind = RecordKind::$kind;
            fn id(&self) -> &Sp<String> {
                let $r = self;
                &$id
            }
            fn title(&self) -> &str {
                let $r = self;
                &$title
            }
            fn list(dataset: &Dataset) -> &Vec<Sourced<Self>> {
                &dataset.$list
            }
            fn list_mut(dataset: &mut Dataset) -> &mut Vec<Sourced<Self>> {
                &mut dataset.$list
            }
        }
    };
}

record!(Edition, Edition, editions, |r| r.id, r.title);
record!(Project, Project, projects, |r| r.id, r.name);
record!(Product, Product, products, |r| r.id, r.name);
record!(Org, Org, orgs, |r| r.id, r.name);
record!(Inspection, Inspection, inspections, |r| r.id, r.title);
record!(Event, Event, events, |r| r.id, r.title);
record!(
    Markdown<Policy>,
    Policy,
    policies,
    |r| r.meta.id,
    r.meta.title
);
record!(
    Markdown<Interpretation>,
    Interpretation,
    interpretations,
    |r| r.meta.id,
    r.meta.title
);
record!(Markdown<Page>, Page, pages, |r| r.meta.id, r.meta.title);

impl Single for SiteConfig {
    const KIND: RecordKind = RecordKind::Config;
    fn slot(dataset: &mut Dataset) -> &mut Option<Sourced<Self>> {
        &mut dataset.config
    }
}

impl Single for Taxonomy {
    const KIND: RecordKind = RecordKind::Taxonomy;
    fn slot(dataset: &mut Dataset) -> &mut Option<Sourced<Self>> {
        &mut dataset.taxonomy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_declaration_order_and_its_names_are_unique() {
        for (i, info) in KINDS.iter().enumerate() {
            assert_eq!(info.kind as usize, i, "{info:?}");
        }
        for field in [
            |i: &KindInfo| i.key,
            |i: &KindInfo| i.name,
            |i: &KindInfo| i.noun,
        ] {
            let mut names: Vec<&str> = KINDS.iter().map(field).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), KINDS.len());
        }
    }

    #[test]
    fn record_kind_is_by_home_and_extension() {
        let of = |file: &str| RecordKind::of(Path::new(file));
        assert_eq!(of("data/projects/a.yaml"), Some(RecordKind::Project));
        assert_eq!(of("data/catalog/g/c/p.yml"), Some(RecordKind::Product));
        assert_eq!(
            of("data/standards/categories.yaml"),
            Some(RecordKind::Taxonomy)
        );
        assert_eq!(of("data/standards/2025.yaml"), Some(RecordKind::Edition));
        assert_eq!(of("data/site.yaml"), Some(RecordKind::Config));
        assert_eq!(of("content/policies/p.md"), Some(RecordKind::Policy));
        assert_eq!(of("content/policies/p.yaml"), None);
        assert_eq!(of("data/projects-old/a.yaml"), None);
        assert_eq!(of("data/README.md"), None);
    }
}
