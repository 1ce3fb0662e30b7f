//! Lists of many records (issue 16) on the real binary's output: the explorer's files
//! decoded as `assets/list.js` decodes them give the hand-counted rows of a
//! combined selection; the static pages of a list and of its selections hold every
//! row once; the rank files order rows as their values do.

use crate::common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_greenproc");
const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

fn greenproc(args: &[&str], root: &Path, output: &Path) {
    let run = Command::new(BIN)
        .args(args)
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .output()
        .expect("greenproc runs");
    assert!(
        run.status.success(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Builds the sample site at the server's root into a temporary folder.
fn sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    greenproc(&["build", "--base-url", "/"], Path::new(MANIFEST), &public);
    dir
}

fn read(public: &Path, path: &str) -> String {
    fs::read_to_string(public.join(path).join("index.html"))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The id a row's `<tr>` links to in its header cell: `/projects/<id>/` → `<id>`.
fn row_id(tr: &str) -> String {
    let marker = "<th scope=\"row\"><a href=\"";
    let start = tr.find(marker).expect("a row header with a link") + marker.len();
    let href = &tr[start..start + tr[start..].find('"').unwrap()];
    href.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

/// The rows of a page's list table, by the ids they link to.
fn page_ids(html: &str) -> Vec<String> {
    let body = html
        .split("<tbody data-list-rows>")
        .nth(1)
        .expect("a list table");
    let body = &body[..body.find("</tbody>").unwrap()];
    body.split("<tr").skip(1).map(row_id).collect()
}

/// The ids on a selection's static pages, following the pager's next links from
/// its first page, and how many pages there were.
fn static_ids(public: &Path, first: &str) -> (Vec<String>, usize) {
    let (mut ids, mut pages, mut path) = (Vec::new(), 0, first.to_owned());
    loop {
        let html = read(public, &path);
        ids.extend(page_ids(&html));
        pages += 1;
        let Some(end) = html.find("\" rel=\"next\"") else {
            return (ids, pages);
        };
        let start = html[..end].rfind("href=\"/").unwrap() + "href=\"/".len();
        let next = html[start..end].to_owned();
        assert_eq!(next, format!("{first}page/{}/", pages + 1), "the next page");
        path = next;
    }
}

/// A list's explorer files, read as list.js reads them.
struct Explorer {
    meta: Value,
    /// Each row's `<tr>`, from the shards in order.
    rows: Vec<String>,
}

impl Explorer {
    fn load(public: &Path, list: &str) -> Explorer {
        let folder = public.join(list).join("list");
        let json = |file: &str| -> Value {
            serde_json::from_str(&fs::read_to_string(folder.join(file)).unwrap()).unwrap()
        };
        let meta = json("meta.json");
        let count = meta["rows"].as_u64().unwrap() as usize;
        let shard = meta["shard"].as_u64().unwrap() as usize;
        let mut rows = Vec::new();
        for n in 0..count.div_ceil(shard) {
            let chunk = json(&format!("rows-{n:04}.json"));
            let chunk = chunk.as_array().unwrap();
            assert!(chunk.len() == shard || rows.len() + chunk.len() == count);
            rows.extend(chunk.iter().map(|r| r.as_str().unwrap().to_owned()));
        }
        assert_eq!(rows.len(), count, "{list}: the shards hold every row");
        assert!(
            !folder
                .join(format!("rows-{:04}.json", count.div_ceil(shard)))
                .exists()
        );
        Explorer { meta, rows }
    }

    fn facet(&self, key: &str) -> &Value {
        self.meta["facets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == key)
            .unwrap_or_else(|| panic!("no facet {key}"))
    }

    /// Whether `row` has one of `values` in the facet `key`: a value's index is its
    /// code, or its bit in a facet of several values a row.
    fn has(&self, key: &str, values: &[&str], row: usize) -> bool {
        let facet = self.facet(key);
        let wanted: Vec<u64> = values
            .iter()
            .map(|v| {
                facet["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|pair| pair[0] == *v)
                    .unwrap_or_else(|| panic!("{key} has no value {v}")) as u64
            })
            .collect();
        let code = facet["codes"][row].as_i64().unwrap();
        if facet["multi"] == true {
            wanted.iter().any(|&bit| code & (1 << bit) != 0)
        } else {
            code >= 0 && wanted.contains(&(code as u64))
        }
    }

    /// The rows a selection keeps, in list order: one of the values of each facet
    /// named, every facet named.
    fn select(&self, selection: &[(&str, &[&str])]) -> Vec<usize> {
        (0..self.rows.len())
            .filter(|&row| selection.iter().all(|(k, v)| self.has(k, v, row)))
            .collect()
    }

    fn ids(&self, rows: &[usize]) -> Vec<String> {
        rows.iter().map(|&r| row_id(&self.rows[r])).collect()
    }

    /// The row's rank in the column `key`, from its rank file or its facet's order.
    fn ranks(&self, public: &Path, list: &str, key: &str) -> Vec<Option<i64>> {
        let column = self.meta["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == key)
            .unwrap();
        if let Some(file) = column["ranks"].as_str() {
            let text = fs::read_to_string(public.join(list).join("list").join(file)).unwrap();
            let ranks: Vec<Option<i64>> = serde_json::from_str(&text).unwrap();
            assert_eq!(ranks.len(), self.rows.len());
            ranks
        } else {
            let facet = &self.meta["facets"][column["facet"].as_u64().unwrap() as usize];
            facet["codes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| Some(c.as_i64().unwrap()).filter(|&c| c >= 0))
                .collect()
        }
    }
}

#[test]
fn a_district_type_and_verdict_selection_is_the_hand_counted_rows() {
    let dir = sample();
    let public = dir.path().join("public");
    let projects = Explorer::load(&public, "projects");
    // Counted by hand in data/projects/*.yaml: the projects with `district:
    // zhangdian` and `type: school` are jingkai-experimental-school (at the design
    // stage, its targets of two stars and 55% prefabrication meet the programme's
    // two stars and 50%, nothing else is measurable yet: met so far) and
    // zhangdian-experimental-school-north (evaluated: two stars, 56.2%
    // prefabrication, 96% green materials against its 70% target: met). No other
    // school is in Zhangdian.
    let schools = projects.select(&[
        ("district", &["zhangdian"]),
        ("type", &["school"]),
        ("verdict", &["met"]),
    ]);
    let expected = [
        "jingkai-experimental-school",
        "zhangdian-experimental-school-north",
    ];
    assert_eq!(projects.ids(&schools), expected);
    let none_failing = projects.select(&[
        ("district", &["zhangdian"]),
        ("type", &["school"]),
        ("verdict", &["not-met", "not-measurable"]),
    ]);
    assert_eq!(none_failing, Vec::<usize>::new());
    // Zhangdian's two offices split by verdict: the retrofit falls short of the
    // mandatory categories' 100% green share, the maintenance project meets it.
    let offices = |verdict: &str| {
        let rows = projects.select(&[
            ("district", &["zhangdian"]),
            ("type", &["office"]),
            ("verdict", &[verdict]),
        ]);
        projects.ids(&rows)
    };
    assert_eq!(offices("met"), ["zibo-municipal-office-maintenance"]);
    assert_eq!(offices("not-met"), ["zhangdian-government-office-retrofit"]);

    // Without script: the district page counts types within the district, and its
    // school link keeps the district.
    let district = read(&public, "projects/district/zhangdian");
    assert!(
        district.contains(
            "<a href=\"/projects/district/zhangdian/type/school/\">学校 <span class=\"count\">2</span></a>"
        ),
        "{district}"
    );
    let pair = read(&public, "projects/district/zhangdian/type/school");
    assert_eq!(page_ids(&pair), expected);
    assert!(pair.contains("共 2 条"));
    // A third dimension's counts are shown without links: that selection has no page.
    assert!(
        pair.contains("<span class=\"filter-only\">符合 <span class=\"count\">2</span></span>")
    );
    // What the explorer starts from on that page.
    assert!(pair.contains("data-list-fixed=\"district=zhangdian&amp;type=school\""));
}

#[test]
fn every_row_of_the_sample_lists_is_on_one_page_and_in_one_shard() {
    let dir = sample();
    let public = dir.path().join("public");
    let root = Path::new(MANIFEST);
    for (list, folder) in [
        ("projects", "data/projects"),
        ("orgs", "data/orgs"),
        ("catalog", "data/catalog"),
    ] {
        let explorer = Explorer::load(&public, list);
        let all: Vec<usize> = (0..explorer.rows.len()).collect();
        let ids = explorer.ids(&all);
        let unique: BTreeSet<String> = ids.iter().cloned().collect();
        assert_eq!(unique.len(), ids.len(), "{list}: a row once");
        let records: BTreeSet<String> =
            common::record_ids(&root.join(folder)).into_iter().collect();
        assert_eq!(unique, records, "{list}: every record");
        let (shown, pages) = static_ids(&public, &format!("{list}/"));
        assert_eq!(
            shown, ids,
            "{list}: the static pages show the shards' rows in order"
        );
        assert_eq!(pages, ids.len().div_ceil(100), "{list}");
    }
    // Every cell names its column for narrow screens; the name stays the row header.
    let page = read(&public, "projects");
    let rows = page_ids(&page).len();
    assert_eq!(
        page.matches("<td data-label=\"").count()
            + page.matches("<td class=\"num\" data-label=\"").count(),
        rows * 7
    );
    assert_eq!(page.matches("<th scope=\"row\">").count(), rows);
}

#[test]
fn a_list_longer_than_a_page_is_paged_and_its_ranks_sort_it() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let public = dir.path().join("public");
    let generated = Command::new(BIN)
        .args(["gen", "--records", "1200", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(generated.status.success());
    greenproc(&["build", "--base-url", "/"], &site, &public);
    // The catalog's category filter pages are the categories' own.
    for (list, facet, pages_of_value) in [
        ("projects", "verdict", "projects/verdict/"),
        ("orgs", "role", "orgs/role/"),
        ("catalog", "category", "catalog/"),
    ] {
        let explorer = Explorer::load(&public, list);
        let all: Vec<usize> = (0..explorer.rows.len()).collect();
        let (shown, pages) = static_ids(&public, &format!("{list}/"));
        assert!(pages > 1, "{list} has {pages} page(s)");
        assert_eq!(
            shown,
            explorer.ids(&all),
            "{list}: every row once, in order"
        );
        // A value's filter pages hold the rows the explorer selects for it.
        let first = explorer.facet(facet)["values"][0][0]
            .as_str()
            .unwrap()
            .to_owned();
        let selected = explorer.select(&[(facet, &[first.as_str()])]);
        let (filtered, _) = static_ids(&public, &format!("{pages_of_value}{first}/"));
        assert_eq!(
            filtered,
            explorer.ids(&selected),
            "{pages_of_value}{first}/"
        );
    }
    // Ranks order the rows as the amounts they show do.
    let projects = Explorer::load(&public, "projects");
    let ranks = projects.ranks(&public, "projects", "budget");
    let yuan = |row: usize| -> f64 {
        let tr = &projects.rows[row];
        let start = tr.find("<data class=\"money\" value=\"").unwrap() + 27;
        tr[start..start + tr[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let mut order: Vec<usize> = (0..projects.rows.len()).collect();
    order.sort_by_key(|&r| (ranks[r], r));
    assert!(order.windows(2).all(|w| yuan(w[0]) <= yuan(w[1])));
    assert!(
        order
            .windows(2)
            .all(|w| (yuan(w[0]) == yuan(w[1])) == (ranks[w[0]] == ranks[w[1]]))
    );
    // A column in a facet's order sorts by the facet's codes.
    let stages = projects.ranks(&public, "projects", "stage");
    assert!(stages.iter().all(|s| s.is_none_or(|s| s < 7)));
}
