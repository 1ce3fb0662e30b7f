//! Stage 1, load: walk a site's `data/` and `content/` folders and parse every file
//! into its typed record, keeping the file and the position of every value.
//!
//! A file that fails to parse becomes a diagnostic and is left out; the other files
//! still load, so that validation can report everything in one run. Which files hold
//! which kind is the kinds table's ([`crate::model::kind`]); this stage walks it.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use unicode_normalization::UnicodeNormalization;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Position, display_path, source_lines};
use crate::messages::Text;
use crate::model::kind::{Fields, KindVisitor, Record, RecordKind, Single};
use crate::model::{Dataset, FILES_FOLDER, Markdown, SiteFile, Sourced};
use crate::path_safety::{symlink_on_the_way, unportable_name};
use crate::text;
use crate::yaml::{parse_document, parse_record};

/// Largest source file read, in bytes. A real record is a few kilobytes; the limit
/// turns a stray dump or a generated monster into a clear error, not a slow build.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Loads every record under `root`; problems go to `diagnostics`.
pub fn load_site(root: &Path, diagnostics: &mut Diagnostics) -> Dataset {
    load_kinds(root, diagnostics, |_| true)
}

/// Loads the documents under `root/content/` (policies, interpretations, pages) and the
/// files of `files/`, for a province site, whose data is its cities'.
pub fn load_documents(root: &Path, diagnostics: &mut Diagnostics) -> Dataset {
    load_kinds(root, diagnostics, |kind| {
        kind.info().format == crate::model::kind::Format::Markdown
    })
}

/// Loads the records of the kinds `wanted` takes, and the files of `files/`.
fn load_kinds(
    root: &Path,
    diagnostics: &mut Diagnostics,
    wanted: impl Fn(RecordKind) -> bool,
) -> Dataset {
    let mut loader = Loader::new(root, diagnostics);
    let mut dataset = Dataset::default();
    for kind in RecordKind::all().filter(|&kind| wanted(kind)) {
        kind.visit(LoadKind {
            loader: &mut loader,
            dataset: &mut dataset,
        });
    }
    dataset.files = loader.site_files();
    dataset
}

/// Loads every file of one kind into its place in the dataset.
struct LoadKind<'l, 'a> {
    loader: &'l mut Loader<'a>,
    dataset: &'l mut Dataset,
}

impl KindVisitor for LoadKind<'_, '_> {
    type Output = ();

    fn single<T: Single>(self) {
        *T::slot(self.dataset) = self.loader.required(T::KIND.info().home.path());
    }

    fn yaml<R: Record + Fields>(self) {
        *R::list_mut(self.dataset) = self.loader.folder(R::KIND, read_yaml::<R>);
    }

    fn markdown<M: Fields>(self)
    where
        Markdown<M>: Record,
    {
        let kind = <Markdown<M>>::KIND;
        *<Markdown<M>>::list_mut(self.dataset) = self.loader.folder(kind, read_markdown::<M>);
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
    let mut loader = Loader::new(root, diagnostics);
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
    kind.visit(ReloadFile {
        loader: &mut loader,
        dataset,
        file,
        present,
    });
    true
}

/// Puts the record of `file` (relative to `root`) as `text` would make it into
/// `dataset`, or takes it out when `text` is `None`, without reading the disk: `greenproc
/// import` checks the site as its edits would leave it before writing any. Returns
/// `false`, changing nothing, when `file` is not where a record lives.
pub fn reload_text(
    root: &Path,
    dataset: &mut Dataset,
    file: &Path,
    text: Option<&str>,
    diagnostics: &mut Diagnostics,
) -> bool {
    let Some(kind) = RecordKind::of(file) else {
        return false;
    };
    let mut loader = Loader::new(root, diagnostics);
    kind.visit(ReloadText {
        loader: &mut loader,
        dataset,
        file,
        text,
    });
    true
}

/// Reads one record from a text, see [`reload_text`].
struct ReloadText<'l, 'a> {
    loader: &'l mut Loader<'a>,
    dataset: &'l mut Dataset,
    file: &'l Path,
    text: Option<&'l str>,
}

impl KindVisitor for ReloadText<'_, '_> {
    type Output = ();

    fn single<T: Single>(self) {}

    fn yaml<R: Record + Fields>(self) {
        let record = self.text.map(|text| {
            parse_record::<R>(self.file, text).map(|r| Sourced::new(self.file, r, text))
        });
        let record = record.and_then(|r| self.loader.keep(r));
        replace(R::list_mut(self.dataset), self.file, record);
    }

