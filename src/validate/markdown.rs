//! Markdown texts: their structure, and where their links point.
//!
//! A text nested deeper than [`MAX_DEPTH`] or with more than [`MAX_ELEMENTS`]
//! elements would make rendering slow: the HTML it makes is sanitized, and an HTML
//! parser's cost grows with nesting depth times length, so a 100 KB file of `>` or
//! `<div>` would take a minute. `check` refuses such a text here, with the line where
//! the limit is passed, before a build meets it. A link to a path on the site must
//! lead somewhere, as the links of the data fields must ([`Checker::site_link`]).

use crate::diagnostic::{Code, Position};
use crate::model::kind::Text;
use crate::render::markdown::{Excess, Limit, MAX_DEPTH, MAX_ELEMENTS, scan};

use super::Checker;

/// Reports `text` of `file` if it passes a limit, and each of its site links that
/// leads nowhere.
pub(super) fn check_text(checker: &mut Checker, file: &std::path::Path, text: &Text<'_>) {
    let scan = scan(text.value);
    let mut positions = Positions::new(text);
    for (offset, url) in &scan.links {
        checker.site_link(file, positions.at(*offset), url);
    }
    let Some(Excess { limit, offset }) = scan.excess else {
        return;
    };
    let field = text.field;
    let (message, hint) = match limit {
        Limit::Depth => (
            crate::text!("validate.markdown.too_deep", field = field, max = MAX_DEPTH),
            crate::text!("validate.markdown.too_deep_hint"),
        ),
        Limit::Elements => (
            crate::text!(
                "validate.markdown.too_many",
                field = field,
                max = MAX_ELEMENTS
            ),
            crate::text!("validate.markdown.too_many_hint"),
        ),
    };
    checker.diagnostics.report(
        Code::MarkdownTooComplex,
        file,
        Positions::new(text).at(offset),
        message,
        hint,
    );
}

/// File positions of byte offsets of a text, asked in increasing order: each part of
/// the text is counted once, so a text of 30,000 links costs one pass, not 30,000.
struct Positions<'t> {
    text: &'t Text<'t>,
    /// The offset counted up to, the start of its line, and the lines before it.
    offset: usize,
    line_start: usize,
    lines: u64,
}

impl<'t> Positions<'t> {
    fn new(text: &'t Text<'t>) -> Positions<'t> {
        Positions {
            text,
            offset: 0,
            line_start: 0,
            lines: 0,
        }
    }

    /// The position of byte `offset`, which is not before the last one asked.
    fn at(&mut self, offset: usize) -> Position {
        let bytes = self.text.value.as_bytes();
        // Lines end where YAML and the diagnostics end them: `\r\n`, `\n` or a lone
        // `\r`.
        for i in self.offset..offset {
            let ends = bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends {
                self.lines += 1;
                self.line_start = i + 1;
            }
        }
        self.offset = offset.max(self.offset);
        let column = self.text.value[self.line_start..offset].chars().count() as u64;
        Position {
            line: self.text.line + self.lines,
            column: self.text.column + column,
            length: 1,
        }
    }
}
