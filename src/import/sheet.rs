//! Reading a workbook (`.xlsx`, `.xls`, `.xlsb`, `.ods`) or a CSV file into sheets of
//! cells, with what a spreadsheet shows but a cell does not hold: merged regions,
//! hidden rows and formulas.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Sheets, open_workbook_auto};

use super::cell::{Raw, date_text};
use crate::model::Date;

/// Largest workbook or CSV file read, in bytes: a city's full catalog is a few
/// megabytes; the limit keeps a stray dump from taking the machine's memory.
pub(crate) const MAX_WORKBOOK_BYTES: u64 = 64 * 1024 * 1024;

/// Most bytes the parts of a zipped workbook (`.xlsx`, `.ods`) may unpack to: a
/// catalog of 100,000 rows is about 100 MB of sheet XML; a small file claiming
/// gigabytes is a zip bomb, refused before anything is unpacked.
const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;

/// A merged region: its first and last (row, column), 0-based.
pub(crate) type Region = ((u32, u32), (u32, u32));

/// One sheet's cells.
#[derive(Debug, Default)]
pub(crate) struct Sheet {
    /// The sheet's name (a CSV file's name without its extension).
    pub name: String,
    /// Rows from the sheet's first row (index 0 is row 1), cells from column A.
    pub rows: Vec<Vec<Raw>>,
    /// Merged regions.
    pub merged: Vec<Region>,
    /// Cells holding a formula, whose value is the one last computed.
    pub formulas: HashSet<(u32, u32)>,
    /// Rows hidden in the spreadsheet (0-based).
    pub hidden: HashSet<u32>,
}

impl Sheet {
    /// The cell at `row`, `column` (0-based).
    pub(crate) fn cell(&self, row: usize, column: usize) -> &Raw {
        self.rows
            .get(row)
            .and_then(|r| r.get(column))
            .unwrap_or(&Raw::Empty)
    }
}

/// The spreadsheet address of a cell: `D12`.
pub(crate) fn address(row: usize, column: usize) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// Reads every sheet of the file at `path`, by its extension.
pub(crate) fn read(path: &Path) -> Result<Vec<Sheet>, String> {
    let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if size > MAX_WORKBOOK_BYTES {
        return Err(format!("{size} > {MAX_WORKBOOK_BYTES} bytes"));
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if extension == "csv" {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        return csv_sheet(name, &bytes).map(|sheet| vec![sheet]);
    }
    if let Ok(file) = std::fs::File::open(path)
        && let Ok(mut zip) = zip::ZipArchive::new(file)
    {
        let mut unpacked: u64 = 0;
        for i in 0..zip.len() {
            let size = zip.by_index_raw(i).map_err(|e| e.to_string())?.size();
            unpacked = unpacked.saturating_add(size);
        }
        if unpacked > MAX_UNPACKED_BYTES {
            return Err(format!(
                "unpacks to {unpacked} bytes, more than {MAX_UNPACKED_BYTES}"
            ));
        }
    }
    let mut workbook = open_workbook_auto(path).map_err(|e| e.to_string())?;
    let hidden_rows = if matches!(workbook, Sheets::Xlsx(_)) {
        xlsx_hidden_rows(path).unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(|e| e.to_string())?;
        let formulas = workbook.worksheet_formula(&name).ok();
        let merged = match &mut workbook {
            Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut sheet = Sheet {
            merged: merged.iter().map(|d| (d.start, d.end)).collect(),
            hidden: hidden_rows
                .iter()
                .find(|(sheet, _)| *sheet == name)
                .map(|(_, rows)| rows.iter().copied().collect())
                .unwrap_or_default(),
            name,
            ..Sheet::default()
        };
        if let Some((top, left)) = range.start() {
            let (height, width) = range.get_size();
            sheet.rows = vec![Vec::new(); top as usize + height];
            for (r, row) in range.rows().enumerate() {
                let mut cells = vec![Raw::Empty; left as usize];
                cells.extend(row.iter().map(raw));
                while cells.last() == Some(&Raw::Empty) {
                    cells.pop();
                }
                sheet.rows[top as usize + r] = cells;
            }
            debug_assert!(width > 0);
        }
        if let Some(formulas) = formulas
            && let Some((top, left)) = formulas.start()
        {
            for (r, c, formula) in formulas.used_cells() {
                if !formula.is_empty() {
                    sheet.formulas.insert((top + r as u32, left + c as u32));
                }
            }
        }
        sheets.push(sheet);
    }
    Ok(sheets)
}

fn raw(data: &Data) -> Raw {
    match data {
        Data::Empty => Raw::Empty,
        Data::String(s) => Raw::Text(s.clone()),
        Data::Int(i) => Raw::Number(*i as f64),
        Data::Float(f) => Raw::Number(*f),
        Data::Bool(b) => Raw::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (year, month, day, ..) = dt.to_ymd_hms_milli();
            Date::new(year.into(), month, day).map_or(Raw::Number(dt.as_f64()), Raw::Date)
        }
        Data::DateTime(dt) => Raw::Number(dt.as_f64()),
        Data::DateTimeIso(s) => date_text(s).map_or_else(|| Raw::Text(s.clone()), Raw::Date),
        Data::DurationIso(s) => Raw::Text(s.clone()),
        Data::Error(e) => Raw::Error(e.to_string()),
    }
}

/// A CSV file as one sheet of text cells: UTF-8 (with or without a byte-order mark),
/// or GB 18030, which Excel and WPS write for "CSV" on Chinese Windows.
fn csv_sheet(name: String, bytes: &[u8]) -> Result<Sheet, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut sheet = Sheet {
        name,
        ..Sheet::default()
    };
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        sheet.rows.push(
            record
                .iter()
                .map(|cell| {
                    if cell.is_empty() {
                        Raw::Empty
                    } else {
                        Raw::Text(cell.to_owned())
                    }
                })
                .collect(),
        );
    }
    Ok(sheet)
}

