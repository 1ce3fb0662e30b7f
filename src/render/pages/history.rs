//! Change history on record pages (首次发布, 最后更新 and a table of changes) and the
//! `/updates/` pages listing every data change, newest first, from
//! [`crate::history::History`]. Without history, both say why it is unavailable.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::history::record::label_key;
use crate::history::{Action, Edit, file_key};
use crate::model::kind::RecordKind;
use crate::render::{Counting, Link, RenderError, Site};
use crate::site_paths::record_page;

/// Changes per `/updates/` page.
const PER_PAGE: usize = 50;

/// A record page's history section, in `page.history`.
#[derive(Serialize, Debug)]
pub(crate) struct HistoryView {
    /// `available`, `uncommitted` (the file is in no commit) or `unavailable`.
    state: &'static str,
    /// Why history is unavailable, a key of `t.history.unavailable`.
    reason: Option<&'static str>,
    first_published: Option<String>,
    last_changed: Option<String>,
    rows: Vec<ChangeRow>,
}

/// One change of one record.
#[derive(Serialize, Debug)]
struct ChangeRow {
    /// Fragment id of the row, which feed entries link to.
    anchor: String,
    date: String,
    commit: String,
    subject: String,
    /// A key of `t.history.action`.
    action: &'static str,
    /// Changed fields, by their labels (or paths where the theme has no label).
    fields: Vec<String>,
}

/// One row of `/updates/`: a change and the record it concerns.
#[derive(Serialize)]
struct UpdateRow<'a> {
    #[serde(flatten)]
    change: ChangeRow,
    /// A key of `t.history.kind`.
    kind: &'static str,
    /// The record's page, when it still has one.
    link: Option<Link<'a>>,
    /// The record's title (or its file) when it has no page any more.
    title: String,
}

#[derive(Serialize)]
struct UpdatesPage<'a> {
    /// Why history is unavailable, a key of `t.history.unavailable`.
    reason: Option<&'static str>,
    rows: Vec<UpdateRow<'a>>,
    /// Links to every page of the list, when there is more than one.
    pages: Vec<PageLink>,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    href: String,
    current: bool,
}

/// The fragment id of a change's row on its record's page.
pub(crate) fn anchor(commit: &str) -> String {
    format!("change-{}", &commit[..commit.len().min(12)])
}

impl<'a> Site<'a> {
    /// The history section of the record read from `file`.
    pub(in crate::render) fn history(&self, file: &Path) -> HistoryView {
        let history = &self.derived.history;
        if let Some(reason) = &history.unavailable {
            return HistoryView {
                state: "unavailable",
                reason: Some(reason.key()),
                first_published: None,
                last_changed: None,
                rows: Vec::new(),
            };
        }
        let Some(record) = history.record(file) else {
            return HistoryView {
                state: "uncommitted",
                reason: None,
                first_published: None,
                last_changed: None,
                rows: Vec::new(),
            };
        };
        HistoryView {
            state: "available",
            reason: None,
            first_published: record.first_published.map(|d| d.to_string()),
            last_changed: record.last_changed.map(|d| d.to_string()),
            rows: record
                .edits
                .iter()
                .map(|&i| self.change_row(&history.edits[i]))
                .collect(),
        }
    }

    fn change_row(&self, edit: &Edit) -> ChangeRow {
        let commit = &self.derived.history.commits[edit.commit];
        let fields = match &edit.action {
            Action::Changed(paths) => self.field_labels(edit.kind, paths),
            _ => Vec::new(),
        };
        ChangeRow {
            anchor: anchor(&commit.id),
            date: commit.date.to_string(),
            commit: commit.short().to_owned(),
            subject: commit.subject.clone(),
            action: edit.action.key(),
            fields,
        }
    }

