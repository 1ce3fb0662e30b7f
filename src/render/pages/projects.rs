//! Pilot projects: the list, its filter pages, and one page per project with its
//! lifecycle, targets against actual figures, materials, parties and results.

use serde::Serialize;

use super::stats::{RuleRow, rule_row};
use super::{Dated, WithQr, date};
use crate::derive::Verdict;
use crate::derive::compliance::{ActualShare, ProjectCompliance, Share};
use crate::model::kind::RecordKind;
use crate::model::project::{Project, ProjectType, StageKind};
use crate::model::{Percent, Sourced, Stars};
use crate::render::list::{self, Choice, Column, Dimension, List, lookup, render_rows};
use crate::render::markdown::PageIds;
use crate::render::{Amount, Counting, Link, RenderError, Site, money, number};
use crate::site_paths::record_page;

pub(super) fn render(site: &Site<'_>, out: &mut Counting<'_>) -> Result<(), RenderError> {
    let (list_path, title) = site.list_page(RecordKind::Project);
    let listed = out.listed(&list_path, site.dataset.projects.len());
    let rows: Vec<Row<'_>> = (0..listed).map(|i| row(site, i)).collect();
    let list = project_list(site, &rows)?;
    list::render_titled(site, out, &list, "projects", "projects.html")?;
    let page_of = |p: &Sourced<Project>| record_page(RecordKind::Project, &p.record.id.value);
    site.each_in_parallel(out, &site.dataset.projects, page_of, |out, i, project| {
        let p = &project.record;
        let path = record_page(RecordKind::Project, &p.id.value);
        let mut meta = site.meta(&p.name, &path, "projects");
        meta.crumbs.push(site.link(&list_path, title));
        meta.history = Some(site.history(&project.file));
        meta.feed = Some(site.base.href(&format!("{path}feed.xml")));
        out.file(&format!("{path}feed.xml"), site.project_feed(i).as_bytes())?;
        let detail = detail(site, i);
        let page = WithQr::new(site, &path, &detail);
        site.page(out, &path, "project.html", meta, &page)?;
        let notice = NoticeData {
            detail: &detail,
            notice: Notice {
                qr: page.qr,
                canonical: site.canonical(&path),
                project_href: site.base.href(&path),
            },
        };
        let notice_path = format!("{path}notice/");
        let notice_meta = site.meta(&p.name, &notice_path, "projects");
        site.page(out, &notice_path, "notice.html", notice_meta, &notice)
    })
}

/// One project in the list, as `list_row.html` shows it; the keys are the list's
/// filter values.
#[derive(Serialize)]
struct Row<'a> {
    link: Link<'a>,
    code: &'a str,
    district: &'a str,
    district_name: &'a str,
    project_type: &'static str,
    stage: Option<&'static str>,
    stars: Option<&'static str>,
    budget: Amount,
    /// The actual green-material share, never the target.
    green_ratio: Option<String>,
    /// Where it comes from, a key of `t.share_source`.
    share_source: &'static str,
    /// The overall verdict on the programme's rules, a key of `t.verdict`.
    verdict: &'static str,
}

fn row<'a>(site: &Site<'a>, i: usize) -> Row<'a> {
    let p = &site.dataset.projects[i].record;
    Row {
        link: site.project_link(i),
        code: &p.code.value,
        district: &p.district.value,
        district_name: site.derived.area_name(&p.district.value),
        project_type: p.kind.key(),
        stage: site.derived.current_stage[i].map(StageKind::key),
        stars: p.targets.star_rating.map(Stars::key),
        budget: money(p.procurement.budget),
        green_ratio: site.derived.assessment.projects[i]
            .actual_share
            .value()
            .map(|r| r.to_string()),
        share_source: site.derived.assessment.projects[i].actual_share.source(),
        verdict: site.derived.assessment.projects[i].verdict.key(),
    }
}

