//! Lists of many records that readers filter, sort and page through: the projects,
//! the products and the organizations (issue 16). A [`List`] is its rows, each
//! rendered once to its `<tr>` by `list_row.html`, its dimensions (which values each
//! row has in each) and its columns (how each one sorts). From them come:
//!
//! - **static pages**, which work without script: the whole list, its selection by
//!   one value of a dimension, and by one value of the list's first dimension with
//!   one of another (`projects/district/zhangdian/type/school/`), [`PAGE_ROWS`] rows
//!   a page (`…/page/2/`). A page's filter counts are counted within its selection
//!   without the counted dimension, so each count is the number of rows its link
//!   leads to; a count whose selection has no page is shown without a link. A
//!   dimension may be the explorer's only ([`Dimension::explorer_only`]): no pages,
//!   counts only;
//! - **the explorer's files** under `<list>/list/`: `meta.json` (each dimension's
//!   values and names, each row's value codes as small integers, and how each column
//!   sorts), `sort-<column>.json` (each row's rank in a column no dimension orders,
//!   ranked here so that the browser needs no collation) and `rows-<n>.json`
//!   ([`SHARD_ROWS`] rows' `<tr>`s each, in list order). `assets/list.js` combines
//!   any selection, sort and page from them and fetches only the shards a page shows.
//!
//! The cost is linear in the rows: rows are grouped by every selection with a page
//! in one pass per dimension and per pair, each group is counted once, and a page
//! copies the `<tr>`s it shows. A row is on one page of the whole list, one of each
//! dimension with pages, and one of each pair: with the first dimension's pairs
//! only, a list of `d` dimensions with pages holds each row `2d` times, not
//! `1 + d(d+1)/2` (16 for the five of the projects).

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use super::strings::Strings;
use super::{Counting, RenderError, Site};
use crate::model::kind::RecordKind;
use crate::site_paths::{list_data, list_folders, list_page, list_selection_page};

/// Rows on a page, static or in the explorer.
pub(super) const PAGE_ROWS: usize = 100;

/// Rows in a shard of the explorer. A filtered or sorted page takes its rows from
/// all over the list, one a shard, so a shard's other rows are fetched for nothing;
/// a page in list order takes [`PAGE_ROWS`] / `SHARD_ROWS` shards.
pub(super) const SHARD_ROWS: usize = 10;

/// The code of a row without a value in a dimension of one value a row.
const NONE: u16 = u16::MAX;

/// A value of a dimension: its key in URLs and its name as shown.
#[derive(Clone, Copy, Serialize)]
pub(super) struct Choice<'s> {
    /// Key in paths and queries.
    pub(super) key: &'s str,
    /// Name as shown, from the data or the theme's strings.
    pub(super) name: &'s str,
}

impl<'s> Choice<'s> {
    /// The values `keys` named by the theme's strings table `table`.
    pub(super) fn named(
        strings: &'s Strings,
        table: &'static str,
        keys: &[&'static str],
    ) -> Vec<Choice<'s>> {
        keys.iter()
            .map(|&key| Choice {
                key,
                name: strings.text(&[table, key]),
            })
            .collect()
    }

    /// The site's districts, in `site.yaml`'s order.
    pub(super) fn districts(site: &Site<'s>) -> Vec<Choice<'s>> {
        site.dataset
            .config
            .iter()
            .flat_map(|c| &c.record.districts)
            .map(|d| Choice {
                key: &d.id.value,
                name: &d.name,
            })
            .collect()
    }
}

/// Which values of a dimension each row has.
enum Codes {
    /// At most one: the value's index, or [`NONE`].
    One(Vec<u16>),
    /// Any number of at most 32 values, as bits.
    Many(Vec<u32>),
}

/// A dimension the list filters on.
pub(super) struct Dimension<'s> {
    /// Path segment and query key: `district`.
    key: &'static str,
    /// Key of its name under `filter` in the theme's strings.
    label: &'static str,
    /// Its values, in the order filters show them and its column sorts.
    values: Vec<Choice<'s>>,
    codes: Codes,
    /// Whether its values have static pages.
    paged: bool,
}

