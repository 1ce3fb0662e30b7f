//! `greenproc init` and `greenproc new`: start a new city's site, and write a new
//! record as a form to fill in.
//!
//! The files come from templates under `src/scaffold/templates/`: Chinese text for
//! editors, kept out of the Rust code. `templates/new/` holds one form per kind with
//! every field of the record type: required fields present with an empty value, so
//! that `check` points at each one until it is filled, optional fields commented out.
//! `templates/site/` holds the example site `init` writes, valid as written, each file
//! at its path in the new site (`dot_` stands for a leading dot).
//!
//! Every YAML file written starts with a `# yaml-language-server: $schema=` line that
//! points at the site's own `schema/<kind>.json` by a relative path, so editors get
//! completion and checking offline; Markdown documents carry it inside their front
//! matter.

use std::fmt;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::Taxonomy;
use crate::model::config::is_division_code;
use crate::model::kind::{Format, Home, KINDS, KindInfo, RecordKind};
use crate::path_safety::symlink_on_the_way;
use crate::schema;
use crate::suggest::closest;
use crate::validate::{credit_code, is_safe_id};
use crate::yaml::parse_yaml;

/// The kinds `greenproc new` writes, by their names for editors.
pub fn new_kinds() -> impl Iterator<Item = &'static str> {
    KINDS
        .iter()
        .filter(|info| info.form.is_some())
        .map(|info| info.name)
}

// The example site `init` writes, `SITE_FILES`, by path under the site root: every
// file below `templates/site/`, listed by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/init_site.rs"));

/// The CI templates of `docs/ci/`, written as they are (their `${{ }}` expressions are
/// the CI's, not placeholders): they install the release of the greenproc that wrote
/// them, checked against its `SHA256SUMS`.
const CI_FILES: &[(&str, &str)] = &[
    (
        ".github/workflows/greenproc.yml",
        include_str!("../../docs/ci/github-actions.yml"),
    ),
    (
        ".gitlab-ci.yml",
        include_str!("../../docs/ci/gitlab-ci.yml"),
    ),
];

/// Placeholders for a city not named on the command line, and province names by the
/// first two digits of a division code.
#[derive(Deserialize)]
struct Defaults {
    city: String,
    province: String,
    admin_code: String,
    provinces: std::collections::BTreeMap<String, String>,
}

const DEFAULTS: &str = include_str!("templates/defaults.yaml");

/// Why `init` or `new` wrote nothing.
#[derive(Debug, PartialEq, Eq)]
pub enum ScaffoldError {
    /// The request itself is wrong (an unsafe id, a malformed option): a usage error.
    Usage(String),
    /// The site or the file system prevents it (an existing file, an unknown category).
    Failed(String),
}

impl fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScaffoldError::Usage(message) | ScaffoldError::Failed(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ScaffoldError {}

/// The city a new site is for; what is not given becomes a placeholder to fill in.
#[derive(Debug, Default)]
pub struct City {
    /// City name, as the site shows it.
    pub name: Option<String>,
    /// Six-digit administrative division code (GB/T 2260).
    pub admin_code: Option<String>,
    /// Province name; by default looked up from the division code.
    pub province: Option<String>,
}

/// What `init` wrote.
#[derive(Debug)]
pub struct Initialized {
    /// Files written, relative to the new site's root.
    pub files: Vec<PathBuf>,
    /// Whether the city, its code or the province are placeholders.
    pub placeholders: bool,
}

/// What `new` wrote.
#[derive(Debug)]
pub struct NewRecord {
    /// The new file, relative to the site root.
    pub file: PathBuf,
    /// Required fields still empty in it.
    pub blanks: Vec<Blank>,
    /// Schema files written or refreshed under `schema/`.
    pub schemas_written: usize,
}

/// A required field left empty in a form, for the editor to fill in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blank {
    /// 1-based line in the file.
    pub line: usize,
    /// Dotted field path, e.g. `procurement.budget`.
    pub field: String,
}

