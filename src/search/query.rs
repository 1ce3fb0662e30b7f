//! The query side of the index, the same algorithm `search.js` runs in the browser.
//! It exists so that `cargo test` checks matching and ranking without a browser, and
//! so that the benchmark can count exactly which files a query fetches.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;

use super::index::{BODY, PREFIX_WORD_MAX, RELATED, TITLE, fnv1a, shard_key};
use super::text::{Dictionary, Run, bigrams, code_key, is_han, normalize, runs};

/// Results per page, and so the documents fetched per query.
pub const PAGE: usize = 10;

/// One part of a query; a document must match every part.
#[derive(Debug, PartialEq, Eq)]
pub enum Part {
    /// Two or more Chinese characters: their bigrams, and the domain terms found in
    /// the run.
    Han {
        /// The bigrams to intersect: all of them for up to three characters, every
        /// other one (and the last) for longer runs.
        cover: Vec<String>,
        /// Dictionary terms in the run, for the whole-term bonus.
        terms: Vec<String>,
    },
    /// One Chinese character, looked up as itself.
    Char(String),
    /// A Latin or digit word; the last one of a query also matches as a prefix.
    Word {
        /// The word.
        word: String,
        /// Whether longer words starting with it match too.
        prefix: bool,
    },
}

/// Splits a query into parts (see [`Part`]).
pub fn parse(query: &str, dictionary: &Dictionary) -> Vec<Part> {
    let normalized = normalize(query);
    let all = runs(&normalized);
    let count = all.len();
    all.into_iter()
        .enumerate()
        .map(|(i, run)| match run {
            Run::Han(han) if han.chars().count() == 1 => Part::Char(han.to_owned()),
            Run::Han(han) => {
                // Up to three characters, every overlapping bigram, so that the same
                // characters in another order do not match. Longer runs are specific
                // enough that every other bigram (and the last) suffices, which
                // halves what the query fetches.
                let grams = bigrams(han);
                let step = if grams.len() >= 3 { 2 } else { 1 };
                let mut cover: Vec<String> = grams
                    .iter()
                    .step_by(step)
                    .map(|g| (*g).to_owned())
                    .collect();
                let last = (*grams.last().expect("a run has a bigram")).to_owned();
                if cover.last() != Some(&last) {
                    cover.push(last);
                }
                let terms = dictionary
                    .segment(han)
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                Part::Han { cover, terms }
            }
            Run::Word(word) => Part::Word {
                prefix: i + 1 == count && word.len() >= 3 && word.len() <= PREFIX_WORD_MAX,
                word: word.to_owned(),
            },
        })
        .collect()
}

/// Whether a query may be a code, so the code map is worth a look first.
pub fn looks_like_code(query: &str) -> bool {
    let key = code_key(query);
    key.chars().count() >= 6 && key.bytes().any(|b| b.is_ascii_digit())
}

/// The manifest fields the query side needs.
#[derive(Debug, Deserialize)]
pub struct Meta {
    /// Number of documents.
    pub docs: usize,
    /// Number of posting shards.
    pub shards: usize,
    /// Number of code-map files.
    #[serde(rename = "codeShards")]
    pub code_shards: usize,
    /// Documents per chunk.
    pub chunk: usize,
    /// The domain dictionary.
    pub terms: Vec<String>,
}

/// Filters a visitor chose.
#[derive(Debug, Default)]
pub struct Filters {
    /// Kind key.
    pub kind: Option<String>,
    /// District id.
    pub district: Option<String>,
    /// Category id.
    pub category: Option<String>,
}

/// A ranked result.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Clean path of the page.
    pub path: String,
    /// Title.
    pub title: String,
    /// Score (higher first).
    pub score: u32,
}

/// What a query produced, and the files it read.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Straight to this page: the query was a known code.
    pub redirect: Option<String>,
    /// The first page of results.
    pub hits: Vec<Hit>,
    /// Number of matching documents.
    pub total: usize,
    /// Files read, relative to `search/index/`, in order.
    pub fetched: Vec<String>,
}

/// An index held in memory, as files by path relative to `search/index/`.
pub struct Index<'a> {
    files: HashMap<&'a str, &'a [u8]>,
    meta: Meta,
    dictionary: Dictionary,
}

type Postings = HashMap<u32, u8>;

fn weight(mask: u8) -> u32 {
    if mask & TITLE != 0 {
        32
    } else if mask & RELATED != 0 {
        8
    } else if mask & BODY != 0 {
        2
    } else {
        1
    }
}

