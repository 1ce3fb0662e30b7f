//! `greenproc gen`: a deterministic synthetic site of any size, for benchmarks and
//! scale tests. About 10% projects, 60% products, 20% organizations and 10% policies
//! and interpretations, with valid codes and references, so that it passes `check`.
//!
//! The Chinese words come from `words.yaml`, never from Rust literals.

pub mod markdown;

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use serde::Deserialize;

use crate::model::Date;
use crate::model::config::is_division_code;
use crate::validate::credit_code;

/// Word lists and the category table, embedded from `words.yaml`.
#[derive(Deserialize)]
struct Words {
    site_title: String,
    city: String,
    province: String,
    admin_code: String,
    publisher: String,
    product_attribute: String,
    policy_number: String,
    districts: Vec<(String, String, String)>,
    zones: Vec<(String, String)>,
    org_names: Vec<String>,
    org_trades: Trades,
    building_names: std::collections::BTreeMap<String, Vec<String>>,
    project_suffix: Vec<String>,
    policy_topics: Vec<String>,
    policy_issuers: Vec<String>,
    sentences: Vec<String>,
    groups: Vec<(String, String)>,
    categories: Vec<CategoryRow>,
}

#[derive(Deserialize)]
struct Trades {
    manufacturer: Vec<String>,
    contractor: Vec<String>,
    owner: Vec<String>,
    agency: Vec<String>,
    certifier: Vec<String>,
    lender: Vec<String>,
}

/// id, name, group, unit, class, indicator id, indicator name, operator, threshold, unit.
type CategoryRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    f64,
    String,
);

/// The roles generated organizations play, with their share out of 100.
const ROLE_SHARES: [(&str, u64); 8] = [
    ("manufacturer", 60),
    ("contractor", 15),
    ("owner", 10),
    ("agency", 5),
    ("certifier", 3),
    ("lender", 3),
    ("evaluator", 2),
    ("regulator", 2),
];

/// Project types as written in YAML, cycled through.
const PROJECT_TYPES: [&str; 8] = [
    "hospital",
    "school",
    "office",
    "complex",
    "exhibition-hall",
    "convention-centre",
    "stadium",
    "subsidised-housing",
];

const FUNDING: [&str; 4] = [
    "government-procurement",
    "government-investment",
    "municipal-soe",
    "county-soe",
];

const STAGES: [&str; 7] = [
    "approval",
    "design",
    "tender",
    "contract",
    "construction",
    "acceptance",
    "evaluation",
];

/// A small deterministic generator (SplitMix64): the same N always gives the same site.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A float in `[low, high)`, rounded to two decimals.
    fn between(&mut self, low: f64, high: f64) -> f64 {
        let unit = self.below(10_000) as f64 / 10_000.0;
        ((low + (high - low) * unit) * 100.0).round() / 100.0
    }
}

/// Record counts for a site of `records` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Pilot projects.
    pub projects: usize,
    /// Catalog products.
    pub products: usize,
    /// Organizations.
    pub orgs: usize,
    /// Policies.
    pub policies: usize,
    /// Interpretations.
    pub interpretations: usize,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} projects, {} products, {} organizations, {} policies, {} interpretations",
            self.projects, self.products, self.orgs, self.policies, self.interpretations
        )
    }
}

impl Counts {
    /// Splits `records` by the shares of a real site; every kind gets at least a few.
    pub fn for_records(records: usize) -> Counts {
        Counts {
            projects: (records / 10).max(2),
            products: (records * 6 / 10).max(4),
            orgs: (records * 2 / 10).max(ROLE_SHARES.len()),
            policies: (records / 20).max(1),
            interpretations: (records / 20).max(1),
        }
    }
}

/// A province's member city to generate instead of the default one: its name and
/// codes replace the default city's everywhere, and some manufacturers are the
/// province's (the same credit code and models in every member city), as firms that
/// supply several cities are.
#[derive(Debug, Clone)]
pub struct Member {
    /// City name, e.g. 示例市.
    pub city: String,
    /// Province name.
    pub province: String,
    /// The city's six-digit division code.
    pub admin_code: String,
}

