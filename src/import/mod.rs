//! `greenproc import FILE`: a spreadsheet's rows back into the site's record files.
//!
//! The pipeline: read the workbook ([`sheet`]) → find each sheet's dataset and header
//! row → read every cell as its column's type ([`cell`]) → compare with the record's
//! file and change only the values that differ, in place ([`patch`]) → check the site
//! as the changes would leave it, with the same rules as `check` → write, or with
//! `--dry-run` only say what would change. Problems are reported by sheet and cell.
//!
//! The columns are those of the site's own XLSX downloads (`datasets.yaml`), headed by
//! field name or by the Chinese label of the 字段说明 sheet.

mod cell;
mod patch;
mod sheet;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use cell::{Problem, Raw, Value, canonical, fold};
use patch::{Document, Edits, Found, NewValue};
use sheet::{Sheet, address};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Position, Severity, display_path};
use crate::export::tables::{DatasetDef, FieldDef, FieldType, NameList, definitions};
use crate::history::diff::Report;
use crate::messages::{Lang, Text};
use crate::model::Dataset;
use crate::model::kind::{Format, RecordKind};
use crate::text;
use crate::validate::ids::is_safe_id;

/// How many rows from the top are searched for the header row: a title, notes and a
/// second header row above the data are common in issued lists.
const HEADER_SEARCH_ROWS: usize = 20;

/// What `greenproc import` is asked to do.
#[derive(Debug, Default)]
pub struct Options {
    /// The dataset every sheet holds (a record kind, dataset name or title), when the
    /// headers alone should not decide.
    pub kind: Option<String>,
    /// Only say what would change.
    pub dry_run: bool,
    /// Delete the records of a sheet's kind that the sheet does not list.
    pub delete_missing: bool,
}

/// What one sheet held.
#[derive(Debug)]
pub struct SheetSummary {
    /// The sheet's name.
    pub sheet: String,
    /// The dataset's title.
    pub dataset: &'static str,
    /// Rows of data read.
    pub rows: usize,
    /// Records changed.
    pub changed: usize,
    /// Records added.
    pub added: usize,
    /// Records of the kind the sheet does not list.
    pub missing: usize,
}

/// The result of an import that could read its file.
#[derive(Debug)]
pub struct Imported {
    /// Every problem: the cells' and the check's, sorted as `check` sorts them.
    pub diagnostics: Vec<Diagnostic>,
    /// The records that change, as `greenproc diff` reports them.
    pub report: Report,
    /// One line per imported sheet.
    pub sheets: Vec<SheetSummary>,
    /// Files written or removed; 0 on a dry run or when refused.
    pub written: usize,
}

