//! `greenproc diff <from> [<to>]`: the records added, removed and changed between two
//! revisions, field by field with old and new values, as Markdown for a merge-request
//! comment or as JSON.
//!
//! Without `<to>`, the other side is the working tree: the files on disk, as `build`
//! reads them, committed or not. So `greenproc diff main` on a merge-request checkout
//! shows what merging would change, and locally what an editor's uncommitted edits do.
//!
//! The JSON schema (`schema: 1`) is documented in `docs/editing.md`.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::git::Repo;
use super::record::{self, FieldChange, label_key};
use crate::load::MAX_FILE_BYTES;
use crate::messages::{Lang, Text};
use crate::model::Money;
use crate::model::kind::RecordKind;
use crate::render::format::money as money_text;
use crate::render::strings::Strings;
use crate::render::theme::default_strings;
use crate::text;

/// Why `diff` failed.
#[derive(Debug)]
pub enum DiffError {
    /// The command line asked for something that does not exist: exit 2.
    Usage(String),
    /// Reading the repository or the files failed: exit 1.
    Failed(String),
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiffError::Usage(m) | DiffError::Failed(m) => f.write_str(m),
        }
    }
}

/// One side of the comparison.
#[derive(Debug, Serialize)]
pub struct Side {
    /// The revision as given; `null` for the working tree.
    pub revision: Option<String>,
    /// The commit it names; `null` for the working tree.
    pub commit: Option<String>,
}

/// What happened to a record between the two sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Only in the newer side.
    Added,
    /// Only in the older side.
    Removed,
    /// In both, with different fields.
    Changed,
}

impl Status {
    /// What happened to a file that differs, present `before`, `after` or in both.
    fn between<T>(before: Option<T>, after: Option<T>) -> Status {
        match (before, after) {
            (None, _) => Status::Added,
            (_, None) => Status::Removed,
            _ => Status::Changed,
        }
    }
}

/// One record that differs.
#[derive(Debug, Serialize)]
pub struct RecordDiff {
    /// Kind of record ([`RecordKind::key`]).
    pub kind: &'static str,
    /// Path relative to the site root.
    pub file: String,
    /// The record's id (newer side, else older).
    pub id: Option<String>,
    /// The record's name or title (newer side, else older).
    pub title: Option<String>,
    /// What happened.
    pub status: Status,
    /// The fields that differ, with old and new values (an added record's fields
    /// have `old: null`, a removed one's `new: null`); `null` when a version does
    /// not parse.
    pub fields: Option<Vec<FieldChange>>,
    /// Why a version does not parse, when one does not.
    pub error: Option<String>,
}

/// Counts of records by status.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// Records added.
    pub added: usize,
    /// Records removed.
    pub removed: usize,
    /// Records changed.
    pub changed: usize,
}

/// The whole comparison; its JSON form is `greenproc diff --format json`.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Version of this JSON schema.
    pub schema: u32,
    /// The older side.
    pub from: Side,
    /// The newer side.
    pub to: Side,
    /// Counts.
    pub summary: Summary,
    /// Records that differ, by kind (in [`crate::model::kind::KINDS`] order), then file.
    pub records: Vec<RecordDiff>,
    /// Files of the site's theme (`themes/`) that differ, by path: templates, scripts,
    /// styles and headers are code, listed apart so a reviewer reads them as such.
    pub theme: Vec<FileDiff>,
}

/// A file that differs, outside the records.
#[derive(Debug, Serialize)]
pub struct FileDiff {
    /// Path relative to the site root.
    pub file: String,
    /// What happened.
    pub status: Status,
}

/// The folders `diff` compares: the records' and the theme's.
const FOLDERS: [&str; 3] = ["data", "content", "themes"];

/// Compares the records of the site at `root` at revision `from` with revision `to`,
/// or with the working tree when `to` is `None`.
pub fn compare(root: &Path, from: &str, to: Option<&str>) -> Result<Report, DiffError> {
    let repo = Repo::open(root).map_err(|e| DiffError::Usage(format!("{e}: diff needs one")))?;
    let resolve = |revision: &str| {
        repo.resolve(revision).map_err(|e| {
            DiffError::Usage(format!(
                "`{revision}` is not a revision of this repository ({e}); try a branch, a tag, a commit hash or HEAD~1"
            ))
        })
    };
    let failed = |e: super::Unavailable| DiffError::Failed(e.to_string());
    let old_commit = resolve(from)?;
    let new_commit = to.map(resolve).transpose()?;
    let old_files = repo.files(&old_commit, &FOLDERS).map_err(failed)?;
    let new_files = match &new_commit {
        Some(commit) => repo.files(commit, &FOLDERS).map_err(failed)?,
        None => work_tree_files(root)?,
    };
    Ok(Report {
        schema: 1,
        from: Side {
            revision: Some(from.to_owned()),
            commit: Some(old_commit.to_string()),
        },
        to: Side {
            revision: to.map(str::to_owned),
            commit: new_commit.map(|c| c.to_string()),
        },
        summary: Summary::default(),
        records: Vec::new(),
        theme: Vec::new(),
    }
    .with_records(&old_files, &new_files))
}

