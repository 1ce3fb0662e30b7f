//! The one table of record kinds: where each kind's files live, what it is called in
//! each place, and which Rust type holds it. Stages loop over [`KINDS`] or dispatch
//! with [`RecordKind::visit`] instead of naming kinds one by one, so that adding a
//! kind is a row here, its type, and the pages and rules that are its own.

use std::fmt::Debug;
use std::path::Path;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{
    Dataset, Date, Edition, Event, Inspection, Interpretation, Markdown, Org, Page, Policy,
    Product, Project, SiteConfig, Sourced, Sp, Taxonomy,
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
    /// The editors' message naming it in diagnostics ([`crate::messages`]).
    pub noun: &'static str,
    /// The editors' message heading its section in `greenproc diff`'s Markdown.
    pub heading: &'static str,
    /// First segment of each record's page, `<section>/<id>/`, for kinds with a page
    /// per record under a section of their own.
    pub section: Option<&'static str>,
    /// The blank record `greenproc new` writes, for kinds editors add one by one.
    pub form: Option<&'static str>,
    /// The page listing every record of the kind, `<list>/`, titled by the theme's
    /// `nav.<list>`; `None` for the kinds the home page stands for.
    pub list: Option<&'static str>,
    /// Whether pages list this kind's records under a record they name newest first,
    /// by [`Record::date`], rather than in file order.
    pub listed_newest_first: bool,
}

/// The kinds whose records' own date ([`Record::date`]) is a change on the home page,
/// in the order that breaks ties among one day's changes.
pub const DATED_KINDS: [RecordKind; 5] = [
    RecordKind::Policy,
    RecordKind::Interpretation,
    RecordKind::Product,
    RecordKind::Inspection,
    RecordKind::Event,
];