impl Imported {
    /// Whether an error stopped the import.
    pub fn refused(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Why an import could not start, or could not finish writing.
#[derive(Debug)]
pub enum ImportError {
    /// The command line asked for something that does not exist: exit 2.
    Usage(Text),
    /// The file or the site cannot be read or written: exit 1.
    Failed(Text),
}

impl ImportError {
    /// What went wrong, for the editor.
    pub fn text(&self) -> &Text {
        match self {
            ImportError::Usage(t) | ImportError::Failed(t) => t,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text().render(Lang::En))
    }
}

/// A file that cannot be read or written, and why.
fn failed(path: impl fmt::Display, why: impl fmt::Display) -> ImportError {
    ImportError::Failed(text!(
        "import.failed",
        file = path.to_string(),
        why = why.to_string()
    ))
}

/// One file the import changes: its text before (none for a new record) and after
/// (none for a removed one), and which cell wrote which lines.
struct Change {
    old: Option<String>,
    new: Option<String>,
    /// Lines (1-based, inclusive) of each changed value, with its cell.
    cells: Vec<(u64, u64, String)>,
    /// The row's id cell, for problems of the file that no one cell made.
    row: String,
}

/// The `yaml` path of a Markdown document's text.
const BODY: &str = "#body";

/// One cell of a row, read as its field's value.
struct RowValue<'d> {
    field: &'d FieldDef,
    value: Value,
    row: usize,
    column: usize,
}

/// A column of a sheet: the field it fills and whether its amounts are in 万元.
#[derive(Clone, Copy)]
struct Column {
    field: usize,
    wan: bool,
}

/// Where a sheet's data is: the dataset, the header row and each column's field.
struct Layout {
    def: &'static DatasetDef,
    /// The dataset's header names, to find a header row repeated below the first.
    names: HeaderNames,
    header: usize,
    columns: Vec<Option<Column>>,
    /// The column of the `id` field.
    id_column: usize,
}

/// Imports the spreadsheet at `file` into the site at `root`.
pub fn import(root: &Path, file: &Path, options: &Options) -> Result<Imported, ImportError> {
    let defs = definitions().map_err(|e| failed("datasets.yaml", e))?;
    let importable: Vec<&'static DatasetDef> = defs
        .datasets
        .iter()
        .filter(|d| d.record.is_some())
        .collect();
    let wanted = match &options.kind {
        Some(kind) => Some(find_dataset(&importable, kind)?),
        None => None,
    };
    let sheets = sheet::read(file).map_err(|why| failed(file.display(), why))?;
    let mut loaded = Diagnostics::default();
    let mut dataset = crate::load::load_site(root, &mut loaded);
    let candidates = wanted.map_or(importable, |d| vec![d]);
    let mut plan = Plan::default();
    for sheet in sheets {
        if sheet.name != defs.strings.dictionary_sheet && !sheet.rows.iter().all(Vec::is_empty) {
            plan.sheet(
                root,
                &dataset,
                sheet,
                &candidates,
                wanted.is_some(),
                options,
            );
        }
    }
    if plan.sheets.is_empty() && !plan.found.iter().any(|d| d.severity == Severity::Error) {
        return Err(ImportError::Failed(text!(
            "import.no_sheet",
            file = file.display().to_string()
        )));
    }
    let mut diagnostics = check_changes(root, &mut dataset, loaded, &plan.changes);
    diagnostics.extend(plan.found);
    let changes = plan.changes;
    let report = Report::between_files(
        &changes
            .iter()
            .filter_map(|(p, c)| Some((p.clone(), c.old.clone()?.into_bytes())))
            .collect(),
        &changes
            .iter()
            .filter_map(|(p, c)| Some((p.clone(), c.new.clone()?.into_bytes())))
            .collect(),
        &file
            .file_name()
            .map_or_else(|| display_path(file), |n| n.to_string_lossy().into_owned()),
    );
    let mut imported = Imported {
        diagnostics: diagnostics.into_sorted(),
        report,
        sheets: plan.sheets,
        written: 0,
    };
    if imported.refused() || options.dry_run {
        return Ok(imported);
    }
    imported.written = write(root, &changes)?;
    Ok(imported)
}

/// What the sheets ask for: the files to change, the cells' problems and a summary
/// per sheet.
#[derive(Default)]
struct Plan {
    changes: BTreeMap<String, Change>,
    found: Diagnostics,
    sheets: Vec<SheetSummary>,
}

impl Plan {
    /// Finds `sheet`'s dataset and header among `candidates` (the one `--kind` named,
    /// when `named`), then plans its rows against the records of `dataset`.
    fn sheet(
        &mut self,
        root: &Path,
        dataset: &Dataset,
        mut sheet: Sheet,
        candidates: &[&'static DatasetDef],
        named: bool,
        options: &Options,
    ) {
        let layout = match layout(&sheet, candidates) {
            Ok(layout) => layout,
            Err(fits) => {
                let name = sheet.name.as_str();
                let (code, message) = match fits.len() {
                    2.. => (
                        Code::SheetLayout,
                        text!("import.ambiguous", sheet = name, kinds = fits.join(", ")),
                    ),
                    _ if named => (Code::SheetLayout, text!("import.no_header", sheet = name)),
                    _ => (Code::ColumnSkipped, text!("import.no_header", sheet = name)),
                };
                self.found.push(
                    cell_diagnostic(code, &format!("{name}!A1"), message)
                        .hint(Text::new("import.no_header_hint")),
                );
                return;
            }
        };
        fill_merged(&mut sheet, layout.header, &mut self.found);
        let mut importer = SheetImport {
            root,
            dataset,
            sheet: &sheet,
            layout: &layout,
            found: &mut self.found,
            changes: &mut self.changes,
        };
        importer.report_columns();
        let summary = importer.rows(options.delete_missing);
        self.sheets.push(summary);
    }
}

/// Checks the site as `changes` would leave it, as `check` checks it: the changed
/// texts replace their records in `dataset`. Problems in changed files move to the
/// cells that wrote them. What the site already had (`loaded` holds the loading's
/// problems) is `check`'s to show, except errors in files the import leaves alone:
/// they would stop the next build. Lines move in a changed file, so a problem is
/// known by its file, code and words.
fn check_changes(
    root: &Path,
    dataset: &mut Dataset,
    loaded: Diagnostics,
    changes: &BTreeMap<String, Change>,
) -> Diagnostics {
    let key = |d: &Diagnostic| (d.file.clone(), d.code, d.message.render(Lang::En));
    let mut baseline = Diagnostics::default();
    crate::validate::validate(dataset, &mut baseline);
    let before: HashSet<_> = loaded.iter().chain(baseline.iter()).map(key).collect();
    let mut diagnostics = Diagnostics::default();
    for d in loaded.into_sorted() {
        if !changes.contains_key(&d.file) && d.severity == Severity::Error {
            diagnostics.push(d);
        }
    }
    let mut reread = Diagnostics::default();
    for (path, change) in changes {
        crate::load::reload_text(
            root,
            dataset,
            Path::new(path),
            change.new.as_deref(),
            &mut reread,
        );
    }
    crate::validate::validate(dataset, &mut reread);
    crate::validate::theme::check_theme(root, dataset, &mut reread);
    for d in reread.into_sorted() {
        let known = before.contains(&key(&d));
        match changes.get(&d.file) {
            Some(change) if d.severity == Severity::Error || !known => {
                diagnostics.push(at_cell(d, change));
            }
            None if !known => diagnostics.push(d),
            _ => {}
        }
    }
    diagnostics
}

/// The importable dataset named by `kind`: a record kind (`product`), a dataset name
/// (`products`) or its title (`绿色建材产品目录`).
fn find_dataset(
    importable: &[&'static DatasetDef],
    kind: &str,
) -> Result<&'static DatasetDef, ImportError> {
    importable
        .iter()
        .find(|d| d.record.as_deref() == Some(kind) || d.name == kind || d.title == kind)
        .copied()
        .ok_or_else(|| {
            let kinds: Vec<&str> = importable
                .iter()
                .filter_map(|d| d.record.as_deref())
                .collect();
            ImportError::Usage(text!(
                "import.unknown_kind",
                kind = kind,
                kinds = kinds.join(", ")
            ))
        })
}

/// A header's text reduced for matching: half-width, without spaces or a leading `*`
/// (a required-field mark), in lower case.
fn header_key(text: &str) -> String {
    let text: String = fold(text, true)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    text.trim_start_matches('*').to_lowercase()
}

/// A header cell's key (see [`header_key`]), when it holds text.
fn header_text(raw: &Raw) -> Option<String> {
    let Raw::Text(text) = raw else {
        return None;
    };
    Some(header_key(text)).filter(|key| !key.is_empty())
}

/// A dataset's field names and Chinese labels as header keys, by field: reduced once
/// per sheet, not once per cell.
struct HeaderNames(Vec<(String, String)>);

impl HeaderNames {
    fn of(def: &DatasetDef) -> HeaderNames {
        HeaderNames(
            def.fields
                .iter()
                .map(|f| (header_key(&f.name), header_key(&f.label)))
                .collect(),
        )
    }