/// Writes a new site into `dir`, which must not exist or be empty.
pub fn init(dir: &Path, city: &City) -> Result<Initialized, ScaffoldError> {
    let defaults: Defaults = parse_yaml(DEFAULTS).expect("templates/defaults.yaml parses");
    let name = checked_name("--city", city.name.as_deref())?;
    let province = checked_name("--province", city.province.as_deref())?;
    let admin_code = match city.admin_code.as_deref() {
        Some(code) if is_division_code(code) => Some(code.to_owned()),
        Some(code) => {
            return Err(ScaffoldError::Usage(format!(
                "--admin-code `{code}` is not a six-digit administrative division code, e.g. 370100"
            )));
        }
        None => None,
    };
    let looked_up = admin_code
        .as_deref()
        .and_then(|code| defaults.provinces.get(&code[..2]).cloned());
    let placeholders =
        name.is_none() || admin_code.is_none() || (province.is_none() && looked_up.is_none());
    let name = name.unwrap_or(defaults.city);
    let province = province.or(looked_up).unwrap_or(defaults.province);
    let admin_code = admin_code.unwrap_or(defaults.admin_code);

    ensure_empty(dir)?;
    let vars = [
        ("city", name.as_str()),
        ("province", province.as_str()),
        ("admin_code", admin_code.as_str()),
        ("code_prefix", &admin_code[..4]),
    ];
    let mut files = Vec::new();
    let mut write = |relative: &str, text: &str| -> Result<(), ScaffoldError> {
        write_file(dir, relative, text.as_bytes(), false)?;
        files.push(PathBuf::from(relative));
        Ok(())
    };
    for (relative, template) in SITE_FILES {
        write(
            relative,
            &with_schema_line(relative, &render(template, &vars)),
        )?;
    }
    for (relative, text) in CI_FILES {
        write(relative, text)?;
    }
    write(".vscode/settings.json", &vscode_settings())?;
    for (relative, json) in schema::schema_files() {
        write(&relative, &json)?;
    }
    Ok(Initialized {
        files,
        placeholders,
    })
}

/// The province a division code belongs to, by its first two digits.
pub fn province_of(admin_code: &str) -> Option<String> {
    let defaults: Defaults = parse_yaml(DEFAULTS).expect("templates/defaults.yaml parses");
    defaults.provinces.get(admin_code.get(..2)?).cloned()
}

/// The files of a new province site, by path under its root.
const PROVINCE_FILES: &[(&str, &str)] = &[
    (
        "data/site.yaml",
        include_str!("templates/province/site.yaml"),
    ),
    (
        ".gitignore",
        include_str!("templates/province/dot_gitignore"),
    ),
];

/// Writes a new province site into `dir`, which must not exist or be empty: its
/// `site.yaml` with one member to replace. `admin_code` is the province's, ending in
/// `0000`; the province's name is looked up from it when not given.
pub fn init_province(
    dir: &Path,
    province: Option<&str>,
    admin_code: &str,
) -> Result<Initialized, ScaffoldError> {
    let defaults: Defaults = parse_yaml(DEFAULTS).expect("templates/defaults.yaml parses");
    if !is_division_code(admin_code) || !admin_code.ends_with("0000") {
        return Err(ScaffoldError::Usage(format!(
            "--admin-code `{admin_code}` is not a province's six-digit division code ending in 0000, e.g. 370000"
        )));
    }
    let given = checked_name("--province", province)?;
    let looked_up = defaults.provinces.get(&admin_code[..2]).cloned();
    let placeholders = given.is_none() && looked_up.is_none();
    let province = given.or(looked_up).unwrap_or(defaults.province);
    ensure_empty(dir)?;
    let vars = [
        ("province", province.as_str()),
        ("admin_code", admin_code),
        ("code_prefix", &admin_code[..2]),
    ];
    let mut files = Vec::new();
    for (relative, template) in PROVINCE_FILES {
        write_file(dir, relative, render(template, &vars).as_bytes(), false)?;
        files.push(PathBuf::from(relative));
    }
    Ok(Initialized {
        files,
        placeholders,
    })
}