/// The hidden rows of each sheet of an `.xlsx` file, which calamine does not report:
/// `<row r="12" hidden="1">` in the sheet's XML, found through the workbook's
/// relationships.
fn xlsx_hidden_rows(path: &Path) -> Option<Vec<(String, Vec<u32>)>> {
    let file = std::fs::File::open(path).ok()?;
    let mut zip = zip::ZipArchive::new(file).ok()?;
    let mut part = |name: &str| -> Option<String> {
        let mut text = String::new();
        zip.by_name(name).ok()?.read_to_string(&mut text).ok()?;
        Some(text)
    };
    let workbook = part("xl/workbook.xml")?;
    let relations = part("xl/_rels/workbook.xml.rels")?;
    let targets: Vec<(String, String)> = elements(&relations, "Relationship")
        .into_iter()
        .filter_map(|attrs| Some((attr(&attrs, "Id")?, attr(&attrs, "Target")?)))
        .collect();
    let mut found = Vec::new();
    for attrs in elements(&workbook, "sheet") {
        let (Some(name), Some(id)) = (attr(&attrs, "name"), attr(&attrs, "r:id")) else {
            continue;
        };
        let Some((_, target)) = targets.iter().find(|(i, _)| *i == id) else {
            continue;
        };
        let target = target.trim_start_matches('/');
        let target = target
            .strip_prefix("xl/")
            .map_or_else(|| format!("xl/{target}"), |t| format!("xl/{t}"));
        let Some(xml) = part(&target) else {
            continue;
        };
        let rows: Vec<u32> = elements(&xml, "row")
            .into_iter()
            .filter(|attrs| matches!(attr(attrs, "hidden").as_deref(), Some("1" | "true")))
            .filter_map(|attrs| attr(&attrs, "r")?.parse::<u32>().ok()?.checked_sub(1))
            .collect();
        found.push((name, rows));
    }
    Some(found)
}

/// The attributes of every element named `name` in `xml`.
fn elements(xml: &str, name: &str) -> Vec<Vec<(String, String)>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut found = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.name().as_ref() == name => {
                let attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        let key: &str = a.key.as_ref();
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map(|v| v.into_owned())
                            .unwrap_or_default();
                        let key = key.to_owned();
                        (key, value)
                    })
                    .collect();
                found.push(attrs);
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    found
}

fn attr(attrs: &[(String, String)], name: &str) -> Option<String> {
    attrs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_count_columns_as_spreadsheets_do() {
        assert_eq!(address(0, 0), "A1");
        assert_eq!(address(11, 3), "D12");
        assert_eq!(address(0, 25), "Z1");
        assert_eq!(address(0, 26), "AA1");
        assert_eq!(address(0, 701), "ZZ1");
    }

    #[test]
    fn csv_in_gb18030_is_read() {
        let (bytes, ..) = encoding_rs::GB18030.encode("产品标识,产品名称\nx,名称\n");
        let sheet = csv_sheet("p".into(), &bytes).unwrap();
        assert_eq!(sheet.rows[1][1], Raw::Text("名称".into()));
    }
}