    /// The field a header cell names, by field name or Chinese label, with a unit in
    /// brackets after it or not, and whether that unit is 万元 on an amount.
    fn field(&self, def: &DatasetDef, raw: &Raw) -> Option<Column> {
        let key = header_text(raw)?;
        let position = |text: &str| {
            self.0
                .iter()
                .position(|(name, label)| name == text || label == text)
        };
        if let Some(field) = position(&key) {
            return Some(Column { field, wan: false });
        }
        let (base, unit) = key.strip_suffix(')')?.rsplit_once('(')?;
        let field = position(base)?;
        let wan = unit.contains('万') && def.fields[field].kind == FieldType::Money;
        Some(Column { field, wan })
    }
}

/// The dataset and header row that fit `sheet` best: the row among the first ones
/// that names most fields of one dataset, its id among them; a sheet named after a
/// dataset (`products`, `绿色建材产品目录`, `product`) is that dataset's. `Err` when
/// two datasets fit equally well (`id` and `title` are in several).
fn layout(sheet: &Sheet, candidates: &[&'static DatasetDef]) -> Result<Layout, Vec<&'static str>> {
    let named_after = |def: &DatasetDef| {
        let name = sheet.name.trim();
        name == def.name || name == def.title || Some(name) == def.record.as_deref()
    };
    let mut best: Vec<(usize, Layout)> = Vec::new();
    for def in candidates {
        let names = HeaderNames::of(def);
        let id = def.fields.iter().position(|f| f.name == "id");
        let mut fits: Option<(usize, usize, Vec<Option<Column>>, usize)> = None;
        for (r, row) in sheet.rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
            let columns: Vec<Option<Column>> =
                row.iter().map(|raw| names.field(def, raw)).collect();
            let named = columns.iter().flatten().count();
            let id_column = columns
                .iter()
                .position(|c| c.is_some_and(|c| Some(c.field) == id));
            if let Some(id_column) = id_column
                && named >= 2
                && fits.as_ref().is_none_or(|(most, ..)| named > *most)
            {
                fits = Some((named, r, columns, id_column));
            }
        }
        let Some((named, header, columns, id_column)) = fits else {
            continue;
        };
        let score = named + if named_after(def) { 1_000 } else { 0 };
        if best.first().is_some_and(|(top, _)| score < *top) {
            continue;
        }
        if best.first().is_some_and(|(top, _)| score > *top) {
            best.clear();
        }
        best.push((
            score,
            Layout {
                def,
                names,
                header,
                columns,
                id_column,
            },
        ));
    }
    match best.len() {
        0 => Err(Vec::new()),
        1 => Ok(best.pop().map(|(_, layout)| layout).expect("one layout")),
        _ => Err(best
            .iter()
            .filter_map(|(_, l)| l.def.record.as_deref())
            .collect()),
    }
}

/// Gives every cell of a merged region its top-left cell's value, as a reader sees
/// it, and says so once per region.
fn fill_merged(sheet: &mut Sheet, header: usize, found: &mut Diagnostics) {
    let merged = std::mem::take(&mut sheet.merged);
    // A merged region can name cells far beyond the data (A1:XFD1048576), and a
    // hostile file many overlapping ones: filling stops at the data's edges, and at
    // as many cells as the data has.
    let height = sheet.rows.len();
    let width = sheet.rows.get(header).map_or(0, Vec::len);
    let mut budget = height * width;
    for ((top, left), (bottom, right)) in merged {
        let (top, left) = (top as usize, left as usize);
        let (bottom, right) = (
            (bottom as usize).min(height.saturating_sub(1)),
            (right as usize).min(width.saturating_sub(1)),
        );
        if bottom <= header || top > bottom || left > right {
            continue;
        }
        let area = (bottom + 1 - top.max(header + 1)) * (right + 1 - left);
        if area > budget {
            break;
        }
        budget -= area;
        let value = sheet.cell(top, left).clone();
        for r in top.max(header + 1)..=bottom {
            for c in left..=right {
                if (r, c) == (top, left) {
                    continue;
                }
                let Some(row) = sheet.rows.get_mut(r) else {
                    continue;
                };
                if row.len() <= c {
                    row.resize(c + 1, Raw::Empty);
                }
                row[c] = value.clone();
            }
        }
        let region = format!("{}:{}", address(top, left), address(bottom, right));
        found.push(
            cell_diagnostic(
                Code::MergedCells,
                &format!("{}!{region}", sheet.name),
                text!("import.merged", region = region.as_str()),
            )
            .hint(Text::new("import.merged_hint")),
        );
    }
}

/// A problem at a cell (or region) of a sheet, given as `产品!D12`.
fn cell_diagnostic(code: Code, cell: &str, message: Text) -> Diagnostic {
    Diagnostic::new(code, Path::new(cell), Position::FILE, message)
}

/// A problem the check found in a file the import changes, moved to the cell whose
/// value is on its line, or to the row's id cell.
fn at_cell(mut d: Diagnostic, change: &Change) -> Diagnostic {
    let cell = change
        .cells
        .iter()
        .find(|(first, last, _)| (*first..=*last).contains(&d.line))
        .map_or(&change.row, |(_, _, cell)| cell);
    d.file = cell.clone();
    d.line = 0;
    d.column = 0;
    d.length = 0;
    d
}

/// One sheet's rows, compared with the records of its dataset's kind.
struct SheetImport<'a> {
    root: &'a Path,
    dataset: &'a Dataset,
    sheet: &'a Sheet,
    layout: &'a Layout,
    found: &'a mut Diagnostics,
    changes: &'a mut BTreeMap<String, Change>,
}

impl SheetImport<'_> {
    fn at(&self, row: usize, column: usize) -> String {
        format!("{}!{}", self.sheet.name, address(row, column))
    }