impl<'s> Dimension<'s> {
    /// A dimension in which each row has at most one of `values`: `codes` gives each
    /// row's index in them.
    pub(super) fn one(
        key: &'static str,
        label: &'static str,
        values: Vec<Choice<'s>>,
        codes: impl Iterator<Item = Option<usize>>,
    ) -> Dimension<'s> {
        // Indices come from lookups in `values`, which hold fewer values than a u16.
        let codes = codes
            .map(|c| c.and_then(|c| u16::try_from(c).ok()).unwrap_or(NONE))
            .collect();
        Dimension {
            key,
            label,
            values,
            codes: Codes::One(codes),
            paged: true,
        }
    }

    /// A dimension in which a row has any of `values` (at most 32): `masks` gives each
    /// row's as bits, bit `i` for `values[i]`.
    pub(super) fn many(
        key: &'static str,
        label: &'static str,
        values: Vec<Choice<'s>>,
        masks: impl Iterator<Item = u32>,
    ) -> Dimension<'s> {
        debug_assert!(values.len() <= 32, "{key} has more values than bits");
        Dimension {
            key,
            label,
            values,
            codes: Codes::Many(masks.collect()),
            paged: true,
        }
    }

    /// The dimension without the values no row has: a filter that empties the list
    /// helps nobody, and gets no page.
    pub(super) fn present_only(mut self) -> Dimension<'s> {
        let mut used = vec![false; self.values.len()];
        for row in 0..self.rows() {
            self.each(row, |v| used[v] = true);
        }
        let mut new_index = Vec::with_capacity(used.len());
        let mut next = 0;
        for &u in &used {
            new_index.push(next);
            next += usize::from(u);
        }
        let mut kept = used.iter();
        self.values
            .retain(|_| kept.next().copied().unwrap_or(false));
        match &mut self.codes {
            Codes::One(codes) => {
                for c in codes.iter_mut().filter(|c| **c != NONE) {
                    *c = u16::try_from(new_index[usize::from(*c)]).unwrap_or(NONE);
                }
            }
            Codes::Many(masks) => {
                for mask in masks.iter_mut() {
                    let old = *mask;
                    *mask = (0..used.len())
                        .filter(|&v| old & (1 << v) != 0)
                        .fold(0, |m, v| m | (1 << new_index[v]));
                }
            }
        }
        self
    }

    /// The dimension without static pages: the explorer filters on it, the static
    /// pages count it.
    pub(super) fn explorer_only(self) -> Dimension<'s> {
        Dimension {
            paged: false,
            ..self
        }
    }

    fn rows(&self) -> usize {
        match &self.codes {
            Codes::One(codes) => codes.len(),
            Codes::Many(masks) => masks.len(),
        }
    }

    /// Calls `f` with each value `row` has.
    fn each(&self, row: usize, mut f: impl FnMut(usize)) {
        match &self.codes {
            Codes::One(codes) => {
                if codes[row] != NONE {
                    f(usize::from(codes[row]));
                }
            }
            Codes::Many(masks) => {
                let mut mask = masks[row];
                while mask != 0 {
                    f(mask.trailing_zeros() as usize);
                    mask &= mask - 1;
                }
            }
        }
    }
}

/// Looks keys up among `values`, for building a dimension's codes.
pub(super) fn lookup<'v>(values: &[Choice<'v>]) -> impl Fn(&str) -> Option<usize> + use<'v> {
    let map: HashMap<&'v str, usize> = values.iter().enumerate().map(|(i, c)| (c.key, i)).collect();
    move |key| map.get(key).copied()
}