impl Report {
    /// The records that differ between the working tree's files (`old`, texts by path)
    /// and the same files as importing the spreadsheet `source` leaves them (`new`):
    /// what `greenproc import --dry-run` prints. `to.revision` names the spreadsheet.
    pub fn between_files(
        old: &BTreeMap<String, Vec<u8>>,
        new: &BTreeMap<String, Vec<u8>>,
        source: &str,
    ) -> Report {
        Report {
            schema: 1,
            from: Side {
                revision: None,
                commit: None,
            },
            to: Side {
                revision: Some(source.to_owned()),
                commit: None,
            },
            summary: Summary::default(),
            records: Vec::new(),
            theme: Vec::new(),
        }
        .with_records(old, new)
    }

    fn with_records(
        mut self,
        old: &BTreeMap<String, Vec<u8>>,
        new: &BTreeMap<String, Vec<u8>>,
    ) -> Report {
        let mut paths: Vec<&String> = old.keys().chain(new.keys()).collect();
        paths.sort();
        paths.dedup();
        for path in paths {
            let (before, after) = (old.get(path), new.get(path));
            if before == after {
                continue;
            }
            if path.starts_with("themes/") {
                self.theme.push(FileDiff {
                    file: path.clone(),
                    status: Status::between(before, after),
                });
                continue;
            }
            let Some(kind) = RecordKind::of(Path::new(path)) else {
                continue;
            };
            let empty = Value::Object(serde_json::Map::new());
            let parse = |bytes: Option<&Vec<u8>>| bytes.map(|b| record::parse_version(kind, b));
            let (before, after) = (parse(before), parse(after));
            let status = Status::between(before.as_ref(), after.as_ref());
            let old_value = before.as_ref().map_or(Ok(&empty), |r| r.as_ref());
            let new_value = after.as_ref().map_or(Ok(&empty), |r| r.as_ref());
            let shown = [&after, &before]
                .into_iter()
                .find_map(|v| v.as_ref().and_then(|r| r.as_ref().ok()));
            let (fields, error) = match (old_value, new_value) {
                (Ok(a), Ok(b)) => (Some(record::field_changes(a, b)), None),
                (Err(e), _) | (_, Err(e)) => (None, Some(e.to_string())),
            };
            // Formatting or comments only: not a change to the data.
            if status == Status::Changed && fields.as_ref().is_some_and(Vec::is_empty) {
                continue;
            }
            match status {
                Status::Added => self.summary.added += 1,
                Status::Removed => self.summary.removed += 1,
                Status::Changed => self.summary.changed += 1,
            }
            self.records.push(RecordDiff {
                kind: kind.key(),
                file: path.clone(),
                id: shown.and_then(record::id_of).map(str::to_owned),
                title: shown.and_then(record::title_of).map(str::to_owned),
                status,
                fields,
                error,
            });
        }
        let order = |key: &str| RecordKind::all().position(|k| k.key() == key);
        self.records
            .sort_by(|a, b| (order(a.kind), &a.file).cmp(&(order(b.kind), &b.file)));
        self
    }

