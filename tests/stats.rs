//! Statistics and compliance end to end: the real binary builds the hand-made fixture
//! `tests/fixtures/stats/`, whose figures are worked out by hand in the comments of its
//! project files, and the built pages and downloads must say exactly those figures.
//!
//! The fixture, in round numbers (programme: mandatory 100%, optional types ≥ 50%,
//! star rating ≥ two-star, prefabrication ≥ 50%; as-of date 2025-09-10):
//!
//! | project | district | materials | green | verdict |
//! | --- | --- | --- | --- | --- |
//! | a-school-accepted | zhangdian | 1,000,000 | 950,000 | met |
//! | b-office-mandatory-short | linzi | 400,000 | 300,000 | not met (mandatory 75%) |
//! | c-hospital-expired | linzi | 500,000 | 400,000 | not met (star, optional 0/1, 80% < 90%) |
//! | d-housing-design | zhangdian | — | — | met so far (star target) |
//! | e-stadium-approval | linzi | — | — | not measurable |

use crate::common;

use std::fs;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_greenproc");
const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// Builds the stats fixture (copied outside any git repository) and returns the
/// output folder's temporary directory.
fn built() -> tempfile::TempDir {
    built_with(&[])
}

/// Builds the stats fixture with the files of `overlays` (folders of
/// `tests/fixtures/stats-overlays/`, each a small change explained in its files)
/// laid over it.
fn built_with(overlays: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    common::copy_dir(&Path::new(MANIFEST).join("tests/fixtures/stats"), &root);
    for overlay in overlays {
        let from = Path::new(MANIFEST)
            .join("tests/fixtures/stats-overlays")
            .join(overlay);
        assert!(from.is_dir(), "no overlay {overlay}");
        common::copy_dir(&from, &root);
    }
    let output = Command::new(BIN)
        .args(["build", "--base-url", "/"])
        .arg("--root")
        .arg(&root)
        .arg("--output")
        .arg(dir.path().join("public"))
        .output()
        .expect("greenproc runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir
}

fn read(dir: &tempfile::TempDir, path: &str) -> String {
    fs::read_to_string(dir.path().join("public").join(path)).unwrap()
}

/// The text of the table row whose opening tag contains `marker`, tags removed.
fn row(html: &str, marker: &str) -> String {
    let start = html.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let end = start + html[start..].find("</tr>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The inline SVG chart named `id` on the page.
fn chart<'h>(html: &'h str, id: &str) -> &'h str {
    let named = html
        .find(&format!("aria-labelledby=\"{id}-title"))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let start = html[..named].rfind("<svg").unwrap();
    let end = named + html[named..].find("</svg>").unwrap();
    &html[start..end]
}

/// The texts of a chart's `<text class="{class}">` elements in order, each without the
/// `<title>` it may hold.
fn texts<'s>(svg: &'s str, class: &str) -> Vec<&'s str> {
    svg.split(&format!("<text class=\"{class}\""))
        .skip(1)
        .map(|rest| {
            let text = &rest[rest.find('>').unwrap() + 1..rest.find("</text>").unwrap()];
            text.rsplit("</title>").next().unwrap()
        })
        .collect()
}

