//! Text normalization and tokenization, shared in meaning with `search.js`: both
//! sides must turn the same characters into the same keys, so every rule here is
//! mirrored there and kept deliberately simple (no segmenter whose output could
//! differ between the build and the browser).

/// Folds the forms a visitor may type differently into one: full-width ASCII to
/// half-width, the ideographic space to a space, every kind of bracket to `[` `]`,
/// and Latin letters to lower case.
pub fn normalize(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    let c = match c {
        // Full-width ASCII block (！ to ～) maps onto ASCII by a fixed offset.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    match c {
        '(' | '[' | '{' | '〔' | '【' | '〖' | '「' | '『' | '〈' | '《' | '⦅' => '[',
        ')' | ']' | '}' | '〕' | '】' | '〗' | '」' | '』' | '〉' | '》' | '⦆' => ']',
        _ => c.to_ascii_lowercase(),
    }
}

/// Whether `c` is a Chinese character (CJK unified ideographs and their extensions).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// A run of normalized text: Chinese characters, or ASCII letters and digits.
#[derive(Debug, PartialEq, Eq)]
pub enum Run<'a> {
    /// Consecutive Chinese characters.
    Han(&'a str),
    /// Consecutive ASCII letters and digits, e.g. `c30` or `2022`.
    Word(&'a str),
}

/// Splits normalized text into runs; everything else (punctuation, spaces, other
/// scripts) separates runs and is not searchable.
pub fn runs(text: &str) -> Vec<Run<'_>> {
    let mut out = Vec::new();
    let mut start = None::<(usize, bool)>;
    for (i, c) in text.char_indices() {
        let class = if is_han(c) {
            Some(true)
        } else if c.is_ascii_alphanumeric() {
            Some(false)
        } else {
            None
        };
        match (start, class) {
            (Some((_, han)), Some(h)) if han == h => {}
            _ => {
                if let Some((s, han)) = start.take() {
                    out.push(run(&text[s..i], han));
                }
                start = class.map(|h| (i, h));
            }
        }
    }
    if let Some((s, han)) = start {
        out.push(run(&text[s..], han));
    }
    out
}

fn run(text: &str, han: bool) -> Run<'_> {
    if han { Run::Han(text) } else { Run::Word(text) }
}

/// The overlapping character bigrams of a Chinese run; a one-character run is its
/// own single key, so that it stays findable.
pub fn bigrams(run: &str) -> Vec<&str> {
    let bounds: Vec<usize> = run
        .char_indices()
        .map(|(i, _)| i)
        .chain([run.len()])
        .collect();
    if bounds.len() <= 2 {
        return vec![run];
    }
    bounds.windows(3).map(|w| &run[w[0]..w[2]]).collect()
}

/// The key a code is looked up by: normalized, with everything but letters, digits
/// and Chinese characters dropped, so that `财库〔2022〕35号`, `财库[2022]35号` and
/// `财库（2022）35号` are one key, and so are codes typed with spaces or hyphens.
pub fn code_key(text: &str) -> String {
    normalize(text)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || is_han(*c))
        .collect()
}

/// The domain dictionary: whole terms such as 绿色建材 or 岩棉 whose exact
/// occurrence ranks a record above one that merely contains the characters.
#[derive(Debug, Default)]
pub struct Dictionary {
    terms: std::collections::BTreeSet<String>,
    /// First characters of the terms: most positions start no term, and this set
    /// answers that in one lookup (segmentation is the hot loop of indexing).
    starts: std::collections::HashSet<char>,
    lookup: std::collections::HashSet<String>,
    longest: usize,
}

impl Dictionary {
    /// The built-in domain terms (`terms.txt`, one a line, `#` starts a comment).
    pub fn builtin() -> Dictionary {
        let mut dictionary = Dictionary::default();
        for line in include_str!("terms.txt").lines() {
            let term = line.split('#').next().unwrap_or("").trim();
            dictionary.add(term);
        }
        dictionary
    }