/// Writes a new record of `kind` with id `id` into the site at `root`: every field
/// present, required ones empty. A product needs its `category`, which decides its
/// folder under `data/catalog/`.
pub fn new_record(
    root: &Path,
    kind: &str,
    id: &str,
    category: Option<&str>,
) -> Result<NewRecord, ScaffoldError> {
    let (info, form) = KINDS
        .iter()
        .find_map(|info| Some((info, info.form?)).filter(|_| info.name == kind))
        .ok_or_else(|| {
            ScaffoldError::Usage(format!(
                "`{kind}` is not a kind of record; choose one of: {}",
                new_kinds().collect::<Vec<_>>().join(", ")
            ))
        })?;
    // A product's folder is its category's, so `new` needs the category.
    let by_category = info.kind == RecordKind::Product;
    if !is_safe_id(id) {
        return Err(ScaffoldError::Usage(format!(
            "`{id}` is not a safe id: use lowercase letters a-z, digits and inner hyphens, at most 100 characters, e.g. `no1-primary-school-2025`"
        )));
    }
    let category = match (by_category, category) {
        (true, Some(category)) if is_safe_id(category) => Some(category),
        (true, Some(category)) => {
            return Err(ScaffoldError::Usage(format!(
                "`{category}` is not a category id: ids use lowercase letters a-z, digits and hyphens"
            )));
        }
        (true, None) => {
            return Err(ScaffoldError::Usage(
                "a product needs its category: greenproc new product <id> --category <category-id>"
                    .to_owned(),
            ));
        }
        (false, Some(_)) => {
            return Err(ScaffoldError::Usage(
                "--category applies to products only".to_owned(),
            ));
        }
        (false, None) => None,
    };
    let config = RecordKind::Config.info().home.path();
    if !root.join(config).is_file() {
        return Err(ScaffoldError::Failed(format!(
            "{} is not a site: it has no {config}; pass the site's folder with --root, or start one with greenproc init",
            root.display(),
        )));
    }
    let group_and_category = match category {
        Some(category) => Some((group_of(root, category)?, category)),
        None => None,
    };
    let relative = record_file(
        info.kind,
        id,
        group_and_category.as_ref().map(|(g, c)| (g.as_str(), *c)),
    );
    let id_scalar = yaml_scalar(id);
    let category_scalar = category.map(yaml_scalar).unwrap_or_default();
    let examples = CityExamples::read(&root.join(config));
    let vars = [
        ("id", id_scalar.as_str()),
        ("category", &category_scalar),
        ("admin_code", &examples.admin_code),
        ("credit_code_example", &examples.company),
        ("office_code_example", &examples.office),
    ];
    let text = with_schema_line(&relative, &render(form, &vars));
    write_file(root, &relative, text.as_bytes(), true)?;
    let schemas_written = sync_schemas(root)?;
    Ok(NewRecord {
        file: PathBuf::from(relative),
        blanks: blanks(&text),
        schemas_written,
    })
}

/// Where a record of `kind` with `id` lives, relative to the site root: in its kind's
/// folder, a product in its group's and category's (`group_and_category`) below it.
/// `greenproc new` and `greenproc import` both put new records there.
pub fn record_file(kind: RecordKind, id: &str, group_and_category: Option<(&str, &str)>) -> String {
    let info = kind.info();
    let folder = info.home.path();
    let file_name = format!("{id}.{}", info.format.extensions()[0]);
    match group_and_category {
        Some((group, category)) => format!("{folder}/{group}/{category}/{file_name}"),
        None => format!("{folder}/{file_name}"),
    }
}

/// Examples in a form's comments made from the site's own division code, so that a
/// city's editors see codes of their city, not of the sample's.
struct CityExamples {
    /// The city's GB/T 2260 code, as in a project code.
    admin_code: String,
    /// A company's credit code registered in the city, check characters included.
    company: String,
    /// A government office's credit code in the city, as in an index number.
    office: String,
}

impl CityExamples {
    /// From `site.yaml`'s `admin_code`; a placeholder code when it cannot be read (the
    /// form is still written; `check` names the configuration's problem).
    fn read(config: &Path) -> CityExamples {
        #[derive(Deserialize)]
        struct Config {
            admin_code: String,
        }
        let admin_code = fs::read_to_string(config)
            .ok()
            .and_then(|text| parse_yaml::<Config>(&text).ok())
            .map(|c| c.admin_code)
            .filter(|code| is_division_code(code))
            .unwrap_or_else(|| "110000".to_owned());
        let code = |prefix: &str, serial: &str| {
            credit_code::complete(&format!("{prefix}{admin_code}{serial}")).unwrap_or_default()
        };
        CityExamples {
            company: code("91", "MA3C2002"),
            office: code("11", "00123456"),
            admin_code,
        }
    }
}

