//! The split index: posting shards, document chunks, a code map and a manifest,
//! laid out so that a query fetches only the few small files it needs.
//!
//! Files, under `search/index/`:
//!
//! - `meta.json`: counts, shard counts, the filter lists and the domain dictionary;
//! - `s/<n>.bin`: posting shards. A term lands in shard `fnv1a(shard_key) % shards`,
//!   where the shard key is the term itself, except that a short Latin word's key is
//!   its first three letters, so that every word with that prefix is in one shard;
//! - `t/<n>.bin`: the postings of one frequent term, too big to share a shard: a
//!   query for a rare term should not pay for a frequent neighbour;
//! - `d/<n>.json`: the documents (kind, title, path, facts, snippet text) in chunks
//!   of [`CHUNK_DOCS`], fetched only for the results on screen;
//! - `c/<n>.json`: normalized code → page, for one-code lookup.
//!
//! Shard format (all integers LEB128 varints): term count, then per term its UTF-8
//! key length and bytes, posting count, posting byte length and where the postings
//! are (0: in this shard, `n + 1`: in `t/<n>.bin`); then the postings kept in the
//! shard, back to back. A posting is `(doc id delta << 3) | field mask`, doc ids
//! ascending, so a list costs about one byte per document.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::records::SearchDoc;
use super::text::{Dictionary, Run, bigrams, code_key, normalize, runs};

/// Field mask bit: the term occurs in the title or a code.
pub const TITLE: u8 = 4;
/// Field mask bit: the term occurs in the name of a related record or place.
pub const RELATED: u8 = 2;
/// Field mask bit: the term occurs in a description or document text.
pub const BODY: u8 = 1;

/// Documents per chunk of the document store: small, because a page of results
/// touches up to one chunk per result.
pub const CHUNK_DOCS: usize = 16;
/// Posting bytes a shard aims at; with gzip a shard is then a few KB.
const SHARD_TARGET_BYTES: usize = 4 * 1024;
/// Posting lists longer than this (bytes) get a file of their own.
const OWN_FILE_BYTES: usize = 1024;
/// Codes per code-map file aimed at.
const CODES_PER_FILE: usize = 128;
/// Latin words up to this length are keyed by prefix and can be prefix-matched.
pub const PREFIX_WORD_MAX: usize = 8;
/// Length of the prefix that places a short word in its shard.
pub const PREFIX_LEN: usize = 3;
/// Filter values with their display names, listed in the manifest.
#[derive(Debug, Default, Serialize)]
pub struct Facets {
    /// Kind keys with their names.
    pub kinds: Vec<(String, String)>,
    /// District and zone ids with their names.
    pub districts: Vec<(String, String)>,
    /// Category ids with their names.
    pub categories: Vec<(String, String)>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    version: String,
    docs: usize,
    shards: usize,
    #[serde(rename = "codeShards")]
    code_shards: usize,
    chunk: usize,
    #[serde(rename = "prefixWordMax")]
    prefix_word_max: usize,
    #[serde(flatten)]
    facets: &'a Facets,
    terms: Vec<&'a str>,
}

/// FNV-1a over the UTF-8 bytes: tiny, and identical in `search.js`.
pub fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |h: u32, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The key that decides a term's shard (see the module documentation).
pub fn shard_key(term: &str) -> &str {
    let short_word =
        term.len() <= PREFIX_WORD_MAX && term.bytes().all(|b| b.is_ascii_alphanumeric());
    if short_word {
        &term[..term.len().min(PREFIX_LEN)]
    } else {
        term
    }
}

/// A fast hasher for short keys: the std SipHash guards against hostile keys,
/// which an index of our own data does not need, at twice the cost.
#[derive(Default, Clone, Copy)]
struct FastHash(u64);

impl std::hash::Hasher for FastHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FastHash>>;
type Terms = FastMap<String, Vec<u32>>;

