//! YAML as editors write it: one record per file parsed within limits on nesting,
//! nodes and aliases, Markdown front matter split from its body, and the parser's
//! errors turned into diagnostics with a code and a hint.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{Budget, Options};

use crate::diagnostic::{Code, Diagnostic, Position, source_lines};
use crate::messages::Text;
use crate::model::Markdown;
use crate::model::value::{NOT_A_DATE, NOT_MONEY};
use crate::suggest::closest;
use crate::text;

/// Most problems reported for one file; beyond them an editor fixes what is shown and
/// runs `check` again. It also bounds the parses of a file to this many.
const MAX_PROBLEMS_PER_FILE: usize = 20;

/// Largest text searched for more than one problem: records are a few kilobytes, and
/// twenty parses of this much stay within a blink.
const MAX_SEARCHED_BYTES: usize = 64 * 1024;

/// Parses the text of a YAML record file into its record, or gives every problem of
/// its fields the parser lets us find (at least one).
///
/// The parser stops at the first value of the wrong type. To find the next, the
/// faulty entry is set aside (an unknown field blanked out, a wrong value replaced by
/// one of the expected kind) and the text parsed again; a problem is kept only if it
/// is about a field and lies on a later line than the one before it, so that nothing
/// the setting aside caused is reported, and a missing field that an unknown one was
/// taken for
/// (`organiser` for `organizer`) is the same mistake, not another. Syntax errors end
/// the search: what follows one is not reliable.
pub fn parse_record<T: DeserializeOwned>(file: &Path, text: &str) -> Result<T, Vec<Diagnostic>> {
    let mut error = match parse_yaml(text) {
        Ok(record) => {
            return match field_read_as_text(file, text) {
                Some(slip) => Err(vec![slip]),
                None => Ok(record),
            };
        }
        Err(error) => error,
    };
    // A slip of a Chinese keyboard misleads the parser into a distant message, or a
    // column off by the tab: when a file fails, such a slip is named as the cause.
    if let Some(slip) = keyboard_slip(file, text) {
        return Err(vec![slip]);
    }
    let mut found = vec![yaml_diagnostic(file, &error)];
    if text.len() > MAX_SEARCHED_BYTES {
        return Err(found);
    }
    let mut text = text.to_owned();
    let mut meant: Vec<&str> = Vec::new();
    // Twice the problems: a value set aside on a line may need a second try there.
    for _ in 0..2 * MAX_PROBLEMS_PER_FILE {
        if found.len() == MAX_PROBLEMS_PER_FILE {
            break;
        }
        if let serde_saphyr::Error::SerdeUnknownField {
            field, expected, ..
        } = &error
            && let Some(near) = closest(field, expected)
        {
            meant.push(near);
        }
        let Some(aside) = set_aside(&text, &error) else {
            break;
        };
        text = aside;
        error = match parse_yaml::<T>(&text) {
            Ok(_) => break,
            Err(next) => next,
        };
        if let serde_saphyr::Error::SerdeMissingField { field, .. } = &error
            && meant.contains(field)
        {
            break;
        }
        let next = yaml_diagnostic(file, &error);
        let last = &found[found.len() - 1];
        if !next.code.as_str().starts_with("E01") || next.line < last.line {
            break;
        }
        // On the same line, the problem is the stand-in's (an empty amount given `x`):
        // set it aside again, unreported.
        if next.line > last.line {
            found.push(next);
        }
    }
    Err(found)
}

/// `text` with the entry `error` is about set aside, so that a parse can go on past
/// it; `None` when it cannot be done safely.
fn set_aside(text: &str, error: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::Error as E;
    // Line ends other than `\n` and `\r\n` would number lines differently here.
    if text.replace("\r\n", "\n").contains('\r') {
        return None;
    }
    let location = error.location()?;
    let (line, column) = (location.line() as usize, location.column() as usize);
    let value = |placeholder: &str| replace_value(text, line, column, placeholder);
    match error {
        E::SerdeUnknownField { .. } | E::DuplicateMappingKey { .. } => {
            blank_entry(text, line, column)
        }
        E::SerdeUnknownVariant { expected, .. } => value(expected.first()?),
        E::InvalidScalar { ty, .. } => value(placeholder(&expected_kind(ty))?),
        E::SerdeInvalidType { expected, .. } | E::SerdeInvalidValue { expected, .. } => {
            value(placeholder(&expected_kind(expected))?)
        }
        E::Unexpected { expected, .. } => value(placeholder(&expected_kind(expected))?),
        E::NullIntoString { .. } => value("x"),
        E::Message { msg, .. } if msg.starts_with(NOT_A_DATE) => value("2000-01-01"),
        E::Message { msg, .. } if msg.starts_with(NOT_MONEY) => value("0"),
        _ => None,
    }
}