    fn push(&mut self, code: Code, row: usize, column: usize, message: Text, hint: Text) {
        let cell = self.at(row, column);
        self.found
            .push(cell_diagnostic(code, &cell, message).hint(hint));
    }

    /// Says which header cells name no field, or a field already named.
    fn report_columns(&mut self) {
        let header = self.layout.header;
        let mut seen = HashSet::new();
        for (c, raw) in self.sheet.rows[header].iter().enumerate() {
            let Some(text) = header_text(raw) else {
                continue;
            };
            let duplicate = match self.layout.columns[c] {
                Some(column) => !seen.insert(column.field),
                None => false,
            };
            if self.layout.columns[c].is_none() || duplicate {
                let key = if duplicate {
                    "import.column_twice"
                } else {
                    "import.column_unknown"
                };
                self.push(
                    Code::ColumnSkipped,
                    header,
                    c,
                    Text::new(key).arg("header", text.as_str()),
                    text!(
                        "import.column_hint",
                        dataset = self.layout.def.title.as_str()
                    ),
                );
            }
        }
    }

    /// Reads the data rows and plans each record's change; returns the sheet's summary.
    fn rows(&mut self, delete_missing: bool) -> SheetSummary {
        let def = self.layout.def;
        let kind = RecordKind::all()
            .find(|k| Some(k.key()) == def.record.as_deref())
            .expect("datasets.yaml names record kinds, checked when it loads");
        let existing: HashMap<&str, &Path> = self
            .dataset
            .records()
            .filter(|r| r.kind == kind)
            .map(|r| (r.id.value.as_str(), r.file))
            .collect();
        let id_column = self.layout.id_column;
        let id_def = self.layout.columns[id_column].map(|c| &def.fields[c.field]);
        // First column of each field: a second column of the same field is skipped.
        let mut columns: Vec<(usize, Column)> = Vec::new();
        for (c, column) in self.layout.columns.iter().enumerate() {
            if let Some(column) = column
                && !columns.iter().any(|(_, seen)| seen.field == column.field)
            {
                columns.push((c, *column));
            }
        }
        let mut summary = SheetSummary {
            sheet: self.sheet.name.clone(),
            dataset: def.title.as_str(),
            rows: 0,
            changed: 0,
            added: 0,
            missing: 0,
        };
        let cut_mark = definitions().map_or("", |d| d.strings.xlsx_cut.as_str());
        let mut listed: HashMap<String, usize> = HashMap::new();
        for r in self.layout.header + 1..self.sheet.rows.len() {
            let row = &self.sheet.rows[r];
            if row.iter().all(|raw| *raw == Raw::Empty) || self.is_header_again(row) {
                continue;
            }
            summary.rows += 1;
            if self.sheet.hidden.contains(&(r as u32)) {
                self.push(
                    Code::HiddenRow,
                    r,
                    0,
                    text!("import.hidden_row", row = r + 1),
                    Text::new("import.hidden_row_hint"),
                );
            }
            let id = match id_def.map(|f| cell::read(f, self.sheet.cell(r, id_column), false)) {
                Some(Ok(Value::One(id))) => id,
                _ => {
                    self.push(
                        Code::MissingField,
                        r,
                        id_column,
                        Text::new("import.no_id"),
                        Text::new("import.no_id_hint"),
                    );
                    continue;
                }
            };
            if !is_safe_id(&id) {
                self.push(
                    Code::UnsafeId,
                    r,
                    id_column,
                    text!("import.unsafe_id", id = id.as_str()),
                    Text::new("import.unsafe_id_hint"),
                );
                continue;
            }
            if let Some(first) = listed.insert(id.clone(), r) {
                self.push(
                    Code::DuplicateId,
                    r,
                    id_column,
                    text!("import.duplicate_row", id = id.as_str(), row = first + 1),
                    Text::new("import.duplicate_row_hint"),
                );
                continue;
            }
            let mut values = Vec::new();
            for &(c, column) in &columns {
                let field = &def.fields[column.field];
                if field.yaml.is_none() {
                    continue;
                }
                let raw = self.sheet.cell(r, c);
                if self.sheet.formulas.contains(&(r as u32, c as u32)) {
                    self.push(
                        Code::FormulaCell,
                        r,
                        c,
                        text!("import.formula", value = raw_text(raw)),
                        Text::new("import.formula_hint"),
                    );
                }
                if let Raw::Text(text) = raw
                    && text.ends_with(cut_mark)
                    && text.encode_utf16().count() >= 32_000
                {
                    self.push(
                        Code::ColumnSkipped,
                        r,
                        c,
                        Text::new("import.cut_text"),
                        Text::new("import.cut_text_hint"),
                    );
                    continue;
                }
                match cell::read(field, raw, column.wan) {
                    Ok(value) => values.push(RowValue {
                        field,
                        value: self.by_name(field, value),
                        row: r,
                        column: c,
                    }),
                    Err(Problem::DigitsLost(shown)) => self.push(
                        Code::DigitsLost,
                        r,
                        c,
                        text!(
                            "import.digits_lost",
                            value = shown.as_str(),
                            field = field.label.as_str()
                        ),
                        Text::new("import.digits_lost_hint"),
                    ),
                    Err(Problem::WrongType(message, hint)) => {
                        self.push(Code::WrongType, r, c, message, hint);
                    }
                }
            }
            let row_cell = self.at(r, id_column);
            match existing.get(id.as_str()) {
                Some(file) => {
                    if self.change(file, &values, row_cell) {
                        summary.changed += 1;
                    }
                }
                None => {
                    if self.add(kind, &id, &values, row_cell) {
                        summary.added += 1;
                    }
                }
            }
        }
        let mut missing: Vec<(&&str, &&Path)> = existing
            .iter()
            .filter(|(id, _)| !listed.contains_key(**id))
            .collect();
        missing.sort();
        summary.missing = missing.len();
        if !missing.is_empty() {
            let ids: Vec<String> = missing.iter().map(|(id, _)| (**id).to_owned()).collect();
            let key = if delete_missing {
                "import.deleted"
            } else {
                "import.missing"
            };
            self.found.push(
                Diagnostic::new(
                    Code::RowMissing,
                    Path::new(&self.sheet.name),
                    Position::FILE,
                    Text::new(key)
                        .arg("count", ids.len())
                        .arg("ids", crate::messages::list(&ids, 5))
                        .arg("sheet", self.sheet.name.as_str()),
                )
                .hint(Text::new("import.missing_hint")),
            );
        }
        if delete_missing {
            for (_, file) in missing {
                let path = display_path(file);
                let old = std::fs::read_to_string(self.root.join(file)).ok();
                self.changes.insert(
                    path.clone(),
                    Change {
                        old,
                        new: None,
                        cells: Vec::new(),
                        row: path,
                    },
                );
            }
        }
        summary
    }