/// The postings of documents `order`, numbered from `first`.
fn tokenize(docs: &[SearchDoc], order: &[usize], first: u32, dictionary: &Dictionary) -> Terms {
    let mut postings = Terms::default();
    let mut push = |term: &str, id: u32, mask: u8| {
        let posting = (id << 3) | u32::from(mask);
        match postings.get_mut(term) {
            Some(list) => list.push(posting),
            None => {
                postings.insert(term.to_owned(), vec![posting]);
            }
        }
    };
    let mut wholes: FastMap<String, u8> = FastMap::default();
    for (offset, &i) in order.iter().enumerate() {
        let id = first + offset as u32;
        let doc = &docs[i];
        let title = normalize(&doc.title);
        let codes: Vec<String> = doc.codes.iter().map(|c| normalize(c)).collect();
        let related: Vec<String> = doc.related.iter().map(|t| normalize(t)).collect();
        let body: Vec<String> = doc.body.iter().map(|t| normalize(t)).collect();
        let mut terms: FastMap<&str, u8> = FastMap::default();
        wholes.clear();
        let fields = std::iter::once((&title, TITLE))
            .chain(codes.iter().map(|t| (t, TITLE)))
            .chain(related.iter().map(|t| (t, RELATED)))
            .chain(body.iter().map(|t| (t, BODY)));
        for (text, field) in fields {
            add_terms(text, field, dictionary, &mut terms, &mut wholes);
        }
        for (term, mask) in terms.drain() {
            push(term, id, mask);
        }
        for (term, mask) in wholes.drain() {
            push(&term, id, mask);
        }
        push(&format!("@k:{}", doc.kind), id, TITLE);
        if let Some(d) = &doc.district {
            push(&format!("@d:{d}"), id, TITLE);
        }
        if let Some(c) = &doc.category {
            push(&format!("@c:{c}"), id, TITLE);
        }
    }
    postings
}

/// The terms of one text with the field bit they get, merged into `out`.
fn add_terms<'t>(
    text: &'t str,
    field: u8,
    dictionary: &Dictionary,
    out: &mut FastMap<&'t str, u8>,
    wholes: &mut FastMap<String, u8>,
) {
    for run in runs(text) {
        match run {
            Run::Word(word) => *out.entry(word).or_default() |= field,
            Run::Han(han) => {
                // Single characters serve one-character queries, bigrams the rest;
                // a one-character run's bigram is the character itself.
                for (i, c) in han.char_indices() {
                    *out.entry(&han[i..i + c.len_utf8()]).or_default() |= field;
                }
                for bigram in bigrams(han) {
                    *out.entry(bigram).or_default() |= field;
                }
                for term in dictionary.segment_nested(han) {
                    *wholes.entry(format!("={term}")).or_default() |= field;
                }
            }
        }
    }
}

