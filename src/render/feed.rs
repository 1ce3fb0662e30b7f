//! Atom feeds: `feed.xml` for the whole site and `projects/<id>/feed.xml` for each
//! project, so that a firm can follow one project in any feed reader.
//!
//! With history, an entry is one record's change in one commit, dated by the commit
//! and linked to that change's row on the record's page. Without it, the feeds fall
//! back to the dates the data holds: a policy's issue date and a project's lifecycle
//! stages. Entries are newest first; their text comes from the theme's strings.

use crate::export::timestamp;
use crate::history::{Action, Edit};
use crate::model::Date;
use crate::model::kind::RecordKind;
use crate::render::pages::history::anchor;
use crate::render::{RenderError, Site};
use crate::site_paths::record_page;
use crate::xml::escape;

/// Entries in the site feed: readers only look at recent ones.
const MAX_ENTRIES: usize = 100;

struct Entry {
    id: String,
    link: String,
    /// RFC 3339.
    updated: String,
    title: String,
    summary: String,
}

impl Site<'_> {
    /// `feed.xml`: the latest data changes.
    pub(super) fn site_feed(&self) -> Result<String, RenderError> {
        let history = &self.derived.history;
        let pages = self.record_pages();
        let entries: Vec<Entry> = if history.unavailable.is_none() {
            history
                .edits
                .iter()
                .take(MAX_ENTRIES)
                .map(|edit| {
                    let page = pages
                        .get(&edit.file)
                        .filter(|_| edit.action != Action::Removed)
                        .map(|(path, _)| path.as_str());
                    self.change_entry(edit, page)
                })
                .collect()
        } else {
            let mut entries = self.dated_entries();
            entries.truncate(MAX_ENTRIES);
            entries
        };
        Ok(self.atom(
            "feed.xml",
            "",
            &self
                .dataset
                .config
                .as_ref()
                .ok_or(RenderError::NoConfig)?
                .record
                .title,
            self.theme.strings.text(&["feed", "subtitle"]),
            &entries,
        ))
    }

    /// `projects/<id>/feed.xml` for project `i`.
    pub(super) fn project_feed(&self, i: usize) -> String {
        let sourced = &self.dataset.projects[i];
        let p = &sourced.record;
        let path = record_page(RecordKind::Project, &p.id.value);
        let history = &self.derived.history;
        let entries: Vec<Entry> = if history.unavailable.is_none() {
            history
                .record(&sourced.file)
                .map(|r| {
                    r.edits
                        .iter()
                        .map(|&e| self.change_entry(&history.edits[e], Some(&path)))
                        .collect()
                })
                .unwrap_or_default()
        } else {
            self.stage_entries(i)
        };
        let title = self
            .theme
            .strings
            .text(&["history", "follow_title"])
            .replace("{title}", &p.name);
        let subtitle = self.theme.strings.text(&["feed", "subtitle"]);
        self.atom(
            &format!("{path}feed.xml"),
            &path,
            &title,
            subtitle,
            &entries,
        )
    }

    /// One change as an entry; `page` is the clean path of the record's page, absent
    /// when the record has none any more.
    fn change_entry(&self, edit: &Edit, page: Option<&str>) -> Entry {
        let commit = &self.derived.history.commits[edit.commit];
        let link = match page {
            Some(path) => format!("{}#{}", self.canonical(path), anchor(&commit.id)),
            None => self.canonical("updates/"),
        };
        // An entry's id is unique per record and commit, and never changes.
        let id = match page {
            Some(_) => link.clone(),
            None => format!("{link}#{}/{}", anchor(&commit.id), edit.file),
        };
        let kind = self
            .theme
            .strings
            .text(&["history", "kind", edit.kind.key()]);
        let name = edit.title.as_deref().unwrap_or(&edit.file);
        Entry {
            id,
            link,
            updated: commit.time.clone(),
            title: format!("{kind}：{name}"),
            summary: format!("{}。{}", self.change_summary(edit), commit.subject),
        }
    }

    /// Without history: policies by issue date and each project's latest stage.
    fn dated_entries(&self) -> Vec<Entry> {
        let issued = self.theme.strings.text(&["feed", "policy_issued"]);
        let mut entries: Vec<(Date, Entry)> = Vec::new();
        for p in &self.dataset.policies {
            let m = &p.record.meta;
            let url = self.canonical(&record_page(RecordKind::Policy, &m.id.value));
            let number = m.number.as_ref().map_or("", |n| n.value.as_str());
            entries.push((
                m.issued.value,
                Entry {
                    id: url.clone(),
                    link: url,
                    updated: timestamp(m.issued.value),
                    title: m.title.clone(),
                    summary: format!("{} {issued} {number}", m.issuer)
                        .trim_end()
                        .to_owned(),
                },
            ));
        }
        for i in 0..self.dataset.projects.len() {
            if let Some(latest) = self.stage_entries(i).into_iter().next() {
                let date = self.dataset.projects[i]
                    .record
                    .lifecycle
                    .iter()
                    .map(|s| s.date.value)
                    .max();
                entries.extend(date.map(|d| (d, latest)));
            }
        }
        // Newest first; the address breaks ties so that the order never depends on files.
        entries.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.link.cmp(&b.1.link)));
        entries.into_iter().map(|(_, e)| e).collect()
    }

    /// Without history: a project's lifecycle stages, latest first, each an entry
    /// whose id is the project page, so that a reader shows the latest stage.
    fn stage_entries(&self, i: usize) -> Vec<Entry> {
        let p = &self.dataset.projects[i].record;
        let url = self.canonical(&record_page(RecordKind::Project, &p.id.value));
        let strings = &self.theme.strings;
        let reached = strings.text(&["feed", "project_reached"]);
        let mut stages: Vec<_> = p.lifecycle.iter().collect();
        stages.sort_by_key(|s| std::cmp::Reverse((s.date.value, s.stage.value)));
        stages
            .into_iter()
            .map(|s| Entry {
                id: format!("{url}#{}-{}", s.stage.value.key(), s.date.value),
                link: url.clone(),
                updated: timestamp(s.date.value),
                title: p.name.clone(),
                summary: format!(
                    "{reached} {}",
                    strings.text(&["stage", s.stage.value.key()])
                ),
            })
            .collect()
    }

    /// The Atom document at `path` for the page at `page` (clean paths).
    fn atom(
        &self,
        path: &str,
        page: &str,
        title: &str,
        subtitle: &str,
        entries: &[Entry],
    ) -> String {
        let config = self.dataset.config.as_ref().map(|c| &c.record);
        let publisher = config.map_or("", |c| c.publisher.name.as_str());
        // The newest entry dates the feed; an empty feed takes the data's as-of date,
        // never the clock.
        let updated = entries
            .first()
            .map(|e| e.updated.clone())
            .unwrap_or_else(|| {
                timestamp(
                    self.derived
                        .as_of
                        .unwrap_or_else(|| Date::from_days_since_epoch(0)),
                )
            });
        let self_url = self.canonical(path);
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
        xml.push_str(&format!("  <id>{}</id>\n", escape(&self_url)));
        xml.push_str(&format!("  <title>{}</title>\n", escape(title)));
        xml.push_str(&format!("  <subtitle>{}</subtitle>\n", escape(subtitle)));
        xml.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            escape(&self_url)
        ));
        xml.push_str(&format!(
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&self.canonical(page))
        ));
        xml.push_str(&format!("  <updated>{updated}</updated>\n"));
        xml.push_str(&format!(
            "  <author><name>{}</name></author>\n",
            escape(publisher)
        ));
        for e in entries {
            xml.push_str("  <entry>\n");
            xml.push_str(&format!("    <id>{}</id>\n", escape(&e.id)));
            xml.push_str(&format!("    <title>{}</title>\n", escape(&e.title)));
            xml.push_str(&format!(
                "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                escape(&e.link)
            ));
            xml.push_str(&format!("    <updated>{}</updated>\n", e.updated));
            xml.push_str(&format!("    <summary>{}</summary>\n", escape(&e.summary)));
            xml.push_str("  </entry>\n");
        }
        xml.push_str("</feed>\n");
        xml
    }
}