    /// The report as pretty-printed JSON, ending with a newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a report serializes");
        text.push('\n');
        text
    }

    /// The report as Markdown for a merge-request comment: a summary, then per kind
    /// the records added and removed, and a table of changed fields with old and new
    /// values. In Chinese, fields and values are named as the pages name them; in
    /// English, by their paths and as written. Values are escaped, so data can never
    /// turn into markup, links or mentions, and long values are shortened.
    pub fn to_markdown(&self, lang: Lang) -> String {
        let wording = Wording::new(lang);
        let side = |s: &Side| match (&s.revision, &s.commit) {
            (Some(r), Some(c)) => format!("`{}` ({})", code(r), &c[..c.len().min(10)]),
            (Some(file), None) => format!("`{}`", code(file)),
            _ => lang.get("diff.work_tree").to_owned(),
        };
        let title = text!("diff.title", from = side(&self.from), to = side(&self.to));
        let mut md = format!("## {}\n\n", title.render(lang));
        let s = &self.summary;
        if !self.theme.is_empty() {
            md.push_str(&format!("### {}\n\n", lang.get("diff.theme")));
            for f in &self.theme {
                let line = text!(
                    "diff.theme_file",
                    status = Text::new(f.status.key()),
                    file = code(&f.file)
                );
                md.push_str(&format!("- {}\n", line.render(lang)));
            }
            md.push('\n');
        }
        if self.records.is_empty() {
            md.push_str(lang.get("diff.nothing"));
            md.push('\n');
            return md;
        }
        let counts = text!(
            "diff.counts",
            added = s.added,
            removed = s.removed,
            changed = s.changed
        );
        md.push_str(&counts.render(lang));
        md.push('\n');
        for kind in RecordKind::all() {
            let records: Vec<&RecordDiff> = self
                .records
                .iter()
                .filter(|r| r.kind == kind.key())
                .collect();
            if records.is_empty() {
                continue;
            }
            md.push_str(&format!("\n### {}\n", lang.get(kind.info().heading)));
            for status in [Status::Added, Status::Removed] {
                let listed: Vec<&&RecordDiff> =
                    records.iter().filter(|r| r.status == status).collect();
                if listed.is_empty() {
                    continue;
                }
                md.push_str(&format!("\n**{}**\n\n", lang.get(status.heading())));
                for r in listed {
                    md.push_str(&format!("- {}\n", name(r)));
                }
            }
            let changed: Vec<&&RecordDiff> = records
                .iter()
                .filter(|r| r.status == Status::Changed)
                .collect();
            if changed.is_empty() {
                continue;
            }
            md.push_str(&format!(
                "\n**{}**\n\n| {} |\n| --- | --- | --- | --- |\n",
                lang.get(Status::Changed.heading()),
                lang.get("diff.columns")
            ));
            for r in changed {
                match (&r.fields, &r.error) {
                    (Some(fields), _) => {
                        for (i, f) in fields.iter().enumerate() {
                            let record = if i == 0 { name(r) } else { String::new() };
                            let field = wording.field(kind, &f.path);
                            let (old, new) = values(
                                &wording.value(kind, &f.path, &f.old),
                                &wording.value(kind, &f.path, &f.new),
                            );
                            md.push_str(&format!("| {record} | {field} | {old} | {new} |\n"));
                        }
                    }
                    (None, error) => {
                        let note = text!(
                            "diff.unparsed",
                            error = escape(error.as_deref().unwrap_or_default())
                        );
                        md.push_str(&format!("| {} | {} | | |\n", name(r), note.render(lang)));
                    }
                }
            }
        }
        md
    }
}

impl Status {
    /// The key of the word for a file of this status in `diff`'s Markdown.
    fn key(self) -> &'static str {
        match self {
            Status::Added => "diff.status.added",
            Status::Removed => "diff.status.removed",
            Status::Changed => "diff.status.changed",
        }
    }

    /// The key of the heading over the records of this status.
    fn heading(self) -> &'static str {
        match self {
            Status::Added => "diff.heading.added",
            Status::Removed => "diff.heading.removed",
            Status::Changed => "diff.heading.changed",
        }
    }
}

/// How the Markdown names fields and shows values. In Chinese as the pages do, from
/// the default theme's strings: a field by its label (`预算金额`), money in 元, 万元
/// or 亿元, a coded value by its label (`公开招标`); the record kind's JSON Schema
/// says which fields are money or coded. In English, by path and as written.
struct Wording {
    lang: Lang,
    strings: Option<Strings>,
    schemas: HashMap<RecordKind, Value>,
}

impl Wording {
    fn new(lang: Lang) -> Wording {
        let strings = (lang == Lang::Zh).then(default_strings);
        let schemas = match strings {
            Some(_) => RecordKind::all()
                .map(|kind| (kind, crate::schema::schema_of(kind)))
                .collect(),
            None => HashMap::new(),
        };
        Wording {
            lang,
            strings,
            schemas,
        }
    }

    /// A field path as a table cell: its label, and the list item it is in.
    fn field(&self, kind: RecordKind, path: &str) -> String {
        let label = self
            .strings
            .as_ref()
            .and_then(|s| s.optional(&["fields", kind.key(), &label_key(path)]));
        let Some(label) = label else {
            return format!("`{}`", code(path));
        };
        let items: Vec<String> = path
            .split('.')
            .filter_map(|part| part.parse::<usize>().ok())
            .map(|index| (index + 1).to_string())
            .collect();
        if items.is_empty() {
            escape(label)
        } else {
            let item = text!("diff.item", label = label, item = items.join("."));
            escape(&item.render(self.lang))
        }
    }

