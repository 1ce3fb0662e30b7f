//! `greenproc import` (issue 22): the site's own XLSX downloads come back unchanged
//! as no change and with three edited cells as exactly three changed values; what
//! spreadsheets do to data is handled or reported by sheet and cell; nothing is written
//! unless the whole import would pass `check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Reader};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

use crate::common::{self, assert_success, build, files};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// The sample site in a temporary folder, built once, with its downloads.
struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    output: PathBuf,
}

impl Site {
    fn sample() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        for part in ["data", "content", "files", "themes"] {
            common::copy_dir(&Path::new(MANIFEST).join(part), &root.join(part));
        }
        let output = dir.path().join("public");
        assert_success(&build(&root, &output, &["--quiet"]));
        Site {
            _dir: dir,
            root,
            output,
        }
    }

    /// The record files: `data/` and `content/`.
    fn records(&self) -> BTreeMap<String, Vec<u8>> {
        let mut all = BTreeMap::new();
        for part in ["data", "content"] {
            for (path, bytes) in files(&self.root.join(part)) {
                all.insert(format!("{part}/{path}"), bytes);
            }
        }
        all
    }

    fn import(&self, file: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_greenproc"))
            .arg("import")
            .arg(file)
            .arg("--root")
            .arg(&self.root)
            .args(args)
            .env("GREENPROC_LANG", "zh")
            .output()
            .expect("greenproc runs")
    }

    fn scratch(&self, name: &str) -> PathBuf {
        self.root.parent().unwrap().join(name)
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A cell as a spreadsheet program keeps it.
#[derive(Clone, Debug)]
enum Cell {
    Text(&'static str),
    Number(f64),
    Date(u16, u8, u8),
}

/// Opens `source` (a download of the site), sets `cells` of its first sheet and
/// saves it as `target`, keeping every other cell's type: what an editor's
/// spreadsheet program does with a download.
fn edit_xlsx(source: &Path, target: &Path, cells: &[(&str, Cell)]) {
    let mut book = calamine::open_workbook_auto(source).unwrap();
    let mut out = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (index, name) in book.sheet_names().into_iter().enumerate() {
        let range = book.worksheet_range(&name).unwrap();
        let sheet = out.add_worksheet();
        sheet.set_name(&name).unwrap();
        for (r, c, data) in range.used_cells() {
            let (r, c) = (r as u32, c as u16);
            match data {
                Data::String(s) => sheet.write_string(r, c, s).map(|_| ()),
                Data::Float(f) => sheet.write_number(r, c, *f).map(|_| ()),
                Data::Int(i) => sheet.write_number(r, c, *i as f64).map(|_| ()),
                Data::Bool(b) => sheet.write_boolean(r, c, *b).map(|_| ()),
                Data::DateTime(d) => {
                    let (y, m, day, ..) = d.to_ymd_hms_milli();
                    let value = ExcelDateTime::from_ymd(y, m, day).unwrap();
                    sheet.write_datetime_with_format(r, c, &value, &date).map(|_| ())
                }
                other => panic!("unexpected cell {other:?}"),
            }
            .unwrap();
        }
        if index == 0 {
            for (address, cell) in cells {
                let (r, c) = parse_address(address);
                match cell {
                    Cell::Text(s) => sheet.write_string(r, c, *s).map(|_| ()),
                    Cell::Number(n) => sheet.write_number(r, c, *n).map(|_| ()),
                    Cell::Date(y, m, d) => {
                        let value = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        sheet.write_datetime_with_format(r, c, &value, &date).map(|_| ())
                    }
                }
                .unwrap();
            }
        }
    }
    out.save(target).unwrap();
}

/// `D12` as 0-based row and column.
fn parse_address(address: &str) -> (u32, u16) {
    let letters: String = address.chars().take_while(char::is_ascii_uppercase).collect();
    let column = letters
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A') + 1)
        - 1;
    let row: u32 = address[letters.len()..].parse().unwrap();
    (row - 1, column as u16)
}

/// The column letter of the field `name` in a download's header row.
fn column_of(download: &Path, name: &str) -> String {
    let mut book = calamine::open_workbook_auto(download).unwrap();
    let first = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&first).unwrap();
    let c = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .position(|d| *d == Data::String(name.to_owned()))
        .unwrap_or_else(|| panic!("{name} is no column of {}", download.display()));
    char::from(b'A' + c as u8).to_string()
}

/// The lines that differ between two versions of the record files: (file, old line,
/// new line), for files in both with the same number of lines.
fn changed_lines(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> Vec<(String, String, String)> {
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "files came or went"
    );
    let mut changed = Vec::new();
    for (path, old) in before {
        let new = &after[path];
        if old == new {
            continue;
        }
        let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
        let (old_lines, new_lines): (Vec<&str>, Vec<&str>) =
            (old.split('\n').collect(), new.split('\n').collect());
        assert_eq!(old_lines.len(), new_lines.len(), "{path}:\n{old}\n---\n{new}");
        for (a, b) in old_lines.iter().zip(&new_lines) {
            if a != b {
                changed.push((path.clone(), (*a).to_owned(), (*b).to_owned()));
            }
        }
    }
    changed
}

#[test]
fn every_dataset_of_records_round_trips_through_its_own_download() {
    let site = Site::sample();
    let pristine = site.records();
    // Three cells per dataset: rows 2 to 4 (the first three records by id), with the
    // text each should hold in its record's file afterwards.
    let cases: [(&str, [(&str, Cell, &str); 3]); 6] = [
        (
            "products",
            [
                ("name", Cell::Text("高性能混凝土（复核）"), "name: 高性能混凝土（复核）"),
                ("certificate_number", Cell::Text("LXRZ-2026-9999"), "number: LXRZ-2026-9999"),
                ("listed", Cell::Date(2021, 3, 4), "listed: 2021-03-04"),
            ],
        ),
        (
            "organizations",
            [
                ("name", Cell::Text("淄博示例有限公司（更名）"), "name: 淄博示例有限公司（更名）"),
                ("address", Cell::Text("淄博市张店区示例路 1 号（虚构）"), "address: 淄博市张店区示例路 1 号（虚构）"),
                ("name", Cell::Text("另一家公司"), "name: 另一家公司"),
            ],
        ),
        (
            "policies",
            [
                ("title", Cell::Text("关于示例的通知（修订）"), "title: 关于示例的通知（修订）"),
                ("issuer", Cell::Text("示例市财政局"), "issuer: 示例市财政局"),
                ("issued", Cell::Date(2020, 1, 2), "issued: 2020-01-02"),
            ],
        ),
        (
            "inspections",
            [
                ("title", Cell::Text("抽检（复查）"), "title: 抽检（复查）"),
                ("date", Cell::Date(2024, 7, 8), "date: 2024-07-08"),
                ("title", Cell::Text("现场检查（复查）"), "title: 现场检查（复查）"),
            ],
        ),
        (
            "events",
            [
                ("title", Cell::Text("供需对接会（第二场）"), "title: 供需对接会（第二场）"),
                ("place", Cell::Text("示例会议中心"), "place: 示例会议中心"),
                ("agreements", Cell::Number(42.0), "agreements: 42"),
            ],
        ),
        (
            "projects",
            [
                ("name", Cell::Text("示例项目（调整）"), "name: 示例项目（调整）"),
                ("budget", Cell::Number(123456789.5), "budget: 123456789.50"),
                ("address", Cell::Text("示例地址（虚构）"), "address: 示例地址（虚构）"),
            ],
        ),
    ];
    for (dataset, edits) in cases {
        let download = site.output.join(format!("data/{dataset}.xlsx"));
        let unchanged = site.import(&download, &[]);
        assert!(unchanged.status.success(), "{dataset}: {}", stderr(&unchanged));
        assert_eq!(site.records(), pristine, "{dataset}: an unchanged import changed files");
        assert!(stderr(&unchanged).contains("修改 0 条记录，新增 0 条"), "{}", stderr(&unchanged));

        let cells: Vec<(String, Cell)> = edits
            .iter()
            .enumerate()
            .map(|(i, (field, cell, _))| {
                (format!("{}{}", column_of(&download, field), i + 2), cell.clone())
            })
            .collect();
        let edited = site.scratch(&format!("{dataset}-edited.xlsx"));
        let cells: Vec<(&str, Cell)> = cells.iter().map(|(a, c)| (a.as_str(), c.clone())).collect();
        edit_xlsx(&download, &edited, &cells);
        let before = site.records();
        let run = site.import(&edited, &[]);
        assert!(run.status.success(), "{dataset}: {}", stderr(&run));
        let changed = changed_lines(&before, &site.records());
        assert_eq!(changed.len(), 3, "{dataset}: {changed:#?}");
        for (_, _, expected) in &edits {
            assert!(
                changed.iter().any(|(_, _, new)| new.trim() == *expected),
                "{dataset}: no line became `{expected}`: {changed:#?}"
            );
        }
        // The next dataset starts from the sample again.
        for (path, bytes) in &pristine {
            std::fs::write(site.root.join(path), bytes).unwrap();
        }
    }
}

/// The rows of a quirky sheet: what issued lists and edited downloads look like.
fn quirky_workbook(path: &Path) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let products = book.add_worksheet();
    products.set_name("产品").unwrap();
    // A title row above the header, merged across it, then the header in Chinese and
    // a second header row of field names.
    products.merge_range(0, 0, 0, 5, "淄博市绿色建材产品目录（示例）", &Format::new()).unwrap();
    let labels = ["产品标识", "产品名称", "品类标识", "生产企业", "入库日期", "备注"];
    let keys = ["id", "name", "category", "manufacturer", "listed"];
    for (c, label) in labels.iter().enumerate() {
        products.write_string(1, c as u16, *label).unwrap();
    }
    for (c, key) in keys.iter().enumerate() {
        products.write_string(2, c as u16, *key).unwrap();
    }
    // Row 4: full-width letters and space, trailing spaces, and the date as a serial
    // number without a date format: all as the file has them.
    for (c, text) in ["ｚｈｉｃｅ-smart-meter", "物联网智能电能表　 ", "metering-control", "ｚｈｉｃｅ－instruments"].iter().enumerate() {
        products.write_string(3, c as u16, *text).unwrap();
    }
    products.write_number(3, 4, 44700.0).unwrap();
    // Rows 5 and 6 share a category cell merged down; row 6 is hidden and its date is
    // Chinese text, changed; row 5's name is a formula whose saved result is imported.
    products.merge_range(4, 2, 5, 2, "ready-mixed-concrete", &Format::new()).unwrap();
    products.write_string(4, 0, "jinsheng-c30").unwrap();
    products
        .write_formula(4, 1, Formula::new("=\"C30\"&\"预拌混凝土\"").set_result("C30预拌混凝土"))
        .unwrap();
    products.write_string(4, 3, "jinsheng-concrete").unwrap();
    let listed = ExcelDateTime::from_ymd(2023, 12, 9).unwrap();
    products.write_datetime_with_format(4, 4, &listed, &date).unwrap();
    products.write_string(5, 0, "jinsheng-c25").unwrap();
    products.write_string(5, 1, "C25预拌混凝土").unwrap();
    products.write_string(5, 3, "jinsheng-concrete").unwrap();
    products.write_string(5, 4, "2021年3月4日").unwrap();
    products.set_row_hidden(5).unwrap();

    let projects = book.add_worksheet();
    projects.set_name("项目").unwrap();
    projects.write_string(0, 0, "项目标识").unwrap();
    projects.write_string(0, 1, "预算金额（万元）").unwrap();
    projects.write_string(1, 0, "zhangdian-experimental-school-north").unwrap();
    projects.write_number(1, 1, 10490.0).unwrap();
    projects.write_string(2, 0, "zhangdian-government-office-retrofit").unwrap();
    projects.write_string(2, 1, "2,390.5").unwrap();
    book.save(path).unwrap();
}