    /// The labels of changed fields, each once, in the order of their paths: the
    /// theme's `t.fields.<kind>.<path without list positions>`, else the path.
    pub(in crate::render) fn field_labels(
        &self,
        kind: RecordKind,
        paths: &[String],
    ) -> Vec<String> {
        let mut shown: Vec<String> = Vec::new();
        for path in paths {
            let key = label_key(path);
            let label = self
                .theme
                .strings
                .optional(&["fields", kind.key(), &key])
                .map_or_else(|| path.clone(), str::to_owned);
            if !shown.contains(&label) {
                shown.push(label);
            }
        }
        shown
    }

    /// A change as one line of text for feeds: the action, then the fields.
    pub(in crate::render) fn change_summary(&self, edit: &Edit) -> String {
        let strings = &self.theme.strings;
        let action = strings.text(&["history", "action", edit.action.key()]);
        match &edit.action {
            Action::Changed(paths) => {
                let separator = strings.text(&["history", "fields_separator"]);
                let fields = self.field_labels(edit.kind, paths).join(separator);
                format!("{action}：{fields}")
            }
            _ => action.to_owned(),
        }
    }

    /// The clean path and link of each record's page as the data has it now, by
    /// file: history keys records by file.
    pub(in crate::render) fn record_pages<'s>(&'s self) -> HashMap<String, (String, Link<'s>)> {
        let d = self.dataset;
        let mut records: Vec<(&Path, String, &str)> = d
            .records()
            .map(|r| (r.file, record_page(r.kind, &r.id.value), r.title))
            .collect();
        if let Some(t) = &d.taxonomy {
            // The taxonomy's page is the catalog, which lists products by category.
            let (list, title) = self.list_page(RecordKind::Product);
            records.push((&t.file, list, title));
        }
        records
            .into_iter()
            .map(|(file, path, title)| {
                let link = self.link(&path, title);
                (file_key(file), (path, link))
            })
            .collect()
    }
}

/// `/updates/`, `/updates/2/`...: every change, newest first, [`PER_PAGE`] a page.
pub(super) fn render(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    // Mapping every record file to its page costs more than the rest of an edit.
    if !out.scope.wants_under("updates/") {
        return Ok(());
    }
    let history = &site.derived.history;
    let title = site.theme.strings.text(&["updates", "title"]);
    let pages = site.record_pages();
    let count = history.edits.len().div_ceil(PER_PAGE).max(1);
    let path = |n: usize| {
        if n == 1 {
            "updates/".to_owned()
        } else {
            format!("updates/{n}/")
        }
    };
    for n in 1..=count {
        let rows = history
            .edits
            .iter()
            .skip((n - 1) * PER_PAGE)
            .take(PER_PAGE)
            .map(|edit| {
                let link = pages.get(&edit.file).map(|(_, link)| link.clone());
                UpdateRow {
                    change: site.change_row(edit),
                    kind: edit.kind.key(),
                    title: edit.title.clone().unwrap_or_else(|| edit.file.clone()),
                    link: link.filter(|_| edit.action != Action::Removed),
                }
            })
            .collect();
        let data = UpdatesPage {
            reason: history.unavailable.as_ref().map(|r| r.key()),
            rows,
            pages: if count > 1 {
                (1..=count)
                    .map(|k| PageLink {
                        number: k,
                        href: site.base.href(&path(k)),
                        current: k == n,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            previous: (n > 1).then(|| site.base.href(&path(n - 1))),
            next: (n < count).then(|| site.base.href(&path(n + 1))),
        };
        let here = path(n);
        // Later pages say which page they are, in the title and the breadcrumbs.
        let numbered = match n {
            1 => title.to_owned(),
            n => {
                let page = site.theme.strings.text(&["updates", "page"]);
                format!("{title} · {}", page.replace("{n}", &n.to_string()))
            }
        };
        let mut meta = site.meta(&numbered, &here, "updates");
        if n > 1 {
            meta.crumbs.push(site.link("updates/", title));
        }
        site.page(out, &here, "updates.html", meta, &data)?;
    }
    Ok(())
}
