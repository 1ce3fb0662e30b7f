//! XLSX downloads: one workbook per dataset, the rows on the first sheet (header of
//! field names, money and dates as real Excel numbers and dates) and the field
//! dictionary on the second.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::tables::{Cell, Table, definitions};
use super::{ExportError, ExportFile, Site};
use crate::model::Date;

/// Widest column, in characters: long text (policy bodies) would otherwise make
/// columns screens wide.
const MAX_WIDTH: f64 = 60.0;

/// Most characters Excel holds in one cell, counted in UTF-16 units (a character
/// outside the Basic Multilingual Plane counts twice).
const MAX_CELL_UNITS: usize = 32_767;

/// `text`, or when longer than a cell holds its beginning followed by `mark`, which
/// says where the whole text is: a policy's body can run past Excel's limit, and a
/// download never fails over it.
fn fit_cell<'t>(text: &'t str, mark: &str) -> std::borrow::Cow<'t, str> {
    if text.encode_utf16().count() <= MAX_CELL_UNITS {
        return text.into();
    }
    let room = MAX_CELL_UNITS - mark.encode_utf16().count();
    let mut used = 0;
    let mut cut: String = text
        .chars()
        .take_while(|c| {
            used += c.len_utf16();
            used <= room
        })
        .collect();
    cut.push_str(mark);
    cut.into()
}

/// `data/<dataset>.xlsx`.
pub(super) fn write(site: &Site, table: &Table) -> Result<ExportFile, ExportError> {
    let strings = &definitions()?.strings;
    let mut workbook = Workbook::new();
    // The creation date goes into docProps/core.xml: the data's as-of date keeps the
    // file identical across builds.
    let created = excel_date(site.as_of)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&table.def.title)
            .set_author(&site.config.publisher.name)
            .set_comment(&table.def.description)
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd");

    let sheet = workbook.add_worksheet();
    sheet.set_name(&table.def.name)?;
    let mut widths: Vec<usize> = table.def.fields.iter().map(|f| f.name.len()).collect();
    for (col, field) in table.def.fields.iter().enumerate() {
        sheet.write_string_with_format(0, column(col)?, &field.name, &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| too_big(table))?;
        for (col, cell) in row.iter().enumerate() {
            let c = column(col)?;
            match cell {
                Cell::Null => {}
                Cell::Text(s) => {
                    sheet.write_string(r, c, fit_cell(s, &strings.xlsx_cut).as_ref())?;
                }
                Cell::Int(i) => {
                    // Exact for every count a table holds (far below 2^53).
                    sheet.write_number(r, c, *i as f64)?;
                }
                Cell::Num(n) => {
                    sheet.write_number(r, c, *n)?;
                }
                Cell::Money(m) => {
                    sheet.write_number_with_format(r, c, m.yuan_f64(), &money)?;
                }
                // Excel's dates run from 1900 to 9999; a date outside them (a typo
                // such as 1011, which `check` lets through) stays text as written.
                Cell::Date(d) if !(1900..=9999).contains(&d.year()) => {
                    sheet.write_string(r, c, d.to_string())?;
                }
                Cell::Date(d) => {
                    sheet.write_datetime_with_format(r, c, excel_date(*d)?, &date)?;
                }
                Cell::Bool(b) => {
                    sheet.write_boolean(r, c, *b)?;
                }
            }
            widths[col] = widths[col].max(display_width(&cell.text()));
        }
    }
    for (col, width) in widths.into_iter().enumerate() {
        sheet.set_column_width(column(col)?, (width as f64 + 2.0).min(MAX_WIDTH))?;
    }
    sheet.set_freeze_panes(1, 0)?;

    let dictionary = workbook.add_worksheet();
    dictionary.set_name(&strings.dictionary_sheet)?;
    for (col, header) in strings.dictionary_headers.iter().enumerate() {
        dictionary.write_string_with_format(0, column(col)?, header, &bold)?;
    }
    for (r, field) in table.def.fields.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| too_big(table))?;
        let cells = [
            field.name.as_str(),
            field.label.as_str(),
            field.kind.name(),
            field.unit.as_str(),
            field.meaning.as_str(),
        ];
        for (col, text) in cells.into_iter().enumerate() {
            dictionary.write_string(r, column(col)?, text)?;
        }
    }
    for (col, width) in [16.0, 24.0, 10.0, 8.0, MAX_WIDTH].into_iter().enumerate() {
        dictionary.set_column_width(column(col)?, width)?;
    }
    Ok(ExportFile {
        path: format!("data/{}.xlsx", table.def.name),
        bytes: workbook.save_to_buffer()?,
    })
}

fn column(index: usize) -> Result<u16, ExportError> {
    u16::try_from(index).map_err(|_| ExportError::Definition("too many fields for a sheet".into()))
}

fn too_big(table: &Table) -> ExportError {
    ExportError::Definition(format!(
        "`{}` has more rows than a sheet holds",
        table.def.name
    ))
}

fn excel_date(date: Date) -> Result<ExcelDateTime, ExportError> {
    Ok(ExcelDateTime::parse_from_str(&date.to_string())?)
}

/// Width in Excel's character units: a CJK character takes two.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_keeps_the_most_text_excel_holds_and_says_so() {
        assert_eq!(fit_cell("短文本", "…"), "短文本");
        let long = "政".repeat(100_000);
        let cut = fit_cell(&long, "…（见 CSV）");
        assert_eq!(cut.encode_utf16().count(), MAX_CELL_UNITS);
        assert!(cut.ends_with("…（见 CSV）"));
        // A character outside the BMP takes two units and is never split.
        let astral = "𠀀".repeat(20_000);
        let cut = fit_cell(&astral, "…");
        assert!(cut.encode_utf16().count() <= MAX_CELL_UNITS);
        assert!(cut.trim_end_matches('…').chars().all(|c| c == '𠀀'));
    }
}
