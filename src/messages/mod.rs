//! What greenproc tells editors (diagnostics, summaries, the preview's overlay,
//! `diff`'s report, the command-line help) in their language: Chinese by default,
//! English on request. The texts live in one file per language beside this module,
//! keyed by dotted paths with `{name}` slots; Rust only names a key and fills the
//! slots, so a message is chosen where the problem is found and worded where it is
//! shown.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// A language editors read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the help lists them.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The language named `name`: `zh`, `zh-CN`, `zh_CN.UTF-8`, `en`, `en_US.UTF-8`...
    pub fn parse(name: &str) -> Option<Lang> {
        let lower = name.trim().to_ascii_lowercase();
        let primary = lower.split(['-', '_', '.', '@']).next().unwrap_or_default();
        match primary {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language asked for by the environment: `GREENPROC_LANG`, else the first
    /// of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set. Only an English locale
    /// selects English: runners and containers often set `C.UTF-8`, which says
    /// nothing about the reader.
    pub fn from_env() -> Lang {
        let get = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if let Some(lang) = get("GREENPROC_LANG").as_deref().and_then(Lang::parse) {
            return lang;
        }
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|name| get(name))
            .and_then(|value| Lang::parse(&value))
            .unwrap_or_default()
    }

    /// The catalog of this language.
    fn catalog(self) -> &'static HashMap<String, String> {
        static ZH: OnceLock<HashMap<String, String>> = OnceLock::new();
        static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
        match self {
            Lang::Zh => ZH.get_or_init(|| parse_catalog(include_str!("zh-CN.yaml"))),
            Lang::En => EN.get_or_init(|| parse_catalog(include_str!("en.yaml"))),
        }
    }

    /// The text at `key`, with no slots filled.
    pub fn get(self, key: &str) -> &'static str {
        match self.catalog().get(key) {
            Some(text) => text,
            // Every key is checked in both catalogs by the tests; a release build that
            // somehow lacks one shows the key rather than nothing.
            None => {
                debug_assert!(false, "no message `{key}` in {self:?}");
                ""
            }
        }
    }
}

/// The catalog's tree of maps flattened to dotted keys.
fn parse_catalog(yaml: &str) -> HashMap<String, String> {
    let tree: serde_json::Value = crate::yaml::parse_yaml(yaml).expect("the catalog is YAML");
    let mut out = HashMap::new();
    flatten("", &tree, &mut out);
    out
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut HashMap<String, String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, value, out);
            }
        }
        serde_json::Value::String(text) => {
            out.insert(prefix.to_owned(), text.trim_end().to_owned());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

/// A message: a key of the catalogs and the values for its slots.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    key: &'static str,
    args: Vec<(&'static str, Arg)>,
}

/// The value of one slot: text quoted from the editor's files or the system, or
/// another message worded in the same language.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// Shown as it is (after [`one_line`]).
    Plain(String),
    /// Worded like its parent.
    Text(Text),
}

impl From<String> for Arg {
    fn from(value: String) -> Arg {
        Arg::Plain(one_line(value))
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Arg {
        Arg::from(value.to_owned())
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Arg {
        Arg::from(value.clone())
    }
}

impl From<Text> for Arg {
    fn from(value: Text) -> Arg {
        Arg::Text(value)
    }
}

macro_rules! plain_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(value: $t) -> Arg {
                Arg::Plain(value.to_string())
            }
        }
    )*};
}
plain_number!(usize, u64, u32, i64, f64);

impl Text {
    /// The message at `key`, its slots still empty.
    pub fn new(key: &'static str) -> Text {
        Text {
            key,
            args: Vec::new(),
        }
    }

