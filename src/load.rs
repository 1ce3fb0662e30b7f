//! Stage 1, load: walk a site's `data/` and `content/` folders and parse every file
//! into its typed record, keeping the file and the position of every value.
//!
//! A file that fails to parse becomes a diagnostic and is left out; the other files
//! still load, so that validation can report everything in one run.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde_saphyr::{Budget, Options};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Position, source_lines};
use crate::model::{Dataset, Markdown, Sourced};

/// Largest source file read, in bytes. A real record is a few kilobytes; the limit
/// turns a stray dump or a generated monster into a clear error, not a slow build.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Where each kind of record lives, relative to the site root.
pub mod paths {
    /// The site configuration.
    pub const SITE: &str = "data/site.yaml";
    /// Material groups and categories.
    pub const TAXONOMY: &str = "data/standards/categories.yaml";
    /// Editions of the demand standard (every other YAML file in the folder).
    pub const STANDARDS: &str = "data/standards";
    /// Pilot projects.
    pub const PROJECTS: &str = "data/projects";
    /// Catalog products, in subfolders of any depth.
    pub const CATALOG: &str = "data/catalog";
    /// Organizations.
    pub const ORGS: &str = "data/orgs";
    /// Inspections.
    pub const INSPECTIONS: &str = "data/inspections";
    /// Matchmaking events.
    pub const EVENTS: &str = "data/events";
    /// Policies.
    pub const POLICIES: &str = "content/policies";
    /// Policy interpretations.
    pub const INTERPRETATIONS: &str = "content/interpretations";
    /// Plain pages.
    pub const PAGES: &str = "content/pages";
}

/// Loads every record under `root`; problems go to `diagnostics`.
pub fn load_site(root: &Path, diagnostics: &mut Diagnostics) -> Dataset {
    let mut loader = Loader {
        root,
        diagnostics,
        links: HashSet::new(),
    };
    let config = loader.required_yaml(paths::SITE);
    let taxonomy = loader.required_yaml(paths::TAXONOMY);
    let editions = loader
        .files(paths::STANDARDS, &["yaml", "yml"])
        .into_iter()
        .filter(|file| file != Path::new(paths::TAXONOMY))
        .filter_map(|file| loader.yaml(file))
        .collect();
    Dataset {
        config,
        taxonomy,
        editions,
        projects: loader.yaml_folder(paths::PROJECTS),
        products: loader.yaml_folder(paths::CATALOG),
        orgs: loader.yaml_folder(paths::ORGS),
        inspections: loader.yaml_folder(paths::INSPECTIONS),
        events: loader.yaml_folder(paths::EVENTS),
        policies: loader.markdown_folder(paths::POLICIES),
        interpretations: loader.markdown_folder(paths::INTERPRETATIONS),
        pages: loader.markdown_folder(paths::PAGES),
    }
}

