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
                    sheet
                        .write_datetime_with_format(r, c, &value, &date)
                        .map(|_| ())
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
                        sheet
                            .write_datetime_with_format(r, c, &value, &date)
                            .map(|_| ())
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
    let letters: String = address
        .chars()
        .take_while(char::is_ascii_uppercase)
        .collect();
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
        assert_eq!(
            old_lines.len(),
            new_lines.len(),
            "{path}:\n{old}\n---\n{new}"
        );
        for (a, b) in old_lines.iter().zip(&new_lines) {
            if a != b {
                changed.push((path.clone(), (*a).to_owned(), (*b).to_owned()));
            }
        }
    }
    changed
}

/// A cell to change: its column's field name, the new cell, and the line its record's
/// file should hold afterwards.
type Edit = (&'static str, Cell, &'static str);

#[test]
fn every_dataset_of_records_round_trips_through_its_own_download() {
    let site = Site::sample();
    let pristine = site.records();
    // Three cells per dataset: rows 2 to 4 (the first three records by id), with the
    // text each should hold in its record's file afterwards.
    let cases: [(&str, [Edit; 3]); 6] = [
        (
            "products",
            [
                (
                    "name",
                    Cell::Text("高性能混凝土（复核）"),
                    "name: 高性能混凝土（复核）",
                ),
                (
                    "certificate_number",
                    Cell::Text("LXRZ-2026-9999"),
                    "number: LXRZ-2026-9999",
                ),
                ("listed", Cell::Date(2021, 3, 4), "listed: 2021-03-04"),
            ],
        ),
        (
            "organizations",
            [
                (
                    "name",
                    Cell::Text("淄博示例有限公司（更名）"),
                    "name: 淄博示例有限公司（更名）",
                ),
                (
                    "address",
                    Cell::Text("淄博市张店区示例路 1 号（虚构）"),
                    "address: 淄博市张店区示例路 1 号（虚构）",
                ),
                ("name", Cell::Text("另一家公司"), "name: 另一家公司"),
            ],
        ),
        (
            "policies",
            [
                (
                    "title",
                    Cell::Text("关于示例的通知（修订）"),
                    "title: 关于示例的通知（修订）",
                ),
                ("issuer", Cell::Text("示例市财政局"), "issuer: 示例市财政局"),
                ("issued", Cell::Date(2020, 1, 2), "issued: 2020-01-02"),
            ],
        ),
        (
            "inspections",
            [
                ("title", Cell::Text("抽检（复查）"), "title: 抽检（复查）"),
                ("date", Cell::Date(2024, 7, 8), "date: 2024-07-08"),
                (
                    "title",
                    Cell::Text("现场检查（复查）"),
                    "title: 现场检查（复查）",
                ),
            ],
        ),
        (
            "events",
            [
                (
                    "title",
                    Cell::Text("供需对接会（第二场）"),
                    "title: 供需对接会（第二场）",
                ),
                ("place", Cell::Text("示例会议中心"), "place: 示例会议中心"),
                ("agreements", Cell::Number(42.0), "agreements: 42"),
            ],
        ),
        (
            "projects",
            [
                (
                    "name",
                    Cell::Text("示例项目（调整）"),
                    "name: 示例项目（调整）",
                ),
                ("budget", Cell::Number(123456789.5), "budget: 123456789.50"),
                (
                    "address",
                    Cell::Text("示例地址（虚构）"),
                    "address: 示例地址（虚构）",
                ),
            ],
        ),
    ];
    for (dataset, edits) in cases {
        let download = site.output.join(format!("data/{dataset}.xlsx"));
        let unchanged = site.import(&download, &[]);
        assert!(
            unchanged.status.success(),
            "{dataset}: {}",
            stderr(&unchanged)
        );
        assert_eq!(
            site.records(),
            pristine,
            "{dataset}: an unchanged import changed files"
        );
        assert!(
            stderr(&unchanged).contains("修改 0 条记录，新增 0 条"),
            "{}",
            stderr(&unchanged)
        );

        let cells: Vec<(String, Cell)> = edits
            .iter()
            .enumerate()
            .map(|(i, (field, cell, _))| {
                (
                    format!("{}{}", column_of(&download, field), i + 2),
                    cell.clone(),
                )
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
    products
        .merge_range(0, 0, 0, 5, "淄博市绿色建材产品目录（示例）", &Format::new())
        .unwrap();
    let labels = [
        "产品标识",
        "产品名称",
        "品类标识",
        "生产企业",
        "入库日期",
        "备注",
    ];
    let keys = ["id", "name", "category", "manufacturer", "listed"];
    for (c, label) in labels.iter().enumerate() {
        products.write_string(1, c as u16, *label).unwrap();
    }
    for (c, key) in keys.iter().enumerate() {
        products.write_string(2, c as u16, *key).unwrap();
    }
    // Row 4: full-width letters and space, trailing spaces, and the date as a serial
    // number without a date format: all as the file has them.
    for (c, text) in [
        "ｚｈｉｃｅ-smart-meter",
        "物联网智能电能表　 ",
        "metering-control",
        "ｚｈｉｃｅ－instruments",
    ]
    .iter()
    .enumerate()
    {
        products.write_string(3, c as u16, *text).unwrap();
    }
    products.write_number(3, 4, 44700.0).unwrap();
    // Rows 5 and 6 share a category cell merged down; row 6 is hidden and its date is
    // Chinese text, changed; row 5's name is a formula whose saved result is imported.
    products
        .merge_range(4, 2, 5, 2, "ready-mixed-concrete", &Format::new())
        .unwrap();
    products.write_string(4, 0, "jinsheng-c30").unwrap();
    products
        .write_formula(
            4,
            1,
            Formula::new("=\"C30\"&\"预拌混凝土\"").set_result("C30预拌混凝土"),
        )
        .unwrap();
    products.write_string(4, 3, "jinsheng-concrete").unwrap();
    let listed = ExcelDateTime::from_ymd(2023, 12, 9).unwrap();
    products
        .write_datetime_with_format(4, 4, &listed, &date)
        .unwrap();
    products.write_string(5, 0, "jinsheng-c25").unwrap();
    products.write_string(5, 1, "C25预拌混凝土").unwrap();
    products.write_string(5, 3, "jinsheng-concrete").unwrap();
    products.write_string(5, 4, "2021年3月4日").unwrap();
    products.set_row_hidden(5).unwrap();

    let projects = book.add_worksheet();
    projects.set_name("项目").unwrap();
    projects.write_string(0, 0, "项目标识").unwrap();
    projects.write_string(0, 1, "预算金额（万元）").unwrap();
    projects
        .write_string(1, 0, "zhangdian-experimental-school-north")
        .unwrap();
    projects.write_number(1, 1, 10490.0).unwrap();
    projects
        .write_string(2, 0, "zhangdian-government-office-retrofit")
        .unwrap();
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
    assert!(
        err.contains("工作表「产品」→ 绿色建材产品目录：3 行，修改 1 条记录"),
        "{err}"
    );
    assert!(
        err.contains("工作表「项目」→ 试点项目：2 行，修改 1 条记录"),
        "{err}"
    );
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
    for (c, label) in ["机构标识", "机构名称", "统一社会信用代码"]
        .iter()
        .enumerate()
    {
        orgs.write_string(0, c as u16, *label).unwrap();
    }
    orgs.write_string(1, 0, "zhice-instruments").unwrap();
    orgs.write_string(1, 1, "淄博智测仪表有限公司（改名）")
        .unwrap();
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
            products
                .write_string(r as u32 + 1, c as u16, *text)
                .unwrap();
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

#[test]
fn a_csv_row_with_a_new_id_becomes_a_record_where_new_would_put_it() {
    let site = Site::sample();
    let header = "产品标识,产品名称,型号规格,品类标识,生产企业,入库日期,认证证书编号,认证等级,认证机构,发证日期,证书有效期至";
    let row = "zhice-meter-2,智能电能表（二代）,ZC-DDZY-02,metering-control,zhice-instruments,2026/1/5,LXRZ-2026-0001,二星级,luxin-product-cert,2025年12月1日,2030-11-30";
    // Excel and WPS on Chinese Windows save "CSV" in GB 18030.
    let text = format!("{header}\r\n{row}\r\n");
    let (bytes, ..) = encoding_rs::GB18030.encode(&text);
    let csv = site.scratch("新增产品.csv");
    std::fs::write(&csv, &bytes).unwrap();
    let file = "data/catalog/other-equipment/metering-control/zhice-meter-2.yaml";

    let dry = site.import(
        &csv,
        &["--kind", "product", "--dry-run", "--format", "json"],
    );
    assert!(dry.status.success(), "{}", stderr(&dry));
    let report: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(report["summary"]["added"], 1, "{report}");
    assert_eq!(report["records"][0]["file"], file);
    assert_eq!(report["to"]["revision"], "新增产品.csv");
    assert!(!site.root.join(file).exists(), "a dry run wrote");

    let run = site.import(&csv, &["--kind", "product"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = std::fs::read_to_string(site.root.join(file)).unwrap();
    assert!(
        text.starts_with(
            "# yaml-language-server: $schema=../../../../schema/product.json\nid: zhice-meter-2\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("certificate:\n  number: LXRZ-2026-0001\n  grade: two-star\n"),
        "{text}"
    );
    assert!(
        text.contains("listed: 2026-01-05\n") && text.contains("  issued: 2025-12-01\n"),
        "{text}"
    );
    let check = Command::new(env!("CARGO_BIN_EXE_greenproc"))
        .args(["check", "--root"])
        .arg(&site.root)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
}

/// A minimal OpenDocument spreadsheet of one sheet: what LibreOffice and WPS save.
fn ods(path: &Path, sheet: &str, rows: &[Vec<String>]) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", stored).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
    );
    content.push_str(&format!(r#"<table:table table:name="{sheet}">"#));
    for row in rows {
        content.push_str("<table:table-row>");
        for cell in row {
            content.push_str(&format!(
                r#"<table:table-cell office:value-type="string"><text:p>{cell}</text:p></table:table-cell>"#
            ));
        }
        content.push_str("</table:table-row>");
    }
    content.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap();
}

#[test]
fn an_ods_sheet_deletes_the_records_it_leaves_out_only_when_asked() {
    let site = Site::sample();
    let mut rows = vec![vec!["id".to_owned(), "title".to_owned()]];
    let mut events: Vec<(String, String)> = std::fs::read_dir(site.root.join("data/events"))
        .unwrap()
        .map(|e| {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            let field = |key: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(key))
                    .unwrap()
                    .to_owned()
            };
            (field("id: "), field("title: "))
        })
        .collect();
    events.sort();
    let (left_out, _) = events.pop().unwrap();
    rows.extend(events.into_iter().map(|(id, title)| vec![id, title]));
    let path = site.scratch("活动.ods");
    ods(&path, "events", &rows);
    let gone = site.root.join(format!("data/events/{left_out}.yaml"));

    let kept = site.import(&path, &[]);
    assert!(kept.status.success(), "{}", stderr(&kept));
    assert!(
        stderr(&kept).contains("[W0404]") && stderr(&kept).contains(&left_out),
        "{}",
        stderr(&kept)
    );
    assert!(gone.exists(), "deleted without --delete-missing");

    let deleted = site.import(&path, &["--delete-missing"]);
    assert!(deleted.status.success(), "{}", stderr(&deleted));
    assert!(
        stderr(&deleted).contains("将被删除"),
        "{}",
        stderr(&deleted)
    );
    assert!(!gone.exists(), "--delete-missing kept {left_out}");

    // `id` and `title` head several datasets: a sheet not named after one is not
    // guessed at.
    let unnamed = site.scratch("Sheet1.ods");
    ods(&unnamed, "Sheet1", &rows);
    let before = site.records();
    let run = site.import(&unnamed, &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("错误[E0401]") && err.contains("--> Sheet1!A1"),
        "{err}"
    );
    assert!(err.contains("policy, inspection, event"), "{err}");
    assert_eq!(site.records(), before);
    let chosen = site.import(&unnamed, &["--kind", "event"]);
    assert!(chosen.status.success(), "{}", stderr(&chosen));
}

#[test]
fn a_value_the_file_writes_through_an_alias_is_not_patched_but_reported() {
    let site = Site::sample();
    let file = site
        .root
        .join("data/catalog/envelope-concrete/ready-mixed-concrete/jinsheng-c30.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let aliased = text
        .replace("model: JS-C30", "model: &model JS-C30")
        .replace(
            "description: 以淄川本地石灰石骨料配制的预拌混凝土。",
            "description: *model",
        );
    std::fs::write(&file, &aliased).unwrap();
    let path = site.scratch("alias.csv");
    // The name changes in place; the model, which the description repeats through an
    // alias, cannot.
    std::fs::write(&path, "id,name,model\njinsheng-c30,C30 改,JS-C30X\n").unwrap();
    let run = site.import(&path, &["--kind", "product"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("错误[E0403]") && err.contains("--> alias!C2"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), aliased);
}

#[test]
fn a_province_site_has_nothing_to_import_into_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let province = dir.path().join("province");
    let init = Command::new(env!("CARGO_BIN_EXE_greenproc"))
        .args(["init", "--admin-code", "370000"])
        .arg(&province)
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", stderr(&init));
    let csv = dir.path().join("policies.csv");
    std::fs::write(&csv, "id,title\nx,标题\n").unwrap();
    let before = files(&province);
    let run = Command::new(env!("CARGO_BIN_EXE_greenproc"))
        .arg("import")
        .arg(&csv)
        .arg("--root")
        .arg(&province)
        .env("GREENPROC_LANG", "zh")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(stderr(&run).contains("省级站点"), "{}", stderr(&run));
    assert_eq!(files(&province), before);
}

#[test]
fn a_second_city_gets_its_downloads_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("jinan");
    let generated = Command::new(env!("CARGO_BIN_EXE_greenproc"))
        .args([
            "gen",
            "--records",
            "300",
            "--city",
            "济南市",
            "--admin-code",
            "370100",
            "--out",
        ])
        .arg(&root)
        .output()
        .unwrap();
    assert!(generated.status.success(), "{}", stderr(&generated));
    let output = dir.path().join("public");
    assert_success(&build(&root, &output, &["--quiet"]));
    let site = Site {
        _dir: dir,
        root,
        output,
    };
    let before = site.records();
    for dataset in [
        "products",
        "projects",
        "organizations",
        "policies",
        "inspections",
        "events",
    ] {
        let run = site.import(&site.output.join(format!("data/{dataset}.xlsx")), &[]);
        assert!(run.status.success(), "{dataset}: {}", stderr(&run));
        assert!(
            stderr(&run).contains("修改 0 条记录，新增 0 条"),
            "{dataset}: {}",
            stderr(&run)
        );
    }
    assert_eq!(site.records(), before);
}