    /// Whether a row repeats the header (a second header row of labels or keys).
    fn is_header_again(&self, row: &[Raw]) -> bool {
        let filled = row.iter().filter(|raw| **raw != Raw::Empty).count();
        let named = row
            .iter()
            .filter(|raw| self.layout.names.field(self.layout.def, raw).is_some())
            .count();
        named >= 2 && named * 2 >= filled
    }

    /// A name of a `site.yaml` list given as its id; anything else as it is.
    fn by_name(&self, field: &FieldDef, value: Value) -> Value {
        let (Some(list), Value::One(name), Some(config)) = (
            field.by_name,
            &value,
            self.dataset.config.as_ref().map(|c| &c.record),
        ) else {
            return value;
        };
        let id = match list {
            NameList::Districts => config
                .districts
                .iter()
                .find(|d| d.name == *name)
                .map(|d| d.id.value.clone()),
            NameList::Zones => config
                .zones
                .iter()
                .find(|z| z.name == *name)
                .map(|z| z.id.value.clone()),
        };
        id.map_or(value, Value::One)
    }

    /// Changes the record in `file` to the row's `values`; whether anything changed.
    fn change(&mut self, file: &Path, values: &[RowValue], row: String) -> bool {
        let Ok(old) = std::fs::read_to_string(self.root.join(file)) else {
            return false;
        };
        self.plan(display_path(file), Some(old), values, row)
    }