#[test]
fn spreadsheet_quirks_are_handled_and_each_reported_at_its_cell() {
    let site = Site::sample();
    let path = site.scratch("目录清单.xlsx");
    quirky_workbook(&path);
    let before = site.records();
    let run = site.import(&path, &[]);
    let err = stderr(&run);
    assert!(run.status.success(), "{err}");
    for (code, cell) in [
        ("W0405", "产品!F2"),
        ("W0402", "产品!C5:C6"),
        ("W0401", "产品!B5"),
        ("W0403", "产品!A6"),
    ] {
        assert!(
            err.contains(&format!("[{code}]")) && err.contains(&format!("--> {cell}\n")),
            "{code} at {cell}:\n{err}"
        );
    }
    // The title row's merged cells are above the header: no warning.
    assert!(!err.contains("产品!A1:F1"), "{err}");
    assert!(err.contains("工作表「产品」→ 绿色建材产品目录：3 行，修改 1 条记录"), "{err}");
    assert!(err.contains("工作表「项目」→ 试点项目：2 行，修改 1 条记录"), "{err}");
    // Only the hidden row's Chinese date and the second project's budget in 万元 differ
    // from the files.
    let mut changed = changed_lines(&before, &site.records());
    changed.sort();
    assert_eq!(
        changed,
        [
            (
                "data/catalog/envelope-concrete/ready-mixed-concrete/jinsheng-c25.yaml".to_owned(),
                "listed: 2025-04-25".to_owned(),
                "listed: 2021-03-04".to_owned()
            ),
            (
                "data/projects/zhangdian-government-office-retrofit.yaml".to_owned(),
                "  budget: 23800000.00".to_owned(),
                "  budget: 23905000.00".to_owned()
            ),
        ]
    );
}