    /// Fills the slot `{name}`.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Text {
        self.args.push((name, value.into()));
        self
    }

    /// The catalog key.
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// The message worded in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        self.render_into(lang, &mut out);
        out
    }

    fn render_into(&self, lang: Lang, out: &mut String) {
        let template = lang.get(self.key);
        if template.is_empty() {
            out.push_str(self.key);
        }
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                return;
            };
            let name = &after[..close];
            match self.args.iter().find(|(n, _)| *n == name) {
                Some((_, Arg::Plain(text))) => out.push_str(text),
                Some((_, Arg::Text(text))) => text.render_into(lang, out),
                None => {
                    let _ = write!(out, "{{{name}}}");
                }
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
    }
}

/// `text!("key", name = value, ...)`: the message at `key` with its slots filled.
#[macro_export]
macro_rules! text {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::messages::Text::new($key)$(.arg(stringify!($name), $value))*
    };
}

/// `text` with its line breaks, other control characters and bidirectional controls
/// written as escapes (`\n`, `\u{1b}`): a message quotes values from the files, and a
/// line break in one would start a new line in a CI log, where a line that begins
/// with `::error` is a command to the runner, and an escape sequence would drive the
/// editor's terminal.
pub fn one_line(text: String) -> String {
    if !text.chars().any(needs_escape) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Control characters, line and paragraph separators, and the bidirectional
/// overrides and isolates that reorder what a terminal shows.
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A list of names as a sentence says it: `a, b and c` / `a、b 和 c`... with at most
/// `shown` named and the rest counted.
pub fn list(items: &[String], shown: usize) -> Text {
    let named = items[..items.len().min(shown)].join(", ");
    match items.len().saturating_sub(shown) {
        0 => text!("common.list", items = named),
        more => text!("common.list_and_more", items = named, more = more),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn slots(template: &str) -> BTreeSet<&str> {
        template
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn both_catalogs_have_the_same_keys_and_slots() {
        let zh = Lang::Zh.catalog();
        let en = Lang::En.catalog();
        let mut keys: Vec<&String> = zh.keys().chain(en.keys()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            let (Some(z), Some(e)) = (zh.get(key), en.get(key)) else {
                panic!("`{key}` is in one catalog only");
            };
            assert_eq!(slots(z), slots(e), "slots of `{key}`");
        }
    }

    /// Every string literal in the sources that looks like a key of a catalog section
    /// (`"yaml.unknown_field"`, in `text!`, `Text::new` or a table of keys) is a key
    /// both catalogs have.
    #[test]
    fn every_key_the_code_names_is_in_the_catalogs() {
        const SECTIONS: [&str; 10] = [
            "cli",
            "common",
            "diagnostic",
            "diff",
            "history",
            "load",
            "noun",
            "serve",
            "validate",
            "yaml",
        ];
        // Strings of that shape that are not message keys: a VS Code setting.
        const NOT_KEYS: [&str; 1] = ["yaml.schemas"];
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut seen = 0;
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let code = std::fs::read_to_string(entry.path()).unwrap();
            for section in SECTIONS {
                let opener = format!("\"{section}.");
                for (at, _) in code.match_indices(&opener) {
                    let rest = &code[at + 1..];
                    let key = &rest[..rest.find('"').unwrap()];
                    let is_key = key.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b"._".contains(&b)
                    });
                    if !is_key || key.ends_with('.') || NOT_KEYS.contains(&key) {
                        continue;
                    }
                    seen += 1;
                    if !Lang::Zh.catalog().contains_key(key) {
                        missing.push(format!("{}: {key}", entry.path().display()));
                    }
                }
            }
        }
        assert!(seen > 100, "found only {seen} keys");
        assert!(
            missing.is_empty(),
            "not in the catalogs:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn slots_are_filled_with_plain_values_and_nested_messages() {
        let noun = Text::new("noun.product");
        let text = text!("validate.reference.none", kind = noun, id = "a\nb");
        assert_eq!(text.render(Lang::En), "no product has the id `a\\nb`");
        assert!(text.render(Lang::Zh).contains("a\\nb"));
    }

    #[test]
    fn languages_parse_from_locale_names() {
        assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("zh-Hans"), Some(Lang::Zh));
        assert_eq!(Lang::parse("C.UTF-8"), None);
    }
}