/// The context of a list page: the list's view only.
/// The project list: filters on district, type, stage, target rating and verdict;
/// every column sorts, the categorical ones in their filter's order.
fn project_list<'s>(site: &'s Site<'_>, rows: &[Row<'s>]) -> Result<List<'s>, RenderError> {
    let named = |table, keys: &[&'static str]| Choice::named(&site.theme.strings, table, keys);
    let districts = Choice::districts(site);
    let dimension =
        |key: &'static str, values: Vec<Choice<'s>>, of: fn(&Row<'s>) -> Option<&'s str>| {
            let find = lookup(&values);
            let codes = rows.iter().map(|r| of(r).and_then(&find));
            Dimension::one(key, key, values, codes).present_only()
        };
    let dimensions = vec![
        dimension("district", districts, |r| Some(r.district)),
        dimension(
            "type",
            named("project_type", &ProjectType::ALL.map(ProjectType::key)),
            |r| Some(r.project_type),
        ),
        dimension(
            "stage",
            named("stage", &StageKind::ALL.map(StageKind::key)),
            |r| r.stage,
        ),
        dimension("stars", named("stars", &Stars::ALL.map(Stars::key)), |r| {
            r.stars
        }),
        // Pre-rendered like the others, so "not met" is one link away without script.
        dimension(
            "verdict",
            named("verdict", &Verdict::ALL.map(Verdict::key)),
            |r| Some(r.verdict),
        ),
    ];
    let projects = &site.dataset.projects[..rows.len()];
    let assessed = &site.derived.assessment.projects;
    let titles: Vec<Option<&str>> = rows.iter().map(|r| Some(r.link.title)).collect();
    let budgets: Vec<Option<i64>> = projects
        .iter()
        .map(|p| Some(p.record.procurement.budget.fen()))
        .collect();
    let shares: Vec<Option<Percent>> = (0..rows.len())
        .map(|i| assessed[i].actual_share.value())
        .collect();
    let columns = vec![
        Column::ranked("name", ["project", "list_name"], &titles, Ord::cmp),
        Column::by_dimension("district", ["project", "district"], 0),
        Column::by_dimension("type", ["project", "type"], 1),
        Column::by_dimension("stage", ["project", "current"], 2),
        Column::by_dimension("stars", ["filter", "stars"], 3),
        Column::ranked("budget", ["project", "budget"], &budgets, Ord::cmp).numeric(),
        Column::ranked("share", ["project", "ratio"], &shares, |a, b| {
            a.0.total_cmp(&b.0)
        })
        .numeric(),
        Column::by_dimension("verdict", ["filter", "verdict"], 4),
    ];
    Ok(List {
        kind: RecordKind::Project,
        dimensions,
        columns,
        rows: render_rows(site, RecordKind::Project, rows)?,
    })
}

#[derive(Serialize)]
struct Detail<'a> {
    p: &'a Project,
    district_name: &'a str,
    zone_name: Option<&'a str>,
    budget: Amount,
    floor_area: Option<String>,
    award: Option<AwardView<'a>>,
    /// The organizations that bid, linked.
    tenderers: Vec<Link<'a>>,
    /// Bids received, given or counted.
    tenderer_count: Option<u32>,
    contract_amount: Option<Amount>,
    description: String,
    current_stage: Option<&'static str>,
    timeline: Vec<TimelineStage<'a>>,
    targets: Vec<TargetRow>,
    compliance: ComplianceView,
    materials: Vec<MaterialRow<'a>>,
    materials_total: Amount,
    catalog_share: Option<String>,
    parties: Vec<Party<'a>>,
    financing: Vec<LoanRow<'a>>,
    evaluation: Option<EvaluationView<'a>>,
    inspections: Vec<Dated<'a>>,
}

#[derive(Serialize)]
struct AwardView<'a> {
    winner: Option<Link<'a>>,
    amount: Amount,
    date: String,
}

#[derive(Serialize)]
struct TimelineStage<'a> {
    stage: &'static str,
    reached: bool,
    current: bool,
    entries: Vec<&'a crate::model::project::Stage>,
}

/// A green target against the figure measured at acceptance.
#[derive(Serialize)]
struct TargetRow {
    key: &'static str,
    /// `stars` when the values are rating keys, else `percent`.
    unit: &'static str,
    target: Option<String>,
    actual: Option<String>,
    met: Option<bool>,
    /// Where the actual figure comes from, a key of `t.share_source`, for the figures
    /// derive defines (the green-material share).
    source: Option<&'static str>,
    /// The owner's reported figure when the actual one is computed from the lines and
    /// differs from it.
    reported: Option<String>,
}

