//! Markdown to safe HTML: pulldown-cmark for the syntax (tables, footnotes, `{#id}`
//! heading attributes), then ammonia to sanitize whatever raw HTML an editor wrote.
//!
//! pulldown-cmark's own HTML for tables (`style="text-align"`), footnotes (bare
//! numeric ids) and headings (no ids) does not fit a site with a strict content
//! security policy and many fragments per page, so those events are rewritten here
//! before HTML is produced, and ammonia's allow-list is widened for exactly the
//! classes, ids and attributes this module writes, nothing more.
//!
//! A line break inside a paragraph is a space to a browser, and Chinese has no spaces
//! between words: a soft break between two CJK characters (or CJK punctuation) is
//! dropped, so that "约6.25万平方米，⏎设置床位" reads as one sentence; between Latin
//! words it stays a space.
//!
//! A table scrolls sideways inside its own `table-scroll` box on a narrow screen, so
//! the box is a focusable region (keyboard users scroll it with the arrow keys),
//! named after the heading above the table or, before any heading, after the
//! theme's generic table label.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use pulldown_cmark::{
    Alignment, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::site_paths::BaseUrl;

/// The HTML tags an editor may write in Markdown; everything else is removed (and
/// the content of `script` and `style` with it).
pub const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Ids that templates use; a heading slug never takes one of them.
const TEMPLATE_IDS: &[&str] = &["main", "top", "site-nav", "search-q"];

/// Footnote ids (`fn-1`, numbered per page) start with this prefix, which heading slugs
/// therefore avoid too.
const FOOTNOTE_ID_PREFIX: &str = "fn-";

/// Template section ids start with this prefix, which heading slugs therefore avoid.
const TEMPLATE_ID_PREFIX: &str = "sec-";

thread_local! {
    /// The ids the rewriter wrote for the fragment being sanitized on this thread: the
    /// sanitizer is built once per site, so its attribute filter learns them here.
    static WRITTEN_IDS: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// How many elements may be open at once in one Markdown text, Markdown and raw HTML
/// counted together. The HTML sanitizer's parser looks through the open elements for
/// each tag it meets, so its cost grows with depth times length; no document needs
/// more than a few levels (a list in a list in a quotation is six).
pub const MAX_DEPTH: usize = 32;

/// How many elements one Markdown text may make: a page of more is more than a phone
/// lays out in reasonable time, and more than any policy document needs.
pub const MAX_ELEMENTS: usize = 50_000;

/// How many characters of a table's column title label each of its cells on a phone:
/// every cell repeats it, so an unbounded title would multiply into the page.
const MAX_LABEL_CHARS: usize = 80;

/// The options every Markdown text is parsed with, by `check` and by rendering alike.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A limit that a Markdown text passes, and where.
#[derive(Debug, PartialEq, Eq)]
pub struct Excess {
    /// Which limit.
    pub limit: Limit,
    /// The byte offset in the text where the limit was passed.
    pub offset: usize,
}

/// The limits on a Markdown text's structure.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Limit {
    /// [`MAX_DEPTH`].
    Depth,
    /// [`MAX_ELEMENTS`].
    Elements,
}

/// What `check` learns from one pass over a Markdown text.
#[derive(Debug, Default)]
pub struct Scan {
    /// The first limit the text passes, if any; the scan stops there.
    pub excess: Option<Excess>,
    /// Where each link and image to a path on this site (`/…`) starts (a byte
    /// offset) and what it points to.
    pub links: Vec<(usize, String)>,
}