/// A column of a list's table.
pub(super) struct Column {
    /// Sort key in queries and `meta.json`.
    key: &'static str,
    /// Its title: a path in the theme's strings.
    label: [&'static str; 2],
    /// Whether it holds figures, aligned right.
    numeric: bool,
    order: Order,
}

/// How a column sorts.
enum Order {
    /// In the order of a dimension's values (its index in the list's dimensions).
    Dimension(usize),
    /// By each row's rank; rows without a value come last either way.
    Ranks(Vec<Option<u32>>),
}

impl Column {
    /// A column that sorts in the order of the list's dimension `dimension`.
    pub(super) fn by_dimension(
        key: &'static str,
        label: [&'static str; 2],
        dimension: usize,
    ) -> Column {
        Column {
            key,
            label,
            numeric: false,
            order: Order::Dimension(dimension),
        }
    }

    /// A column that sorts by `keys`, one a row, compared with `compare`; equal keys
    /// share a rank, and the list's order breaks the tie.
    pub(super) fn ranked<T>(
        key: &'static str,
        label: [&'static str; 2],
        keys: &[Option<T>],
        compare: impl Fn(&T, &T) -> Ordering + Sync,
    ) -> Column
    where
        T: Sync,
    {
        let mut sorted: Vec<(usize, &T)> = keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| Some((i, k.as_ref()?)))
            .collect();
        sorted.par_sort_by(|a, b| compare(a.1, b.1));
        let mut ranks = vec![None; keys.len()];
        let mut rank = 0;
        for (n, &(i, k)) in sorted.iter().enumerate() {
            if n > 0 && compare(sorted[n - 1].1, k) != Ordering::Equal {
                rank += 1;
            }
            ranks[i] = Some(rank);
        }
        Column {
            key,
            label,
            numeric: false,
            order: Order::Ranks(ranks),
        }
    }

    /// The column, aligned as figures are.
    pub(super) fn numeric(self) -> Column {
        Column {
            numeric: true,
            ..self
        }
    }
}

/// A list: its kind, dimensions, columns and rows.
pub(super) struct List<'s> {
    /// Whose records: names the paths.
    pub(super) kind: RecordKind,
    /// What it filters on, in the order of paths and filters; the first one's values
    /// pair with the others' in pages of two values.
    pub(super) dimensions: Vec<Dimension<'s>>,
    /// Its table's columns, the name first.
    pub(super) columns: Vec<Column>,
    /// Each row's `<tr>`, in list order.
    pub(super) rows: Vec<String>,
}

/// Each of `rows` rendered once to its `<tr>` by `list_row.html` (with `kind` telling
/// the template which list), on all cores: every page and shard showing a row copies
/// these bytes.
pub(super) fn render_rows<R: Serialize + Sync>(
    site: &Site<'_>,
    kind: RecordKind,
    rows: &[R],
) -> Result<Vec<String>, RenderError> {
    let key = kind.info().key;
    rows.par_iter()
        .map(|row| {
            let mut context = tera::Context::new();
            context.insert("kind", key);
            context.insert("r", row);
            let mut html = site
                .theme
                .tera
                .render("list_row.html", &context)
                .map_err(|e| RenderError::Template {
                    page: list_page(kind),
                    message: e.to_string(),
                })?;
            // Tera's buffer is sized for a page: kept as is, the rows of 100,000
            // records held 180 MB more than their bytes.
            html.shrink_to_fit();
            Ok(html)
        })
        .collect()
}

/// Values of some dimensions, as (dimension, value) indices in dimension order.
type Selection = Vec<(usize, usize)>;

/// Every selection that has a page: its rows, and how many of them have each value
/// of each dimension.
struct Index {
    members: BTreeMap<Selection, Vec<u32>>,
    /// By selection, by dimension, by value.
    counts: HashMap<Selection, Vec<Vec<u32>>>,
}

impl Index {
    fn new(list: &List<'_>) -> Index {
        let dims = &list.dimensions;
        let n = list.rows.len();
        let all: Vec<u32> = (0..n).filter_map(|i| u32::try_from(i).ok()).collect();
        let mut members = BTreeMap::new();
        // One value: every value the dimension lists has its page, even an empty one
        // (a material category without products still has its page).
        for (a, dim) in dims.iter().enumerate().filter(|(_, d)| d.paged) {
            let mut buckets = vec![Vec::new(); dim.values.len()];
            for &row in &all {
                dim.each(row as usize, |v| buckets[v].push(row));
            }
            for (v, rows) in buckets.into_iter().enumerate() {
                members.insert(vec![(a, v)], rows);
            }
        }
        // Two values, the first dimension's with another's: only the pairs some row
        // has. Pairs of the others are the explorer's, which keeps the static pages
        // linear in the dimensions.
        if let Some(first) = dims.first().filter(|d| d.paged) {
            for (b, second) in dims.iter().enumerate().skip(1).filter(|(_, d)| d.paged) {
                let width = second.values.len();
                let mut buckets = vec![Vec::new(); first.values.len() * width];
                for &row in &all {
                    first.each(row as usize, |x| {
                        second.each(row as usize, |y| buckets[x * width + y].push(row));
                    });
                }
                for (cell, rows) in buckets.into_iter().enumerate() {
                    if !rows.is_empty() {
                        members.insert(vec![(0, cell / width), (b, cell % width)], rows);
                    }
                }
            }
        }
        members.insert(Vec::new(), all);
        let counts = members
            .par_iter()
            .map(|(selection, rows)| {
                let mut counts: Vec<Vec<u32>> =
                    dims.iter().map(|d| vec![0; d.values.len()]).collect();
                for &row in rows {
                    for (dim, counted) in dims.iter().zip(counts.iter_mut()) {
                        dim.each(row as usize, |v| counted[v] += 1);
                    }
                }
                (selection.clone(), counts)
            })
            .collect();
        Index { members, counts }
    }
}

/// One static page of a list.
pub(super) struct Page<'l, 's> {
    list: &'l List<'s>,
    index: &'l Index,
    selection: &'l Selection,
    rows: &'l [u32],
    /// Its number, from 1.
    pub(super) number: usize,
    /// Its clean path.
    pub(super) path: String,
}

/// What `list.html` shows of a page: filters, rows, pager, and what the explorer
/// starts from.
#[derive(Serialize)]
pub(super) struct View<'v> {
    columns: Vec<ColumnView>,
    filters: Vec<Group<'v>>,
    /// The selection's values, for the title.
    current: Vec<Current<'v>>,
    /// Rows in the selection, on every page.
    total: usize,
    /// The `<tr>`s of this page.
    rows: String,
    /// The page's number, from 1.
    page: usize,
    pager: Option<Pager>,
    explorer: Explorer,
}

