//! JSON Schemas of every YAML kind, generated from the record types so that they can
//! never drift from what `check` accepts. Editors' tools (VS Code's YAML extension)
//! use them to complete and check fields while typing.

use schemars::{JsonSchema, generate::SchemaSettings};

use crate::model::Markdown;
use crate::model::kind::{Fields, KINDS, KindVisitor, Record, RecordKind, Single};

/// The JSON Schema (draft 2020-12) of a kind's files: of a document's front matter
/// for the Markdown kinds.
pub fn schema_of(kind: RecordKind) -> serde_json::Value {
    kind.visit(SchemaOf)
}

/// Makes the schema of a kind's type.
struct SchemaOf;

impl KindVisitor for SchemaOf {
    type Output = serde_json::Value;

    fn single<T: Single>(self) -> Self::Output {
        schema_of_type::<T>()
    }

    fn yaml<R: Record + Fields>(self) -> Self::Output {
        schema_of_type::<R>()
    }

    fn markdown<M: Fields>(self) -> Self::Output
    where
        Markdown<M>: Record,
    {
        schema_of_type::<M>()
    }
}

fn schema_of_type<T: JsonSchema>() -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    generator.into_root_schema_for::<T>().to_value()
}

/// Every schema as `(path under the site, pretty JSON)`, e.g. `schema/project.json`,
/// named by [`crate::model::kind::KindInfo::name`].
pub fn schema_files() -> Vec<(String, String)> {
    KINDS
        .iter()
        .map(|info| {
            let json = serde_json::to_string_pretty(&schema_of(info.kind)).unwrap_or_default();
            (format!("schema/{}.json", info.name), json + "\n")
        })
        .collect()
}