/// Reads one file again into `dataset` after an edit, for `greenproc serve`: the
/// record of `file` (relative to `root`) is replaced, added, or left out when the file
/// is gone or no longer parses, keeping every list in the order [`load_site`] gives.
/// The file's problems go to `diagnostics`. Returns `false`, changing nothing, when
/// `file` is not where a record lives.
pub fn reload_file(
    root: &Path,
    dataset: &mut Dataset,
    file: &Path,
    diagnostics: &mut Diagnostics,
) -> bool {
    let Some(kind) = RecordKind::of(file) else {
        return false;
    };
    let mut loader = Loader {
        root,
        diagnostics,
        links: HashSet::new(),
    };
    // The same names the folder walk refuses, so that a file saved during a preview
    // is read exactly when a build would read it.
    let unportable = file
        .components()
        .find_map(|part| unportable_name(part.as_os_str()));
    let present = match (symlink_on_the_way(root, file), unportable) {
        (Some(link), _) => {
            loader.report_symlink(&link);
            false
        }
        (None, Some(problem)) => {
            loader.report_unportable(file, problem);
            false
        }
        (None, None) => fs::metadata(root.join(file)).is_ok_and(|meta| meta.is_file()),
    };
    let d = dataset;
    let l = &mut loader;
    match kind {
        RecordKind::Config => d.config = l.required_yaml(paths::SITE),
        RecordKind::Taxonomy => d.taxonomy = l.required_yaml(paths::TAXONOMY),
        RecordKind::Edition => l.reread(&mut d.editions, file, present, read_yaml),
        RecordKind::Project => l.reread(&mut d.projects, file, present, read_yaml),
        RecordKind::Product => l.reread(&mut d.products, file, present, read_yaml),
        RecordKind::Org => l.reread(&mut d.orgs, file, present, read_yaml),
        RecordKind::Inspection => l.reread(&mut d.inspections, file, present, read_yaml),
        RecordKind::Event => l.reread(&mut d.events, file, present, read_yaml),
        RecordKind::Policy => l.reread(&mut d.policies, file, present, read_markdown),
        RecordKind::Interpretation => {
            l.reread(&mut d.interpretations, file, present, read_markdown)
        }
        RecordKind::Page => l.reread(&mut d.pages, file, present, read_markdown),
    }
    true
}

/// Which record a file under the site root holds, by where it lives.
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

impl RecordKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [RecordKind; 11] = [
        RecordKind::Config,
        RecordKind::Taxonomy,
        RecordKind::Edition,
        RecordKind::Project,
        RecordKind::Product,
        RecordKind::Org,
        RecordKind::Inspection,
        RecordKind::Event,
        RecordKind::Policy,
        RecordKind::Interpretation,
        RecordKind::Page,
    ];

    /// The kind of record `file` (relative to the site root) holds, or `None` when
    /// [`load_site`] does not read it.
    pub fn of(file: &Path) -> Option<RecordKind> {
        let extension = file
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        let yaml = extension == "yaml" || extension == "yml";
        if file == Path::new(paths::SITE) {
            return Some(RecordKind::Config);
        }
        if file == Path::new(paths::TAXONOMY) {
            return Some(RecordKind::Taxonomy);
        }
        let folders = [
            (paths::STANDARDS, RecordKind::Edition),
            (paths::PROJECTS, RecordKind::Project),
            (paths::CATALOG, RecordKind::Product),
            (paths::ORGS, RecordKind::Org),
            (paths::INSPECTIONS, RecordKind::Inspection),
            (paths::EVENTS, RecordKind::Event),
            (paths::POLICIES, RecordKind::Policy),
            (paths::INTERPRETATIONS, RecordKind::Interpretation),
            (paths::PAGES, RecordKind::Page),
        ];
        let (folder, kind) = folders.into_iter().find(|(f, _)| file.starts_with(f))?;
        let markdown = folder.starts_with("content/");
        let wanted = if markdown { extension == "md" } else { yaml };
        wanted.then_some(kind)
    }
}

/// Puts `record`, read from `file`, in its place in `list` (sorted by file, as the
/// folder walk gives it), or takes the file's old record out when there is none.
fn replace<T>(list: &mut Vec<Sourced<T>>, file: &Path, record: Option<Sourced<T>>) {
    match (
        list.binary_search_by(|s| s.file.as_path().cmp(file)),
        record,
    ) {
        (Ok(i), Some(record)) => list[i] = record,
        (Ok(i), None) => {
            list.remove(i);
        }
        (Err(i), Some(record)) => list.insert(i, record),
        (Err(_), None) => {}
    }
}

struct Loader<'a> {
    root: &'a Path,
    diagnostics: &'a mut Diagnostics,
    /// Links reported so far: a linked `data/` is one error, not one per kind.
    links: HashSet<PathBuf>,
}