    /// Writes a new record of `kind` from the row's `values` where `greenproc new`
    /// would; whether it could.
    fn add(&mut self, kind: RecordKind, id: &str, values: &[RowValue], row: String) -> bool {
        let category = values
            .iter()
            .find(|v| v.field.yaml.as_deref() == Some("category"))
            .and_then(|v| match &v.value {
                Value::One(c) => Some(c.as_str()),
                _ => None,
            });
        // A product goes below its group and category when the taxonomy has it; an
        // unknown category is the check's to report, at its cell.
        let group_and_category = category
            .filter(|_| kind == RecordKind::Product)
            .and_then(|c| {
                let taxonomy = &self.dataset.taxonomy.as_ref()?.record;
                let found = taxonomy.categories.iter().find(|x| x.id.value == c)?;
                Some((found.group.value.as_str(), c))
                    .filter(|(g, _)| is_safe_id(g) && is_safe_id(c))
            });
        let path = crate::scaffold::record_file(kind, id, group_and_category);
        // A file there that did not load is the check's to report.
        if self.root.join(&path).exists() {
            return false;
        }
        self.plan(path, None, values, row)
    }

    /// Plans the record file at `path` with the row's `values`: its text `old`
    /// changed in place, or a new file (`old` is `None`). Every changed value is read
    /// back from the new text before the change is kept: one that does not read back
    /// as the cell's is refused at its cell, whatever the reason. Returns whether the
    /// file changes.
    fn plan(
        &mut self,
        path: String,
        old: Option<String>,
        values: &[RowValue],
        row: String,
    ) -> bool {
        let markdown =
            RecordKind::of(Path::new(&path)).is_some_and(|k| k.info().format == Format::Markdown);
        let start = match (&old, markdown) {
            (Some(old), _) => old.clone(),
            (None, true) => "---\n---\n".to_owned(),
            (None, false) => {
                crate::scaffold::schema_line(&path).map_or(String::new(), |l| l + "\n")
            }
        };
        let not_in_place = |cell: &str| {
            cell_diagnostic(
                Code::NotInPlace,
                cell,
                text!("import.not_in_place", file = path.as_str()),
            )
            .hint(Text::new("import.not_in_place_hint"))
        };
        let (Some(parts), Ok(doc)) = (
            Parts::split(&start, markdown),
            Parts::split(&start, markdown)
                .map_or(Err(patch::Unpatchable), |p| Document::read(p.front)),
        ) else {
            self.found.push(not_in_place(&row));
            return false;
        };
        let mut edits = Edits::default();
        let mut body = None;
        let mut changed: Vec<&RowValue> = Vec::new();
        for v in values {
            let yaml = v.field.yaml.as_deref().unwrap_or_default();
            if yaml == BODY {
                let new = match &v.value {
                    Value::One(text) => text.as_str(),
                    _ => "",
                };
                let new = new.trim().replace("\r\n", "\n");
                if new != parts.body.trim().replace("\r\n", "\n") {
                    let lead = &parts.body[..parts.body.len() - parts.body.trim_start().len()];
                    let lead = if lead.is_empty() { "\n" } else { lead };
                    let mut text = format!("{new}\n");
                    if start.contains("\r\n") {
                        text = text.replace('\n', "\r\n");
                    }
                    body = Some(format!("{lead}{text}"));
                    changed.push(v);
                }
                continue;
            }
            let key = yaml.trim_end_matches("[]");
            let Some(new) = differs(v.field, doc.get(key), &v.value) else {
                continue;
            };
            if edits.set(parts.front, &doc, key, new).is_err() {
                self.found.push(not_in_place(&self.at(v.row, v.column)));
                continue;
            }
            changed.push(v);
        }
        if old.is_some() && changed.is_empty() {
            return false;
        }
        let Ok(front) = edits.apply(parts.front, &doc) else {
            self.found.push(not_in_place(&row));
            return false;
        };
        let new = format!(
            "{}{front}{}{}",
            parts.head,
            parts.fence,
            body.as_deref().unwrap_or(parts.body)
        );
        let Some(cells) = self.read_back(&new, markdown, &changed) else {
            self.found.push(not_in_place(&row));
            return false;
        };
        let mut kept = true;
        for (_, _, cell, reads_back) in &cells {
            if !reads_back {
                self.found.push(not_in_place(cell));
                kept = false;
            }
        }
        if kept {
            let cells = cells
                .into_iter()
                .map(|(first, last, cell, _)| (first, last, cell))
                .collect();
            self.changes.insert(
                path,
                Change {
                    old,
                    new: Some(new),
                    cells,
                    row,
                },
            );
        }
        kept
    }