#[test]
fn nothing_is_written_unless_the_whole_import_passes_and_every_problem_names_its_cell() {
    let site = Site::sample();
    let path = site.scratch("错误.xlsx");
    let mut book = Workbook::new();
    let orgs = book.add_worksheet();
    orgs.set_name("机构").unwrap();
    for (c, label) in ["机构标识", "机构名称", "统一社会信用代码"].iter().enumerate() {
        orgs.write_string(0, c as u16, *label).unwrap();
    }
    orgs.write_string(1, 0, "zhice-instruments").unwrap();
    orgs.write_string(1, 1, "淄博智测仪表有限公司（改名）").unwrap();
    // A credit code typed into a General cell: Excel keeps 15 digits.
    orgs.write_number(1, 2, 913703036614509000.0).unwrap();
    let products = book.add_worksheet();
    products.set_name("产品").unwrap();
    for (c, key) in ["id", "name", "manufacturer", "listed"].iter().enumerate() {
        products.write_string(0, c as u16, *key).unwrap();
    }
    for (r, row) in [
        ["jinsheng-c30", "C30", "no-such-maker", "2023-12-09"],
        ["jinsheng-c25", "C25", "jinsheng-concrete", "五月一日"],
        ["jinsheng-c30", "again", "jinsheng-concrete", "2023-12-09"],
        ["../escape", "x", "jinsheng-concrete", "2023-12-09"],
    ]
    .iter()
    .enumerate()
    {
        for (c, text) in row.iter().enumerate() {
            products.write_string(r as u32 + 1, c as u16, *text).unwrap();
        }
    }
    book.save(&path).unwrap();
    let before = site.records();
    let run = site.import(&path, &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    for (code, cell, words) in [
        ("E0402", "机构!C2", "只保留了 15 位有效数字"),
        ("E0203", "产品!C2", "no-such-maker"),
        ("E0102", "产品!D3", "「五月一日」不是日期"),
        ("E0201", "产品!A4", "在第 2 行已经出现过"),
        ("E0202", "产品!A5", "「../escape」不能用作 id"),
    ] {
        let at = err
            .find(&format!("--> {cell}\n"))
            .unwrap_or_else(|| panic!("nothing at {cell}:\n{err}"));
        let heading = err[..at].rfind("错误[").unwrap();
        assert!(
            err[heading..at].contains(code) && err[heading..at].contains(words),
            "{code} at {cell}:\n{err}"
        );
    }
    assert!(err.contains("没有写入任何文件"), "{err}");
    assert_eq!(site.records(), before, "a refused import wrote");
    assert!(!site.root.parent().unwrap().join("escape.yaml").exists());
}