impl Loader<'_> {
    fn required_yaml<T: DeserializeOwned>(&mut self, file: &str) -> Option<Sourced<T>> {
        let path = PathBuf::from(file);
        if let Some(link) = symlink_on_the_way(self.root, &path) {
            self.report_symlink(&link);
            return None;
        }
        if !self.root.join(&path).exists() {
            self.diagnostics.report(
                Code::MissingFile,
                &path,
                Position::FILE,
                format!("`{file}` is missing"),
                "every site needs this file; docs/data-format.md describes it with an example",
            );
            return None;
        }
        self.yaml(path)
    }

    fn yaml_folder<T: DeserializeOwned + Send>(&mut self, folder: &str) -> Vec<Sourced<T>> {
        let files = self.files(folder, &["yaml", "yml"]);
        self.parse_all(files, read_yaml)
    }

    fn markdown_folder<T: DeserializeOwned + Send>(
        &mut self,
        folder: &str,
    ) -> Vec<Sourced<Markdown<T>>> {
        let files = self.files(folder, &["md"]);
        self.parse_all(files, read_markdown)
    }

    /// Files below `folder` with one of `extensions`, sorted by path so that every run
    /// sees them in the same order. Symbolic links, on the way to the folder or in it,
    /// and names that are not portable are reported and left out.
    fn files(&mut self, folder: &str, extensions: &[&str]) -> Vec<PathBuf> {
        if let Some(link) = symlink_on_the_way(self.root, Path::new(folder)) {
            self.report_symlink(&link);
            return Vec::new();
        }
        let dir = self.root.join(folder);
        if !dir.is_dir() {
            return Vec::new();
        }
        let mut found = Vec::new();
        let mut walk = walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter();
        while let Some(entry) = walk.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    let path = error
                        .path()
                        .and_then(|p| p.strip_prefix(self.root).ok())
                        .unwrap_or(Path::new(folder))
                        .to_path_buf();
                    self.diagnostics.report(
                        Code::Unreadable,
                        &path,
                        Position::FILE,
                        format!("cannot read this folder: {error}"),
                        "check the folder's permissions",
                    );
                    continue;
                }
            };
            let relative = entry
                .path()
                .strip_prefix(self.root)
                .unwrap_or(entry.path())
                .to_path_buf();
            let wanted = entry
                .path()
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e));
            let is_dir = entry.file_type().is_dir();
            if entry.path_is_symlink() {
                if wanted || entry.path().is_dir() {
                    self.report_symlink(&relative);
                }
                continue;
            }
            if entry.depth() > 0
                && (wanted || is_dir)
                && let Some(problem) = unportable_name(entry.file_name())
            {
                self.report_unportable(&relative, problem);
                if is_dir {
                    walk.skip_current_dir();
                }
                continue;
            }
            if entry.file_type().is_file() && wanted {
                found.push(relative);
            }
        }
        found
    }

    /// Reads `file` again into `list` with `read` ([`read_yaml`] or
    /// [`read_markdown`]), or takes it out when it is not `present`.
    fn reread<T>(
        &mut self,
        list: &mut Vec<Sourced<T>>,
        file: &Path,
        present: bool,
        read: fn(&Path, &Path) -> Result<Sourced<T>, Diagnostic>,
    ) {
        let record = if present {
            self.keep(read(self.root, file))
        } else {
            None
        };
        replace(list, file, record);
    }

    fn report_unportable(&mut self, relative: &Path, problem: &str) {
        self.diagnostics.report(
            Code::UnsafeName,
            relative,
            Position::FILE,
            format!("the name {problem}, so the file is not read"),
            "rename it with letters, digits, hyphens and Chinese characters, for example `zb-school-2025.yaml`",
        );
    }

    fn report_symlink(&mut self, relative: &Path) {
        if !self.links.insert(relative.to_path_buf()) {
            return;
        }
        self.diagnostics.report(
            Code::Unreadable,
            relative,
            Position::FILE,
            "symbolic links are not followed",
            "replace the link with the file itself, so that the site never reads outside its folder",
        );
    }

    /// The value, or `None` with its diagnostic recorded.
    fn keep<T>(&mut self, result: Result<T, Diagnostic>) -> Option<T> {
        result.map_err(|d| self.diagnostics.push(d)).ok()
    }

    fn yaml<T: DeserializeOwned>(&mut self, file: PathBuf) -> Option<Sourced<T>> {
        let record = read_yaml(self.root, &file);
        self.keep(record)
    }

    /// Parses `files` on all cores, keeping their order and reporting their problems
    /// in that order: parsing is most of the time `check` takes.
    fn parse_all<T: Send>(
        &mut self,
        files: Vec<PathBuf>,
        parse: impl Fn(&Path, &Path) -> Result<Sourced<T>, Diagnostic> + Sync,
    ) -> Vec<Sourced<T>> {
        let root = self.root;
        let parsed: Vec<Result<Sourced<T>, Diagnostic>> =
            files.par_iter().map(|file| parse(root, file)).collect();
        parsed.into_iter().filter_map(|r| self.keep(r)).collect()
    }
}

