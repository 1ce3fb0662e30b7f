// The list explorer (assets/list.js, issue 16) in a real headless Chromium under the
// strict Content-Security-Policy: on the sample site (SAMPLE_SITE_DIR, built by
// .ci/browser-tests.sh) a shared address reproduces a combined selection, column
// titles sort and say so in the address, and the counts follow the selection; on a
// generated site with lists longer than a page (LISTS_SITE_DIR) the pager works and
// a page fetches only the row shards it shows.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { CSP, launch } from "./chromium.mjs";
import { serve } from "./server.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const SAMPLE = process.env.SAMPLE_SITE_DIR || `${here}../../target/sample-site`;
const LISTS = process.env.LISTS_SITE_DIR || `${here}../../target/lists-site`;
const AXE = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// Counted by hand in data/projects/*.yaml (tests/lists.rs says how): the projects
// in Zhangdian of type school, both met.
const SCHOOLS = [
  "/projects/jingkai-experimental-school/",
  "/projects/zhangdian-experimental-school-north/",
];

let sample, lists, browser;

before(async () => {
  sample = await serve(SAMPLE, { headers: { "content-security-policy": CSP } });
  lists = await serve(LISTS, { headers: { "content-security-policy": CSP } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await sample?.close();
  await lists?.close();
});

/** A new page that fails the test on a script error, a console message or a
 *  request to another host. */
async function newPage(server) {
  const page = await browser.newPage();
  page.problems = [];
  page.on("pageerror", (e) => page.problems.push(`error: ${e.message}`));
  page.on("console", (m) => page.problems.push(`console: ${m.text()}`));
  page.on("request", (r) => {
    if (!r.url().startsWith(server.url)) page.problems.push(`request to ${r.url()}`);
  });
  return page;
}

/** Waits until the explorer drew its checkboxes and no rows are loading. */
async function settled(page) {
  await page.waitForSelector(".list-facets");
  await page.waitForFunction(() => !document.querySelector("[data-list-table][aria-busy]"));
}

async function open(page, server, path) {
  await page.goto(server.url + path);
  await settled(page);
}

/** The paths the rows shown link to. */
function shown(page) {
  return page.$$eval("tbody[data-list-rows] tr th[scope=row] a", (links) =>
    links.map((a) => new URL(a.href).pathname));
}

/** The count beside the checkbox of `value` in the facet `facet`. */
function count(page, facet, value) {
  return page.$eval(`.list-facets input[name="${facet}"][value="${value}"]`,
    (box) => Number(box.closest("label").querySelector(".count").textContent));
}

async function check(page, facet, value) {
  await page.click(`.list-facets input[name="${facet}"][value="${value}"]`);
  await settled(page);
}

/** The yuan in each shown row's budget cell. */
function budgets(page) {
  return page.$$eval("tbody[data-list-rows] tr data.money", (cells) =>
    cells.map((c) => Number(c.getAttribute("value"))));
}

function query(page) {
  return new URL(page.url()).search;
}

describe("the sample site's project list", () => {
  test("a shared address reproduces a district + type + verdict selection", async () => {
    const page = await newPage(sample);
    await open(page, sample, "/projects/?district=zhangdian&type=school&verdict=met");
    assert.deepEqual(await shown(page), SCHOOLS);
    assert.equal(await page.textContent("[data-list-status]"), "共 2 条");
    for (const [facet, value] of [["district", "zhangdian"], ["type", "school"], ["verdict", "met"]]) {
      assert.ok(await page.isChecked(`.list-facets input[name="${facet}"][value="${value}"]`));
    }
    // Every cell the script shows names its column for narrow screens.
    const cells = await page.$$eval("tbody[data-list-rows] td", (tds) =>
      tds.map((td) => td.getAttribute("data-label")));
    assert.equal(cells.length, SCHOOLS.length * 7);
    assert.ok(cells.every((label) => label && label.length > 0), cells.join());
    // The same selection through a filter page of two values and a checkbox.
    await open(page, sample, "/projects/district/zhangdian/type/school/");
    assert.deepEqual(await shown(page), SCHOOLS);
    await check(page, "verdict", "met");
    assert.equal(query(page), "?verdict=met");
    assert.equal(new URL(page.url()).pathname, "/projects/district/zhangdian/type/school/");
    assert.deepEqual(await shown(page), SCHOOLS);
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      });
      return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
    });
    assert.deepEqual(violations, []);
    assert.deepEqual(page.problems, []);
    await page.close();
  });

  test("clicking a column title sorts by it and puts the sort in the address", async () => {
    const page = await newPage(sample);
    await open(page, sample, "/projects/");
    const header = "th[data-sort=budget]";
    await page.click(`${header} button`);
    await settled(page);
    assert.equal(await page.getAttribute(header, "aria-sort"), "ascending");
    assert.equal(query(page), "?sort=budget&order=asc");
    const up = await budgets(page);
    assert.ok(up.length > 20);
    assert.deepEqual(up, [...up].sort((a, b) => a - b));
    await page.click(`${header} button`);
    await settled(page);
    assert.equal(await page.getAttribute(header, "aria-sort"), "descending");
    assert.equal(query(page), "?sort=budget&order=desc");
    const down = await budgets(page);
    assert.deepEqual(down, [...up].reverse());
    assert.equal(await page.getAttribute("th[data-sort=name]", "aria-sort"), null);
    // Opened afresh, the address gives the same order.
    await page.reload();
    await settled(page);
    assert.deepEqual(await budgets(page), down);
    // Back leads to the ascending order, then to the list as built.
    await page.goBack();
    await settled(page);
    assert.equal(await page.getAttribute(header, "aria-sort"), "ascending");
    assert.deepEqual(await budgets(page), up);
    assert.deepEqual(page.problems, []);
    await page.close();
  });

  test("each facet's counts follow the other facets' selection", async () => {
    const page = await newPage(sample);
    await open(page, sample, "/projects/");
    const schools = await count(page, "type", "school");
    const zhangdian = await count(page, "district", "zhangdian");
    assert.ok(schools > 2 && zhangdian > 2, `${schools} schools, ${zhangdian} in Zhangdian`);
    await check(page, "district", "zhangdian");
    assert.equal(query(page), "?district=zhangdian");
    assert.equal(await count(page, "type", "school"), 2);
    // A facet is counted without its own choice: the other districts keep theirs.
    assert.equal(await count(page, "district", "zhangdian"), zhangdian);
    assert.equal((await shown(page)).length, zhangdian);
    await check(page, "type", "school");
    assert.equal(query(page), "?district=zhangdian&type=school");
    assert.equal(await count(page, "district", "zhangdian"), 2);
    assert.equal(await count(page, "verdict", "met"), 2);
    assert.equal(await count(page, "verdict", "not-met"), 0);
    assert.ok(await page.isDisabled('.list-facets input[name="verdict"][value="not-met"]'));
    await check(page, "verdict", "met");
    assert.deepEqual(await shown(page), SCHOOLS);
    assert.equal(query(page), "?district=zhangdian&type=school&verdict=met");
    await page.click(".list-clear");
    await settled(page);
    assert.equal(new URL(page.url()).pathname + query(page), "/projects/");
    assert.equal(await count(page, "type", "school"), schools);
    assert.deepEqual(page.problems, []);
    await page.close();
  });
});

