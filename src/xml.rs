//! Escaping for the XML the generator writes by hand: the Atom feed, the sitemap and
//! the SVG charts.

/// Escapes text for XML content and attribute values, dropping the characters that
/// XML 1.0 does not allow at all (control characters, U+FFFE, U+FFFF). Tabs and line
/// breaks become character references: a parser would turn them into spaces in an
/// attribute, and a carriage return into a line feed anywhere.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{fffe}' | '\u{ffff}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'\u{7}\n"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#10;"
        );
    }
}