/// Builds every index file from the documents; paths are relative to the site root.
pub fn build(
    docs: &[SearchDoc],
    dictionary: &Dictionary,
    facets: &Facets,
) -> Vec<(String, Vec<u8>)> {
    let order = doc_order(docs, facets);
    let postings = postings(docs, &order, dictionary);
    let mut files = Vec::new();
    let shards = term_shards(&postings, &mut files);
    for (n, chunk) in order.chunks(CHUNK_DOCS).enumerate() {
        let rows: Vec<_> = chunk.iter().map(|&i| doc_row(&docs[i])).collect();
        let json = serde_json::to_vec(&rows).expect("documents serialize");
        files.push((format!("search/index/d/{n}.json"), json));
    }
    let code_shards = code_files(docs, &order, &mut files);
    // The version changes whenever any file does, so browsers never mix a new
    // manifest with cached shards of an older build.
    let version = files.iter().fold(0x811c_9dc5_u32, |h, (path, bytes)| {
        let h = path
            .bytes()
            .chain(bytes.iter().copied())
            .fold(h, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
        h.rotate_left(5)
    });
    let manifest = Manifest {
        version: format!("{version:08x}"),
        docs: docs.len(),
        shards,
        code_shards,
        chunk: CHUNK_DOCS,
        prefix_word_max: PREFIX_WORD_MAX,
        facets,
        terms: dictionary.terms().collect(),
    };
    let json = serde_json::to_vec(&manifest).expect("manifest serializes");
    files.push(("search/index/meta.json".to_owned(), json));
    files
}

/// The documents' ids: positions in `docs` ordered by kind (in the filter's order),
/// category and district, so that the lists of common terms and of the filters are
/// long runs of small deltas, which compress to little.
fn doc_order(docs: &[SearchDoc], facets: &Facets) -> Vec<usize> {
    let kinds = &facets.kinds;
    let kind_rank = |kind: &str| {
        kinds
            .iter()
            .position(|(k, _)| k == kind)
            .unwrap_or(kinds.len())
    };
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by_cached_key(|&i| {
        let d = &docs[i];
        (
            kind_rank(d.kind),
            d.category.clone(),
            d.district.clone(),
            d.title.chars().count(),
            i,
        )
    });
    order
}

/// Every term's list of document ids, sorted.
fn postings(docs: &[SearchDoc], order: &[usize], dictionary: &Dictionary) -> Terms {
    // Tokenizing is the expensive part: split the documents, in id order, over the
    // cores; each part's lists cover a contiguous id range, so concatenating them
    // in part order keeps every list sorted.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let part_len = order.len().div_ceil(threads).max(1);
    let parts: Vec<Terms> = std::thread::scope(|scope| {
        let handles: Vec<_> = order
            .chunks(part_len)
            .enumerate()
            .map(|(k, part)| {
                let first = (k * part_len) as u32;
                scope.spawn(move || tokenize(docs, part, first, dictionary))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("tokenizer thread"))
            .collect()
    });
    let mut postings = Terms::default();
    for part in parts {
        for (term, list) in part {
            match postings.get_mut(&term) {
                Some(all) => all.extend(list),
                None => {
                    postings.insert(term, list);
                }
            }
        }
    }
    postings
}

/// Writes the term shards `s/<n>.bin`, and the lists too long to share a shard as
/// `t/<n>.bin`, into `files`; returns the number of shards.
fn term_shards(postings: &Terms, files: &mut Vec<(String, Vec<u8>)>) -> usize {
    let encoded: Vec<(&str, usize, Vec<u8>)> = postings
        .iter()
        .map(|(term, list)| (term.as_str(), list.len(), encode_postings(list)))
        .collect();
    let shared: usize = encoded
        .iter()
        .map(|(t, _, b)| t.len() + b.len().min(OWN_FILE_BYTES))
        .sum();
    let shard_count = (shared / SHARD_TARGET_BYTES).clamp(1, 1 << 16);
    let mut shards: Vec<Vec<(&str, usize, &[u8])>> = vec![Vec::new(); shard_count];
    for (term, count, bytes) in &encoded {
        let shard = fnv1a(shard_key(term)) as usize % shard_count;
        shards[shard].push((term, *count, bytes));
    }
    let mut own_files = 0;
    for (n, mut terms) in shards.into_iter().enumerate() {
        terms.sort_unstable_by_key(|(t, _, _)| *t);
        let mut head = Vec::new();
        let mut body = Vec::new();
        varint(&mut head, terms.len() as u32);
        for (term, count, bytes) in terms {
            varint(&mut head, term.len() as u32);
            head.extend_from_slice(term.as_bytes());
            varint(&mut head, count as u32);
            varint(&mut head, bytes.len() as u32);
            if bytes.len() > OWN_FILE_BYTES {
                own_files += 1;
                varint(&mut head, own_files);
                files.push((
                    format!("search/index/t/{}.bin", own_files - 1),
                    bytes.to_vec(),
                ));
            } else {
                varint(&mut head, 0);
                body.extend_from_slice(bytes);
            }
        }
        head.extend_from_slice(&body);
        files.push((format!("search/index/s/{n}.bin"), head));
    }
    shard_count
}

/// Writes the code maps `c/<n>.json` (a normalized code → the page of the first
/// document, in id order, that has it) into `files`; returns their number.
fn code_files(docs: &[SearchDoc], order: &[usize], files: &mut Vec<(String, Vec<u8>)>) -> usize {
    let mut codes: BTreeMap<String, &SearchDoc> = BTreeMap::new();
    for &i in order {
        for code in &docs[i].codes {
            let key = code_key(code);
            if !key.is_empty() {
                codes.entry(key).or_insert(&docs[i]);
            }
        }
    }
    let code_shards = codes.len().div_ceil(CODES_PER_FILE).max(1);
    let mut maps: Vec<BTreeMap<&str, (&str, &str)>> = vec![BTreeMap::new(); code_shards];
    for (key, doc) in &codes {
        let n = fnv1a(key) as usize % code_shards;
        maps[n].insert(key, (&doc.path, &doc.title));
    }
    for (n, map) in maps.iter().enumerate() {
        let json = serde_json::to_vec(map).expect("codes serialize");
        files.push((format!("search/index/c/{n}.json"), json));
    }
    code_shards
}

/// One row of the document store: `[kind, title, path, facts, summary]`.
fn doc_row(doc: &SearchDoc) -> (&str, &str, &str, &[String], &str) {
    (doc.kind, &doc.title, &doc.path, &doc.facts, &doc.summary)
}

/// Postings as `(doc id delta << 3) | field mask` varints.
fn encode_postings(list: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(list.len() * 2);
    let mut previous = 0;
    for &posting in list {
        let id = posting >> 3;
        varint(&mut out, ((id - previous) << 3) | (posting & 7));
        previous = id;
    }
    out
}

fn varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}