    /// For each changed value, the lines it holds in the new `text`, its cell, and
    /// whether it reads back as the cell's value; `None` when `text` does not parse.
    fn read_back(
        &self,
        text: &str,
        markdown: bool,
        changed: &[&RowValue],
    ) -> Option<Vec<(u64, u64, String, bool)>> {
        let parts = Parts::split(text, markdown)?;
        let doc = Document::read(parts.front).ok()?;
        let offset = parts.head.len();
        let line_of = |byte: usize| text[..byte].matches('\n').count() as u64 + 1;
        let body_line = line_of(parts.head.len() + parts.front.len() + parts.fence.len());
        let found = changed
            .iter()
            .map(|v| {
                let cell = self.at(v.row, v.column);
                let yaml = v.field.yaml.as_deref().unwrap_or_default();
                if yaml == BODY {
                    let body = parts.body.trim().replace("\r\n", "\n");
                    let same = match &v.value {
                        Value::One(t) => t.trim().replace("\r\n", "\n") == body,
                        _ => body.is_empty(),
                    };
                    return (body_line, u64::MAX, cell, same);
                }
                let key = yaml.trim_end_matches("[]");
                let same = differs(v.field, doc.get(key), &v.value).is_none();
                match doc.span(key) {
                    Some((start, end)) => {
                        (line_of(offset + start), line_of(offset + end), cell, same)
                    }
                    // A removed key: problems of the record fall to the row's cell.
                    None => (0, 0, cell, same),
                }
            })
            .collect();
        Some(found)
    }
}

/// A record file's text in three parts: the front matter's fences around its YAML
/// (none for a YAML record) and a document's body.
struct Parts<'t> {
    head: &'t str,
    front: &'t str,
    fence: &'t str,
    body: &'t str,
}