/// Reads and parses the YAML record at `file` (relative to `root`).
fn read_yaml<T: DeserializeOwned>(root: &Path, file: &Path) -> Result<Sourced<T>, Diagnostic> {
    let text = read(root, file)?;
    let record = parse_record(file, &text)?;
    Ok(Sourced {
        file: file.to_path_buf(),
        record,
    })
}

/// Reads and parses the Markdown document at `file` (relative to `root`).
fn read_markdown<T: DeserializeOwned>(
    root: &Path,
    file: &Path,
) -> Result<Sourced<Markdown<T>>, Diagnostic> {
    let text = read(root, file)?;
    let record = parse_document(file, &text)?;
    Ok(Sourced {
        file: file.to_path_buf(),
        record,
    })
}

/// Reads the file at `file` (relative to `root`) as UTF-8 text within the size limit.
fn read(root: &Path, file: &Path) -> Result<String, Diagnostic> {
    let full = root.join(file);
    let size = fs::metadata(&full).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return Err(Diagnostic::new(
            Code::TooLarge,
            file,
            Position::FILE,
            format!("the file is {size} bytes, more than the limit of {MAX_FILE_BYTES} bytes"),
        )
        .hint("one file holds one record; split it, or remove what does not belong in it"));
    }
    let bytes = fs::read(&full).map_err(|error| {
        Diagnostic::new(
            Code::Unreadable,
            file,
            Position::FILE,
            format!("cannot read the file: {error}"),
        )
        .hint("check that the file exists and is readable")
    })?;
    decode(file, bytes)
}

/// Turns a file's bytes into its text: UTF-8 (a leading byte-order mark dropped) and
/// not blank. `file` is the path relative to the site root that a diagnostic names.
pub fn decode(file: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&error.as_bytes()[..offset]);
            let (mut line, mut column) = (0, 1);
            for text in source_lines(&valid) {
                line += 1;
                column = text.chars().count() as u64 + 1;
            }
            return Err(Diagnostic::new(
                Code::Unreadable,
                file,
                Position { line, column, length: 1 },
                "the file is not UTF-8 text",
            )
            .hint("save the file as UTF-8 (in most editors: Save with Encoding → UTF-8); GBK is not supported"));
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    if text.trim().is_empty() {
        return Err(
            Diagnostic::new(Code::EmptyFile, file, Position::FILE, "the file is empty")
                .hint("fill in the record, or delete the file"),
        );
    }
    Ok(text)
}

/// Parses the text of a YAML record file into its record.
pub fn parse_record<T: DeserializeOwned>(file: &Path, text: &str) -> Result<T, Diagnostic> {
    parse_yaml(text).map_err(|error| yaml_diagnostic(file, &error))
}