    fn markdown<M: Fields>(self)
    where
        Markdown<M>: Record,
    {
        let record = self.text.map(|text| {
            parse_document::<M>(self.file, text).map(|r| Sourced::new(self.file, r, text))
        });
        let record = record.and_then(|r| self.loader.keep(r));
        replace(<Markdown<M>>::list_mut(self.dataset), self.file, record);
    }
}

/// Reads one file of a kind again, see [`reload_file`].
struct ReloadFile<'l, 'a> {
    loader: &'l mut Loader<'a>,
    dataset: &'l mut Dataset,
    file: &'l Path,
    present: bool,
}

impl KindVisitor for ReloadFile<'_, '_> {
    type Output = ();

    fn single<T: Single>(self) {
        *T::slot(self.dataset) = self.loader.required(T::KIND.info().home.path());
    }

    fn yaml<R: Record + Fields>(self) {
        let list = R::list_mut(self.dataset);
        self.loader
            .reread(list, self.file, self.present, read_yaml::<R>);
    }

    fn markdown<M: Fields>(self)
    where
        Markdown<M>: Record,
    {
        let list = <Markdown<M>>::list_mut(self.dataset);
        self.loader
            .reread(list, self.file, self.present, read_markdown::<M>);
    }
}

/// The name `name` was meant to have, when only the case of its extension or spaces
/// around it keep it from being read as one of `extensions`.
fn meant_name(name: &str, extensions: &[&str]) -> Option<String> {
    let trimmed = name.trim();
    let (stem, extension) = trimmed.rsplit_once('.')?;
    let extension = extension.trim().to_ascii_lowercase();
    extensions
        .contains(&extension.as_str())
        .then(|| format!("{}.{extension}", stem.trim()))
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

impl<'a> Loader<'a> {
    fn new(root: &'a Path, diagnostics: &'a mut Diagnostics) -> Loader<'a> {
        Loader {
            root,
            diagnostics,
            links: HashSet::new(),
        }
    }

    fn required<T: DeserializeOwned>(&mut self, file: &str) -> Option<Sourced<T>> {
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
                text!("load.missing_file", file = file),
                Text::new("load.missing_file_hint"),
            );
            return None;
        }
        let record = read_yaml(self.root, &path);
        self.keep(record)
    }

    /// Every file of `kind`'s folder, parsed with `read`.
    fn folder<T: Send>(&mut self, kind: RecordKind, read: ReadFile<T>) -> Vec<Sourced<T>> {
        let info = kind.info();
        let files = self
            .files(info.home.path(), Some(info.format.extensions()))
            .into_iter()
            // A folder can hold another kind's file: the taxonomy among the editions.
            .filter(|file| RecordKind::of(file) == Some(kind))
            .collect();
        self.parse_all(files, read)
    }

    /// Files below `folder` with one of `extensions` (any file when `None`), sorted by
    /// path so that every run sees them in the same order. Symbolic links, on the way
    /// to the folder or in it, and names that are not portable are reported and left
    /// out.
    fn files(&mut self, folder: &str, extensions: Option<&[&str]>) -> Vec<PathBuf> {
        if let Some(link) = symlink_on_the_way(self.root, Path::new(folder)) {
            self.report_symlink(&link);
            return Vec::new();
        }
        let dir = self.root.join(folder);
        if !dir.is_dir() {
            return Vec::new();
        }
        let mut found = Vec::new();
        // Names folded as case-insensitive, normalizing file systems see them.
        let mut seen: HashMap<String, PathBuf> = HashMap::new();
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
                        text!("load.folder_unreadable", error = error.to_string()),
                        Text::new("load.folder_unreadable_hint"),
                    );
                    continue;
                }
            };
            let relative = entry
                .path()
                .strip_prefix(self.root)
                .unwrap_or(entry.path())
                .to_path_buf();
            let wanted = match extensions {
                Some(extensions) => entry
                    .path()
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| extensions.contains(&e)),
                None => !entry.file_type().is_dir(),
            };
            let is_dir = entry.file_type().is_dir();
            // `x.YAML` or `x.yaml ` is meant as a record: say why it is not read rather
            // than leave only the errors of what refers to it.
            if !wanted
                && !is_dir
                && let Some(name) = entry.file_name().to_str()
                && let Some(fixed) = extensions.and_then(|e| meant_name(name, e))
            {
                self.diagnostics.report(
                    Code::UnsafeName,
                    &relative,
                    Position::FILE,
                    text!("load.misspelled_name", name = name),
                    text!("load.misspelled_name_hint", fixed = fixed),
                );
                continue;
            }
            if entry.file_type().is_file() && wanted {
                let key: String = relative.to_string_lossy().to_lowercase().nfc().collect();
                if let Some(first) = seen.get(&key) {
                    self.diagnostics.report(
                        Code::DuplicateId,
                        &relative,
                        Position::FILE,
                        text!(
                            "load.case_collision",
                            first = display_path(first),
                            second = display_path(&relative)
                        ),
                        Text::new("load.case_collision_hint"),
                    );
                } else {
                    seen.insert(key, relative.clone());
                }
            }
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

    /// The files of `files/`, with their sizes, by path.
    fn site_files(&mut self) -> Vec<SiteFile> {
        let found = self.files(FILES_FOLDER, None);
        let mut files = Vec::with_capacity(found.len());
        for relative in found {
            match std::fs::metadata(self.root.join(&relative)) {
                Ok(meta) => files.push(SiteFile {
                    path: display_path(&relative),
                    size: meta.len(),
                    source: self.root.join(&relative),
                }),
                Err(e) => self.diagnostics.report(
                    Code::Unreadable,
                    &relative,
                    Position::FILE,
                    text!("load.file_unreadable", error = e.to_string()),
                    Text::new("load.file_unreadable_hint"),
                ),
            }
        }
        files
    }

    /// Reads `file` again into `list` with `read` ([`read_yaml`] or
    /// [`read_markdown`]), or takes it out when it is not `present`.
    fn reread<T>(
        &mut self,
        list: &mut Vec<Sourced<T>>,
        file: &Path,
        present: bool,
        read: ReadFile<T>,
    ) {
        let record = if present {
            self.keep(read(self.root, file))
        } else {
            None
        };
        replace(list, file, record);
    }

    fn report_unportable(&mut self, relative: &Path, problem: &'static str) {
        self.diagnostics.report(
            Code::UnsafeName,
            relative,
            Position::FILE,
            text!("load.unportable", problem = Text::new(problem)),
            Text::new("load.unportable_hint"),
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
            Text::new("load.symlink"),
            Text::new("load.symlink_hint"),
        );
    }

    /// The value, or `None` with its diagnostics recorded.
    fn keep<T>(&mut self, result: Result<T, Vec<Diagnostic>>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(found) => {
                found.into_iter().for_each(|d| self.diagnostics.push(d));
                None
            }
        }
    }

    /// Parses `files` on all cores, keeping their order and reporting their problems
    /// in that order: parsing is most of the time `check` takes.
    fn parse_all<T: Send>(
        &mut self,
        files: Vec<PathBuf>,
        parse: impl Fn(&Path, &Path) -> Result<Sourced<T>, Vec<Diagnostic>> + Sync,
    ) -> Vec<Sourced<T>> {
        let root = self.root;
        let parsed: Vec<Result<Sourced<T>, Vec<Diagnostic>>> =
            files.par_iter().map(|file| parse(root, file)).collect();
        parsed.into_iter().filter_map(|r| self.keep(r)).collect()
    }
}