    /// A value as the pages show it: money with its unit, a code by its label; other
    /// values as they are.
    fn value(&self, kind: RecordKind, path: &str, value: &Value) -> Value {
        let (Some(strings), Some(schema)) = (&self.strings, self.schemas.get(&kind)) else {
            return value.clone();
        };
        match (leaf_type(schema, path), value) {
            (Some("Money"), Value::Number(n)) => n
                .as_f64()
                .and_then(|yuan| Money::parse(&format!("{yuan:.2}")))
                .map_or_else(
                    || value.clone(),
                    |money| Value::String(money_cell(money, strings)),
                ),
            (Some(type_name), Value::String(code)) => {
                let group = strings_group(type_name);
                strings
                    .optional(&[group.as_str(), code])
                    .map_or_else(|| value.clone(), |label| Value::String(label.to_owned()))
            }
            _ => value.clone(),
        }
    }
}

/// An amount as the pages show it, with the exact yuan beside a rounded figure so
/// that a reviewer sees every change: `1.05亿元（104,900,000.00元）`.
fn money_cell(money: Money, strings: &Strings) -> String {
    let amount = money_text(money);
    let short = amount.text(strings);
    if amount.unit == "yuan" {
        short
    } else {
        let yuan = strings.text(&["units", "yuan"]);
        format!("{short}（{}{yuan}）", amount.exact)
    }
}

/// The name of the type (`$defs` entry) of the field at `path` in `schema`, following
/// properties, list items, `$ref`s and optional values.
fn leaf_type<'a>(schema: &'a Value, path: &str) -> Option<&'a str> {
    let resolve = |mut node: &'a Value| -> (&'a Value, Option<&'a str>) {
        let mut name = None;
        for _ in 0..8 {
            if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
                let def = reference.rsplit('/').next().unwrap_or_default();
                name = Some(def);
                match schema.get("$defs").and_then(|d| d.get(def)) {
                    Some(next) => node = next,
                    None => break,
                }
            } else if let Some(first) = node
                .get("anyOf")
                .or_else(|| node.get("oneOf"))
                .and_then(Value::as_array)
                .and_then(|options| {
                    options
                        .iter()
                        .find(|o| o.get("type") != Some(&Value::from("null")))
                })
            {
                node = first;
            } else {
                break;
            }
        }
        (node, name)
    };
    let (mut node, mut name) = resolve(schema);
    for part in path.split('.') {
        let next = if part.bytes().all(|b| b.is_ascii_digit()) {
            node.get("items")
        } else {
            node.get("properties").and_then(|p| p.get(part))
        }?;
        (node, name) = resolve(next);
    }
    name
}

/// The theme's group of labels for a coded type: its name in snake case, but for the
/// few whose group is named shorter.
fn strings_group(type_name: &str) -> String {
    match type_name {
        "StageKind" => "stage".to_owned(),
        "AcceptanceResult" => "acceptance".to_owned(),
        "ListingStatus" => "listing".to_owned(),
        other => {
            let mut snake = String::new();
            for (i, c) in other.chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    snake.push('_');
                }
                snake.push(c.to_ascii_lowercase());
            }
            snake
        }
    }
}

/// A record as Markdown: id, title and file.
fn name(r: &RecordDiff) -> String {
    let mut parts = Vec::new();
    if let Some(id) = &r.id {
        parts.push(format!("`{}`", code(id)));
    }
    if let Some(title) = &r.title {
        parts.push(escape(title));
    }
    parts.push(format!("<sub>`{}`</sub>", code(&r.file)));
    parts.join(" ")
}

/// Longest value shown in a Markdown cell, in characters; the JSON has them whole.
const MAX_CELL: usize = 120;

/// Characters of context shown before the first difference of two long texts.
const CONTEXT: usize = 20;