/// Parses the text of a Markdown document: its front matter into `T`, and its body.
pub fn parse_document<T: DeserializeOwned>(
    file: &Path,
    text: &str,
) -> Result<Markdown<T>, Diagnostic> {
    let Some((front, body)) = split_front_matter(text) else {
        return Err(Diagnostic::new(
            Code::FrontMatter,
            file,
            Position { line: 1, column: 1, length: 3 },
            "the document does not start with a front matter block",
        )
        .hint("begin the file with a line `---`, the YAML fields, and another line `---`; the Markdown text follows"));
    };
    // A leading newline stands for the opening `---`, so that positions in the front
    // matter are the file's own line numbers.
    let meta = parse_record(file, &format!("\n{front}"))?;
    Ok(Markdown {
        meta,
        body: body.to_owned(),
        body_line: front.lines().count() as u64 + 3,
    })
}

/// Parses one YAML document with limits on nesting, node count and alias expansion.
pub fn parse_yaml<T: DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    let mut budget = Budget::default();
    budget.max_depth = 32;
    budget.max_nodes = 100_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_documents = 1;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 100_000;
    options.with_snippet = false;
    serde_saphyr::from_str_with_options(text, options)
}

/// Splits `---\n<yaml>\n---\n<body>` into its front matter and body.
pub fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// The first path from `root` down to `relative` (a folder or file below it) that is
/// a symbolic link, relative to `root`; `None` when there is none. Checked before
/// anything is opened, so that no link leads a read or a write outside the site.
pub fn symlink_on_the_way(root: &Path, relative: &Path) -> Option<PathBuf> {
    let mut shown = PathBuf::new();
    for component in relative.components() {
        shown.push(component);
        let is_link =
            fs::symlink_metadata(root.join(&shown)).is_ok_and(|meta| meta.file_type().is_symlink());
        if is_link {
            return Some(shown);
        }
    }
    None
}

/// Whether `stem` (a name without its extensions) is a device name Windows reserves
/// in every folder and any case: CON, PRN, AUX, NUL, COM0–9 and LPT0–9 (with the
/// superscript digits ¹²³ too). A file or folder of that name cannot be checked out
/// there.
pub fn is_device_name(stem: &str) -> bool {
    // The longest is `com` or `lpt` with a superscript digit, five bytes; most names
    // are longer, and every id is checked.
    if stem.len() > 5 {
        return false;
    }
    let lower = stem.to_ascii_lowercase();
    match lower.as_str() {
        "con" | "prn" | "aux" | "nul" => true,
        _ => ["com", "lpt"].iter().any(|prefix| {
            lower.strip_prefix(prefix).is_some_and(|n| {
                let mut chars = n.chars();
                matches!(
                    (chars.next(), chars.next()),
                    (Some('0'..='9' | '¹' | '²' | '³'), None)
                )
            })
        }),
    }
}

/// What makes a file or folder name unsafe to load or print: not UTF-8, a control
/// character (a terminal would act on it), a character Windows forbids in names, a
/// trailing dot or space, or a Windows device name with any extension. `None` for a
/// fine name.
pub fn unportable_name(name: &std::ffi::OsStr) -> Option<&'static str> {
    let Some(name) = name.to_str() else {
        return Some("is not UTF-8");
    };
    if name.chars().any(char::is_control) {
        Some("holds a control character")
    } else if name.contains(['\\', ':', '*', '?', '"', '<', '>', '|']) {
        Some(r#"holds one of \ : * ? " < > |, which Windows does not allow in names"#)
    } else if name.ends_with(['.', ' ']) {
        Some("ends with a dot or a space, which Windows drops")
    } else if is_device_name(name.split('.').next().unwrap_or(name)) {
        Some(
            "is a device name on Windows (CON, PRN, AUX, NUL, COM1, LPT1…), which no file there can have",
        )
    } else {
        None
    }
}