/// Reads `text` once, in time linear in its length: checks it against [`MAX_DEPTH`]
/// and [`MAX_ELEMENTS`], so that a text that would make rendering slow is an error
/// before a build starts, and collects its links to the site for `check` to resolve.
pub fn scan(text: &str) -> Scan {
    let mut scan = Scan::default();
    let mut depth = 0usize;
    let mut elements = 0usize;
    let mut html = RawHtmlDepth::default();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let excess = |limit, within: usize| Excess {
            limit,
            offset: range.start + within,
        };
        match &event {
            // A block of raw HTML is no element of its own: its tags are.
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                if dest_url.starts_with('/') {
                    scan.links.push((range.start, dest_url.to_string()));
                }
                depth += 1;
                elements += 1;
            }
            Event::Start(_) => {
                depth += 1;
                elements += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Html(raw) | Event::InlineHtml(raw) => {
                let room = MAX_DEPTH.saturating_sub(depth);
                if let Some(at) = html.feed(raw, room, &mut elements) {
                    scan.excess = Some(excess(Limit::Depth, at));
                    return scan;
                }
            }
            _ => {}
        }
        let passed = if depth + html.depth > MAX_DEPTH {
            Limit::Depth
        } else if elements > MAX_ELEMENTS {
            Limit::Elements
        } else {
            continue;
        };
        scan.excess = Some(excess(passed, 0));
        return scan;
    }
    scan
}

/// Raw HTML's nesting, as the sanitizer's parser would build it, from the tags alone:
/// an estimate that errs on the deep side, since an unclosed `<div>` stays open to the
/// end of the text.
#[derive(Default)]
struct RawHtmlDepth {
    depth: usize,
}

impl RawHtmlDepth {
    /// Elements that have no content, or that the next sibling closes (`<p>`, `<li>`),
    /// which never deepen the tree however many there are.
    const FLAT: &[&str] = &[
        "area", "base", "br", "col", "colgroup", "dd", "dt", "embed", "hr", "img", "input", "li",
        "link", "meta", "option", "p", "rp", "rt", "source", "tbody", "td", "tfoot", "th", "thead",
        "tr", "track", "wbr",
    ];