/// Writes a synthetic site of about `records` records into `out`, which must be empty
/// or absent. Returns the counts written.
pub fn generate(records: usize, out: &Path) -> io::Result<Counts> {
    generate_for(records, out, None)
}

/// [`generate`] for `member` when given, else for the default city.
pub fn generate_for(records: usize, out: &Path, member: Option<&Member>) -> io::Result<Counts> {
    if out.exists() && fs::read_dir(out)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} is not empty; gen writes only into a new folder",
                out.display()
            ),
        ));
    }
    let mut words: Words = crate::yaml::parse_yaml(include_str!("words.yaml"))
        .map_err(|e| io::Error::other(format!("words.yaml: {e}")))?;
    let mut seed = records as u64;
    if let Some(member) = member {
        words.become_member(member)?;
        seed ^= member
            .admin_code
            .parse::<u64>()
            .unwrap_or_default()
            .wrapping_mul(0x9E37_79B9);
    }
    let counts = Counts::for_records(records);
    let mut site = Generator {
        words: &words,
        rng: Rng(seed),
        out,
        orgs_by_role: Default::default(),
        products_by_category: vec![Vec::new(); words.categories.len()],
        province_firms: member.map(|m| m.admin_code[..2].to_owned()),
        shared: Default::default(),
        shared_models: Default::default(),
    };
    site.config()?;
    site.standards()?;
    site.orgs(counts.orgs)?;
    site.products(counts.products)?;
    site.projects(counts.projects)?;
    site.documents(counts.policies, counts.interpretations)?;
    Ok(counts)
}