/// The length of each bar of a bar chart: the widths of its segments (rectangles on
/// one row) added.
fn bar_lengths(svg: &str) -> Vec<f64> {
    let attribute = |tag: &str, name: &str| -> f64 {
        let from = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        tag[from..from + tag[from..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let mut rows: Vec<(f64, f64)> = Vec::new();
    for rect in svg.split("<rect ").skip(1) {
        let (y, width) = (attribute(rect, "y"), attribute(rect, "width"));
        match rows.last_mut() {
            Some((last, length)) if *last == y => *length += width,
            _ => rows.push((y, width)),
        }
    }
    rows.into_iter().map(|(_, length)| length).collect()
}

#[test]
fn the_statistics_page_shows_the_hand_computed_figures() {
    let dir = built();
    let html = read(&dir, "stats/index.html");
    // Coverage: a, b, c reached the tender with a target ratio; 3 of 5.
    assert!(html.contains("id=\"fig-coverage\">60<small>%"), "{html}");
    // City ratio: 1,650,000 / 1,900,000 = 86.84%.
    assert!(html.contains("id=\"fig-green-ratio\">86.8<small>%"));
    // Amounts in 万元 for reading, the exact 元 beside them.
    assert!(html.contains(
        "<data class=\"money\" value=\"1900000.00\" title=\"1,900,000.00 元\">190.00万元</data> <small class=\"exact\">（1,900,000.00 元）</small>"
    ), "{html}");
    assert!(html.contains(">165.00万元</data> <small class=\"exact\">（1,650,000.00 元）</small>"));
    // Budgets 10 + 5 + 12 + 20 + 8 million; awards 9 + 4.8 + 11.5 million.
    assert!(
        html.contains(">5,500.00万元</data> <small class=\"exact\">（55,000,000.00 元）</small>")
    );
    assert!(
        html.contains(">2,530.00万元</data> <small class=\"exact\">（25,300,000.00 元）</small>")
    );
    // Verdicts: met a, d; not met b, c; not measurable e.
    assert!(html.contains("<span class=\"figure-value\">2<small>个</small></span><span class=\"figure-label\"><a href=\"/projects/verdict/met/\">"));
    assert!(html.contains("<span class=\"figure-value\">2<small>个</small></span><span class=\"figure-label\"><a href=\"/projects/verdict/not-met/\">"));
    assert_eq!(
        row(&html, "<tr data-key=\"zhangdian\">"),
        "张店区 2 50% 100.00万元 95.00万元 95% 0"
    );
    assert_eq!(
        row(&html, "<tr data-key=\"linzi\">"),
        "临淄区 3 66.7% 90.00万元 70.00万元 77.8% 2"
    );
    // Categories: concrete 600k + 300k + 400k, all green; mortar 200k of 300k;
    // membrane 150k of 250k (the expired certificate's 100k is not green).
    assert_eq!(
        row(&html, "<tr data-key=\"ready-mixed-concrete\">"),
        "预拌混凝土 3 2600 m³ 2600 m³ 130.00万元 130.00万元 100%"
    );
    assert_eq!(
        row(&html, "<tr data-key=\"ready-mixed-mortar\">"),
        "预拌砂浆 2 600 t 400 t 30.00万元 20.00万元 66.7%"
    );
    assert_eq!(
        row(&html, "<tr data-key=\"waterproof-membrane\">"),
        "防水卷材 2 5000 m² 3000 m² 25.00万元 15.00万元 60%"
    );
    // Every chart is a named image with its numbers beside it, and no inline style.
    assert_eq!(html.matches("<svg class=\"chart").count(), 5);
    assert_eq!(html.matches("role=\"img\" aria-labelledby=").count(), 5);
    assert!(!html.contains(" style=\"") && !html.contains("<style"));
    assert!(html.contains("href=\"/methodology/\""));
    assert!(html.contains("href=\"/data/project_compliance.csv\""));
}

#[test]
fn the_category_chart_draws_the_amounts_it_labels_in_wan_yuan() {
    let dir = built();
    let html = read(&dir, "stats/index.html");
    let svg = chart(&html, "chart-categories");
    // Largest first: concrete 1,300,000 (all green), mortar 300,000 (200,000 green),
    // membrane 250,000 (150,000 green), masonry 50,000 (none green). Each bar's number
    // is its whole amount, and the bar is as long as that amount: 130 : 30 : 25 : 5.
    assert_eq!(
        texts(svg, "chart-value"),
        ["130.00万元", "30.00万元", "25.00万元", "5.00万元"]
    );
    assert_eq!(
        texts(svg, "chart-label"),
        ["预拌混凝土", "预拌砂浆", "防水卷材", "砌块"]
    );
    let lengths = bar_lengths(svg);
    assert_eq!(lengths.len(), 4);
    for (length, amount) in lengths.iter().zip([130.0, 30.0, 25.0, 5.0]) {
        assert!(
            (length / lengths[0] - amount / 130.0).abs() < 0.002,
            "{lengths:?}"
        );
    }
    // Two series, green and the rest, each segment named with its amount, and the
    // legend under the chart.
    assert!(svg.contains("<rect class=\"share-0\""));
    assert!(svg.contains("<title>绿色建材金额：20.00万元</title></rect><rect class=\"share-1\""));
    assert!(svg.contains("<title>非绿色建材金额：10.00万元</title>"));
    let legend = &html[html.find(svg).unwrap() + svg.len()..];
    let legend = &legend[..legend.find("</figcaption>").unwrap()];
    assert!(
        legend.contains(
            "<li><span class=\"swatch share-0\"></span>绿色建材金额</li><li><span class=\"swatch share-1\"></span>非绿色建材金额</li><li>条形长度及末端数字：建材金额合计（绿色与非绿色之和）</li>"
        ),
        "{legend}"
    );
    // The district chart draws the green ratio it labels, on a scale of 100%.
    let districts = chart(&html, "chart-districts");
    assert_eq!(texts(districts, "chart-value"), ["95%", "77.8%"]);
    let lengths = bar_lengths(districts);
    assert!((lengths[1] / lengths[0] - 7_000.0 / 9_000.0 / 0.95).abs() < 0.002);
}

#[test]
fn a_long_name_is_cut_in_the_chart_and_kept_whole_beside_it() {
    let dir = built_with(&["long-name"]);
    let html = read(&dir, "stats/index.html");
    let svg = chart(&html, "chart-categories");
    assert!(
        svg.contains("\"><title>SBS改性沥青防水卷材</title>SBS改性沥青…</text>"),
        "{svg}"
    );
    assert_eq!(
        texts(svg, "chart-label"),
        ["预拌混凝土", "预拌砂浆", "SBS改性沥青…", "砌块"]
    );
    assert_eq!(
        row(&html, "<tr data-key=\"waterproof-membrane\">"),
        "SBS改性沥青防水卷材 2 5000 m² 3000 m² 25.00万元 15.00万元 60%"
    );
}

#[test]
fn before_the_target_date_the_page_says_how_far_ahead_it_is() {
    let dir = built();
    let html = read(&dir, "stats/index.html");
    // As of 2025-09-10, 112 days before 2025-12-31.
    let status = "目标为2025年末（2025-12-31）实现全覆盖（100%），距该日期还有112天。";
    assert!(html.contains(&format!(
        "<p id=\"target-status\">截至2025-09-10（统计日期），纳入试点的5个项目中已有3个在招标中约定了绿色建材采购比例，实际政策覆盖率为60%。{status}</p>"
    )), "{html}");
    assert!(chart(&html, "chart-progress").contains(status));
    assert_eq!(
        html.matches("<span class=\"swatch swatch-target\"></span>目标：2025年末政策覆盖率100%（距该日期还有112天）</li>").count(),
        2
    );
    assert!(html.contains("实际政策覆盖率（截至2025-09-10）"));
    // 2025 is still running: its figures count to the as-of date, not to a year end.
    assert_eq!(
        row(&html, "<tr><th scope=\"row\">2025"),
        "2025 截至2025-09-10 目标年份 5 3 60%"
    );
    assert!(
        chart(&html, "chart-coverage-years").contains("2024年末为100%，截至2025-09-10为60%</desc>")
    );
    assert!(html.contains("<p>截至2025-09-10，纳入试点的5个项目中有"));
    assert!(!html.contains("2025年末为") && !html.contains("已过"));
    // Actual figures say so; the target says it is one.
    assert!(html.contains("实际政策覆盖率（3/5）"));
    assert!(html.contains("<h2 id=\"sec-progress\">全覆盖目标进展（目标：2025年末全覆盖）</h2>"));
}

#[test]
fn after_the_target_date_the_page_says_it_passed_and_whether_the_year_end_met_it() {
    let dir = built_with(&["after-target"]);
    let html = read(&dir, "stats/index.html");
    // f joined on 2026-03-18 uncovered: 3 of 6 now, but the target is judged at the
    // end of 2025, when 3 of 5 were covered.
    let status = "目标为2025年末（2025-12-31）实现全覆盖（100%），该日期已过：2025年末实际政策覆盖率为60%（3/5），未达到目标。";
    assert!(html.contains(&format!(
        "<p id=\"target-status\">截至2026-03-18（统计日期），纳入试点的6个项目中已有3个在招标中约定了绿色建材采购比例，实际政策覆盖率为50%。{status}</p>"
    )), "{html}");
    assert!(chart(&html, "chart-progress").contains(status));
    assert_eq!(
        html.matches("目标：2025年末政策覆盖率100%（该日期已过，未达到：当年末实际60%）</li>")
            .count(),
        2
    );
    assert_eq!(
        row(&html, "<tr><th scope=\"row\">2025"),
        "2025 目标年份 5 3 60%"
    );
    assert!(!html.contains("距该日期"));
    // Met: with 2024 as the target year, 3 of 3 were covered at its end.
    let dir = built_with(&["target-2024"]);
    let html = read(&dir, "stats/index.html");
    assert!(html.contains("实际政策覆盖率为60%。目标为2024年末（2024-12-31）实现全覆盖（100%），该日期已过：2024年末实际政策覆盖率为100%（3/3），已达到目标。</p>"), "{html}");
    assert!(html.contains("目标：2024年末政策覆盖率100%（该日期已过，已达到）</li>"));
}

#[test]
fn district_and_category_pages_break_the_figures_down() {
    let dir = built();
    let linzi = read(&dir, "stats/districts/linzi/index.html");
    assert!(linzi.contains("id=\"fig-green-ratio\">77.8%"));
    assert!(linzi.contains("b-office-mandatory-short"));
    assert!(!linzi.contains("a-school-accepted"));
    let membrane = read(&dir, "stats/categories/waterproof-membrane/index.html");
    assert!(membrane.contains("id=\"fig-green-ratio\">60%"));
    assert!(membrane.contains("临淄区"));
}

#[test]
fn a_project_page_says_which_rules_it_meets_and_why() {
    let dir = built();
    let html = read(&dir, "projects/c-hospital-expired/index.html");
    let verdict = |rule: &str| row(&html, &format!("<tr data-rule=\"{rule}\""));
    assert_eq!(
        verdict("star-target"),
        "目标绿色建筑星级不低于试点要求 二星级 一星级 不符合 一星级，低于要求的二星级"
    );
    assert_eq!(
        verdict("optional-types"),
        "可选类品类中使用绿色建材的品类占比 50% 0% 不符合 0%，低于要求的50%"
    );
    assert_eq!(
        verdict("green-ratio"),
        "验收时绿色建材应用比例达到招标约定 90% 80% 不符合 80%，低于要求的90%"
    );
    assert!(verdict("mandatory-green").contains("符合 100%，达到要求"));
    assert_eq!(
        row(&html, "<tr data-share=\"all\">"),
        "全部品类 50.00万元 40.00万元 80% 50%（1/2 类）"
    );
    let waiting = read(&dir, "projects/e-stadium-approval/index.html");
    assert!(waiting.contains("项目尚未进入设计阶段"));
}

#[test]
fn the_not_met_filter_lists_exactly_the_failing_projects() {
    let dir = built();
    let html = read(&dir, "projects/verdict/not-met/index.html");
    let listed: Vec<&str> = [
        "a-school-accepted",
        "b-office-mandatory-short",
        "c-hospital-expired",
        "d-housing-design",
        "e-stadium-approval",
    ]
    .into_iter()
    .filter(|id| html.contains(&format!("href=\"/projects/{id}/\"")))
    .collect();
    assert_eq!(listed, ["b-office-mandatory-short", "c-hospital-expired"]);
}

#[test]
fn a_product_page_judges_each_use_on_its_day() {
    let dir = built();
    let html = read(&dir, "products/old-membrane/index.html");
    // Used 2024-06-01, after the certificate expired on 2023-12-31.
    assert!(html.contains(
        "<td data-label=\"使用日期\"><time datetime=\"2024-06-01\">2024-06-01</time></td>"
    ));
    assert!(html.contains("verdict bad\">无效"));
    // 550 meets the 2022 edition's ≥ 500 on the day of use, not 2025's ≥ 600 today.
    assert!(html.contains("拉力 550 / ≥ 500 N/50mm <span class=\"verdict ok\">"));
    assert!(html.contains(
        "<td class=\"num\" data-label=\"产品数值\">550 N/50mm</td>\n<td data-label=\"标准要求\">≥ 600 N/50mm</td>"
    ));
}

#[test]
fn the_downloads_carry_the_same_figures() {
    let dir = built();
    let groups = read(&dir, "data/stats_groups.csv");
    assert!(groups.contains(
        "city,370300,淄博市,5,3,60,55000000.00,25300000.00,1900000.00,1650000.00,86.84210526315789,2,2,1\r\n"
    ));
    assert!(groups.contains(
        "district,zhangdian,张店区,2,1,50,30000000.00,9000000.00,1000000.00,950000.00,95,2,0,0\r\n"
    ));
    let compliance = read(&dir, "data/project_compliance.csv");
    assert!(compliance.contains(
        "b-office-mandatory-short,mandatory-green,not-met,short,percent,75,100,tender,not-met\r\n"
    ));
    assert!(
        compliance
            .contains("a-school-accepted,optional-types,met,reached,percent,50,50,tender,met\r\n")
    );
    let years = read(&dir, "data/stats_years.csv");
    assert!(years.contains("2025,5,3,60,1,1,0,0,1,2,0\r\n"), "{years}");
    let categories: serde_json::Value =
        serde_json::from_str(&read(&dir, "data/stats_categories.json")).unwrap();
    let mortar = categories
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["category"] == "ready-mixed-mortar")
        .unwrap();
    assert_eq!(mortar["amount"], 300000.0);
    assert_eq!(mortar["green_amount"], 200000.0);
    assert_eq!(mortar["green_quantity"], 400.0);
}