#[derive(Serialize)]
struct ColumnView {
    key: &'static str,
    label: [&'static str; 2],
    numeric: bool,
}

/// A dimension's filter links on a page.
#[derive(Serialize)]
struct Group<'v> {
    dimension: &'static str,
    label: &'static str,
    /// Counted within the rest of the page's selection, not the whole list.
    scoped: bool,
    all: Target,
    options: Vec<FilterOption<'v>>,
}

#[derive(Serialize)]
struct FilterOption<'v> {
    name: &'v str,
    count: u32,
    /// Its page; none where that selection has none.
    href: Option<String>,
    current: bool,
}

#[derive(Serialize)]
struct Target {
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct Current<'v> {
    label: &'static str,
    name: &'v str,
}

/// Numbered links to a selection's pages: the first, the last, and two either side
/// of the current one.
#[derive(Serialize)]
struct Pager {
    prev: Option<String>,
    next: Option<String>,
    items: Vec<PagerItem>,
}

#[derive(Serialize)]
struct PagerItem {
    number: usize,
    href: String,
    current: bool,
    /// Pages are left out before this one.
    gap: bool,
}

/// Where the explorer starts: its files, the list's address and this page's state.
#[derive(Serialize)]
struct Explorer {
    meta: String,
    /// The whole list's page.
    root: String,
    /// The first page of this selection, which a state keeping its values stays on.
    path: String,
    /// The selection as a query: `district=zhangdian&type=school`.
    fixed: String,
    page: usize,
}