    /// Reads the tags of one chunk of raw HTML, counting the elements it opens into
    /// `elements`; returns where in it the depth first passes `room`, if it does.
    fn feed(&mut self, raw: &str, room: usize, elements: &mut usize) -> Option<usize> {
        let bytes = raw.as_bytes();
        let mut i = 0;
        while let Some(lt) = bytes[i..].iter().position(|&b| b == b'<') {
            i += lt + 1;
            let closing = bytes.get(i) == Some(&b'/');
            let start = i + usize::from(closing);
            let len = bytes[start..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if len == 0 || !bytes[start].is_ascii_alphabetic() {
                continue;
            }
            let name = &raw[start..start + len];
            let flat = Self::FLAT.iter().any(|f| f.eq_ignore_ascii_case(name));
            i = start + len;
            if closing {
                if !flat {
                    self.depth = self.depth.saturating_sub(1);
                }
                continue;
            }
            *elements += 1;
            // `<div/>` is still an open `<div>` to an HTML parser; only void and
            // sibling-closed elements stay flat.
            if !flat {
                self.depth += 1;
                if self.depth > room {
                    return Some(start - 1);
                }
            }
        }
        None
    }
}

/// Renders Markdown for one site: sanitizer rules and base path are set up once.
pub struct MarkdownRenderer {
    sanitizer: ammonia::Builder<'static>,
    /// Accessible name of a table that no heading precedes, escaped for an attribute.
    table_label: String,
}

/// The ids already used on one page, so that headings and footnotes of several
/// Markdown fragments on that page stay unique.
#[derive(Debug, Default)]
pub struct PageIds {
    used: HashSet<String>,
    /// For each slug that has been taken, the next number to try after it, so that a
    /// thousand headings of one name cost a thousand lookups, not half a million.
    next: HashMap<String, usize>,
    footnotes: usize,
}

impl MarkdownRenderer {
    /// A renderer whose site-absolute links (`/projects/`) get `base`'s path;
    /// `table_label` names a table's scroll region when no heading precedes it.
    pub fn new(base: &BaseUrl, table_label: &str) -> MarkdownRenderer {
        let base = base.clone();
        let mut sanitizer = ammonia::Builder::empty();
        sanitizer
            .add_tags(ALLOWED_TAGS)
            .add_clean_content_tags(["script", "style"])
            .add_generic_attributes(["lang", "title"])
            .add_tag_attributes("a", ["href", "hreflang"])
            .add_tag_attributes("img", ["alt", "src", "width", "height"])
            .add_tag_attributes("ol", ["start"])
            .add_tag_attributes("td", ["colspan", "rowspan", "data-label"])
            .add_tag_attributes("th", ["colspan", "rowspan", "scope"])
            .add_tag_attributes("time", ["datetime"])
            // Heading anchors and footnote targets.
            .add_tag_attributes("h1", ["id"])
            .add_tag_attributes("h2", ["id"])
            .add_tag_attributes("h3", ["id"])
            .add_tag_attributes("h4", ["id"])
            .add_tag_attributes("h5", ["id"])
            .add_tag_attributes("h6", ["id"])
            .add_tag_attributes("div", ["id"])
            // Scroll regions around tables; the filter below keeps only the values
            // this module writes, so raw HTML cannot add other roles or tab stops.
            .add_tag_attributes("div", ["tabindex", "role", "aria-labelledby", "aria-label"])
            // Table alignment as classes (a strict CSP forbids style attributes).
            .add_allowed_classes("th", ["align-left", "align-center", "align-right"])
            .add_allowed_classes("td", ["align-left", "align-center", "align-right"])
            .add_allowed_classes("div", ["table-scroll", "footnote-definition"])
            .add_allowed_classes("table", ["data-table"])
            .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
            .add_url_schemes(["http", "https", "mailto", "tel"])
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(Some("noopener noreferrer"))
            .strip_comments(true)
            .attribute_filter(move |element, attribute, value| {
                match (element, attribute) {
                    // Only the ids this module wrote, each once: an editor's raw
                    // `<h2 id="main">` would repeat a template's or a footnote's id.
                    (_, "id") => WRITTEN_IDS
                        .with(|ids| ids.borrow_mut().remove(value))
                        .then_some(Cow::Borrowed(value)),
                    // Nothing loads from another host: an image is local or dropped.
                    ("img", "src") if is_external(value) => None,
                    ("div", "tabindex") if value != "0" => None,
                    ("div", "role") if value != "region" => None,
                    ("a", "href") | ("img", "src") => Some(
                        base.rewrite_authored(value)
                            .map_or(Cow::Borrowed(value), Cow::Owned),
                    ),
                    _ => Some(Cow::Borrowed(value)),
                }
            });
        MarkdownRenderer {
            sanitizer,
            table_label: crate::xml::escape(table_label),
        }
    }

    /// Renders `text` to sanitized HTML, registering its ids in `ids`.
    pub fn render(&self, text: &str, ids: &mut PageIds) -> String {
        if text.trim().is_empty() {
            return String::new();
        }
        let events = join_cjk_lines(Parser::new_ext(text, options()).collect());
        let mut rewriter = Rewriter::new(ids, &self.table_label);
        let events = rewriter.rewrite(events);
        let mut html = String::with_capacity(text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        WRITTEN_IDS.with(|ids| *ids.borrow_mut() = std::mem::take(&mut rewriter.written));
        let clean = self.sanitizer.clean(&html).to_string();
        WRITTEN_IDS.with(|ids| ids.borrow_mut().clear());
        clean
    }
}

impl PageIds {
    /// Fresh ids for a new page; template ids are taken from the start.
    pub fn new() -> PageIds {
        PageIds {
            used: TEMPLATE_IDS.iter().map(|s| (*s).to_owned()).collect(),
            next: HashMap::new(),
            footnotes: 0,
        }
    }

    /// A unique id for a heading with `text`: the text itself with spaces and
    /// punctuation turned into hyphens, Chinese kept (`实施范围`), lower-cased.
    fn heading(&mut self, text: &str) -> String {
        let mut slug = slugify(text);
        if slug.is_empty() {
            slug.push_str("section");
        }
        if slug.starts_with(TEMPLATE_ID_PREFIX) || slug.starts_with(FOOTNOTE_ID_PREFIX) {
            slug.insert_str(0, "h-");
        }
        self.unique(slug)
    }