impl<'a> Index<'a> {
    /// Opens an index from its files (paths as `build` returns them).
    pub fn new(files: &'a [(String, Vec<u8>)]) -> Index<'a> {
        let files: HashMap<&str, &[u8]> = files
            .iter()
            .filter_map(|(p, b)| Some((p.strip_prefix("search/index/")?, b.as_slice())))
            .collect();
        let meta: Meta = serde_json::from_slice(files["meta.json"]).expect("manifest parses");
        let mut dictionary = Dictionary::default();
        for term in &meta.terms {
            dictionary.add(term);
        }
        Index {
            files,
            meta,
            dictionary,
        }
    }

    fn read(&self, path: &str, fetched: &mut Vec<String>) -> &'a [u8] {
        if !fetched.iter().any(|f| f == path) {
            fetched.push(path.to_owned());
        }
        self.files.get(path).copied().unwrap_or_default()
    }

    /// All terms of the shard holding `key`'s terms, with their postings decoded
    /// lazily: `(term, count, postings bytes or own file)`.
    fn shard(&self, key: &str, fetched: &mut Vec<String>) -> Vec<(&'a str, Entry<'a>)> {
        let n = fnv1a(shard_key(key)) as usize % self.meta.shards;
        decode_shard(self.read(&format!("s/{n}.bin"), fetched))
    }

    fn postings(&self, entry: Entry<'a>, fetched: &mut Vec<String>) -> Postings {
        let bytes = match entry {
            Entry::Inline(bytes) => bytes,
            Entry::Own(n) => self.read(&format!("t/{n}.bin"), fetched),
        };
        decode_postings(bytes)
    }

    fn term(&self, term: &str, fetched: &mut Vec<String>) -> Postings {
        let found = self
            .shard(term, fetched)
            .into_iter()
            .find(|(t, _)| *t == term);
        match found {
            Some((_, entry)) => self.postings(entry, fetched),
            None => Postings::default(),
        }
    }

    // Long because it follows `search.js`'s `search` step for step (code map, parts,
    // postings, intersection, filters, ranking, page), so the two read side by side.
    /// Runs a query as the browser does: code map first, then the postings of every
    /// part, intersected, filtered, ranked; then the first page's documents.
    pub fn search(&self, query: &str, filters: &Filters) -> Outcome {
        let mut out = Outcome::default();
        let fetched = &mut out.fetched;
        self.read("meta.json", fetched);
        if looks_like_code(query) {
            let key = code_key(query);
            let n = fnv1a(&key) as usize % self.meta.code_shards;
            let map: HashMap<String, (String, String)> =
                serde_json::from_slice(self.read(&format!("c/{n}.json"), fetched))
                    .unwrap_or_default();
            if let Some((path, _)) = map.get(&key) {
                out.redirect = Some(path.clone());
                return out;
            }
        }
        let parts = parse(query, &self.dictionary);
        if parts.is_empty() {
            return out;
        }
        let mut scores: Option<HashMap<u32, u32>> = None;
        for part in &parts {
            let mut part_scores: HashMap<u32, u32> = HashMap::new();
            match part {
                Part::Han { cover, terms } => {
                    let lists: Vec<Postings> =
                        cover.iter().map(|b| self.term(b, fetched)).collect();
                    let (first, rest) = lists.split_first().expect("cover is not empty");
                    for (&id, &mask) in first {
                        let masks: Option<u8> =
                            rest.iter().try_fold(mask, |m, l| l.get(&id).map(|x| m & x));
                        if let Some(m) = masks {
                            part_scores.insert(id, weight(m));
                        }
                    }
                    for term in terms {
                        for (id, mask) in self.term(&format!("={term}"), fetched) {
                            if let Some(s) = part_scores.get_mut(&id) {
                                *s += weight(mask);
                            }
                        }
                    }
                }
                Part::Char(c) => {
                    for (id, mask) in self.term(c, fetched) {
                        part_scores.insert(id, weight(mask) / 2);
                    }
                }
                Part::Word { word, prefix } => {
                    for (term, entry) in self.shard(word, fetched) {
                        let exact = term == word;
                        let matches = exact
                            || (*prefix
                                && term.len() <= PREFIX_WORD_MAX
                                && term.starts_with(word.as_str()));
                        if matches {
                            for (id, mask) in self.postings(entry, fetched) {
                                let w = if exact {
                                    weight(mask)
                                } else {
                                    weight(mask) / 2
                                };
                                let s = part_scores.entry(id).or_default();
                                *s = (*s).max(w);
                            }
                        }
                    }
                }
            }
            scores = Some(match scores {
                None => part_scores,
                Some(previous) => previous
                    .into_iter()
                    .filter_map(|(id, s)| part_scores.get(&id).map(|p| (id, s + p)))
                    .collect(),
            });
        }
        let mut scores = scores.unwrap_or_default();
        let facet_terms = [
            ("k", &filters.kind),
            ("d", &filters.district),
            ("c", &filters.category),
        ];
        for (prefix, value) in facet_terms {
            if let Some(value) = value {
                let allowed = self.term(&format!("@{prefix}:{value}"), fetched);
                scores.retain(|id, _| allowed.contains_key(id));
            }
        }
        out.total = scores.len();
        let mut ranked: Vec<(u32, u32)> = scores.into_iter().collect();
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(PAGE);
        let wanted = normalize(query).split_whitespace().collect::<String>();
        let mut chunks: BTreeSet<usize> = BTreeSet::new();
        let mut hits = Vec::new();
        for (id, score) in ranked {
            let chunk = id as usize / self.meta.chunk;
            if chunks.insert(chunk) {
                self.read(&format!("d/{chunk}.json"), fetched);
            }
            let rows: Vec<(String, String, String, Vec<String>, String)> =
                serde_json::from_slice(self.files[format!("d/{chunk}.json").as_str()])
                    .expect("chunk parses");
            let (_, title, path, _, _) = &rows[id as usize % self.meta.chunk];
            let bonus = title_bonus(&normalize(title), &wanted);
            hits.push(Hit {
                path: path.clone(),
                title: title.clone(),
                score: score + bonus,
            });
        }
        // Stable: equal scores keep the index order.
        hits.sort_by_key(|h| std::cmp::Reverse(h.score));
        out.hits = hits;
        out
    }
}