/// The project's verdicts on the programme's rules and the shares they rest on.
#[derive(Serialize)]
struct ComplianceView {
    verdict: &'static str,
    rules: Vec<RuleRow>,
    shares: Vec<ShareRow>,
}

/// Green shares of one class of categories: `all`, `mandatory` or `optional`.
#[derive(Serialize)]
struct ShareRow {
    class: &'static str,
    amount: Amount,
    green: Amount,
    ratio: Option<String>,
    types: usize,
    green_types: usize,
    type_ratio: Option<String>,
}

fn compliance(site: &Site<'_>, c: &ProjectCompliance) -> ComplianceView {
    let share = |class, s: &Share| ShareRow {
        class,
        amount: money(s.amount),
        green: money(s.green),
        ratio: s.ratio.map(|r| r.to_string()),
        types: s.types,
        green_types: s.green_types,
        type_ratio: s.type_ratio.map(|r| r.to_string()),
    };
    ComplianceView {
        verdict: c.verdict.key(),
        rules: c
            .rules
            .iter()
            .map(|r| rule_row(&site.theme.strings, r))
            .collect(),
        shares: vec![
            share("all", &c.all),
            share("mandatory", &c.mandatory),
            share("optional", &c.optional),
        ],
    }
}

#[derive(Serialize)]
struct MaterialRow<'a> {
    category: Option<Link<'a>>,
    category_id: &'a str,
    product: Option<Link<'a>>,
    manufacturer: Option<Link<'a>>,
    certificate: Option<&'static str>,
    description: Option<&'a str>,
    quantity: String,
    unit: &'a str,
    amount: Amount,
    /// Counted as green (a catalog product certified on the day of use).
    green: bool,
    /// The category's class in the project's edition, a key of `t.material_class`.
    class: Option<&'static str>,
}

#[derive(Serialize)]
struct Party<'a> {
    role: &'static str,
    org: Link<'a>,
}

#[derive(Serialize)]
struct LoanRow<'a> {
    lender: Option<Link<'a>>,
    borrower: Option<Link<'a>>,
    amount: Amount,
    date: String,
}

#[derive(Serialize)]
struct EvaluationView<'a> {
    evaluator: Option<Link<'a>>,
    score: String,
    grade: &'static str,
    summary: String,
}