impl<'l, 's> Page<'l, 's> {
    /// The value of the dimension `key` the page selects.
    pub(super) fn selected(&self, key: &str) -> Option<Choice<'s>> {
        self.selection.iter().find_map(|&(d, v)| {
            let dim = &self.list.dimensions[d];
            (dim.key == key).then(|| dim.values[v])
        })
    }

    /// Whether the page shows the whole list, not a selection.
    pub(super) fn is_whole(&self) -> bool {
        self.selection.is_empty()
    }

    /// What the page's template shows of the list.
    pub(super) fn view(&self, site: &Site<'_>) -> View<'l> {
        let list = self.list;
        let href = |selection: &Selection, page: usize| {
            site.base.href(&selection_path(list, selection, page))
        };
        let filters = list
            .dimensions
            .iter()
            .enumerate()
            .map(|(d, dim)| {
                let current = self
                    .selection
                    .iter()
                    .find(|&&(sd, _)| sd == d)
                    .map(|&(_, v)| v);
                let base: Selection = self
                    .selection
                    .iter()
                    .copied()
                    .filter(|&(sd, _)| sd != d)
                    .collect();
                let counts = self.index.counts.get(&base).map(|c| c[d].as_slice());
                let options = dim
                    .values
                    .iter()
                    .enumerate()
                    .filter_map(|(v, choice)| {
                        let count = counts.map_or(0, |c| c[v]);
                        if count == 0 && current != Some(v) {
                            return None;
                        }
                        let mut target = base.clone();
                        target.push((d, v));
                        target.sort_unstable();
                        Some(FilterOption {
                            name: choice.name,
                            count,
                            href: self
                                .index
                                .members
                                .contains_key(&target)
                                .then(|| href(&target, 1)),
                            current: current == Some(v),
                        })
                    })
                    .collect();
                Group {
                    dimension: dim.key,
                    label: dim.label,
                    scoped: !base.is_empty(),
                    all: Target {
                        href: href(&base, 1),
                        current: current.is_none(),
                    },
                    options,
                }
            })
            .collect();
        let start = (self.number - 1) * PAGE_ROWS;
        let shown =
            &self.rows[start.min(self.rows.len())..(start + PAGE_ROWS).min(self.rows.len())];
        let mut rows =
            String::with_capacity(shown.iter().map(|&r| list.rows[r as usize].len()).sum());
        for &r in shown {
            rows.push_str(&list.rows[r as usize]);
        }
        let pages = self.rows.len().div_ceil(PAGE_ROWS);
        let pager = (pages > 1).then(|| {
            let near = |p: usize| p == 1 || p == pages || p.abs_diff(self.number) <= 2;
            let mut items = Vec::new();
            let mut skipped = false;
            for p in 1..=pages {
                if !near(p) {
                    skipped = true;
                    continue;
                }
                items.push(PagerItem {
                    number: p,
                    href: href(self.selection, p),
                    current: p == self.number,
                    gap: std::mem::take(&mut skipped),
                });
            }
            Pager {
                prev: (self.number > 1).then(|| href(self.selection, self.number - 1)),
                next: (self.number < pages).then(|| href(self.selection, self.number + 1)),
                items,
            }
        });
        let fixed = self
            .selection
            .iter()
            .map(|&(d, v)| {
                let dim = &list.dimensions[d];
                format!("{}={}", dim.key, dim.values[v].key)
            })
            .collect::<Vec<_>>()
            .join("&");
        View {
            columns: list
                .columns
                .iter()
                .map(|c| ColumnView {
                    key: c.key,
                    label: c.label,
                    numeric: c.numeric,
                })
                .collect(),
            filters,
            current: self
                .selection
                .iter()
                .map(|&(d, v)| Current {
                    label: list.dimensions[d].label,
                    name: list.dimensions[d].values[v].name,
                })
                .collect(),
            total: self.rows.len(),
            rows,
            page: self.number,
            pager,
            explorer: Explorer {
                meta: site
                    .base
                    .href(&format!("{}meta.json", list_data(list.kind))),
                root: site.base.href(&list_page(list.kind)),
                path: href(self.selection, 1),
                fixed,
                page: self.number,
            },
        }
    }
}

/// The clean path of page `page` of `selection` in `list`.
fn selection_path(list: &List<'_>, selection: &Selection, page: usize) -> String {
    let filters: Vec<(&str, &str)> = selection
        .iter()
        .map(|&(d, v)| {
            let dim = &list.dimensions[d];
            (dim.key, dim.values[v].key)
        })
        .collect();
    list_selection_page(list.kind, &filters, page)
}