/// Every kind, in the order reports, history and the schemas list them.
pub const KINDS: [KindInfo; 11] = [
    KindInfo {
        kind: RecordKind::Config,
        home: Home::File("data/site.yaml"),
        format: Format::Yaml,
        key: "site",
        name: "site",
        noun: "noun.site",
        heading: "diff.kind.site",
        section: None,
        form: None,
        list: None,
        listed_newest_first: false,
    },
    KindInfo {
        kind: RecordKind::Taxonomy,
        home: Home::File("data/standards/categories.yaml"),
        format: Format::Yaml,
        key: "taxonomy",
        name: "categories",
        noun: "noun.taxonomy",
        heading: "diff.kind.taxonomy",
        section: None,
        form: None,
        list: None,
        listed_newest_first: false,
    },
    // Editions share their folder with the taxonomy file: `RecordKind::of` gives the
    // one file to the taxonomy, because file homes are matched before folders.
    KindInfo {
        kind: RecordKind::Edition,
        home: Home::Folder("data/standards"),
        format: Format::Yaml,
        key: "standard",
        name: "edition",
        noun: "noun.standard",
        heading: "diff.kind.standard",
        section: Some("standards"),
        form: Some(include_str!("../scaffold/templates/new/edition.yaml")),
        list: Some("standards"),
        listed_newest_first: false,
    },
    KindInfo {
        kind: RecordKind::Project,
        home: Home::Folder("data/projects"),
        format: Format::Yaml,
        key: "project",
        name: "project",
        noun: "noun.project",
        heading: "diff.kind.project",
        section: Some("projects"),
        form: Some(include_str!("../scaffold/templates/new/project.yaml")),
        list: Some("projects"),
        listed_newest_first: false,
    },
    KindInfo {
        kind: RecordKind::Product,
        home: Home::Folder("data/catalog"),
        format: Format::Yaml,
        key: "product",
        name: "product",
        noun: "noun.product",
        heading: "diff.kind.product",
        section: Some("products"),
        form: Some(include_str!("../scaffold/templates/new/product.yaml")),
        list: Some("catalog"),
        listed_newest_first: false,
    },
    KindInfo {
        kind: RecordKind::Org,
        home: Home::Folder("data/orgs"),
        format: Format::Yaml,
        key: "org",
        name: "org",
        noun: "noun.org",
        heading: "diff.kind.org",
        section: Some("orgs"),
        form: Some(include_str!("../scaffold/templates/new/org.yaml")),
        list: Some("orgs"),
        listed_newest_first: false,
    },
    KindInfo {
        kind: RecordKind::Inspection,
        home: Home::Folder("data/inspections"),
        format: Format::Yaml,
        key: "inspection",
        name: "inspection",
        noun: "noun.inspection",
        heading: "diff.kind.inspection",
        section: Some("inspections"),
        form: Some(include_str!("../scaffold/templates/new/inspection.yaml")),
        list: Some("inspections"),
        listed_newest_first: true,
    },
    KindInfo {
        kind: RecordKind::Event,
        home: Home::Folder("data/events"),
        format: Format::Yaml,
        key: "event",
        name: "event",
        noun: "noun.event",
        heading: "diff.kind.event",
        section: Some("events"),
        form: Some(include_str!("../scaffold/templates/new/event.yaml")),
        list: Some("events"),
        listed_newest_first: true,
    },
    KindInfo {
        kind: RecordKind::Policy,
        home: Home::Folder("content/policies"),
        format: Format::Markdown,
        key: "policy",
        name: "policy",
        noun: "noun.policy",
        heading: "diff.kind.policy",
        section: Some("policies"),
        form: Some(include_str!("../scaffold/templates/new/policy.md")),
        list: Some("policies"),
        listed_newest_first: false,
    },
    KindInfo {
        kind: RecordKind::Interpretation,
        home: Home::Folder("content/interpretations"),
        format: Format::Markdown,
        key: "interpretation",
        name: "interpretation",
        noun: "noun.interpretation",
        heading: "diff.kind.interpretation",
        section: Some("interpretations"),
        form: Some(include_str!("../scaffold/templates/new/interpretation.md")),
        list: Some("interpretations"),
        listed_newest_first: true,
    },
    // Pages live at the site's top level, `<id>/`, not under a section.
    KindInfo {
        kind: RecordKind::Page,
        home: Home::Folder("content/pages"),
        format: Format::Markdown,
        key: "page",
        name: "page",
        noun: "noun.page",
        heading: "diff.kind.page",
        section: None,
        form: Some(include_str!("../scaffold/templates/new/page.md")),
        list: None,
        listed_newest_first: false,
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
pub trait Record: Refers + Send + Sync + Sized + 'static {
    /// The record's kind.
    const KIND: RecordKind;
    /// The record's id, unique within its kind.
    fn id(&self) -> &Sp<String>;
    /// The record's name or title, as its page heads it.
    fn title(&self) -> &str;
    /// The day the record was issued, published, listed or held, for kinds with one.
    fn date(&self) -> Option<Date>;
    /// The dataset's records of this kind, in file order.
    fn list(dataset: &Dataset) -> &Vec<Sourced<Self>>;
    /// The same, to change.
    fn list_mut(dataset: &mut Dataset) -> &mut Vec<Sourced<Self>>;
}

/// What an id in a record's field names: a record of a kind, or an entry of a list
/// inside the site configuration or the taxonomy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A district from `site.yaml`.
    District,
    /// A functional zone from `site.yaml`.
    Zone,
    /// A material group.
    Group,
    /// A material category.
    Category,
    /// A record of one of the kinds of [`KINDS`].
    Record(RecordKind),
}

impl From<RecordKind> for Target {
    fn from(kind: RecordKind) -> Target {
        Target::Record(kind)
    }
}

impl Target {
    /// What the target is called in diagnostics.
    pub fn noun(self) -> crate::messages::Text {
        crate::messages::Text::new(match self {
            Target::District => "noun.district",
            Target::Zone => "noun.zone",
            Target::Group => "noun.group",
            Target::Category => "noun.category",
            Target::Record(kind) => kind.info().noun,
        })
    }

    /// Where the target's ids are defined.
    pub fn home(self) -> Home {
        match self {
            Target::District | Target::Zone => RecordKind::Config.info().home,
            Target::Group | Target::Category => RecordKind::Taxonomy.info().home,
            Target::Record(kind) => kind.info().home,
        }
    }
}