/// The reranking bonus once titles are known: the whole query in the title counts,
/// and a title that is exactly the query counts most.
pub fn title_bonus(title: &str, wanted: &str) -> u32 {
    if wanted.is_empty()
        || !wanted
            .chars()
            .any(|c| is_han(c) || c.is_ascii_alphanumeric())
    {
        0
    } else if title == wanted {
        64
    } else if title.contains(wanted) {
        32
    } else {
        0
    }
}

struct Cursor<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl Cursor<'_> {
    fn varint(&mut self) -> u32 {
        let mut value = 0u32;
        let mut shift = 0;
        while let Some(&b) = self.bytes.get(self.at) {
            self.at += 1;
            value |= u32::from(b & 0x7f) << shift;
            shift += 7;
            if b < 0x80 {
                break;
            }
        }
        value
    }
}

/// Where a term's postings are.
#[derive(Clone, Copy)]
enum Entry<'b> {
    /// In the shard.
    Inline(&'b [u8]),
    /// In `t/<n>.bin`.
    Own(u32),
}

fn decode_shard(bytes: &[u8]) -> Vec<(&str, Entry<'_>)> {
    let mut cursor = Cursor { bytes, at: 0 };
    let count = cursor.varint();
    let mut heads = Vec::new();
    for _ in 0..count {
        let len = cursor.varint() as usize;
        let key = std::str::from_utf8(&bytes[cursor.at..cursor.at + len]).unwrap_or("");
        cursor.at += len;
        let _count = cursor.varint();
        let size = cursor.varint() as usize;
        let place = cursor.varint();
        heads.push((key, size, place));
    }
    let mut at = cursor.at;
    let mut out = Vec::new();
    for (key, size, place) in heads {
        if place == 0 {
            out.push((key, Entry::Inline(&bytes[at..at + size])));
            at += size;
        } else {
            out.push((key, Entry::Own(place - 1)));
        }
    }
    out
}

