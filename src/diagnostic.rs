//! Problems found in a site's sources, with where they are and how to fix them.
//!
//! Every stage reports into a [`Diagnostics`] list instead of stopping, so that one
//! run of `greenproc check` shows an editor everything at once.

use std::fmt::Write as _;
use std::path::Path;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;

use crate::messages::{Lang, Text, needs_escape};

/// How serious a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks the build.
    Error,
    /// Worth an editor's look; blocks only with `--deny-warnings`.
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $summary:literal;)*) => {
        /// Stable error codes; `docs/data-format.md` lists them with examples.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $summary] $variant,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The code as printed, e.g. `E0103`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The severity a problem of this code has.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One line saying what the rule is.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    Unreadable = "E0001", Error, "the file cannot be read, or is not UTF-8 text";
    TooLarge = "E0002", Error, "the file is larger than the size limit";
    EmptyFile = "E0003", Error, "the file is empty";
    YamlSyntax = "E0004", Error, "the file is not valid YAML";
    ResourceLimit = "E0005", Error, "the YAML is too deeply nested or expands too many aliases";
    FrontMatter = "E0006", Error, "a Markdown document lacks its `---` front matter block";
    UnsafeName = "E0007", Error, "a file or folder name that is not UTF-8, holds a control or reserved character, or is a Windows device name";
    UnknownField = "E0101", Error, "a field that the record kind does not have";
    WrongType = "E0102", Error, "a value of the wrong type or form";
    MissingField = "E0103", Error, "a required field is missing";
    DuplicateKey = "E0104", Error, "the same key appears twice in one mapping";
    MissingFile = "E0105", Error, "a required file is missing";
    FieldReadAsText = "E0106", Error, "a field name typed with a full-width colon, which YAML read as part of a text";
    DuplicateId = "E0201", Error, "two records of one kind share an id";
    UnsafeId = "E0202", Error, "an id with characters other than a-z, 0-9 and hyphens";
    BrokenReference = "E0203", Error, "a reference to a record that does not exist";
    CreditCode = "E0204", Error, "a unified social credit code that fails the GB 32100-2015 check";
    DateOrder = "E0205", Error, "lifecycle stages or dates out of order";
    StageRequires = "E0206", Error, "a field the project's stage requires is missing";
    RatioRange = "E0207", Error, "a percentage outside 0 to 100";
    CertificateDates = "E0208", Error, "a certificate that expires before it is issued";
    UnknownIndicator = "E0209", Error, "an indicator that the category's thresholds do not define";
    EditionGap = "E0210", Error, "no edition of the demand standard is in force on a date that needs one";
    InvalidCode = "E0211", Error, "a code or address in the wrong form";
    MarkdownTooComplex = "E0212", Error, "a Markdown text nested too deeply or with too many elements";
    ThemeBroken = "E0213", Error, "the site's theme cannot be loaded: a template that does not compile, strings missing";
    FileNotPublished = "E0214", Error, "a document in files/ of a type or size that site.yaml does not allow";
    SheetLayout = "E0401", Error, "`greenproc import`: a sheet without a header row naming a dataset's id column";
    DigitsLost = "E0402", Error, "`greenproc import`: a long code the spreadsheet turned into a number, which lost its last digits";
    NotInPlace = "E0403", Error, "`greenproc import`: a value that cannot be changed in place in its record's file (an alias, or a flow mapping)";
    ExpiredCertificateInUse = "W0301", Warning, "a product is used outside its certificate's validity, or an active project uses an expired one";
    BelowThreshold = "W0302", Warning, "a product's indicator value does not meet its category's threshold";
    ProhibitedProduct = "W0303", Warning, "a project uses a product of a prohibited kind";
    DelistedProductInUse = "W0304", Warning, "an active project uses a product that is suspended or removed from the catalog";
    ThemeWeakens = "W0305", Warning, "the site's theme weakens the security headers or loads a file from another host";
    NoCopy = "W0306", Warning, "a province's member city has no checked copy of its data yet: run `greenproc fetch`";
    FormulaCell = "W0401", Warning, "`greenproc import`: a formula, whose last computed value is imported";
    MergedCells = "W0402", Warning, "`greenproc import`: merged cells, whose value is given to every row they cover";
    HiddenRow = "W0403", Warning, "`greenproc import`: a hidden row, imported like the others";
    RowMissing = "W0404", Warning, "`greenproc import`: a record the sheet does not list (kept unless `--delete-missing`)";
    ColumnSkipped = "W0405", Warning, "`greenproc import`: a column or cell that is not imported (not a field of the dataset, named twice, or cut short)";
}