/// Turns a YAML error into a diagnostic with a code and a hint.
pub fn yaml_diagnostic(file: &Path, error: &serde_saphyr::Error) -> Diagnostic {
    use serde_saphyr::Error as E;
    let error = match error {
        E::WithSnippet { error, .. } => error.as_ref(),
        other => other,
    };
    let position = error
        .location()
        .map(|l| Position::from_location(&l))
        .unwrap_or(Position {
            line: 1,
            column: 1,
            length: 1,
        });
    // A problem met while replaying an alias is wrapped with the alias's locations;
    // classify it by the problem itself, located where the alias is used.
    let mut error = error;
    while let E::AliasError { error: inner, .. } | E::WithSnippet { error: inner, .. } = error {
        error = inner.as_ref();
    }
    let (code, message, hint) = match error {
        E::SerdeUnknownField { field, expected, .. } => (
            Code::UnknownField,
            format!("unknown field `{field}`"),
            match closest(field, expected) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("the fields allowed here are: {}", expected.join(", ")),
            },
        ),
        E::SerdeMissingField { field, .. } => (
            Code::MissingField,
            format!("missing required field `{field}`"),
            format!("add `{field}:` with a value to this record; docs/data-format.md describes it"),
        ),
        E::SerdeUnknownVariant { variant, expected, .. } => (
            Code::WrongType,
            format!("`{variant}` is not one of the allowed values"),
            match closest(variant, expected) {
                Some(best) => format!("did you mean `{best}`? allowed: {}", expected.join(", ")),
                None => format!("allowed values: {}", expected.join(", ")),
            },
        ),
        E::SerdeInvalidType { unexpected, expected, .. }
        | E::SerdeInvalidValue { unexpected, expected, .. } => (
            Code::WrongType,
            format!("expected {expected}, found {unexpected}"),
            "change the value to the expected kind; quote text that looks like a number".to_owned(),
        ),
        E::InvalidScalar { ty, .. } => (
            Code::WrongType,
            format!("this value is not a valid {}", scalar_kind(ty)),
            "write the value in the expected form: numbers without units or separators, true or false for yes/no".to_owned(),
        ),
        E::Unexpected { expected, .. } => (
            Code::WrongType,
            format!("expected {expected} here"),
            "change the value to the expected kind: a single value, a list (`- item`) or fields (`key: value`)".to_owned(),
        ),
        E::NullIntoString { .. } => (
            Code::WrongType,
            "this value is empty".to_owned(),
            "write the text after the colon, or remove the line if the field is optional".to_owned(),
        ),
        E::Message { msg, .. } => (
            Code::WrongType,
            msg.clone(),
            "correct the value as the message says".to_owned(),
        ),
        E::DuplicateMappingKey { key, .. } => (
            Code::DuplicateKey,
            match key {
                Some(key) => format!("the key `{key}` appears twice"),
                None => "a key appears twice".to_owned(),
            },
            "keep one of the two entries".to_owned(),
        ),
        E::Budget {
            breach: serde_saphyr::budget::BudgetBreach::Documents { .. },
            ..
        }
        | E::MultipleDocuments { .. } => (
            Code::YamlSyntax,
            "the file holds more than one YAML document".to_owned(),
            "one file holds one record: remove the `---` separator and move the second record to its own file".to_owned(),
        ),
        E::Budget { breach, .. } => (
            Code::ResourceLimit,
            format!("the YAML exceeds a safety limit ({breach:?})"),
            "records are small: remove deep nesting and repeated aliases (`*name`)".to_owned(),
        ),
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => (
            Code::ResourceLimit,
            "YAML aliases expand to too much data".to_owned(),
            "write values out instead of repeating anchors with aliases (`*name`)".to_owned(),
        ),
        E::ExternalMessage { msg, .. } if msg.contains("recursion limit") => (
            Code::ResourceLimit,
            "the YAML is nested too deeply".to_owned(),
            "records are small: remove the deep nesting of brackets or indented blocks".to_owned(),
        ),
        other => (
            Code::YamlSyntax,
            first_line(&other.to_string()),
            "check indentation (spaces, not tabs), colons after keys, and quotes around text with `: ` or `#`".to_owned(),
        ),
    };
    Diagnostic::new(code, file, position, message).hint(hint)
}