/// One id a record's field gives to name another record or a list entry.
#[derive(Debug, Clone, Copy)]
pub struct Reference<'a> {
    /// The field, as a path in the file (`certificate.body`).
    pub field: &'static str,
    /// What the id names.
    pub target: Target,
    /// The id as written.
    pub id: &'a Sp<String>,
}

/// The ids and web addresses in one record's fields: what validation resolves and
/// checks, and what derive turns around into "who names this record".
#[derive(Debug, Default)]
pub struct References<'a> {
    /// Ids naming other records or list entries, in field order.
    pub ids: Vec<Reference<'a>>,
    /// Web addresses.
    pub links: Vec<&'a Sp<String>>,
    /// Markdown texts.
    pub texts: Vec<Text<'a>>,
}

/// A Markdown text in a record's file.
#[derive(Debug)]
pub struct Text<'a> {
    /// The field that holds it (`body` for a Markdown document's own text).
    pub field: &'static str,
    /// The text.
    pub value: &'a str,
    /// The file line of the text's first line.
    pub line: u64,
    /// The file column where each of the text's lines starts (a block scalar's
    /// indentation, plus one).
    pub column: u64,
}

impl<'a> References<'a> {
    /// Adds the ids `field` gives (one, an optional one, or a list) naming `target`s.
    pub fn ids(
        &mut self,
        field: &'static str,
        target: impl Into<Target>,
        ids: impl IntoIterator<Item = &'a Sp<String>>,
    ) {
        let target = target.into();
        self.ids
            .extend(ids.into_iter().map(|id| Reference { field, target, id }));
    }

    /// Adds web addresses.
    pub fn links(&mut self, links: impl IntoIterator<Item = &'a Sp<String>>) {
        self.links.extend(links);
    }

    /// Adds a Markdown text, unless it is empty.
    pub fn markdown(&mut self, field: &'static str, text: &'a Sp<String>) {
        if !text.value.is_empty() {
            self.texts.push(Text::of(field, text));
        }
    }

    /// Empties the lists, to be filled for the next record.
    pub fn clear(&mut self) {
        self.ids.clear();
        self.links.clear();
        self.texts.clear();
    }
}

impl<'a> Text<'a> {
    /// The text of a YAML field.
    pub fn of(field: &'static str, text: &'a Sp<String>) -> Text<'a> {
        // The parser places a block scalar (`|`) at its first line of text, so its
        // lines are the file's from there, all at that indentation.
        Text {
            field,
            value: &text.value,
            line: text.referenced.line(),
            column: text.referenced.column(),
        }
    }
}

/// A record whose fields name other records: each kind declares its references once,
/// here, instead of each stage restating them.
pub trait Refers: Debug {
    /// Adds the record's ids and web addresses to `refs`.
    fn references<'a>(&'a self, refs: &mut References<'a>);
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

/// Implements [`Record`] for a kind: its type, its dataset list, its id, title and
/// (for kinds with one) date fields.
macro_rules! record {
    ($type:ty, $kind:ident, $list:ident, |$r:ident| $id:expr, $title:expr, $date:expr) => {
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
            // Kinds without a date leave `$r` unused.
            #[allow(unused_variables)]
            fn date(&self) -> Option<Date> {
                let $r = self;
                $date
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

record!(Edition, Edition, editions, |r| r.id, r.title, None);
record!(Project, Project, projects, |r| r.id, r.name, None);
record!(
    Product,
    Product,
    products,
    |r| r.id,
    r.name,
    Some(r.listed.value)
);
record!(Org, Org, orgs, |r| r.id, r.name, None);
record!(
    Inspection,
    Inspection,
    inspections,
    |r| r.id,
    r.title,
    Some(r.date.value)
);
record!(Event, Event, events, |r| r.id, r.title, Some(r.date.value));
record!(
    Markdown<Policy>,
    Policy,
    policies,
    |r| r.meta.id,
    r.meta.title,
    Some(r.meta.issued.value)
);
record!(
    Markdown<Interpretation>,
    Interpretation,
    interpretations,
    |r| r.meta.id,
    r.meta.title,
    Some(r.meta.date.value)
);
record!(
    Markdown<Page>,
    Page,
    pages,
    |r| r.meta.id,
    r.meta.title,
    None
);

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
