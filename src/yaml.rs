//! YAML as editors write it: one record per file parsed within limits on nesting,
//! nodes and aliases, Markdown front matter split from its body, and the parser's
//! errors turned into diagnostics with a code and a hint.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{Budget, Options};

use crate::diagnostic::{Code, Diagnostic, Position, source_lines};
use crate::model::Markdown;
use crate::suggest::closest;

/// Parses the text of a YAML record file into its record.
pub fn parse_record<T: DeserializeOwned>(file: &Path, text: &str) -> Result<T, Diagnostic> {
    // A slip of a Chinese keyboard misleads the parser into a distant message, or a
    // column off by the tab: when a file fails, such a slip is named as the cause.
    parse_yaml(text)
        .map_err(|error| keyboard_slip(file, text).unwrap_or_else(|| yaml_diagnostic(file, &error)))
}

/// Characters that can slip into a line's indentation, with what to say of each.
const INDENT_SLIPS: [(char, &str, &str); 2] = [
    (
        '\t',
        "a tab indents this line; YAML indents with spaces only",
        "replace the tab with spaces, as many as the lines above use",
    ),
    (
        '\u{3000}',
        "a full-width space (U+3000, 全角空格) indents this line; YAML indents with ordinary spaces only",
        "delete it and indent with half-width (半角) spaces: switch the input method to half-width first",
    ),
];

/// The first line indented with a tab or a full-width space, or whose field name is
/// followed by a full-width colon, as a diagnostic at that character.
fn keyboard_slip(file: &Path, text: &str) -> Option<Diagnostic> {
    for (index, line) in source_lines(text).enumerate() {
        let at = |column: usize| Position {
            line: index as u64 + 1,
            column: column as u64 + 1,
            length: 1,
        };
        let indent: Vec<char> = line
            .chars()
            .take_while(|&c| c == ' ' || INDENT_SLIPS.iter().any(|s| s.0 == c))
            .collect();
        for (slip, message, hint) in INDENT_SLIPS {
            if let Some(column) = indent.iter().position(|&c| c == slip) {
                return Some(
                    Diagnostic::new(Code::YamlSyntax, file, at(column), message).hint(hint),
                );
            }
        }
        // A field name (ASCII, as every field is) and then `：` where `:` belongs.
        let rest =
            line[indent.iter().map(|c| c.len_utf8()).sum::<usize>()..].trim_start_matches("- ");
        let key_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if key_len > 0 && rest[key_len..].starts_with('：') {
            let key = &rest[..key_len];
            let column = line[..line.len() - rest.len() + key_len].chars().count();
            return Some(
                Diagnostic::new(
                    Code::YamlSyntax,
                    file,
                    at(column),
                    format!("a full-width colon `：` (U+FF1A) follows the field name `{key}`; YAML needs the ASCII colon `:`"),
                )
                .hint(format!("write `{key}: ` with a half-width colon and a space after it")),
            );
        }
    }
    None
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

// Long because it is one match with an arm per kind of parser error, each with the
// message and hint editors see for it.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_splits_at_second_fence() {
        let (front, body) = split_front_matter("---\nid: a\n---\n# T\n").unwrap();
        assert_eq!(front, "id: a\n");
        assert_eq!(body, "# T\n");
        assert!(split_front_matter("# no front matter").is_none());
    }
}
