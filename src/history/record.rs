//! One record file's contents as typed values, and the fields that differ between two
//! versions of it.
//!
//! A version is parsed with the same record types as the loader and turned into JSON
//! through their `Serialize` impls, so that a change is a change of the typed value:
//! reformatting, comments, quoting or a defaulted field written out are not changes,
//! and money or dates compare as values.

use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::messages::Lang;
use crate::model::Markdown;
use crate::model::kind::{Fields, KindVisitor, Record, RecordKind, Single};
use crate::yaml::{parse_document, parse_yaml};

/// Why a version of a record file does not parse: shown to editors in its history
/// and in `greenproc diff`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionError {
    /// The bytes are not UTF-8 text.
    NotText,
    /// The text is not a record of its kind: the parser's message.
    NotRecord(String),
}

impl std::fmt::Display for VersionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VersionError::NotText => f.write_str("not UTF-8 text"),
            VersionError::NotRecord(message) => f.write_str(message),
        }
    }
}

/// Parses one version of a file of `kind` into its typed value as JSON; a Markdown
/// document's body is the field `body`.
pub fn parse_version(kind: RecordKind, bytes: &[u8]) -> Result<Value, VersionError> {
    let text = std::str::from_utf8(bytes).map_err(|_| VersionError::NotText)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    kind.visit(ParseVersion(text))
}

/// Parses a version's text with its kind's type.
struct ParseVersion<'a>(&'a str);

impl KindVisitor for ParseVersion<'_> {
    type Output = Result<Value, VersionError>;

    fn single<T: Single>(self) -> Self::Output {
        yaml::<T>(self.0)
    }

    fn yaml<R: Record + Fields>(self) -> Self::Output {
        yaml::<R>(self.0)
    }

    fn markdown<M: Fields>(self) -> Self::Output
    where
        Markdown<M>: Record,
    {
        markdown::<M>(self.0)
    }
}

fn yaml<T: DeserializeOwned + Serialize>(text: &str) -> Result<Value, VersionError> {
    let record: T = parse_yaml(text).map_err(|e| VersionError::NotRecord(e.to_string()))?;
    serde_json::to_value(&record).map_err(|e| VersionError::NotRecord(e.to_string()))
}

fn markdown<T: DeserializeOwned + Serialize>(text: &str) -> Result<Value, VersionError> {
    let document = parse_document::<T>(Path::new(""), text)
        .map_err(|found| VersionError::NotRecord(found[0].message.render(Lang::En)))?;
    document
        .to_json()
        .map_err(|e| VersionError::NotRecord(e.to_string()))
}

/// A record's id (`id` field) in a parsed version, when it has one.
pub fn id_of(value: &Value) -> Option<&str> {
    value.get("id")?.as_str()
}

/// A record's name or title in a parsed version, when it has one.
pub fn title_of(value: &Value) -> Option<&str> {
    value.get("name").or_else(|| value.get("title"))?.as_str()
}

/// One field that differs between two versions of a record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// Dotted path, list items by their 0-based index: `procurement.budget`,
    /// `lifecycle.5`, `materials.2.amount`.
    pub path: String,
    /// The value before; `null` when the field was absent or empty.
    pub old: Value,
    /// The value after; `null` when the field was removed.
    pub new: Value,
}

/// The fields that differ between `old` and `new`, in path order. Maps are compared
/// key by key, lists item by item (items beyond the shorter list are added or
/// removed whole); everything else is compared as a value. Absent and empty values
/// are the same.
pub fn field_changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    compare("", old, new, &mut changes);
    changes
}

fn compare(path: &str, old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let empty = Map::new();
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let old = a.get(key).unwrap_or(&Value::Null);
                let new = b.get(key).unwrap_or(&Value::Null);
                // A whole map appearing or disappearing is listed by its leaves too,
                // so that labels of nested fields apply.
                match (old, new) {
                    (Value::Null, Value::Object(_)) => {
                        compare(&join(key), &Value::Object(empty.clone()), new, out)
                    }
                    (Value::Object(_), Value::Null) => {
                        compare(&join(key), old, &Value::Object(empty.clone()), out)
                    }
                    _ => compare(&join(key), old, new, out),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                let old = a.get(i).unwrap_or(&Value::Null);
                let new = b.get(i).unwrap_or(&Value::Null);
                compare(&join(&i.to_string()), old, new, out);
            }
        }
        _ if old != new && !(is_empty(old) && is_empty(new)) => out.push(FieldChange {
            path: path.to_owned(),
            old: old.clone(),
            new: new.clone(),
        }),
        _ => {}
    }
}

/// Whether a value says nothing: absent, or an empty text, list or map (what an
/// optional field defaults to).
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// A field path without list indices, the key its label has in the theme's strings:
/// `materials.2.amount` → `materials.amount`.
pub fn label_key(path: &str) -> String {
    path.split('.')
        .filter(|part| !part.bytes().all(|b| b.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_are_leaf_paths_with_list_indices() {
        let old = json!({"name": "a", "procurement": {"budget": 1.0, "method": "x"},
            "lifecycle": [{"stage": "approval"}], "award": null});
        let new = json!({"name": "a", "procurement": {"budget": 2.5, "method": "x"},
            "lifecycle": [{"stage": "approval"}, {"stage": "design"}],
            "award": {"amount": 3.0}});
        let paths: Vec<String> = field_changes(&old, &new)
            .into_iter()
            .map(|c| c.path)
            .collect();
        assert_eq!(paths, ["award.amount", "lifecycle.1", "procurement.budget"]);
        assert!(field_changes(&new, &new).is_empty());
        assert_eq!(label_key("materials.2.amount"), "materials.amount");
    }
}