impl Words {
    /// The words of `member` in place of the default city's: its name and codes, and
    /// districts named after it.
    fn become_member(&mut self, member: &Member) -> io::Result<()> {
        let code = &member.admin_code;
        let valid = is_division_code(code) && !code.ends_with("0000");
        if !valid {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{code}` is not a city's six-digit division code, e.g. 370100"),
            ));
        }
        let stem = member.city.strip_suffix('市').unwrap_or(&member.city);
        self.site_title = format!("{}绿色建材试点数据公开平台（合成测试数据）", member.city);
        self.city = member.city.clone();
        self.province = member.province.clone();
        self.admin_code = code.clone();
        self.publisher = format!("{}合成数据发布单位", member.city);
        self.policy_number = format!("{stem}财采〔{{year}}〕{{serial}}号");
        self.policy_issuers = vec![
            "财政部".to_owned(),
            "住房和城乡建设部".to_owned(),
            format!("{}财政局", member.city),
        ];
        const QUARTERS: [&str; 8] = ["东", "西", "南", "北", "中", "新", "滨河", "高原"];
        self.districts = QUARTERS
            .iter()
            .enumerate()
            .map(|(k, quarter)| {
                (
                    format!("district-{}", k + 1),
                    format!("{stem}{quarter}区"),
                    format!("{}{:02}", &code[..4], k + 2),
                )
            })
            .collect();
        self.zones = vec![("hi-tech-zone".to_owned(), format!("{stem}高新区"))];
        Ok(())
    }
}

struct Generator<'w> {
    words: &'w Words,
    rng: Rng,
    out: &'w Path,
    orgs_by_role: std::collections::BTreeMap<&'static str, Vec<String>>,
    products_by_category: Vec<Vec<String>>,
    /// The province's two digits when generating a member city: a fifth of its
    /// manufacturers are then the province's firms.
    province_firms: Option<String>,
    /// Ids of those firms, whose products every member city lists alike.
    shared: std::collections::HashSet<String>,
    /// Products so far of each of those firms in each category.
    shared_models: std::collections::HashMap<(String, usize), u32>,
}

impl Generator<'_> {
    fn write(&self, relative: &str, text: &str) -> io::Result<()> {
        let path = self.out.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, text)
    }

    fn config(&mut self) -> io::Result<()> {
        let w = self.words;
        let mut y = String::new();
        let _ = writeln!(y, "title: {}", q(&w.site_title));
        let _ = writeln!(y, "city: {}\nprovince: {}", q(&w.city), q(&w.province));
        let _ = writeln!(y, "admin_code: {}\ndistricts:", q(&w.admin_code));
        for (id, name, code) in &w.districts {
            let _ = writeln!(y, "  - {{id: {id}, name: {}, code: {}}}", q(name), q(code));
        }
        y.push_str("zones:\n");
        for (id, name) in &w.zones {
            let _ = writeln!(y, "  - {{id: {id}, name: {}}}", q(name));
        }
        let publisher_code =
            credit_code::complete(&format!("11{}00000001", w.admin_code)).unwrap_or_default();
        let _ = writeln!(
            y,
            "publisher: {{name: {}, credit_code: {}, contact: sample@example.org}}",
            q(&w.publisher),
            q(&publisher_code)
        );
        y.push_str(
            "license: {name: CC BY 4.0, url: \"https://creativecommons.org/licenses/by/4.0/\"}\n",
        );
        // A member city's releases keep their own ocids in the province's package.
        let prefix = match &self.province_firms {
            Some(_) => format!("ocds-{}", w.admin_code),
            None => "ocds-zz0000".to_owned(),
        };
        let _ = writeln!(
            y,
            "base_url: \"https://example.org/\"\nocid_prefix: {prefix}\nfictional: true"
        );
        y.push_str(
            "programme:\n  start_year: 2023\n  target_year: 2025\n  min_star_rating: two-star\n",
        );
        y.push_str("  mandatory_green_ratio: 100\n  optional_green_type_ratio: 40\n  min_prefab_ratio: 50\n");
        self.write("data/site.yaml", &y)
    }

    fn standards(&mut self) -> io::Result<()> {
        let w = self.words;
        let mut y = String::from("groups:\n");
        for (id, name) in &w.groups {
            let _ = writeln!(y, "  - {{id: {id}, name: {}}}", q(name));
        }
        y.push_str("categories:\n");
        for c in &w.categories {
            let _ = writeln!(
                y,
                "  - {{id: {}, name: {}, group: {}, unit: {}}}",
                c.0,
                q(&c.1),
                c.2,
                q(&c.3)
            );
        }
        self.write("data/standards/categories.yaml", &y)?;
        // The 2025 edition tightens every threshold by 5%.
        for (id, from, until, factor) in [
            ("2022", "2022-12-01", Some("2025-06-30"), 1.0),
            ("2025", "2025-07-01", None, 1.05),
        ] {
            let mut y = format!(
                "id: \"{id}\"\ntitle: {}\neffective_from: {from}\n",
                q(&format!("{} {id}", w.site_title))
            );
            if let Some(until) = until {
                let _ = writeln!(y, "effective_until: {until}");
            }
            y.push_str("categories:\n");
            for c in &w.categories {
                let value = if c.7.starts_with('>') {
                    c.8 * factor
                } else {
                    c.8 / factor
                };
                let _ = writeln!(
                    y,
                    "  - category: {}\n    class: {}\n    thresholds:\n      - {{indicator: {}, name: {}, op: {}, value: {}, unit: {}}}",
                    c.0,
                    c.4,
                    c.5,
                    q(&c.6),
                    q(&c.7),
                    round4(value),
                    q(&c.9)
                );
            }
            self.write(&format!("data/standards/{id}.yaml"), &y)?;
        }
        Ok(())
    }

    fn orgs(&mut self, count: usize) -> io::Result<()> {
        let w = self.words;
        for i in 0..count {
            // The first orgs take every role once, so that every reference can resolve.
            let role = match ROLE_SHARES.get(i) {
                Some((role, _)) => role,
                None => {
                    let mut roll = self.rng.below(100);
                    ROLE_SHARES
                        .iter()
                        .find(|(_, share)| {
                            let hit = roll < *share;
                            roll = roll.saturating_sub(*share);
                            hit
                        })
                        .map_or("manufacturer", |(role, _)| role)
                }
            };
            let trades = match role {
                "manufacturer" => &w.org_trades.manufacturer,
                "contractor" | "designer" | "supervisor" => &w.org_trades.contractor,
                "owner" | "regulator" | "evaluator" => &w.org_trades.owner,
                "agency" => &w.org_trades.agency,
                "certifier" => &w.org_trades.certifier,
                _ => &w.org_trades.lender,
            };
            let district = self.rng.pick(&w.districts);
            let mut name = format!(
                "{}{}{}{}",
                w.city,
                self.rng.pick(&w.org_names),
                i,
                self.rng.pick(trades)
            );
            let mut code =
                credit_code::complete(&format!("91{}{:08}", district.2, i)).unwrap_or_default();
            let id = format!("org-{i:06}");
            if let Some(province) = &self.province_firms
                && role == "manufacturer"
                && i % 5 == 0
            {
                // The same firm, by name and code, in every member city.
                let org_name = &w.org_names[i % w.org_names.len()];
                name = format!("{org_name}{i}{}", trades[i % trades.len()]);
                code =
                    credit_code::complete(&format!("91{province}0000{i:08}")).unwrap_or_default();
                self.shared.insert(id.clone());
            }
            let y = format!(
                "id: {id}\nname: {}\ncredit_code: {}\nroles: [{role}]\ndistrict: {}\naddress: {}\ncredit:\n  - {{date: 2025-03-01, rating: {}, evaluator: org-000007}}\n",
                q(&name),
                q(&code),
                district.0,
                q(&format!("{}{}", w.city, district.1)),
                ["A", "A", "A", "B", "C"][self.rng.below(5) as usize],
            );
            self.write(&format!("data/orgs/{id}.yaml"), &y)?;
            self.orgs_by_role.entry(role).or_default().push(id);
        }
        Ok(())
    }

    fn org(&mut self, role: &str) -> String {
        let ids = &self.orgs_by_role[role];
        ids[self.rng.below(ids.len() as u64) as usize].clone()
    }

    fn products(&mut self, count: usize) -> io::Result<()> {
        let w = self.words;
        let start = Date::new(2023, 1, 1).unwrap_or(Date::from_days_since_epoch(0));
        for i in 0..count {
            let c_index = i % w.categories.len();
            let c = &w.categories[c_index];
            let id = format!("prod-{i:06}");
            let listed = start.plus_days(self.rng.below(1000) as i64);
            let issued = listed.plus_days(-(self.rng.below(60) as i64));
            let expires = issued.plus_days(5 * 365);
            // Values clear even the stricter 2025 threshold.
            let value = if c.7.starts_with('>') {
                c.8 * self.rng.between(1.1, 1.6)
            } else {
                c.8 * self.rng.between(0.4, 0.9)
            };
            let name = format!("{}{}", self.rng.pick(&w.org_names), c.1);
            let (model, manufacturer) = if self.province_firms.is_none() {
                let model = format!("GP-{}", self.rng.below(9000) + 1000);
                (model, self.org("manufacturer"))
            } else {
                let manufacturer = self.org("manufacturer");
                // A province firm's model in a category is the same in every city.
                let model = if self.shared.contains(&manufacturer) {
                    // The n-th product of the firm in the category, so that two
                    // products of one city do not share a model.
                    let n = self
                        .shared_models
                        .entry((manufacturer.clone(), c_index))
                        .or_insert(0);
                    *n += 1;
                    format!("GP-{}-{c_index:02}-{n}", &manufacturer[4..])
                } else {
                    format!("GP-{}", self.rng.below(9000) + 1000)
                };
                (model, manufacturer)
            };
            let y = format!(
                "id: {id}\nname: {}\nmodel: {}\ncategory: {}\nmanufacturer: {}\nlisted: {listed}\ndescription: {}\nindicators:\n  - {{indicator: {}, value: {}}}\nattributes: [{}]\ncertificate:\n  number: LSJC-{i:08}\n  grade: {}\n  body: {}\n  issued: {issued}\n  expires: {expires}\n",
                q(&name),
                q(&model),
                c.0,
                manufacturer,
                q(self.rng.pick(&w.sentences).as_str()),
                c.5,
                round4(value),
                q(&w.product_attribute),
                ["one-star", "two-star", "three-star"][self.rng.below(3) as usize],
                self.org("certifier"),
            );
            self.write(&format!("data/catalog/{}/{}/{id}.yaml", c.2, c.0), &y)?;
            self.products_by_category[c_index].push(id);
        }
        Ok(())
    }

    // Long because it writes a project file as an editor would, field by field in the
    // form's order.
    fn projects(&mut self, count: usize) -> io::Result<()> {
        let w = self.words;
        let last_day = Date::new(2026, 11, 20).unwrap_or(Date::from_days_since_epoch(0));
        for i in 0..count {
            let kind = PROJECT_TYPES[i % PROJECT_TYPES.len()];
            let district = &w.districts[i % w.districts.len()];
            let building = self.rng.pick(&w.building_names[kind]).clone();
            let name = format!(
                "{}{}{}",
                district.1,
                building,
                self.rng.pick(&w.project_suffix)
            );
            let id = format!("proj-{i:06}");
            let budget = (self.rng.below(50_000) + 500) * 10_000;
            let mut y = format!(
                "id: {id}\nname: {}\ncode: \"{}-{}-04-01-{:06}\"\ndistrict: {}\ntype: {kind}\nfunding: {}\ndescription: {}\nowner: {}\nprocurement: {{method: open-tender, budget: {budget}}}\n",
                q(&name),
                2301 + (i % 3) * 100,
                district.2,
                i,
                district.0,
                FUNDING[i % FUNDING.len()],
                q(self.rng.pick(&w.sentences).as_str()),
                self.org("owner"),
            );
            if i % 4 == 0 {
                let _ = writeln!(y, "zone: {}", w.zones[i % w.zones.len()].0);
            }
            // Stages reached, with dates that move forward and stop before the data's end.
            let reached = 1 + self.rng.below(STAGES.len() as u64) as usize;
            let mut date = Date::new(2023, 1, 1)
                .unwrap_or(last_day)
                .plus_days(self.rng.below(900) as i64);
            let mut lifecycle = String::from("lifecycle:\n");
            let mut dates = Vec::new();
            for stage in &STAGES[..reached] {
                if date > last_day {
                    break;
                }
                let _ = writeln!(lifecycle, "  - {{stage: {stage}, date: {date}}}");
                dates.push(date);
                date = date.plus_days(30 + self.rng.below(150) as i64);
            }
            let reached = dates.len();
            y.push_str(&lifecycle);
            if reached >= 2 {
                y.push_str("targets:\n  star_rating: two-star\n");
                if reached >= 3 {
                    let _ = writeln!(y, "  green_material_ratio: {}", 40 + self.rng.below(50));
                }
            }
            if reached >= 3 {
                let amount = budget / 100 * 95;
                let _ = writeln!(
                    y,
                    "award: {{winner: {}, amount: {amount}, date: {}}}",
                    self.org("contractor"),
                    dates[2]
                );
                y.push_str("materials:\n");
                for _ in 0..3 + self.rng.below(4) {
                    let c_index = self.rng.below(w.categories.len() as u64) as usize;
                    let products = &self.products_by_category[c_index];
                    let quantity = self.rng.below(5000) + 10;
                    let _ = write!(y, "  - {{category: {}, ", w.categories[c_index].0);
                    if !products.is_empty() && self.rng.below(10) < 8 {
                        let product = &products[self.rng.below(products.len() as u64) as usize];
                        let _ = write!(y, "product: {product}, ");
                    }
                    let _ = writeln!(
                        y,
                        "quantity: {quantity}, unit: {}, amount: {}}}",
                        q(&w.categories[c_index].3),
                        quantity * (50 + self.rng.below(400))
                    );
                }
            }
            if reached >= 4 {
                let _ = writeln!(
                    y,
                    "contract: {{code: HT-{i:06}, amount: {}, signed: {}, start: {}, end: {}}}",
                    budget / 100 * 95,
                    dates[3],
                    dates[3],
                    dates[3].plus_days(720)
                );
            }
            if reached >= 6 {
                y.push_str("acceptance: {result: passed}\n");
                let _ = writeln!(
                    y,
                    "actual: {{star_rating: two-star, green_material_ratio: {}}}",
                    40 + self.rng.below(55)
                );
            }
            if reached >= 7 {
                let _ = writeln!(
                    y,
                    "evaluation: {{evaluator: {}, score: {}, grade: good}}",
                    self.org("evaluator"),
                    70 + self.rng.below(30)
                );
            }
            self.write(&format!("data/projects/{id}.yaml"), &y)?;
        }
        Ok(())
    }

    fn documents(&mut self, policies: usize, interpretations: usize) -> io::Result<()> {
        let w = self.words;
        for i in 0..policies {
            let topic = self.rng.pick(&w.policy_topics);
            let issuer = self.rng.pick(&w.policy_issuers);
            let year = 2020 + (i % 6);
            let issued = Date::new(year as i32, 1 + (i % 12) as u8, 1 + (i % 28) as u8)
                .unwrap_or(Date::from_days_since_epoch(0));
            let body: String = (0..4)
                .map(|_| format!("{}\n\n", self.rng.pick(&w.sentences)))
                .collect();
            let text = format!(
                "---\nid: pol-{i:06}\ntitle: {}\nnumber: {}\nissuer: {}\nlevel: {}\nissued: {issued}\nstatus: in-force\nsummary_only: true\n---\n{body}",
                q(&format!("{issuer}{topic}{i}")),
                q(&w.policy_number
                    .replace("{year}", &year.to_string())
                    .replace("{serial}", &(i + 1).to_string())),
                q(issuer),
                ["national", "provincial", "municipal"][i % 3],
            );
            self.write(&format!("content/policies/pol-{i:06}.md"), &text)?;
        }
        for i in 0..interpretations {
            let policy = i % policies.max(1);
            let text = format!(
                "---\nid: int-{i:06}\ntitle: {}\npolicy: pol-{policy:06}\nauthor: {}\ndate: 2025-01-{:02}\n---\n{}\n",
                q(&format!("{}{i}", self.rng.pick(&w.policy_topics))),
                q(self.rng.pick(&w.policy_issuers).as_str()),
                1 + i % 28,
                self.rng.pick(&w.sentences),
            );
            self.write(&format!("content/interpretations/int-{i:06}.md"), &text)?;
        }
        Ok(())
    }
}

/// A YAML double-quoted scalar.
fn q(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_follow_the_shares() {
        let c = Counts::for_records(1000);
        assert_eq!(
            (
                c.projects,
                c.products,
                c.orgs,
                c.policies,
                c.interpretations
            ),
            (100, 600, 200, 50, 50)
        );
    }

    #[test]
    fn generated_site_passes_check() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let counts = generate(300, &out).unwrap();
        assert_eq!(counts.projects, 30);
        let (dataset, diagnostics) = crate::check_site(&out);
        let list = diagnostics.into_sorted();
        assert!(list.is_empty(), "{list:#?}");
        assert_eq!(dataset.projects.len(), 30);
        assert_eq!(dataset.products.len(), 180);
        // The same N writes the same files.
        let again = dir.path().join("again");
        generate(300, &again).unwrap();
        let read = |root: &Path| {
            std::fs::read_to_string(root.join("data/projects/proj-000007.yaml")).unwrap()
        };
        assert_eq!(read(&out), read(&again));
        assert!(generate(10, &out).is_err(), "refuses a non-empty folder");
    }

    #[test]
    fn words_parse() {
        let words: Words = crate::yaml::parse_yaml(include_str!("words.yaml")).unwrap();
        assert!(words.categories.len() >= 15);
    }
}