    /// Adds a term; terms that are not one Chinese run of two or more characters
    /// are ignored, because only those need a whole-term key.
    pub fn add(&mut self, term: &str) {
        let term = normalize(term);
        if let [Run::Han(han)] = runs(&term)[..] {
            let len = han.chars().count();
            if len >= 2 && han.len() == term.len() {
                self.longest = self.longest.max(len);
                self.starts.extend(term.chars().next());
                self.lookup.insert(term.clone());
                self.terms.insert(term);
            }
        }
    }

    /// The terms, sorted, for the browser's copy.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(String::as_str)
    }

    /// The dictionary terms found in a Chinese run by forward maximum matching: at
    /// each position the longest term wins and the scan resumes after it, so that
    /// 土地 is not found inside 混凝土地面 when 混凝土 is a term.
    pub fn segment<'a>(&self, run: &'a str) -> Vec<&'a str> {
        let chars: Vec<usize> = run
            .char_indices()
            .map(|(i, _)| i)
            .chain([run.len()])
            .collect();
        let n = chars.len() - 1;
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
            if !run[chars[i]..].starts_with(|c| self.starts.contains(&c)) {
                i += 1;
                continue;
            }
            let longest = (2..=self.longest.min(n - i))
                .rev()
                .find(|len| self.lookup.contains(&run[chars[i]..chars[i + len]]));
            match longest {
                Some(len) => {
                    out.push(&run[chars[i]..chars[i + len]]);
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }

    /// Like [`Dictionary::segment`], plus every term nested inside a matched one:
    /// 岩棉 is a whole term of 岩棉板, but 土地 is still not one of 混凝土地面.
    pub fn segment_nested<'a>(&self, run: &'a str) -> Vec<&'a str> {
        let mut out = Vec::new();
        for term in self.segment(run) {
            out.push(term);
            let chars: Vec<usize> = term
                .char_indices()
                .map(|(i, _)| i)
                .chain([term.len()])
                .collect();
            let n = chars.len() - 1;
            for start in 0..n {
                for end in start + 2..=n {
                    let inner = &term[chars[start]..chars[end]];
                    if (start, end) != (0, n) && self.lookup.contains(inner) {
                        out.push(inner);
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_brackets_fold() {
        assert_eq!(normalize("ＧＢ／Ｔ　５０３７８"), "gb/t 50378");
        assert_eq!(normalize("财库〔2022〕35号"), "财库[2022]35号");
        assert_eq!(normalize("【通知】（试行）"), "[通知][试行]");
        assert_eq!(normalize("C30混凝土"), "c30混凝土");
    }

    #[test]
    fn runs_split_scripts() {
        assert_eq!(
            runs("c30混凝土, gb/t 50378-2019"),
            vec![
                Run::Word("c30"),
                Run::Han("混凝土"),
                Run::Word("gb"),
                Run::Word("t"),
                Run::Word("50378"),
                Run::Word("2019"),
            ]
        );
    }

    #[test]
    fn bigrams_overlap() {
        assert_eq!(bigrams("预拌混凝土"), vec!["预拌", "拌混", "混凝", "凝土"]);
        assert_eq!(bigrams("桥"), vec!["桥"]);
        assert_eq!(bigrams("岩棉"), vec!["岩棉"]);
    }

    #[test]
    fn code_keys_ignore_bracket_forms() {
        let key = code_key("财库〔2022〕35号");
        assert_eq!(key, "财库202235号");
        assert_eq!(code_key("财库[2022]35号"), key);
        assert_eq!(code_key("财库（２０２２）３５号"), key);
        assert_eq!(code_key(" 91370302MA3PHC633T "), "91370302ma3phc633t");
    }

    #[test]
    fn segmentation_prefers_longest_terms() {
        let mut d = Dictionary::default();
        for t in ["混凝土", "预拌混凝土", "地面", "土地", "C30"] {
            d.add(t);
        }
        assert_eq!(d.segment("预拌混凝土地面"), vec!["预拌混凝土", "地面"]);
        assert_eq!(d.segment("征收土地"), vec!["土地"]);
        assert_eq!(d.terms().count(), 4, "a Latin term needs no whole-term key");
        assert_eq!(
            d.segment_nested("预拌混凝土地面"),
            vec!["预拌混凝土", "混凝土", "地面"]
        );
    }
}