/// Required fields left empty in a form: keys with no value and nothing nested below
/// them. In a Markdown document only the front matter is read.
pub fn blanks(text: &str) -> Vec<Blank> {
    let lines: Vec<&str> = text.lines().collect();
    let (start, end) = if lines.first().is_some_and(|l| l.trim_end() == "---") {
        let close = lines[1..].iter().position(|l| l.trim_end() == "---");
        (1, close.map_or(lines.len(), |i| i + 1))
    } else {
        (0, lines.len())
    };
    let mut parents: Vec<(usize, &str)> = Vec::new();
    let mut found = Vec::new();
    for index in start..end {
        let Some(key) = key_line(lines[index]) else {
            continue;
        };
        while parents
            .last()
            .is_some_and(|(indent, _)| *indent >= key.indent)
        {
            parents.pop();
        }
        if key.empty {
            let nested = lines[index + 1..end]
                .iter()
                .find(|l| !is_blank_or_comment(l))
                .is_some_and(|next| {
                    let spaces = next.len() - next.trim_start_matches(' ').len();
                    spaces > key.indent
                        || (spaces == key.indent && next.trim_start().starts_with("- "))
                });
            if !nested {
                let mut field: Vec<&str> = parents.iter().map(|(_, k)| *k).collect();
                field.push(key.name);
                found.push(Blank {
                    line: index + 1,
                    field: field.join("."),
                });
            }
        }
        parents.push((key.indent, key.name));
    }
    found
}

/// The `yaml-language-server` comment for a file under the site root, pointing at its
/// kind's schema by a path relative to the file, or `None` for files of no kind.
pub fn schema_line(relative: &str) -> Option<String> {
    let kind = RecordKind::of(Path::new(relative))?.info().name;
    let up = "../".repeat(relative.matches('/').count());
    Some(format!(
        "# yaml-language-server: $schema={up}schema/{kind}.json"
    ))
}

/// Writes the schema files under `<root>/schema/` that are missing or differ from this
/// version's types, and returns how many were written.
pub fn sync_schemas(root: &Path) -> Result<usize, ScaffoldError> {
    let mut written = 0;
    for (relative, json) in schema::schema_files() {
        if fs::read_to_string(root.join(&relative)).is_ok_and(|old| old == json) {
            continue;
        }
        write_file(root, &relative, json.as_bytes(), false)?;
        written += 1;
    }
    Ok(written)
}

/// A line holding a mapping key, as far as forms need: `key:` or `- key:`.
struct KeyLine<'a> {
    /// Column of the key itself (after a `- ` list marker).
    indent: usize,
    name: &'a str,
    /// No value after the colon (a comment may follow).
    empty: bool,
}

fn key_line(line: &str) -> Option<KeyLine<'_>> {
    let rest = line.trim_start_matches(' ');
    let line_indent = line.len() - rest.len();
    let (indent, rest) = match rest.strip_prefix("- ") {
        Some(item) => (line_indent + 2, item),
        None => (line_indent, rest),
    };
    let name_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(name_end);
    let value = after.strip_prefix(':')?;
    if name.is_empty() || !(value.is_empty() || value.starts_with([' ', '\t'])) {
        return None;
    }
    let value = value.trim();
    Some(KeyLine {
        indent,
        name,
        empty: value.is_empty() || value.starts_with('#'),
    })
}

fn is_blank_or_comment(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// Puts the schema comment first in a YAML file, or first inside a Markdown
/// document's front matter (the `---` line must stay the file's first line).
fn with_schema_line(relative: &str, text: &str) -> String {
    let Some(line) = schema_line(relative) else {
        return text.to_owned();
    };
    match text.strip_prefix("---\n") {
        Some(front) => format!("---\n{line}\n{front}"),
        None => format!("{line}\n{text}"),
    }
}

/// Replaces every `{{name}}` in a template.
fn render(template: &str, vars: &[(&str, &str)]) -> String {
    vars.iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{{{name}}}}}"), value)
        })
}

