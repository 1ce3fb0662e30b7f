//! `feed.xml`: an Atom feed of new and changed policies and projects, newest first.
//! Dates come from the data (a policy's issue date, a project's latest lifecycle
//! date); an entry's id is its page address, so that a project reaching a new stage
//! updates its entry instead of adding one.

use super::tables::{definitions, stage_label};
use super::{ExportError, ExportFile, Site, sections, timestamp};
use crate::model::Date;
use crate::xml::escape;

/// Entries in the feed: readers only look at recent ones.
const MAX_ENTRIES: usize = 100;

struct Entry {
    date: Date,
    url: String,
    title: String,
    summary: String,
}

/// `feed.xml`.
pub(super) fn write(site: &Site) -> Result<ExportFile, ExportError> {
    let strings = &definitions()?.strings;
    let mut entries = Vec::new();
    for p in &site.dataset.policies {
        let m = &p.record.meta;
        let number = m.number.as_ref().map_or("", |n| n.value.as_str());
        entries.push(Entry {
            date: m.issued.value,
            url: site.page_url(sections::POLICIES, &m.id.value),
            title: m.title.clone(),
            summary: format!("{} {} {number}", m.issuer, strings.feed_policy_issued)
                .trim_end()
                .to_owned(),
        });
    }
    for p in &site.dataset.projects {
        let p = &p.record;
        if let Some(stage) = p.lifecycle.last() {
            entries.push(Entry {
                date: stage.date.value,
                url: site.page_url(sections::PROJECTS, &p.id.value),
                title: p.name.clone(),
                summary: format!(
                    "{} {}",
                    strings.feed_project_reached,
                    stage_label(stage.stage.value)?
                ),
            });
        }
    }
    // Newest first; the address breaks ties so that the order never depends on files.
    entries.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
    entries.truncate(MAX_ENTRIES);

    let updated = entries.first().map_or(site.as_of, |e| e.date);
    let self_url = site.url("feed.xml");
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    xml.push_str(&format!("  <id>{}</id>\n", escape(&self_url)));
    xml.push_str(&format!(
        "  <title>{}</title>\n",
        escape(&site.config.title)
    ));
    xml.push_str(&format!(
        "  <subtitle>{}</subtitle>\n",
        escape(&strings.feed_subtitle)
    ));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&self_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&site.base_url)
    ));
    xml.push_str(&format!("  <updated>{}</updated>\n", timestamp(updated)));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape(&site.config.publisher.name)
    ));
    for e in &entries {
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <id>{}</id>\n", escape(&e.url)));
        xml.push_str(&format!("    <title>{}</title>\n", escape(&e.title)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&e.url)
        ));
        xml.push_str(&format!("    <updated>{}</updated>\n", timestamp(e.date)));
        xml.push_str(&format!("    <summary>{}</summary>\n", escape(&e.summary)));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Ok(ExportFile {
        path: "feed.xml".to_owned(),
        bytes: xml.into_bytes(),
    })
}