/// A value of the kind `expected` names, to stand in for a wrong one.
fn placeholder(expected: &Text) -> Option<&'static str> {
    Some(match expected.key() {
        "yaml.kind.text" => "x",
        "yaml.kind.number" | "yaml.kind.whole_number" | "yaml.kind.money" => "0",
        "yaml.kind.boolean" => "false",
        "yaml.kind.list" => "[]",
        "yaml.kind.fields" => "{}",
        "yaml.kind.date" => "2000-01-01",
        _ => return None,
    })
}

/// `text` with the lines split after each `\n`, the line ends kept.
fn lines_of(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The byte offset of 1-based character `column` in `line`.
fn offset_of(line: &str, column: usize) -> Option<usize> {
    line.char_indices()
        .nth(column.checked_sub(1)?)
        .map(|(offset, _)| offset)
}

/// `text` with the mapping entry whose key is at `line`:`column` blanked: the key,
/// its value, and the lines below indented deeper than the key. Line numbers stay.
fn blank_entry(text: &str, line: usize, column: usize) -> Option<String> {
    let lines = lines_of(text);
    let index = line.checked_sub(1)?;
    let at = offset_of(lines.get(index)?, column)?;
    let indent = column - 1;
    let mut out = String::with_capacity(text.len());
    for (i, current) in lines.iter().enumerate() {
        let end = &current[current.trim_end_matches(['\r', '\n']).len()..];
        if i == index {
            out.push_str(&current[..at]);
            out.push_str(end);
        } else if i > index && deeper(indent, &lines[index + 1..=i]) {
            out.push_str(end);
        } else {
            out.push_str(current);
        }
    }
    Some(out)
}

/// Whether the last of `below`, the lines under a blanked key indented by `indent`
/// spaces, still belongs to that key's value: every line from the key down to it is
/// blank or indented deeper.
fn deeper(indent: usize, below: &[&str]) -> bool {
    below.iter().all(|l| {
        let content = l.trim_end_matches(['\r', '\n']);
        content.trim().is_empty() || content.len() - content.trim_start_matches(' ').len() > indent
    })
}

/// `text` with the single-line value at `line`:`column` replaced by `placeholder`:
/// a plain scalar up to a comment, a quoted one, or a flow list or map closed on the
/// same line; or, where the parser points at the colon of a key with no value (as
/// in the forms `greenproc new` writes), the placeholder put after it. `None` for
/// anything else (a block, a value inside a flow collection).
fn replace_value(text: &str, line: usize, column: usize, placeholder: &str) -> Option<String> {
    let lines = lines_of(text);
    let index = line.checked_sub(1)?;
    let current = lines.get(index)?;
    let content = current.trim_end_matches(['\r', '\n']);
    let at = offset_of(content, column)?;
    if content[..at].contains(['[', '{']) {
        return None;
    }
    let rest = &content[at..];
    // The span of the line to replace, and what replaces it.
    let (start, end, with) = if let Some(after) = rest.strip_prefix(':') {
        let value = after.split(" #").next().unwrap_or_default();
        if !value.trim().is_empty() {
            return None;
        }
        (at + 1, at + 1 + value.len(), format!(" {placeholder}"))
    } else {
        let len = match rest.chars().next()? {
            '[' | '{' => closing(rest)?,
            quote @ ('"' | '\'') => rest[1..].find(quote)? + 2,
            '|' | '>' | '&' | '*' | '!' => return None,
            _ => rest.find(" #").unwrap_or(rest.len()),
        };
        (at, at + len, placeholder.to_owned())
    };
    // The lines keep their line ends, so the line starts at the bytes before it.
    let line_start: usize = lines[..index].iter().map(|l| l.len()).sum();
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..line_start + start]);
    out.push_str(&with);
    out.push_str(&text[line_start + end..]);
    Some(out)
}

/// The length of the flow collection `rest` begins with, through its closing bracket
/// on the same line, quotes aside.
fn closing(rest: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in rest.char_indices() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            '"' | '\'' => return None,
            _ => {}
        }
    }
    None
}

/// Characters that can slip into a line's indentation, with the messages for each.
const INDENT_SLIPS: [(char, &str, &str); 2] = [
    ('\t', "yaml.tab_indent", "yaml.tab_indent_hint"),
    (
        '\u{3000}',
        "yaml.fullwidth_space_indent",
        "yaml.fullwidth_space_indent_hint",
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
                    Diagnostic::new(Code::YamlSyntax, file, at(column), Text::new(message))
                        .hint(Text::new(hint)),
                );
            }
        }
        if let Some((column, key)) = fullwidth_colon(line) {
            return Some(
                Diagnostic::new(
                    Code::YamlSyntax,
                    file,
                    at(column),
                    text!("yaml.fullwidth_colon", key = key),
                )
                .hint(text!("yaml.fullwidth_colon_hint", key = key)),
            );
        }
    }
    None
}

