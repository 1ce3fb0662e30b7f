//! `data/greenproc.sqlite`: every dataset as a table with primary and foreign keys,
//! plus `meta_datasets` and `meta_fields` holding the field dictionary, for Datasette,
//! DuckDB or any SQL tool.
//!
//! Money is a REAL column of yuan (the same number as in the CSV, convenient in SQL)
//! plus `<name>_fen`, an exact INTEGER of fen for sums that must not drift. The
//! database is built in memory and serialized, so no temporary file is involved and the
//! bytes depend only on the statements run.

use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use super::tables::{Cell, DatasetDef, FieldType, Table, definitions};
use super::{ExportError, ExportFile};

/// Where the database goes.
pub(super) const PATH: &str = "data/greenproc.sqlite";

/// Builds the database from every table.
pub(super) fn write(tables: &[Table]) -> Result<ExportFile, ExportError> {
    let mut db = Connection::open_in_memory()?;
    // Tables reference each other in both directions of the dataset order, so keys
    // are checked once, by the tests' `PRAGMA foreign_key_check`, not row by row.
    db.pragma_update(None, "foreign_keys", false)?;
    let tx = db.transaction()?;
    tx.execute_batch(
        "CREATE TABLE meta_datasets (name TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL);
         CREATE TABLE meta_fields (
             dataset TEXT NOT NULL REFERENCES meta_datasets(name), position INTEGER NOT NULL,
             name TEXT NOT NULL, label TEXT NOT NULL, type TEXT NOT NULL, unit TEXT,
             meaning TEXT NOT NULL, \"references\" TEXT, PRIMARY KEY (dataset, name));",
    )?;
    for def in &definitions()?.datasets {
        tx.execute(
            "INSERT INTO meta_datasets VALUES (?1, ?2, ?3)",
            (&def.name, &def.title, &def.description),
        )?;
        for (position, f) in def.fields.iter().enumerate() {
            tx.execute(
                "INSERT INTO meta_fields VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                (
                    &def.name,
                    i64::try_from(position + 1).unwrap_or(i64::MAX),
                    &f.name,
                    &f.label,
                    f.kind.name(),
                    (!f.unit.is_empty()).then_some(&f.unit),
                    &f.meaning,
                    &f.references,
                ),
            )?;
        }
    }
    for table in tables {
        tx.execute_batch(&create_table(table.def))?;
        let columns = columns(table.def);
        let placeholders = vec!["?"; columns.len()].join(", ");
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {} VALUES ({placeholders})",
            quote(&table.def.name)
        ))?;
        for row in &table.rows {
            let cells = row.iter().zip(&table.def.fields);
            insert.execute(params_from_iter(cells.flat_map(|(c, f)| values(c, f.kind))))?;
        }
        // After the rows, so each index is built once rather than grown row by row.
        tx.execute_batch(&create_indexes(table.def))?;
    }
    tx.commit()?;
    let bytes = db.serialize(rusqlite::MAIN_DB)?.to_vec();
    Ok(ExportFile {
        path: PATH.to_owned(),
        bytes,
    })
}

/// The column names of a table: one per field, two for money.
fn columns(def: &DatasetDef) -> Vec<String> {
    def.fields
        .iter()
        .flat_map(|f| {
            let fen = (f.kind == FieldType::Money).then(|| format!("{}_fen", f.name));
            std::iter::once(f.name.clone()).chain(fen)
        })
        .collect()
}

/// The cell's column values, matching [`columns`].
fn values(cell: &Cell, kind: FieldType) -> Vec<Value> {
    match cell {
        Cell::Null if kind == FieldType::Money => vec![Value::Null, Value::Null],
        Cell::Null => vec![Value::Null],
        Cell::Text(s) => vec![Value::Text(s.clone())],
        Cell::Int(i) => vec![Value::Integer(*i)],
        Cell::Num(n) => vec![Value::Real(*n)],
        Cell::Money(m) => vec![Value::Real(m.yuan_f64()), Value::Integer(m.fen())],
        Cell::Date(d) => vec![Value::Text(d.to_string())],
        Cell::Bool(b) => vec![Value::Integer(i64::from(*b))],
    }
}

fn create_table(def: &DatasetDef) -> String {
    let mut lines = Vec::new();
    for f in &def.fields {
        let not_null = if f.required { " NOT NULL" } else { "" };
        let sql_type = match f.kind {
            FieldType::String | FieldType::Date => "TEXT",
            FieldType::Integer | FieldType::Boolean => "INTEGER",
            FieldType::Number | FieldType::Money => "REAL",
        };
        lines.push(format!("{} {sql_type}{not_null}", quote(&f.name)));
        if f.kind == FieldType::Money {
            lines.push(format!(
                "{} INTEGER{not_null}",
                quote(&format!("{}_fen", f.name))
            ));
        }
    }
    let key: Vec<String> = def.primary_key.iter().map(|k| quote(k)).collect();
    lines.push(format!("PRIMARY KEY ({})", key.join(", ")));
    for f in &def.fields {
        if let Some((table, field)) = f.reference() {
            lines.push(format!(
                "FOREIGN KEY ({}) REFERENCES {}({})",
                quote(&f.name),
                quote(table),
                quote(field)
            ));
        }
    }
    format!(
        "CREATE TABLE {} (\n  {}\n);",
        quote(&def.name),
        lines.join(",\n  ")
    )
}

/// An index on every foreign-key column that does not lead the primary key, so that
/// filtering a table by what it references (100,000 products by manufacturer in
/// Datasette) is a lookup, not a scan.
fn create_indexes(def: &DatasetDef) -> String {
    def.fields
        .iter()
        .filter(|f| f.reference().is_some() && def.primary_key.first() != Some(&f.name))
        .map(|f| {
            format!(
                "CREATE INDEX {} ON {}({});",
                quote(&format!("{}_{}", def.name, f.name)),
                quote(&def.name),
                quote(&f.name)
            )
        })
        .collect()
}

/// An SQL identifier in double quotes: field names like `type` and `group` are
/// keywords.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