    fn unique(&mut self, slug: String) -> String {
        if self.used.insert(slug.clone()) {
            return slug;
        }
        // Each number is tried once per slug; a candidate taken by another heading
        // (`## a-1` before two `## a`) is skipped, and each id blocks one candidate.
        let n = self.next.entry(slug.clone()).or_insert(1);
        loop {
            let candidate = format!("{slug}-{n}");
            *n += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// `events` without the soft line breaks that fall between two CJK characters. The
/// characters on each side are the nearest text across inline tags (`**粗**⏎体`);
/// two passes, so that the cost stays linear however many tags there are.
fn join_cjk_lines(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    // The last character of text before each event, and the first after it.
    let mut before = Vec::with_capacity(events.len());
    let mut last = None;
    for event in &events {
        before.push(last);
        match event {
            Event::Text(t) | Event::Code(t) => last = t.chars().next_back().or(last),
            e if is_inline_tag(e) || matches!(e, Event::SoftBreak) => {}
            _ => last = None,
        }
    }
    let mut after = vec![None; events.len()];
    let mut next = None;
    for (i, event) in events.iter().enumerate().rev() {
        after[i] = next;
        match event {
            Event::Text(t) | Event::Code(t) => next = t.chars().next().or(next),
            e if is_inline_tag(e) || matches!(e, Event::SoftBreak) => {}
            _ => next = None,
        }
    }
    events
        .into_iter()
        .enumerate()
        .filter(|(i, event)| {
            !(matches!(event, Event::SoftBreak)
                && before[*i].is_some_and(is_cjk)
                && after[*i].is_some_and(is_cjk))
        })
        .map(|(_, event)| event)
        .collect()
}

/// Whether `event` opens or closes an inline tag, which text flows across.
fn is_inline_tag(event: &Event<'_>) -> bool {
    let inline = |tag: &Tag<'_>| {
        matches!(
            tag,
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. }
        )
    };
    match event {
        Event::Start(tag) => inline(tag),
        Event::End(end) => matches!(
            end,
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link
        ),
        _ => false,
    }
}

/// Whether `c` is a Chinese or Japanese character or CJK punctuation, which are
/// written without spaces between them. Hangul is not: Korean spaces its words.
fn is_cjk(c: char) -> bool {
    matches!(
        c,
        '\u{3000}'..='\u{303F}'   // CJK symbols and punctuation: 、。「」
            | '\u{3040}'..='\u{30FF}' // kana
            | '\u{3400}'..='\u{4DBF}' // extension A
            | '\u{4E00}'..='\u{9FFF}' // unified ideographs
            | '\u{F900}'..='\u{FAFF}' // compatibility ideographs
            | '\u{FF00}'..='\u{FFEF}' // full-width forms: ，：（）
            | '\u{20000}'..='\u{3FFFF}' // extensions B and later
    )
}

/// The first `max` characters of `text`, with an ellipsis when there were more.
fn cut(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

/// Lower-cases and joins the text's letters and digits (any script) with hyphens.
fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// Whether a browser would fetch `url` from another host: it names a scheme
/// (`https:x.test/a.png` too), or starts with two slashes, counting `\` as `/` and
/// ignoring tabs and line breaks, as browsers do.
fn is_external(url: &str) -> bool {
    let url: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    let url = url.trim_start_matches(|c: char| c <= ' ');
    let scheme = url
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains(['/', '?', '#']));
    url.starts_with("//") || scheme
}

/// Schemes that run code or inline content: a link with one is unwrapped to its text.
fn is_dangerous(url: &str) -> bool {
    let lower: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "data:", "vbscript:"]
        .iter()
        .any(|s| lower.starts_with(s))
}

/// Rewrites one fragment's events: heading ids, footnotes, tables, unsafe links.
struct Rewriter<'p> {
    ids: &'p mut PageIds,
    table_label: &'p str,
    /// Id of the latest heading, which names the tables below it.
    heading: Option<String>,
    footnotes: HashMap<String, usize>,
    alignments: Vec<Alignment>,
    /// The current table's column titles, which label its cells on a phone.
    labels: Vec<String>,
    in_head: bool,
    cell: usize,
    dropped_link: bool,
    image_as_link: bool,
    /// Ids written into this fragment, the only ones the sanitizer keeps.
    written: HashSet<String>,
}

impl<'p> Rewriter<'p> {
    fn new(ids: &'p mut PageIds, table_label: &'p str) -> Self {
        Rewriter {
            ids,
            table_label,
            heading: None,
            footnotes: HashMap::new(),
            alignments: Vec::new(),
            labels: Vec::new(),
            in_head: false,
            cell: 0,
            dropped_link: false,
            image_as_link: false,
            written: HashSet::new(),
        }
    }