/// Reads and parses one file (relative to the root) into its record, or gives its
/// problems: [`read_yaml`] or [`read_markdown`].
type ReadFile<T> = fn(&Path, &Path) -> Result<Sourced<T>, Vec<Diagnostic>>;

/// Reads and parses the YAML record at `file` (relative to `root`).
fn read_yaml<T: DeserializeOwned>(root: &Path, file: &Path) -> Result<Sourced<T>, Vec<Diagnostic>> {
    let text = read(root, file).map_err(|d| vec![d])?;
    let record = parse_record(file, &text)?;
    Ok(Sourced::new(file, record, &text))
}

/// Reads and parses the Markdown document at `file` (relative to `root`).
fn read_markdown<T: DeserializeOwned>(
    root: &Path,
    file: &Path,
) -> Result<Sourced<Markdown<T>>, Vec<Diagnostic>> {
    let text = read(root, file).map_err(|d| vec![d])?;
    let record = parse_document(file, &text)?;
    Ok(Sourced::new(file, record, &text))
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
            text!("load.too_large", size = size, limit = MAX_FILE_BYTES),
        )
        .hint(Text::new("load.too_large_hint")));
    }
    let bytes = fs::read(&full).map_err(|error| {
        Diagnostic::new(
            Code::Unreadable,
            file,
            Position::FILE,
            text!("load.unreadable", error = error.to_string()),
        )
        .hint(Text::new("load.unreadable_hint"))
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
                Position {
                    line,
                    column,
                    length: 1,
                },
                Text::new("load.not_utf8"),
            )
            .hint(Text::new("load.not_utf8_hint")));
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Diagnostic::new(
            Code::EmptyFile,
            file,
            Position::FILE,
            Text::new("load.empty"),
        )
        .hint(Text::new("load.empty_hint")));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reloaded_file_with_an_unportable_name_is_refused_as_the_walk_refuses_it() {
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("data/projects");
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("a:b.yaml"), "id: a\n").unwrap();
        let mut dataset = Dataset::default();
        let mut diagnostics = Diagnostics::default();
        let file = Path::new("data/projects/a:b.yaml");
        assert!(reload_file(
            root.path(),
            &mut dataset,
            file,
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
}
