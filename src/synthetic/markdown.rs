//! Pathological Markdown of any size, one text per shape that has made Markdown
//! renderers and HTML sanitizers slow: repeated headings, deep quotations, lists and
//! tags, wide tables, footnotes, links and unclosed emphasis. The corpus test
//! (`tests/pathological.rs`) holds `check` and `build` to each shape at the file size
//! limit; `cargo bench --bench markdown` prints render time against size.

/// The shapes, by name.
pub const SHAPES: &[&str] = &[
    "headings",
    "same-slug-headings",
    "quotes",
    "nested-lists",
    "divs",
    "spans",
    "unclosed-bold-tags",
    "table",
    "long-header-table",
    "footnotes",
    "links",
    "reference-links",
    "emphasis",
    "unclosed-emphasis",
    "code-spans",
    "text",
];

/// A text of `shape` of about `bytes` bytes (never more); `None` for an unknown shape.
pub fn text(shape: &str, bytes: usize) -> Option<String> {
    let mut out = String::with_capacity(bytes);
    // What comes once before the repeated part.
    let head = match shape {
        "table" => "| 项目 | 金额 |\n| --- | ---: |\n".to_owned(),
        "long-header-table" => format!(
            "| {} | 金额 |\n| --- | ---: |\n",
            "很长的列名".repeat(2_000)
        ),
        "reference-links" => "[政策]: /policies/ \"政策\"\n\n".to_owned(),
        _ => String::new(),
    };
    out.push_str(&head);
    let mut i = 0usize;
    loop {
        let unit = match shape {
            "headings" => format!("# 标题 {i}\n"),
            "same-slug-headings" => "# h\n\n## h-1\n\n".to_owned(),
            "quotes" => ">".to_owned(),
            "nested-lists" => format!("{}- 第{i}项\n", "  ".repeat(i)),
            "divs" => "<div>".to_owned(),
            "spans" => "<span>x".to_owned(),
            "unclosed-bold-tags" => "<b>".to_owned(),
            "table" | "long-header-table" => format!("| 第{i}行 | {i} |\n"),
            "footnotes" => format!("正文[^{i}]。\n\n[^{i}]: 注释 {i}。\n\n"),
            "links" => format!("[链接{i}](https://www.example.gov.cn/{i}/) "),
            "reference-links" => "[政策] ".to_owned(),
            "emphasis" => "**粗** *斜* ".to_owned(),
            "unclosed-emphasis" => "*a **b ".to_owned(),
            "code-spans" => "`a ``b ".to_owned(),
            "text" => "绿色建材政府采购试点。\n".to_owned(),
            _ => return None,
        };
        if out.len() + unit.len() > bytes {
            return Some(out);
        }
        out.push_str(&unit);
        i += 1;
    }
}