/// One problem, located in a source file.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code, e.g. `E0203`.
    pub code: Code,
    /// File relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: u64,
    /// 1-based column in characters; 0 when the problem concerns the whole file.
    pub column: u64,
    /// Length of the offending text in characters, for underlining.
    pub length: u64,
    /// What is wrong.
    pub message: Text,
    /// How to fix it; boxed to keep the results that carry a diagnostic small.
    pub hint: Option<Box<Text>>,
}

/// A diagnostic worded in one language, as `check --format json` prints it.
#[derive(Debug, Serialize)]
pub struct Worded<'a> {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code, e.g. `E0203`.
    pub code: &'static str,
    /// File relative to the site root, with `/` separators.
    pub file: &'a str,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: u64,
    /// 1-based column in characters; 0 when the problem concerns the whole file.
    pub column: u64,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// Where a diagnostic points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// 1-based line (0: whole file).
    pub line: u64,
    /// 1-based column in characters.
    pub column: u64,
    /// Length in characters.
    pub length: u64,
}

impl Position {
    /// The whole file.
    pub const FILE: Position = Position {
        line: 0,
        column: 0,
        length: 0,
    };

    /// The position of a parsed YAML value.
    pub fn of<T>(spanned: &crate::model::Sp<T>) -> Position {
        Position::from_location(&spanned.referenced)
    }

    /// The position of a YAML parser location.
    pub fn from_location(location: &serde_saphyr::Location) -> Position {
        Position {
            line: location.line(),
            column: location.column(),
            length: location.span().len().max(1),
        }
    }
}

impl Diagnostic {
    /// A problem of `code` at `position` in `file`.
    pub fn new(code: Code, file: &Path, position: Position, message: Text) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            file: display_path(file),
            line: position.line,
            column: position.column,
            length: position.length,
            message,
            hint: None,
        }
    }

    /// Adds how to fix it.
    pub fn hint(mut self, hint: Text) -> Self {
        self.hint = Some(Box::new(hint));
        self
    }

    /// The diagnostic worded in `lang`.
    pub fn worded(&self, lang: Lang) -> Worded<'_> {
        Worded {
            severity: self.severity,
            code: self.code.as_str(),
            file: &self.file,
            line: self.line,
            column: self.column,
            message: self.message.render(lang),
            hint: self.hint.as_ref().map(|h| h.render(lang)),
        }
    }
}

/// A file path as shown to editors: relative, with `/` separators on every platform.
/// Control characters show as `�`, like bytes that are not UTF-8, so that a hostile
/// name cannot drive the terminal that prints it.
pub fn display_path(path: &Path) -> String {
    path.components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .chars()
                .map(|ch| if ch.is_control() { '\u{fffd}' } else { ch })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The problems found in one run, in the order stages reported them.
#[derive(Debug, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    /// Records a problem of `code` at `position` in `file`, with a hint.
    pub fn report(
        &mut self,
        code: Code,
        file: &Path,
        position: Position,
        message: Text,
        hint: Text,
    ) {
        self.push(Diagnostic::new(code, file, position, message).hint(hint));
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.list
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Every problem reported so far, in the order reported.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.list.len() - self.error_count()
    }

    /// The problems with the root causes first: errors before warnings, and among
    /// errors the files that could not be read (`E00xx`) before records of the wrong
    /// shape (`E01xx`) before what follows from them (references, dates: `E02xx`);
    /// within a class by file, line and column, so output is stable.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        let class = |d: &Diagnostic| &d.code.as_str()[..3];
        self.list.sort_by(|a, b| {
            (class(a), &a.file, a.line, a.column, a.code).cmp(&(
                class(b),
                &b.file,
                b.line,
                b.column,
                b.code,
            ))
        });
        self.list
    }

    /// Moves every problem of `other` into this list.
    pub fn extend(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
    }
}