/// An id as a YAML scalar: plain when YAML reads it as text, quoted when it would read
/// as a number or a boolean (`2025`, `1e5`, `no`).
fn yaml_scalar(id: &str) -> String {
    const WORDS: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];
    if id.starts_with(|c: char| c.is_ascii_lowercase()) && !WORDS.contains(&id) {
        id.to_owned()
    } else {
        format!("\"{id}\"")
    }
}

/// A city or province name: letters only, so that it reads as plain text wherever the
/// templates put it (YAML values, Markdown, titles).
fn checked_name(option: &str, name: Option<&str>) -> Result<Option<String>, ScaffoldError> {
    match name {
        Some(name) if !name.is_empty() && name.chars().all(char::is_alphanumeric) => {
            Ok(Some(name.to_owned()))
        }
        Some(name) => Err(ScaffoldError::Usage(format!(
            "{option} `{name}` must be a name made of letters only, without spaces or punctuation"
        ))),
        None => Ok(None),
    }
}

/// Refuses a folder that holds anything, so that `init` never mixes with existing work.
fn ensure_empty(dir: &Path) -> Result<(), ScaffoldError> {
    match fs::read_dir(dir).map(|mut entries| entries.next().is_none()) {
        Ok(false) => Err(ScaffoldError::Failed(format!(
            "{} is not empty; init writes a new site into a new or empty folder",
            dir.display()
        ))),
        Ok(true) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(ScaffoldError::Failed(format!(
            "cannot use {} as the site folder: {error}",
            dir.display()
        ))),
    }
}

/// The group of a category, from the site's `categories.yaml`.
fn group_of(root: &Path, category: &str) -> Result<String, ScaffoldError> {
    let taxonomy_file = RecordKind::Taxonomy.info().home.path();
    let text = fs::read_to_string(root.join(taxonomy_file)).map_err(|error| {
        ScaffoldError::Failed(format!(
            "cannot read {taxonomy_file} to find the category's group: {error}"
        ))
    })?;
    let taxonomy: Taxonomy = parse_yaml(&text).map_err(|_| {
        ScaffoldError::Failed(format!(
            "{taxonomy_file} has errors; run greenproc check and fix them first"
        ))
    })?;
    let Some(found) = taxonomy.categories.iter().find(|c| c.id.value == category) else {
        let ids: Vec<&str> = taxonomy
            .categories
            .iter()
            .map(|c| c.id.value.as_str())
            .collect();
        let hint = match closest(category, &ids) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("known categories: {}", ids.join(", ")),
        };
        return Err(ScaffoldError::Failed(format!(
            "no category has the id `{category}` in {taxonomy_file}; {hint}"
        )));
    };
    let group = &found.group.value;
    // The group becomes a folder name: never let a malformed one lead outside the site.
    if !is_safe_id(group) {
        return Err(ScaffoldError::Failed(format!(
            "the category `{category}` has the group `{group}`, which is not a safe id; run greenproc check"
        )));
    }
    Ok(group.clone())
}

