//! Site search in Chinese, and one-code lookup (一码通查), built at build time into a
//! split index that the browser fetches piece by piece.
//!
//! Why not a ready engine: elasticlunr-style indexes download whole, and segmenters
//! (jieba, ICU) cut domain terms differently in the build and in the browser, or
//! into single characters. Here matching never depends on segmentation:
//!
//! - text is normalized ([`text::normalize`]: full-width → half-width, every bracket
//!   form → `[` `]`, lower case), then split into runs of Chinese characters and
//!   runs of Latin letters and digits;
//! - a Chinese run is indexed as overlapping character bigrams, so any run of two or
//!   more characters of a title finds it, by intersecting bigram postings; Latin and
//!   digit runs are words, the last query word also matching as a prefix;
//! - a domain dictionary ([`text::Dictionary`], `terms.txt` plus the category and
//!   district names) adds a whole-term key wherever a term occurs as a word, so that
//!   岩棉 in 岩棉板 ranks above the same characters straddling two words; the browser
//!   gets the same dictionary;
//! - every posting carries which fields (title or code, related names, text) hold
//!   the term, and the score weighs them;
//! - codes (credit codes, certificate numbers, project codes, document numbers) go
//!   into a separate exact map keyed by [`text::code_key`], so a code typed with any
//!   bracket or width leads straight to its page.
//!
//! [`index`] describes the files; [`query`] is the browser's algorithm in Rust, for
//! tests and the benchmark; `themes/default/assets/search.js` is the browser side.

pub mod index;
pub mod query;
pub mod records;
pub mod text;

pub use records::{Labels, SearchDoc};

use crate::derive::Derived;
use crate::model::Dataset;

/// Every search file of a site, as (path relative to the output root, bytes):
/// `search/index/meta.json` and the shards, chunks and code maps beside it.
/// `labels` names kinds, stages and the like in the visitor's language (see
/// [`Labels`]); `derived` names what records refer to by id.
pub fn build_index(
    dataset: &Dataset,
    derived: &Derived,
    labels: &Labels<'_>,
) -> Vec<(String, Vec<u8>)> {
    let docs = records::documents(dataset, derived, labels);
    let mut vocabulary = Vocabulary::default();
    if let Some(config) = &dataset.config {
        let c = &config.record;
        let districts = c.districts.iter().map(|d| (&d.id, &d.name));
        for (id, name) in districts.chain(c.zones.iter().map(|z| (&z.id, &z.name))) {
            vocabulary.places.push((id.value.clone(), name.clone()));
        }
    }
    if let Some(taxonomy) = &dataset.taxonomy {
        let groups = taxonomy.record.groups.iter();
        vocabulary.terms = groups.map(|g| g.name.clone()).collect();
        for category in &taxonomy.record.categories {
            let (id, name) = (category.id.value.clone(), category.name.clone());
            vocabulary.categories.push((id, name));
        }
    }
    index_files(&docs, &vocabulary, labels)
}

/// The names an index filters by and keys whole: its places (a city's districts and
/// zones, a province's cities) and categories, each as (id, name), and other terms.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// The place filter's values.
    pub places: Vec<(String, String)>,
    /// The category filter's values.
    pub categories: Vec<(String, String)>,
    /// More whole terms (material groups).
    pub terms: Vec<String>,
}

/// The search files of `docs`: the kind filter lists the kinds in the order the
/// documents come (also the order of results of equal score), named by `labels`.
pub fn index_files(
    docs: &[SearchDoc],
    vocabulary: &Vocabulary,
    labels: &Labels<'_>,
) -> Vec<(String, Vec<u8>)> {
    let mut dictionary = text::Dictionary::builtin();
    let mut facets = index::Facets::default();
    for doc in docs {
        if !facets.kinds.iter().any(|(kind, _)| kind == doc.kind) {
            let name = labels("search_kind", doc.kind);
            facets.kinds.push((doc.kind.to_owned(), name));
        }
    }
    let named = vocabulary.places.iter().chain(&vocabulary.categories);
    for name in named.map(|(_, name)| name).chain(&vocabulary.terms) {
        dictionary.add(name);
    }
    facets.districts = vocabulary.places.clone();
    facets.categories = vocabulary.categories.clone();
    index::build(docs, &dictionary, &facets)
}