fn decode_postings(bytes: &[u8]) -> Postings {
    let mut cursor = Cursor { bytes, at: 0 };
    let mut list = Postings::new();
    let mut id = 0;
    while cursor.at < bytes.len() {
        let value = cursor.varint();
        id += value >> 3;
        list.insert(id, (value & 7) as u8);
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::{Facets, build};
    use crate::search::records::SearchDoc;

    fn doc(kind: &'static str, title: &str, path: &str) -> SearchDoc {
        SearchDoc {
            kind,
            title: title.to_owned(),
            path: path.to_owned(),
            ..SearchDoc::default()
        }
    }

    fn fixture() -> Vec<(String, Vec<u8>)> {
        let mut docs = vec![
            doc("project", "混凝土地面工程", "projects/a/"),
            doc("project", "土地整理项目", "projects/b/"),
            doc("product", "岩棉保温板", "products/rock/"),
            doc("product", "C30预拌混凝土", "products/c30/"),
            doc("product", "C35预拌混凝土", "products/c35/"),
            doc(
                "policy",
                "关于扩大政府采购支持绿色建材促进建筑品质提升政策实施范围的通知",
                "policies/p35/",
            ),
            doc("org", "淄博金晟混凝土有限公司", "orgs/js/"),
        ];
        docs[1].district = Some("zhangdian".into());
        docs[0].district = Some("zichuan".into());
        docs[2].body = vec!["燃烧性能A级，导热系数低。".into()];
        docs[3].related = vec!["淄博金晟混凝土有限公司".into()];
        docs[3].codes = vec!["LCP-2024-0012".into()];
        docs[5].codes = vec!["财库〔2022〕35号".into()];
        docs[6].codes = vec!["91370302MA3PHC633T".into()];
        let mut dictionary = Dictionary::builtin();
        dictionary.add("土地");
        build(&docs, &dictionary, &Facets::default())
    }

    fn top(index: &Index<'_>, query: &str) -> Vec<String> {
        let out = index.search(query, &Filters::default());
        match out.redirect {
            Some(path) => vec![format!("→{path}")],
            None => out.hits.into_iter().map(|h| h.path).collect(),
        }
    }

    #[test]
    fn any_run_of_a_title_finds_it() {
        let files = fixture();
        let index = Index::new(&files);
        assert_eq!(top(&index, "保温")[0], "products/rock/");
        assert_eq!(top(&index, "品质提升政策")[0], "policies/p35/");
        assert_eq!(
            top(&index, "金晟")[0],
            "orgs/js/",
            "title beats related name"
        );
        assert!(top(&index, "金晟").contains(&"products/c30/".to_owned()));
        assert!(
            top(&index, "升品质").is_empty(),
            "characters in another order do not match"
        );
    }

    #[test]
    fn whole_terms_rank_first() {
        let files = fixture();
        let index = Index::new(&files);
        assert_eq!(top(&index, "土地"), vec!["projects/b/", "projects/a/"]);
    }

    #[test]
    fn mixed_scripts_and_widths_match() {
        let files = fixture();
        let index = Index::new(&files);
        assert_eq!(top(&index, "C30混凝土")[0], "products/c30/");
        assert_eq!(top(&index, "ｃ３５ 混凝土")[0], "products/c35/");
        assert_eq!(
            top(&index, "导热")[0],
            "products/rock/",
            "body text is searchable"
        );
    }

    #[test]
    fn one_character_and_prefix_queries() {
        let files = fixture();
        let index = Index::new(&files);
        assert!(top(&index, "岩").contains(&"products/rock/".to_owned()));
        assert_eq!(top(&index, "lcp")[0], "products/c30/");
    }

    #[test]
    fn codes_lead_straight_to_their_page() {
        let files = fixture();
        let index = Index::new(&files);
        assert_eq!(top(&index, "财库[2022]35号"), vec!["→policies/p35/"]);
        assert_eq!(
            top(&index, "财库（２０２２）３５号"),
            vec!["→policies/p35/"]
        );
        assert_eq!(top(&index, "91370302ma3phc633t"), vec!["→orgs/js/"]);
        assert_eq!(top(&index, "lcp 2024 0012"), vec!["→products/c30/"]);
        assert_ne!(
            top(&index, "2024"),
            vec!["→products/c30/"],
            "a part of a code is no code"
        );
    }

    #[test]
    fn filters_narrow_results() {
        let files = fixture();
        let index = Index::new(&files);
        let filters = Filters {
            district: Some("zichuan".into()),
            ..Filters::default()
        };
        let out = index.search("土地", &filters);
        assert_eq!(out.total, 1);
        assert_eq!(out.hits[0].path, "projects/a/");
        let kind = Filters {
            kind: Some("org".into()),
            ..Filters::default()
        };
        assert_eq!(index.search("混凝土", &kind).hits[0].path, "orgs/js/");
    }
}