    /// The page-wide number of a footnote label, assigned on first sight.
    fn footnote(&mut self, label: &str) -> usize {
        if let Some(&n) = self.footnotes.get(label) {
            return n;
        }
        self.ids.footnotes += 1;
        let n = self.ids.footnotes;
        self.footnotes.insert(label.to_owned(), n);
        n
    }

    fn rewrite<'e>(&mut self, events: Vec<Event<'e>>) -> Vec<Event<'e>> {
        let mut out = Vec::with_capacity(events.len());
        let mut iter = events.into_iter();
        while let Some(event) = iter.next() {
            let Event::Start(Tag::Heading { level, id, .. }) = event else {
                out.extend(self.rewrite_one(event));
                continue;
            };
            // Collect the heading's content to name it after its text.
            let mut inner = Vec::new();
            let mut text = String::new();
            for e in iter.by_ref() {
                if matches!(e, Event::End(TagEnd::Heading(_))) {
                    break;
                }
                if let Event::Text(t) | Event::Code(t) = &e {
                    text.push_str(t);
                }
                inner.push(e);
            }
            let slug = self.ids.heading(id.as_deref().unwrap_or(&text));
            self.written.insert(slug.clone());
            // The page title is the only h1: document headings start at h2.
            let level = level.max(HeadingLevel::H2);
            self.heading = Some(slug.clone());
            out.push(Event::Start(Tag::Heading {
                level,
                id: Some(CowStr::from(slug)),
                classes: Vec::new(),
                attrs: Vec::new(),
            }));
            out.extend(inner.into_iter().filter_map(|e| self.rewrite_one(e)));
            out.push(Event::End(TagEnd::Heading(level)));
        }
        out
    }

    fn rewrite_one<'e>(&mut self, event: Event<'e>) -> Option<Event<'e>> {
        let html = |s: String| Some(Event::Html(CowStr::from(s)));
        match event {
            Event::Start(Tag::Link { dest_url, .. }) if is_dangerous(&dest_url) => {
                self.dropped_link = true;
                None
            }
            Event::End(TagEnd::Link) if self.dropped_link => {
                self.dropped_link = false;
                None
            }
            Event::Start(Tag::Image {
                dest_url,
                title,
                id,
                ..
            }) if is_external(&dest_url) => {
                // An image from another host would load from it: link to it instead.
                self.image_as_link = true;
                Some(Event::Start(Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url,
                    title,
                    id,
                }))
            }
            Event::End(TagEnd::Image) if self.image_as_link => {
                self.image_as_link = false;
                Some(Event::End(TagEnd::Link))
            }
            Event::Start(Tag::Image { dest_url, .. }) if is_dangerous(&dest_url) => {
                self.dropped_link = true;
                None
            }
            Event::End(TagEnd::Image) if self.dropped_link => {
                self.dropped_link = false;
                None
            }
            Event::FootnoteReference(label) => {
                let n = self.footnote(&label);
                html(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#{FOOTNOTE_ID_PREFIX}{n}\">{n}</a></sup>"
                ))
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let n = self.footnote(&label);
                // A label defined twice gets the id twice here; the sanitizer keeps
                // each written id once.
                self.written.insert(format!("{FOOTNOTE_ID_PREFIX}{n}"));
                html(format!(
                    "<div class=\"footnote-definition\" id=\"{FOOTNOTE_ID_PREFIX}{n}\"><sup class=\"footnote-definition-label\">{n}</sup>"
                ))
            }
            Event::End(TagEnd::FootnoteDefinition) => html("</div>\n".to_owned()),
            Event::Text(ref text) | Event::Code(ref text) if self.in_head => {
                if let Some(label) = self.labels.last_mut() {
                    label.push_str(text);
                }
                Some(event)
            }
            Event::Start(Tag::Table(alignments)) => {
                self.alignments = alignments;
                self.labels.clear();
                let name = match &self.heading {
                    Some(id) => format!("aria-labelledby=\"{id}\""),
                    None => format!("aria-label=\"{}\"", self.table_label),
                };
                html(format!(
                    "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" {name}><table class=\"data-table\">\n"
                ))
            }
            Event::End(TagEnd::Table) => html("</tbody></table></div>\n".to_owned()),
            Event::Start(Tag::TableHead) => {
                self.in_head = true;
                self.cell = 0;
                html("<thead><tr>".to_owned())
            }
            Event::End(TagEnd::TableHead) => {
                self.in_head = false;
                // Escaped and cut once here, not once per cell.
                for label in &mut self.labels {
                    *label = crate::xml::escape(&cut(label, MAX_LABEL_CHARS));
                }
                html("</tr></thead>\n<tbody>\n".to_owned())
            }
            Event::Start(Tag::TableRow) => {
                self.cell = 0;
                html("<tr>".to_owned())
            }
            Event::End(TagEnd::TableRow) => html("</tr>\n".to_owned()),
            Event::Start(Tag::TableCell) => {
                let class = match self.alignments.get(self.cell) {
                    Some(Alignment::Left) => " class=\"align-left\"",
                    Some(Alignment::Center) => " class=\"align-center\"",
                    Some(Alignment::Right) => " class=\"align-right\"",
                    _ => "",
                };
                self.cell += 1;
                if self.in_head {
                    self.labels.push(String::new());
                    html(format!("<th scope=\"col\"{class}>"))
                } else {
                    match self.labels.get(self.cell - 1).filter(|l| !l.is_empty()) {
                        Some(label) => html(format!("<td{class} data-label=\"{label}\">")),
                        None => html(format!("<td{class}>")),
                    }
                }
            }
            Event::End(TagEnd::TableCell) => {
                html(if self.in_head { "</th>" } else { "</td>" }.to_owned())
            }
            other => Some(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> String {
        let base = BaseUrl::parse("https://example.org/zibo/").unwrap();
        MarkdownRenderer::new(&base, "表格").render(text, &mut PageIds::new())
    }

    #[test]
    fn a_line_break_between_chinese_characters_is_no_space() {
        assert_eq!(
            render("约6.25万平方米，\n设置床位"),
            "<p>约6.25万平方米，设置床位</p>\n"
        );
        assert_eq!(render("绿色\n建材"), "<p>绿色建材</p>\n");
        assert_eq!(
            render("**绿色**\n建材"),
            "<p><strong>绿色</strong>建材</p>\n"
        );
        // Latin on either side keeps the break, which a browser shows as a space.
        assert_eq!(render("green\nbuilding"), "<p>green\nbuilding</p>\n");
        assert_eq!(render("C30\n混凝土"), "<p>C30\n混凝土</p>\n");
        assert_eq!(render("混凝土\nC30"), "<p>混凝土\nC30</p>\n");
        // A hard break stays one; paragraphs stay apart.
        assert!(render("绿色  \n建材").contains("<br"));
        assert_eq!(render("绿色\n\n建材"), "<p>绿色</p>\n<p>建材</p>\n");
    }

    #[test]
    fn headings_get_unique_chinese_ids() {
        let html = render("# 实施范围\n\n## 实施范围\n\n## Main\n\n## sec-x {#sec-x}\n");
        assert!(html.contains("<h2 id=\"实施范围\">实施范围</h2>"), "{html}");
        assert!(html.contains("<h2 id=\"实施范围-1\">"), "{html}");
        assert!(html.contains("<h2 id=\"main-1\">"), "{html}");
        assert!(html.contains("<h2 id=\"h-sec-x\">"), "{html}");
    }

    #[test]
    fn tables_scroll_in_regions_named_by_the_heading_above() {
        let html = render("| a |\n|---|\n| 1 |\n\n## 指标\n\n| b |\n|---|\n| 2 |\n");
        assert!(
            html.contains("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"表格\"><table class=\"data-table\">"),
            "{html}"
        );
        assert!(
            html.contains("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"指标\"><table class=\"data-table\">"),
            "{html}"
        );
    }

    #[test]
    fn raw_html_cannot_add_roles_or_tab_stops() {
        let html = render("<div role=\"button\" tabindex=\"5\">x</div>\n");
        assert!(html.contains("<div>x</div>"), "{html}");
    }

    #[test]
    fn footnotes_get_prefixed_ids() {
        let html = render("正文[^a]。\n\n[^a]: 注释。\n");
        assert!(html.contains("href=\"#fn-1\""), "{html}");
        assert!(html.contains("id=\"fn-1\""), "{html}");
        assert!(html.contains("class=\"footnote-definition\""), "{html}");
    }

    #[test]
    fn ids_are_unique_and_only_generated_ones() {
        let html = render(
            "a[^1]\n\n[^1]: one\n\n[^1]: two\n\n<h2 id=\"main\">x</h2><div id=\"fn-1\">y</div>\n",
        );
        assert_eq!(html.matches("id=\"fn-1\"").count(), 1, "{html}");
        assert!(!html.contains("id=\"main\""), "{html}");
        // A heading named like a footnote of a later fragment on the same page.
        let base = BaseUrl::parse("https://example.org/").unwrap();
        let renderer = MarkdownRenderer::new(&base, "表格");
        let mut ids = PageIds::new();
        let page = renderer.render("## fn 2\n\na[^x]\n\n[^x]: one\n", &mut ids)
            + &renderer.render("b[^y]\n\n[^y]: two\n", &mut ids);
        assert_eq!(page.matches("id=\"fn-2\"").count(), 1, "{page}");
    }

    #[test]
    fn tables_align_with_classes_and_scope_and_label_their_cells() {
        let html = render("| a | b & `c` |\n|:--|--:|\n| 1 | 2 |\n");
        assert!(
            html.contains("<th scope=\"col\" class=\"align-left\">a</th>"),
            "{html}"
        );
        // The header keeps its code; its text names each cell when a phone stacks
        // the rows as cards.
        assert!(
            html.contains("<th scope=\"col\" class=\"align-right\">b &amp; <code>c</code></th>"),
            "{html}"
        );
        assert!(
            html.contains("<td class=\"align-right\" data-label=\"b &amp; c\">2</td>"),
            "{html}"
        );
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn unsafe_html_and_links_are_removed() {
        let html = render(
            "<script>alert(1)</script><p onclick=\"x()\" style=\"color:red\">p</p>\n\n[x](javascript:alert(1)) [y](data:text/html,hi) <a href=\"javascript:alert(1)\">z</a>\n",
        );
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("style"), "{html}");
        assert!(!html.contains("javascript"), "{html}");
        assert!(!html.contains("data:"), "{html}");
    }

    #[test]
    fn links_get_the_base_path_and_images_stay_local() {
        let html = render(
            "[项目](/projects/) ![图](https://cdn.example.com/a.png) ![本地](/assets/a.png) <img src=\"//x.org/a.png\">\n",
        );
        assert!(html.contains("href=\"/zibo/projects/\""), "{html}");
        assert!(
            html.contains("href=\"https://cdn.example.com/a.png\""),
            "{html}"
        );
        assert!(!html.contains("src=\"https:"), "{html}");
        assert!(!html.contains("src=\"//"), "{html}");
        assert!(html.contains("src=\"/zibo/assets/a.png\""), "{html}");
    }
}
