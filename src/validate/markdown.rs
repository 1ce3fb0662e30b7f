//! Markdown texts whose structure would make rendering slow: nested deeper than
//! [`MAX_DEPTH`] or with more than [`MAX_ELEMENTS`] elements. Rendering sanitizes the
//! HTML it makes, and an HTML parser's cost grows with nesting depth times length, so
//! a 100 KB file of `>` or `<div>` would take a minute; `check` refuses such a text
//! here, with the line where the limit is passed, before a build meets it.

use std::path::Path;

use crate::diagnostic::{Code, Diagnostics, Position};
use crate::model::kind::Text;
use crate::render::markdown::{Excess, Limit, MAX_DEPTH, MAX_ELEMENTS, measure};

/// Reports `text` of `file` if it passes a limit.
pub(super) fn check_text(diagnostics: &mut Diagnostics, file: &Path, text: &Text<'_>) {
    let Err(Excess { limit, offset }) = measure(text.value) else {
        return;
    };
    let before = &text.value[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let position = Position {
        line: text.line + before.matches('\n').count() as u64,
        column: text.column + before[line_start..].chars().count() as u64,
        length: 1,
    };
    let field = text.field;
    let (message, hint) = match limit {
        Limit::Depth => (
            format!("`{field}` nests more than {MAX_DEPTH} levels deep here"),
            "quotations (`>`), lists and HTML tags nest inside each other; close the \
             tags you opened, or write the text with fewer levels",
        ),
        Limit::Elements => (
            format!("`{field}` makes more than {MAX_ELEMENTS} elements by here"),
            "split the document into several, or publish the long table as a file",
        ),
    };
    diagnostics.report(Code::MarkdownTooComplex, file, position, message, hint);
}