/// Writes a file under `root`, creating its folders; with `new_only`, refuses to
/// replace one.
fn write_file(
    root: &Path,
    relative: &str,
    bytes: &[u8],
    new_only: bool,
) -> Result<(), ScaffoldError> {
    if let Some(link) = symlink_on_the_way(root, Path::new(relative)) {
        return Err(ScaffoldError::Failed(format!(
            "{} is a symbolic link; nothing is written through links, so that nothing lands outside the site",
            crate::diagnostic::display_path(&link)
        )));
    }
    let path = root.join(relative);
    let failed = |error: io::Error| {
        ScaffoldError::Failed(match error.kind() {
            io::ErrorKind::AlreadyExists => {
                format!("{relative} already exists; choose another id")
            }
            _ => format!("cannot write {}: {error}", path.display()),
        })
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(failed)?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .create_new(new_only)
        .truncate(true)
        .open(&path)
        .map_err(failed)?;
    file.write_all(bytes).map_err(failed)
}

/// `.vscode/settings.json`: the schema of each kind mapped onto its files, for editors
/// that open a file without the `$schema` line.
fn vscode_settings() -> String {
    let files = |info: &KindInfo| match info.home {
        Home::File(file) => vec![file.to_owned()],
        Home::Folder(folder) => {
            // A folder can hold another kind's file (the taxonomy among the editions).
            let others = KINDS.iter().filter_map(|other| match other.home {
                Home::File(file) if Path::new(file).starts_with(folder) => Some(format!("!{file}")),
                _ => None,
            });
            [format!("{folder}/**/*.yaml")]
                .into_iter()
                .chain(others)
                .collect()
        }
    };
    // Documents carry the schema line in their front matter; the mapping is for YAML.
    let mapping = KINDS
        .iter()
        .filter(|info| info.format == Format::Yaml)
        .map(|info| (info.name, files(info)));
    let schemas: serde_json::Map<String, serde_json::Value> = mapping
        .into_iter()
        .map(|(kind, globs)| (format!("./schema/{kind}.json"), globs.into()))
        .collect();
    let settings = serde_json::json!({ "yaml.schemas": schemas });
    serde_json::to_string_pretty(&settings).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_line_climbs_to_the_site_root() {
        assert_eq!(
            schema_line("data/projects/x.yaml").unwrap(),
            "# yaml-language-server: $schema=../../schema/project.json"
        );
        assert_eq!(
            schema_line("data/catalog/g/c/x.yaml").unwrap(),
            "# yaml-language-server: $schema=../../../../schema/product.json"
        );
        assert_eq!(
            schema_line("data/site.yaml").unwrap(),
            "# yaml-language-server: $schema=../schema/site.json"
        );
        assert!(schema_line("README.md").is_none());
    }

    #[test]
    fn blanks_are_empty_leaves_with_their_paths() {
        let text = "---\n# c\nid: a\nname:   # fill\nprocurement:\n  method:\n  budget: 1\nlifecycle:\n  - stage: approval\n    date:\n# note:\n---\nbody:\n";
        let found: Vec<(usize, String)> = blanks(text)
            .into_iter()
            .map(|b| (b.line, b.field))
            .collect();
        let expected = [
            (4, "name"),
            (6, "procurement.method"),
            (10, "lifecycle.date"),
        ];
        assert_eq!(
            found,
            expected.map(|(line, field)| (line, field.to_owned()))
        );
    }

    #[test]
    fn every_kind_of_many_records_has_a_form() {
        for info in &KINDS {
            let many = matches!(info.home, Home::Folder(_));
            assert_eq!(info.form.is_some(), many, "{}", info.name);
        }
    }

    #[test]
    fn ids_that_read_as_numbers_are_quoted() {
        assert_eq!(yaml_scalar("zd-school"), "zd-school");
        assert_eq!(yaml_scalar("2025"), "\"2025\"");
        assert_eq!(yaml_scalar("1e5"), "\"1e5\"");
        assert_eq!(yaml_scalar("no"), "\"no\"");
    }

    #[test]
    fn render_fills_every_placeholder() {
        for (_, template) in SITE_FILES {
            let text = render(
                template,
                &[
                    ("city", "c"),
                    ("province", "p"),
                    ("admin_code", "370100"),
                    ("code_prefix", "3701"),
                ],
            );
            assert!(!text.contains("{{"), "{text}");
        }
        for info in KINDS.iter().filter(|info| info.form.is_some()) {
            let vars = [
                ("id", "x"),
                ("category", "c"),
                ("admin_code", "440300"),
                ("credit_code_example", "91440300MA3C20024X"),
                ("office_code_example", "11440300001234561X"),
            ];
            let text = render(info.form.unwrap(), &vars);
            assert!(!text.contains("{{"), "{}", info.name);
        }
    }

    #[test]
    fn form_examples_are_codes_of_the_sites_city_that_pass_check() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("site.yaml");
        fs::write(&config, "title: 深圳\nadmin_code: \"440300\"\n").unwrap();
        let examples = CityExamples::read(&config);
        assert_eq!(examples.admin_code, "440300");
        for code in [&examples.company, &examples.office] {
            assert_eq!(&code[2..8], "440300", "{code}");
            assert!(credit_code::check(code).is_ok(), "{code}");
        }
    }
}