/// A field name (lower-case ASCII, as every field is) at the start of `line`, after
/// its indentation and any `- `, followed by a full-width colon `：` where `:` belongs:
/// the colon's 0-based column and the name.
fn fullwidth_colon(line: &str) -> Option<(usize, &str)> {
    let rest = line
        .trim_start_matches([' ', '\t', '\u{3000}'])
        .trim_start_matches("- ");
    let key_len = rest
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        .unwrap_or(rest.len());
    let key = &rest[..key_len];
    let starts_with_letter = key.starts_with(|c: char| c.is_ascii_lowercase());
    (starts_with_letter && rest[key_len..].starts_with('：')).then(|| {
        let column = line[..line.len() - rest.len() + key_len].chars().count();
        (column, key)
    })
}

/// In a file that parsed, the first line that starts with a field name and a
/// full-width colon: YAML read it as part of a text (the continuation of the value
/// above, or a list item), so the field the editor meant is not set.
fn field_read_as_text(file: &Path, text: &str) -> Option<Diagnostic> {
    source_lines(text).enumerate().find_map(|(index, line)| {
        let (column, key) = fullwidth_colon(line)?;
        let at = Position {
            line: index as u64 + 1,
            column: column as u64 + 1,
            length: 1,
        };
        Some(
            Diagnostic::new(
                Code::FieldReadAsText,
                file,
                at,
                text!("yaml.field_read_as_text", key = key),
            )
            .hint(text!("yaml.fullwidth_colon_hint", key = key)),
        )
    })
}

/// Parses the text of a Markdown document: its front matter into `T`, and its body.
pub fn parse_document<T: DeserializeOwned>(
    file: &Path,
    text: &str,
) -> Result<Markdown<T>, Vec<Diagnostic>> {
    let Some((front, body)) = split_front_matter(text) else {
        return Err(vec![
            Diagnostic::new(
                Code::FrontMatter,
                file,
                Position {
                    line: 1,
                    column: 1,
                    length: 3,
                },
                Text::new("yaml.front_matter"),
            )
            .hint(Text::new("yaml.front_matter_hint")),
        ]);
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
        E::SerdeUnknownField {
            field, expected, ..
        } => (
            Code::UnknownField,
            text!("yaml.unknown_field", field = field.as_str()),
            match closest(field, expected) {
                Some(best) => text!("common.did_you_mean", name = best),
                None => text!("yaml.fields_allowed", fields = expected.join(", ")),
            },
        ),
        E::SerdeMissingField { field, .. } => (
            Code::MissingField,
            text!("yaml.missing_field", field = *field),
            text!("yaml.missing_field_hint", field = *field),
        ),
        // An empty value where one of a list is expected (as `new` leaves it).
        E::SerdeUnknownVariant {
            variant, expected, ..
        } if ["~", ""].contains(&variant.as_str()) => (
            Code::WrongType,
            Text::new("yaml.empty_value"),
            text!("yaml.values_allowed", allowed = expected.join(", ")),
        ),
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => (
            Code::WrongType,
            text!("yaml.unknown_value", value = variant),
            match closest(variant, expected) {
                Some(best) => text!(
                    "yaml.unknown_value_near",
                    name = best,
                    allowed = expected.join(", ")
                ),
                None => text!("yaml.values_allowed", allowed = expected.join(", ")),
            },
        ),
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | E::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => (
            Code::WrongType,
            text!(
                "yaml.wrong_type",
                expected = expected_kind(expected),
                found = found_kind(unexpected)
            ),
            Text::new("yaml.wrong_type_hint"),
        ),
        E::InvalidScalar { ty, .. } => (
            Code::WrongType,
            text!("yaml.invalid_scalar", kind = expected_kind(ty)),
            Text::new("yaml.invalid_scalar_hint"),
        ),
        E::Unexpected { expected, .. } => (
            Code::WrongType,
            text!("yaml.unexpected", expected = expected_kind(expected)),
            Text::new("yaml.unexpected_hint"),
        ),
        E::NullIntoString { .. } => (
            Code::WrongType,
            Text::new("yaml.empty_value"),
            Text::new("yaml.empty_value_hint"),
        ),
        E::Message { msg, .. } => custom_message(msg),
        E::DuplicateMappingKey { key, .. } => (
            Code::DuplicateKey,
            match key {
                Some(key) => text!("yaml.duplicate_key", key = key),
                None => Text::new("yaml.duplicate_key_unnamed"),
            },
            Text::new("yaml.duplicate_key_hint"),
        ),
        E::Budget {
            breach: serde_saphyr::budget::BudgetBreach::Documents { .. },
            ..
        }
        | E::MultipleDocuments { .. } => (
            Code::YamlSyntax,
            Text::new("yaml.documents"),
            Text::new("yaml.documents_hint"),
        ),
        E::Budget { breach, .. } => (
            Code::ResourceLimit,
            text!("yaml.budget", breach = format!("{breach:?}")),
            Text::new("yaml.budget_hint"),
        ),
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => (
            Code::ResourceLimit,
            Text::new("yaml.aliases"),
            Text::new("yaml.aliases_hint"),
        ),
        E::ExternalMessage { msg, .. } if msg.contains("recursion limit") => (
            Code::ResourceLimit,
            Text::new("yaml.too_deep"),
            Text::new("yaml.too_deep_hint"),
        ),
        other => syntax_message(&first_line(&other.to_string())),
    };
    Diagnostic::new(code, file, position, message).hint(hint)
}