/// The line that closes a report: "no problems", or how many errors and warnings.
pub fn summary(errors: usize, warnings: usize) -> Text {
    match (errors, warnings) {
        (0, 0) => Text::new("diagnostic.summary_none"),
        _ => crate::text!("diagnostic.summary", errors = errors, warnings = warnings),
    }
}

/// Renders diagnostics like rustc: header, source line, underline, hint. Source lines
/// are read back from `root` only for the files that have problems.
pub fn render_human(diagnostics: &[Diagnostic], root: &Path, color: bool, lang: Lang) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    let mut cached: Option<(String, Option<String>)> = None;
    for d in diagnostics {
        // Whole-file problems show no source, and their file may be a link that must
        // not be followed: only files with a line to show are read.
        if d.line > 0 && cached.as_ref().map(|(f, _)| f != &d.file).unwrap_or(true) {
            let text = std::fs::read(root.join(&d.file))
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            cached = Some((d.file.clone(), text));
        }
        let source = cached
            .as_ref()
            .filter(|(f, _)| d.line > 0 && f == &d.file)
            .and_then(|(_, text)| text.as_deref());
        let level = match d.severity {
            Severity::Error => Level::ERROR.with_name(lang.get("diagnostic.error")),
            Severity::Warning => Level::WARNING.with_name(lang.get("diagnostic.warning")),
        };
        let excerpt = source.and_then(|text| excerpt(text, d));
        let title = level
            .primary_title(d.message.render(lang))
            .id(d.code.as_str());
        let mut group = match &excerpt {
            Some((line_text, span)) => title.element(
                Snippet::source(line_text.as_str())
                    .line_start(d.line as usize)
                    .path(d.file.as_str())
                    .annotation(AnnotationKind::Primary.span(span.clone())),
            ),
            None => title.element(annotate_snippets::Origin::path(d.file.as_str())),
        };
        if let Some(hint) = &d.hint {
            group = group.element(
                Level::HELP
                    .with_name(lang.get("diagnostic.help"))
                    .message(hint.render(lang)),
            );
        }
        let _ = writeln!(out, "{}\n", renderer.render(&[group]));
    }
    out
}