// Long because it is the project page's whole context, one field per section of the
// template in the template's order; the sections that compute are functions of their own.
fn detail<'a>(site: &Site<'a>, i: usize) -> Detail<'a> {
    let p = &site.dataset.projects[i].record;
    let d = site.derived;
    let mut ids = PageIds::new();
    let current = d.current_stage[i];
    let timeline = StageKind::ALL
        .iter()
        .map(|&stage| {
            let entries: Vec<_> = p
                .lifecycle
                .iter()
                .filter(|s| s.stage.value == stage)
                .collect();
            TimelineStage {
                stage: stage.key(),
                reached: !entries.is_empty(),
                current: current == Some(stage),
                entries,
            }
        })
        .collect();
    let assessed = &d.assessment.projects[i];
    let materials: Vec<MaterialRow<'a>> = p
        .materials
        .iter()
        .zip(&assessed.lines)
        .map(|(line, status)| {
            let product = line
                .product
                .as_ref()
                .and_then(|id| d.index_of(RecordKind::Product, &id.value));
            MaterialRow {
                category: site.category_by_id(&line.category.value),
                category_id: &line.category.value,
                product: product.map(|j| site.product_link(j)),
                manufacturer: product.and_then(|j| {
                    site.org_by_id(&site.dataset.products[j].record.manufacturer.value)
                }),
                certificate: product.map(|j| d.cert_status[j].key()),
                description: line.description.as_deref(),
                quantity: number(line.quantity),
                unit: &line.unit,
                amount: money(line.amount),
                green: status.green,
                class: status.class.map(|c| c.key()),
            }
        })
        .collect();
    let total: crate::model::Money = p.materials.iter().map(|l| l.amount).sum();
    let in_catalog: crate::model::Money = p
        .materials
        .iter()
        .filter(|l| {
            l.product
                .as_ref()
                .is_some_and(|id| d.index_of(RecordKind::Product, &id.value).is_some())
        })
        .map(|l| l.amount)
        .sum();
    let catalog_share = (total.fen() > 0)
        .then(|| Percent(in_catalog.fen() as f64 * 100.0 / total.fen() as f64).to_string());
    let parties = d
        .parties
        .get(i)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(|&(role, org)| {
            Some(Party {
                role: role.key(),
                org: site.org_by_id(org)?,
            })
        })
        .collect();
    Detail {
        p,
        district_name: d.area_name(&p.district.value),
        zone_name: p.zone.as_ref().map(|z| d.area_name(&z.value)),
        budget: money(p.procurement.budget),
        floor_area: p.floor_area.map(number),
        award: p.award.as_ref().map(|a| AwardView {
            winner: site.org_by_id(&a.winner.value),
            amount: money(a.amount),
            date: date(a.date.value),
        }),
        tenderers: site.links(
            p.procurement.tenderers.iter().map(|t| &t.value),
            Site::org_by_id,
        ),
        tenderer_count: p.procurement.tenderer_count(),
        contract_amount: p.contract.as_ref().map(|c| money(c.amount)),
        description: site.markdown(&p.description.value, &mut ids),
        current_stage: current.map(StageKind::key),
        timeline,
        targets: targets(p, &d.assessment.projects[i]),
        compliance: compliance(site, assessed),
        materials,
        materials_total: money(total),
        catalog_share,
        parties,
        financing: p
            .financing
            .iter()
            .map(|l| LoanRow {
                lender: site.org_by_id(&l.lender.value),
                borrower: site.org_by_id(&l.borrower.value),
                amount: money(l.amount),
                date: date(l.date.value),
            })
            .collect(),
        evaluation: p.evaluation.as_ref().map(|e| EvaluationView {
            evaluator: site.org_by_id(&e.evaluator.value),
            score: e.score.value.to_string(),
            grade: e.grade.key(),
            summary: site.markdown(&e.summary.value, &mut ids),
        }),
        inspections: d
            .referrers(
                RecordKind::Project,
                &p.id.value,
                RecordKind::Inspection,
                &[],
            )
            .iter()
            .map(|&j| site.inspection_row(j))
            .collect(),
    }
}

fn targets(p: &Project, compliance: &ProjectCompliance) -> Vec<TargetRow> {
    let share = compliance.actual_share;
    let stars = TargetRow {
        key: "star_rating",
        unit: "stars",
        target: p.targets.star_rating.map(|s| s.key().to_owned()),
        actual: p.actual.star_rating.map(|s| s.key().to_owned()),
        met: p
            .targets
            .star_rating
            .zip(p.actual.star_rating)
            .map(|(t, a)| a >= t),
        source: None,
        reported: None,
    };
    let percent = |key, target: &Option<crate::model::Sp<Percent>>, actual: Option<Percent>| {
        let target = target.as_ref().map(|t| t.value);
        TargetRow {
            key,
            unit: "percent",
            target: target.map(|t| t.to_string()),
            actual: actual.map(|a| a.to_string()),
            met: target.zip(actual).map(|(t, a)| a.0 >= t.0),
            source: None,
            reported: None,
        }
    };
    let reported = p.actual.green_material_ratio.as_ref().map(|r| r.value);
    let green = TargetRow {
        met: compliance.actual_share_reaches_target,
        source: Some(share.source()),
        reported: match share {
            ActualShare::Lines(v) => reported
                .filter(|r| r.to_string() != v.to_string())
                .map(|r| r.to_string()),
            _ => None,
        },
        ..percent(
            "green_material_ratio",
            &p.targets.green_material_ratio,
            share.value(),
        )
    };
    let prefab = percent(
        "prefab_ratio",
        &p.targets.prefab_ratio,
        p.actual.prefab_ratio.as_ref().map(|a| a.value),
    );
    vec![stars, green, prefab]
}

/// The notice board's context: the project page's, plus its QR code.
#[derive(Serialize)]
struct NoticeData<'a> {
    #[serde(flatten)]
    detail: &'a Detail<'a>,
    notice: Notice,
}

#[derive(Serialize)]
struct Notice {
    qr: String,
    canonical: String,
    project_href: String,
}