/// Old and new values in Markdown cells: text as written, absent as an em dash, lists
/// and maps as compact JSON; shortened to [`MAX_CELL`] characters. Two long texts
/// (a document's body) start shortly before their first difference, so the cells
/// show what changed rather than the same opening twice.
fn values(old: &Value, new: &Value) -> (String, String) {
    let (a, b) = (raw(old), raw(new));
    let start = match (&a, &b) {
        (Some(a), Some(b)) if a.chars().count() > MAX_CELL || b.chars().count() > MAX_CELL => {
            let same = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
            same.saturating_sub(CONTEXT)
        }
        _ => 0,
    };
    let cell = |text: Option<String>| match text {
        None => "—".to_owned(),
        Some(text) => {
            let count = text.chars().count();
            let mut shown: String = text.chars().skip(start).take(MAX_CELL).collect();
            if start > 0 {
                shown.insert(0, '…');
            }
            if start + MAX_CELL < count {
                shown.push('…');
            }
            escape(&shown)
        }
    };
    (cell(a), cell(b))
}

/// A value as text; `None` when absent.
fn raw(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Escapes text for a Markdown table cell: every ASCII punctuation character that
/// Markdown or GitHub gives a meaning to gets a backslash, `@` and `#` included so
/// that values never mention anyone or link an issue, `:` so that no address becomes
/// a link, `$` so that nothing turns into a formula; line breaks become `<br>`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '#' | '+'
            | '!' | '|' | '~' | '&' | '@' | '$' | ':' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Text inside a code span: backticks cannot be escaped there, so they are replaced,
/// and a `|` still needs its backslash inside a table.
fn code(s: &str) -> String {
    s.replace('`', "'").replace('|', "\\|").replace('\n', " ")
}

/// The record files on disk under `root`'s `data/` and `content/`, as the loader
/// would see them, and the theme's files: regular files only (links are not
/// followed), by path. A file over the loader's size limit is kept as an empty
/// version, which does not parse, or (a theme's) differs from any other.
fn work_tree_files(root: &Path) -> Result<BTreeMap<String, Vec<u8>>, DiffError> {
    let mut files = BTreeMap::new();
    for folder in FOLDERS {
        let dir = root.join(folder);
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| DiffError::Failed(e.to_string()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let Some(parts) = relative
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let path = parts.join("/");
            if RecordKind::of(Path::new(&path)).is_none() && !path.starts_with("themes/") {
                continue;
            }
            let too_large = entry.metadata().is_ok_and(|m| m.len() > MAX_FILE_BYTES);
            let bytes = if too_large {
                Vec::new()
            } else {
                std::fs::read(entry.path())
                    .map_err(|e| DiffError::Failed(format!("{path}: {e}")))?
            };
            files.insert(path, bytes);
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn chinese_names_fields_and_shows_values_as_the_pages_do() {
        let zh = Wording::new(Lang::Zh);
        let project = RecordKind::Project;
        assert_eq!(zh.field(project, "procurement.budget"), "预算金额");
        assert_eq!(
            zh.value(project, "procurement.budget", &json!(104_900_000.0)),
            json!("1.05亿元（104,900,000.00元）")
        );
        assert_eq!(
            zh.value(project, "procurement.method", &json!("open-tender")),
            json!("公开招标")
        );
        assert_eq!(
            zh.value(project, "lifecycle.5.stage", &json!("acceptance")),
            json!("验收")
        );
        assert!(
            zh.field(project, "lifecycle.5.stage")
                .contains("（第 6 项）")
        );
        // A value the theme has no label for stays as written.
        assert_eq!(
            zh.value(project, "procurement.method", &json!("lottery")),
            json!("lottery")
        );
        let en = Wording::new(Lang::En);
        assert_eq!(
            en.field(project, "procurement.budget"),
            "`procurement.budget`"
        );
        assert_eq!(
            en.value(project, "procurement.budget", &json!(104_900_000.0)),
            json!(104_900_000.0)
        );
    }

    #[test]
    fn cells_escape_markup_and_shorten() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<b> @x #1"), "\\<b\\> \\@x \\#1");
        assert_eq!(escape("https://a.cn"), "https\\://a.cn");
        assert_eq!(escape("l1\nl2"), "l1<br>l2");
        assert_eq!(
            values(&Value::Null, &Value::Bool(true)),
            ("—".into(), "true".into())
        );
        let long = |end: &str| Value::String(format!("{}{end}", "长".repeat(200)));
        let (old, new) = values(&long("旧"), &long("新"));
        assert_eq!(old, format!("…{}旧", "长".repeat(CONTEXT)));
        assert_eq!(new, format!("…{}新", "长".repeat(CONTEXT)));
        let (old, _) = values(&long(""), &Value::Null);
        assert_eq!(old.chars().count(), MAX_CELL + 1);
        assert_eq!(code("a`b|c"), "a'b\\|c");
    }
}