/// A syntax error worded for editors: the parser's most common messages, each with
/// what usually causes it; any other with the parser's own words.
fn syntax_message(detail: &str) -> (Code, Text, Text) {
    const KNOWN: [(&str, &str); 8] = [
        ("mapping values are not allowed", "yaml.syntax_colon"),
        ("did not find expected key", "yaml.syntax_key"),
        ("did not find expected '-' indicator", "yaml.syntax_dash"),
        ("expected ',' or ']'", "yaml.syntax_bracket"),
        ("expected ',' or '}'", "yaml.syntax_bracket"),
        ("unclosed bracket", "yaml.syntax_bracket"),
        ("quoted scalar", "yaml.syntax_quote"),
        ("unknown anchor", "yaml.syntax_anchor"),
    ];
    match KNOWN.iter().find(|(phrase, _)| detail.contains(phrase)) {
        Some((_, key)) => (
            Code::YamlSyntax,
            Text::new(key),
            Text::new("yaml.syntax_hint"),
        ),
        None => (
            Code::YamlSyntax,
            text!("yaml.syntax", detail = detail),
            Text::new("yaml.syntax_hint"),
        ),
    }
}

/// A message a value type gave the parser: dates and money are worded here, anything
/// else is shown as it is.
fn custom_message(msg: &str) -> (Code, Text, Text) {
    if let Some(value) = msg.strip_prefix(NOT_A_DATE) {
        (
            Code::WrongType,
            text!("yaml.not_a_date", value = value),
            Text::new("yaml.not_a_date_hint"),
        )
    } else if let Some(value) = msg.strip_prefix(NOT_MONEY) {
        (
            Code::WrongType,
            text!("yaml.not_money", value = value),
            Text::new("yaml.not_money_hint"),
        )
    } else {
        (
            Code::WrongType,
            text!("yaml.other", detail = msg),
            Text::new("yaml.other_hint"),
        )
    }
}

/// What the parser expected, as editors call it: the phrases serde and the value
/// types use, with anything else shown as it is.
fn expected_kind(expected: &str) -> Text {
    let key = match expected {
        "a string" | "string" | "string scalar" | "str expected" => "yaml.kind.text",
        "a sequence" | "sequence" | "sequence start" => "yaml.kind.list",
        "a map" | "map" | "mapping" | "mapping start" => "yaml.kind.fields",
        "scalar" | "single YAML node" => "yaml.kind.value",
        "a boolean" | "boolean" | "bool" => "yaml.kind.boolean",
        "floating point" | "f64" | "f32" | "a number" => "yaml.kind.number",
        "a date written as YYYY-MM-DD" => "yaml.kind.date",
        "an amount in yuan" => "yaml.kind.money",
        e if e.starts_with("struct ") => "yaml.kind.fields",
        e if e.starts_with(['u', 'i'])
            && e.len() > 1
            && e[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            "yaml.kind.whole_number"
        }
        e if e.starts_with("a ") && e.contains("integer") => "yaml.kind.whole_number",
        other => return text!("yaml.kind.other", name = other),
    };
    Text::new(key)
}

/// What the parser found instead, from serde's description of it (`string "x"`,
/// `integer `3``, `sequence`, `map`...).
fn found_kind(unexpected: &str) -> Text {
    let (kind, value) = match unexpected.split_once(' ') {
        Some((kind, value)) => (kind, value.trim_matches(['"', '`'])),
        None => (unexpected, ""),
    };
    let key = match kind {
        "string" => "yaml.found.text",
        "integer" | "floating" => "yaml.found.number",
        "boolean" => "yaml.found.boolean",
        "sequence" => "yaml.found.list",
        "map" => "yaml.found.fields",
        "unit" | "null" => "yaml.found.empty",
        _ => return text!("yaml.kind.other", name = unexpected),
    };
    Text::new(key).arg("value", value)
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