/// The lines of `text` as YAML and editors count them: `\r\n`, `\n` and a lone `\r`
/// each end a line, so that line numbers agree with the parser's. A text ending with
/// a line break has an empty last line.
pub fn source_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\r', '\n']) {
            Some(i) => {
                let skip = if current[i..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                rest = Some(&current[i + skip..]);
                Some(&current[..i])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// The diagnostic's source line and the byte range of its span within that line.
fn excerpt(text: &str, d: &Diagnostic) -> Option<(String, std::ops::Range<usize>)> {
    if d.line == 0 {
        return None;
    }
    let line = source_lines(text).nth(d.line as usize - 1)?;
    let char_start = (d.column.max(1) - 1) as usize;
    let start = line
        .char_indices()
        .nth(char_start)
        .map_or(line.len(), |(i, _)| i);
    let end = line[start..]
        .char_indices()
        .nth(d.length.max(1) as usize)
        .map_or(line.len(), |(i, _)| start + i);
    // The line is shown as it is in the file, but a control character in it must not
    // reach the terminal; each becomes `?`s of its own byte length, so the span holds.
    let shown: String = line
        .chars()
        .flat_map(|c| {
            let width = if needs_escape(c) && c != '\t' {
                c.len_utf8()
            } else {
                0
            };
            let keep = (width == 0).then_some(c);
            keep.into_iter().chain(std::iter::repeat_n('?', width))
        })
        .collect();
    Some((shown, start..end.max(start)))
}

/// GitHub Actions workflow commands: each problem becomes an annotation on its line
/// in the pull request's diff.
pub fn render_github(diagnostics: &[Diagnostic], lang: Lang) -> String {
    // Workflow commands treat `%`, CR and LF specially everywhere, and `:` and `,` in
    // property values; they are percent-encoded as the runner documents.
    fn data(text: &str) -> String {
        text.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(text: &str) -> String {
        data(text).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.render(lang);
        if let Some(hint) = &d.hint {
            let _ = write!(
                message,
                "\n{}: {}",
                lang.get("diagnostic.help"),
                hint.render(lang)
            );
        }
        let _ = write!(out, "::{command} file={}", property(&d.file));
        if d.line > 0 {
            let _ = write!(out, ",line={},col={}", d.line, d.column.max(1));
        }
        let _ = writeln!(
            out,
            ",title={}::{}",
            property(d.code.as_str()),
            data(&message)
        );
    }
    out
}

/// GitLab Code Quality report (a JSON array), which merge requests show on the changed
/// lines.
pub fn render_gitlab(diagnostics: &[Diagnostic], lang: Lang) -> String {
    let issues: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let message = d.message.render(lang);
            let description = match &d.hint {
                Some(hint) => format!(
                    "{message} ({}: {})",
                    lang.get("diagnostic.help"),
                    hint.render(lang)
                ),
                None => message,
            };
            let severity = match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
            };
            serde_json::json!({
                "description": description,
                "check_name": d.code.as_str(),
                "fingerprint": fingerprint(d),
                "severity": severity,
                "location": { "path": d.file, "lines": { "begin": d.line.max(1) } },
            })
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_default() + "\n"
}

/// A stable id for a problem, so GitLab can tell new problems from known ones
/// (FNV-1a over code, file, line and the English message, so that it stays the same
/// whichever language the report is in).
fn fingerprint(d: &Diagnostic) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let message = d.message.render(Lang::En);
    let key = format!("{}\0{}\0{}\0{message}", d.code.as_str(), d.file, d.line);
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_where_yaml_ends_them() {
        let lines = |t| source_lines(t).collect::<Vec<_>>();
        assert_eq!(lines("a\r\nb\rc\nd"), ["a", "b", "c", "d"]);
        assert_eq!(lines("a\n"), ["a", ""]);
        assert_eq!(lines(""), [""]);
        assert_eq!(lines("\r\r\n"), ["", "", ""]);
    }

    fn sample() -> Diagnostic {
        Diagnostic::new(
            Code::BrokenReference,
            Path::new("data/projects/a, b.yaml"),
            Position {
                line: 7,
                column: 8,
                length: 3,
            },
            crate::text!(
                "validate.reference.none",
                kind = Text::new("noun.org"),
                id = "x: 100%"
            ),
        )
        .hint(crate::text!("common.did_you_mean", name = "y"))
    }

    #[test]
    fn github_annotations_escape_and_locate() {
        let out = render_github(&[sample()], Lang::En);
        assert_eq!(
            out,
            "::error file=data/projects/a%2C b.yaml,line=7,col=8,title=E0203::no organization has the id `x: 100%25`%0Ahelp: did you mean `y`?\n"
        );
    }

    #[test]
    fn gitlab_report_has_path_line_and_stable_fingerprint() {
        let out = render_gitlab(&[sample()], Lang::Zh);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json[0]["location"]["path"], "data/projects/a, b.yaml");
        assert_eq!(json[0]["location"]["lines"]["begin"], 7);
        assert_eq!(json[0]["check_name"], "E0203");
        assert_eq!(out, render_gitlab(&[sample()], Lang::Zh));
        let english: serde_json::Value =
            serde_json::from_str(&render_gitlab(&[sample()], Lang::En)).unwrap();
        assert_eq!(json[0]["fingerprint"], english[0]["fingerprint"]);
    }
}