describe("a list longer than a page", () => {
  test("the pager moves through pages and each page fetches only its shards", async () => {
    const page = await newPage(lists);
    const fetched = [];
    page.on("request", (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith("/orgs/list/")) fetched.push(path.slice("/orgs/list/".length));
    });
    await open(page, lists, "/orgs/");
    const first = await shown(page);
    assert.equal(first.length, 100);
    // The page as built needs no rows from the explorer.
    assert.deepEqual(fetched, ["meta.json"]);
    await page.click('.list-pager a[rel="next"]');
    await settled(page);
    assert.equal(query(page), "?page=2");
    const second = await shown(page);
    assert.equal(second.length, 100);
    assert.ok(second.every((path) => !first.includes(path)));
    // Rows 100 to 199 are shards 10 to 19 of 10 rows.
    const shards = Array.from({ length: 10 }, (_, i) => `rows-00${10 + i}.json`);
    assert.deepEqual(fetched.slice(1).sort(), shards);
    assert.equal(await page.getAttribute('.list-pager a[aria-current="page"]', "href"), "/orgs/?page=2");
    // The static second page shows the same rows.
    const fresh = await newPage(lists);
    await open(fresh, lists, "/orgs/page/2/");
    assert.deepEqual(await shown(fresh), second);
    await fresh.close();
    // Sorting starts again from the first page.
    await page.click("th[data-sort=name] button");
    await settled(page);
    assert.equal(query(page), "?sort=name&order=asc");
    assert.ok(await page.isVisible('.list-pager a[aria-current="page"]:text-is("1")'));
    assert.ok(fetched.includes("sort-name.json"));
    assert.deepEqual(page.problems, []);
    await page.close();
  });
});