/// What a list page's template reads: the list as the page shows it.
#[derive(Serialize)]
pub(super) struct ListPage<'v> {
    pub(super) list: View<'v>,
}

/// [`render`] for a list whose pages all read alike: `template` with the list's
/// title, under `section` of the menu, and a crumb back to the whole list on every
/// page but its first.
pub(super) fn render_titled(
    site: &Site<'_>,
    out: &mut Counting<'_>,
    list: &List<'_>,
    section: &'static str,
    template: &str,
) -> Result<(), RenderError> {
    let (list_path, title) = site.list_page(list.kind);
    render(site, out, list, |out, page| {
        let mut meta = site.meta(title, &page.path, section);
        if !(page.is_whole() && page.number == 1) {
            meta.crumbs.push(site.link(&list_path, title));
        }
        let data = ListPage {
            list: page.view(site),
        };
        site.page(out, &page.path, template, meta, &data)
    })
}

/// Writes the explorer's files of `list` and renders each of its static pages with
/// `page`, on all cores; nothing when the list's pages are out of scope.
pub(super) fn render<'s>(
    site: &Site<'_>,
    out: &mut Counting<'_>,
    list: &List<'s>,
    page: impl for<'l> Fn(&mut Counting<'_>, &Page<'l, 's>) -> Result<(), RenderError> + Sync,
) -> Result<(), RenderError> {
    if !out.wants(&list_page(list.kind)) {
        return Ok(());
    }
    // Validation refuses record ids named like these folders; a filter added here must
    // be named there too. The products' one filter with pages is the category pages.
    debug_assert!(
        list.kind == RecordKind::Product
            || list
                .dimensions
                .iter()
                .filter(|d| d.paged)
                .all(|d| list_folders(list.kind.into()).contains(&d.key)),
        "a filter of the {:?} list missing from site_paths::list_folders",
        list.kind
    );
    write_data(out, list)?;
    let index = Index::new(list);
    let mut pages = Vec::new();
    for (selection, rows) in &index.members {
        for number in 1..=rows.len().div_ceil(PAGE_ROWS).max(1) {
            pages.push(Page {
                list,
                index: &index,
                selection,
                rows,
                number,
                path: selection_path(list, selection, number),
            });
        }
    }
    site.each_in_parallel(out, &pages, |p| p.path.clone(), |out, _, p| page(out, p))
}

/// `meta.json`: what the explorer loads first.
#[derive(Serialize)]
struct Meta<'m> {
    rows: usize,
    page: usize,
    shard: usize,
    facets: Vec<Facet<'m>>,
    columns: Vec<ColumnMeta>,
}

#[derive(Serialize)]
struct Facet<'m> {
    key: &'static str,
    /// Whether a row may have several values; `codes` are then bits.
    multi: bool,
    /// `[key, name]` of each value.
    values: Vec<[&'m str; 2]>,
    /// Each row's value index (-1 for none), or its bits.
    codes: Vec<i64>,
}

#[derive(Serialize)]
struct ColumnMeta {
    key: &'static str,
    /// The facet whose value order it sorts in.
    #[serde(skip_serializing_if = "Option::is_none")]
    facet: Option<usize>,
    /// The file of its ranks, beside `meta.json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    ranks: Option<String>,
}