impl<'t> Parts<'t> {
    fn split(text: &'t str, markdown: bool) -> Option<Parts<'t>> {
        if !markdown {
            return Some(Parts {
                head: "",
                front: text,
                fence: "",
                body: "",
            });
        }
        let (front, body) = crate::yaml::split_front_matter(text)?;
        // Both parts are slices of `text`: the opening fence is what comes before the
        // front matter, the closing one what comes between it and the body.
        let head_len = front.as_ptr() as usize - text.as_ptr() as usize;
        let fence_start = head_len + front.len();
        let fence_end = text.len() - body.len();
        Some(Parts {
            head: &text[..head_len],
            front,
            fence: &text[fence_start..fence_end],
            body,
        })
    }
}

/// The new value for a field whose file holds `current`, or `None` when the cell
/// says the same.
fn differs(field: &FieldDef, current: Option<&Found>, value: &Value) -> Option<NewValue> {
    let typed = field.kind != FieldType::String;
    let default = field.default.as_deref();
    match (value, current) {
        (Value::Empty, None) => None,
        (Value::Empty, Some(Found::Scalar(text, _))) if text.trim().is_empty() => None,
        (Value::Empty, Some(Found::List(items))) if items.is_empty() => None,
        (Value::Empty, Some(_)) => Some(NewValue::Remove),
        (Value::One(new), None) if Some(new.as_str()) == default => None,
        (Value::One(new), Some(Found::Scalar(old, _) | Found::Fixed(Some(old))))
            if canonical(field, old) == *new =>
        {
            None
        }
        (Value::One(new), _) => Some(NewValue::Scalar {
            text: new.clone(),
            typed,
        }),
        (Value::List(new), Some(Found::List(old)))
            if old.iter().map(|o| fold(o, true)).eq(new.iter().cloned()) =>
        {
            None
        }
        (Value::List(new), _) => Some(NewValue::List(new.clone())),
    }
}

/// A cell's value as the message about a formula shows it.
fn raw_text(raw: &Raw) -> String {
    match raw {
        Raw::Empty => String::new(),
        Raw::Text(t) | Raw::Error(t) => t.clone(),
        Raw::Number(n) => cell::number_text(*n),
        Raw::Bool(b) => b.to_string(),
        Raw::Date(d) => d.to_string(),
    }
}

/// Writes the changed files and removes the deleted ones; returns how many. Every new
/// text is first written beside its file under a temporary name, and only when all
/// are written are they renamed into place: a full disk or a read-only folder stops
/// the import before any record changes.
fn write(root: &Path, changes: &BTreeMap<String, Change>) -> Result<usize, ImportError> {
    let io = |path: &Path, e: std::io::Error| failed(path.display(), e);
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut removed: Vec<PathBuf> = Vec::new();
    let mut stage = || -> Result<(), ImportError> {
        for (path, change) in changes {
            if !crate::write::is_inside(path) {
                return Err(failed(path, "outside the site"));
            }
            let full = root.join(path);
            let Some(text) = &change.new else {
                removed.push(full);
                continue;
            };
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
            }
            let temporary = full.with_extension("greenproc-import");
            std::fs::write(&temporary, text).map_err(|e| io(&temporary, e))?;
            staged.push((temporary, full));
        }
        Ok(())
    };
    if let Err(error) = stage() {
        for (temporary, _) in &staged {
            let _ = std::fs::remove_file(temporary);
        }
        return Err(error);
    }
    for (temporary, full) in &staged {
        std::fs::rename(temporary, full).map_err(|e| io(full, e))?;
    }
    for full in &removed {
        std::fs::remove_file(full).map_err(|e| io(full, e))?;
    }
    if changes.values().any(|change| change.old.is_none()) {
        crate::scaffold::sync_schemas(root).map_err(|e| failed("schema/", e))?;
    }
    Ok(staged.len() + removed.len())
}
