//! CSV downloads: UTF-8 with a byte-order mark, so that Excel in a Chinese locale
//! opens them as UTF-8 instead of guessing GBK; header row of field names.

use super::tables::Table;
use super::{ExportError, ExportFile};

/// The UTF-8 byte-order mark.
pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `data/<dataset>.csv`.
pub(super) fn write(table: &Table) -> Result<ExportFile, ExportError> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    writer.write_record(table.def.fields.iter().map(|f| f.name.as_str()))?;
    for row in &table.rows {
        writer.write_record(row.iter().map(|cell| cell.text()))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ExportError::Csv(e.into_error().into()))?;
    Ok(ExportFile {
        path: format!("data/{}.csv", table.def.name),
        bytes,
    })
}