/// What a scalar type of the parser is called in a message.
fn scalar_kind(ty: &str) -> &str {
    match ty {
        "floating point" => "number",
        "boolean" => "true or false",
        t if t.starts_with(['u', 'i']) && t[1..].bytes().all(|b| b.is_ascii_digit()) => {
            "whole number"
        }
        other => other,
    }
}

/// The error's own text without the location prefix saphyr adds.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text);
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let line = match line.split_once(": ") {
        Some((prefix, rest)) if prefix.starts_with("line ") => rest,
        _ => line,
    };
    // The diagnostic shows the position itself; drop a trailing " at line 3, column 7".
    match line.rsplit_once(" at line ") {
        Some((text, position))
            if position
                .bytes()
                .all(|b| b.is_ascii_digit() || b", column".contains(&b)) =>
        {
            text.to_owned()
        }
        _ => line.to_owned(),
    }
}

/// The candidate nearest to `word` by edit distance, when it is near enough to be a typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_kind_is_by_folder_and_extension() {
        assert_eq!(
            RecordKind::of(Path::new("data/projects/a.yaml")),
            Some(RecordKind::Project)
        );
        assert_eq!(
            RecordKind::of(Path::new("data/catalog/g/c/p.yml")),
            Some(RecordKind::Product)
        );
        assert_eq!(
            RecordKind::of(Path::new("data/standards/categories.yaml")),
            Some(RecordKind::Taxonomy)
        );
        assert_eq!(
            RecordKind::of(Path::new("content/policies/p.md")),
            Some(RecordKind::Policy)
        );
        assert_eq!(RecordKind::of(Path::new("content/policies/p.yaml")), None);
        assert_eq!(RecordKind::of(Path::new("data/projects-old/a.yaml")), None);
        assert_eq!(RecordKind::of(Path::new("data/README.md")), None);
    }

    #[test]
    fn a_reloaded_file_with_an_unportable_name_is_refused_as_the_walk_refuses_it() {
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join(paths::PROJECTS);
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("a:b.yaml"), "id: a\n").unwrap();
        let mut dataset = Dataset::default();
        let mut diagnostics = Diagnostics::default();
        let file = Path::new(paths::PROJECTS).join("a:b.yaml");
        assert!(reload_file(
            root.path(),
            &mut dataset,
            &file,
            &mut diagnostics
        ));
        let found = diagnostics.into_sorted();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, Code::UnsafeName);
        assert!(dataset.projects.is_empty());
        let mut walked = Diagnostics::default();
        load_site(root.path(), &mut walked);
        assert!(
            walked
                .into_sorted()
                .iter()
                .any(|d| d.code == Code::UnsafeName)
        );
    }

    #[test]
    fn every_kind_is_listed_once() {
        let mut all = RecordKind::ALL.to_vec();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), RecordKind::ALL.len());
        assert_eq!(
            RecordKind::of(Path::new(paths::SITE)),
            Some(RecordKind::Config)
        );
    }

    #[test]
    fn closest_suggests_typos_only() {
        assert_eq!(
            closest("manufactuer", &["manufacturer", "model"]),
            Some("manufacturer")
        );
        assert_eq!(closest("colour", &["id", "name"]), None);
    }

    #[test]
    fn front_matter_splits_at_second_fence() {
        let (front, body) = split_front_matter("---\nid: a\n---\n# T\n").unwrap();
        assert_eq!(front, "id: a\n");
        assert_eq!(body, "# T\n");
        assert!(split_front_matter("# no front matter").is_none());
    }
}