fn write_data(out: &Counting<'_>, list: &List<'_>) -> Result<(), RenderError> {
    let folder = list_data(list.kind);
    let meta = Meta {
        rows: list.rows.len(),
        page: PAGE_ROWS,
        shard: SHARD_ROWS,
        facets: list
            .dimensions
            .iter()
            .map(|d| Facet {
                key: d.key,
                multi: matches!(d.codes, Codes::Many(_)),
                values: d.values.iter().map(|c| [c.key, c.name]).collect(),
                codes: match &d.codes {
                    Codes::One(codes) => codes
                        .iter()
                        .map(|&c| if c == NONE { -1 } else { i64::from(c) })
                        .collect(),
                    Codes::Many(masks) => masks.iter().map(|&m| i64::from(m)).collect(),
                },
            })
            .collect(),
        columns: list
            .columns
            .iter()
            .map(|c| match &c.order {
                Order::Dimension(d) => ColumnMeta {
                    key: c.key,
                    facet: Some(*d),
                    ranks: None,
                },
                Order::Ranks(_) => ColumnMeta {
                    key: c.key,
                    facet: None,
                    ranks: Some(format!("sort-{}.json", c.key)),
                },
            })
            .collect(),
    };
    let json = serde_json::to_vec(&meta).expect("list meta serializes");
    out.file(&format!("{folder}meta.json"), &json)?;
    for column in &list.columns {
        if let Order::Ranks(ranks) = &column.order {
            let json = serde_json::to_vec(ranks).expect("ranks serialize");
            out.file(&format!("{folder}sort-{}.json", column.key), &json)?;
        }
    }
    list.rows
        .par_chunks(SHARD_ROWS)
        .enumerate()
        .try_for_each(|(n, shard)| {
            let json = serde_json::to_vec(shard).expect("rows serialize");
            out.file(&format!("{folder}rows-{n:04}.json"), &json)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices(keys: &'static [&'static str]) -> Vec<Choice<'static>> {
        keys.iter().map(|&k| Choice { key: k, name: k }).collect()
    }

    #[test]
    fn values_no_row_has_are_dropped_and_codes_follow() {
        let one = Dimension::one(
            "d",
            "d",
            choices(&["a", "b", "c"]),
            [Some(2), None, Some(0)].into_iter(),
        )
        .present_only();
        assert_eq!(
            one.values.iter().map(|c| c.key).collect::<Vec<_>>(),
            ["a", "c"]
        );
        let mut seen = Vec::new();
        for row in 0..3 {
            one.each(row, |v| seen.push((row, v)));
        }
        assert_eq!(seen, [(0, 1), (2, 0)]);
        let many = Dimension::many(
            "m",
            "m",
            choices(&["a", "b", "c"]),
            [0b101, 0b100].into_iter(),
        )
        .present_only();
        assert_eq!(many.values.len(), 2);
        let mut seen = Vec::new();
        many.each(0, |v| seen.push(v));
        assert_eq!(seen, [0, 1]);
    }

    #[test]
    fn equal_keys_share_a_rank_and_missing_ones_have_none() {
        let column = Column::ranked(
            "c",
            ["a", "b"],
            &[Some(5), None, Some(1), Some(5)],
            Ord::cmp,
        );
        let Order::Ranks(ranks) = column.order else {
            panic!("ranked");
        };
        assert_eq!(ranks, [Some(1), None, Some(0), Some(1)]);
    }

    #[test]
    fn selections_of_one_and_two_dimensions_hold_their_rows() {
        let list = List {
            kind: RecordKind::Project,
            dimensions: vec![
                Dimension::one(
                    "x",
                    "x",
                    choices(&["a", "b"]),
                    [Some(0), Some(1), Some(0)].into_iter(),
                ),
                Dimension::many("y", "y", choices(&["p", "q"]), [0b11, 0b10, 0].into_iter()),
                Dimension::one("z", "z", choices(&["u"]), [Some(0); 3].into_iter()),
                Dimension::one("w", "w", choices(&["v"]), [Some(0); 3].into_iter()).explorer_only(),
            ],
            columns: Vec::new(),
            rows: vec![String::new(); 3],
        };
        let index = Index::new(&list);
        assert_eq!(index.members[&vec![]], [0, 1, 2]);
        assert_eq!(index.members[&vec![(0, 0)]], [0, 2]);
        assert_eq!(index.members[&vec![(1, 1)]], [0, 1]);
        assert_eq!(index.members[&vec![(0, 0), (1, 1)]], [0]);
        assert!(!index.members.contains_key(&vec![(0, 1), (1, 0)]));
        // Pairs are the first dimension's only; a dimension of the explorer's only
        // has no page.
        assert!(index.members.contains_key(&vec![(0, 0), (2, 0)]));
        assert!(!index.members.contains_key(&vec![(1, 0), (2, 0)]));
        assert!(!index.members.contains_key(&vec![(3, 0)]));
        // Within x = a: y = p once, y = q once.
        assert_eq!(index.counts[&vec![(0, 0)]][1], [1, 1]);
    }
}
