// Search in a real headless Chromium against the fixture site built by
// .ci/browser-tests.sh (SITE_DIR, default ../../target/search-fixture-site).
// Each case types a query as a visitor would and checks the top results.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { launch } from "./chromium.mjs";
import { serve } from "./server.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const SITE = process.env.SITE_DIR || `${here}../../target/search-fixture-site`;

let server, browser, page;

before(async () => {
  server = await serve(SITE);
  browser = await launch();
  page = await browser.newPage();
  // Nothing may come from another host: fail on any such request.
  page.on("request", (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith("data:")) {
      throw new Error(`request to another host: ${r.url()}`);
    }
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Types `query` into the search page's box (with filters chosen first) and
 *  returns the result titles and paths, or the page it went straight to. */
async function search(query, filters = {}) {
  await page.goto(`${server.url}/search/`);
  await page.waitForSelector("#search-app:not([hidden])");
  await page.waitForFunction(() => document.querySelector("#search-kind").options.length > 1);
  for (const [name, value] of Object.entries(filters)) {
    await page.selectOption(`#search-${name}`, value);
    await page.waitForFunction(() => /^(共|没有|请)/.test(document.querySelector("#search-status").textContent));
  }
  await page.fill("#search-page-q", query);
  const before = page.url();
  await page.press("#search-page-q", "Enter");
  await page.waitForFunction(
    (url) => location.href !== url && !location.pathname.startsWith("/search/")
      || /^(共|没有|请)/.test(document.querySelector("#search-status")?.textContent || ""),
    before,
  );
  if (!new URL(page.url()).pathname.startsWith("/search/")) {
    return { redirect: new URL(page.url()).pathname };
  }
  const hits = await page.$$eval("#search-results li", (items) =>
    items.map((li) => ({
      title: li.querySelector("h2 a").textContent,
      path: new URL(li.querySelector("h2 a").href).pathname,
      kind: li.querySelector(".search-kind").textContent,
      marks: Array.from(li.querySelectorAll("mark")).map((m) => m.textContent),
    })));
  const status = await page.textContent("#search-status");
  return { hits, status, url: page.url() };
}

// [query, expected first result path (or "→path" for straight to a page, or null
// for no result), filters, what the case shows]
const CASES = [
  // Substrings of titles: any run of two or more characters finds the record.
  ["实验学校", "/projects/zhangdian-experimental-school-north/", {}, "substring of a project"],
  ["北校区", "/projects/zhangdian-experimental-school-north/", {}, "three characters from the middle"],
  ["会展中心", "/projects/zibo-international-expo-centre-phase2/", {}, "whole domain term in a title"],
  ["齐文化", "/projects/linzi-qi-culture-complex/", {}, "substring"],
  ["急诊综合楼", "/projects/yiyuan-second-hospital-emergency/", {}, "five characters"],
  ["康复楼", "/projects/huantai-tcm-hospital-rehabilitation/", {}, "a building's name"],
  ["保障性租赁住房", "/projects/gaoqing-affordable-rental-housing/", {}, "long run"],
  ["弹簧减振", "/products/jingan-pipe-hanger/", {}, "product name prefix"],
  ["热回收型空气源热泵", "/products/qingyuan-vrf-hp/", {}, "long product name"],
  ["面盆水嘴", "/products/jinggong-basin/", {}, "product substring"],
  ["博晶节能玻璃", "/orgs/bojing-glass/", {}, "organization name"],
  ["信用承诺管理办法", "/policies/zb-credit-2023/", {}, "policy title"],
  ["需求标准", "/policies/zb-std-", {}, "several records share the term"],
  ["全过程要求", "/interpretations/jd-cbk-2023-52/", {}, "interpretation title"],
  // Whole terms rank first.
  ["空气源热泵", "/products/", {}, "domain term"],
  ["新风", "/products/qingyuan-", {}, "two characters"],
  // Latin letters and digits mixed in Chinese, full width, lower case.
  ["LED平板灯", "/products/guangyao-panel/", {}, "mixed script"],
  ["ｌｅｄ高天棚灯", "/products/guangyao-highbay/", {}, "full-width Latin"],
  ["low-e中空玻璃", "/products/", {}, "lower case, hyphen"],
  ["PP-R管材", "/products/lusu-ppr/", {}, "Latin with Chinese"],
  ["PE100", "/products/lusu-pe100/", {}, "Latin and digits"],
  // One code goes straight to its record.
  ["财库〔2022〕35号", "→/policies/czk-2022-35/", {}, "document number"],
  ["财库[2022]35号", "→/policies/czk-2022-35/", {}, "document number with ASCII brackets"],
  ["财库(2020)31号", "→/policies/czk-2020-31/", {}, "document number with parentheses"],
  ["财办库（2023）52号", "→/policies/cbk-2023-52/", {}, "full-width parentheses"],
  ["91370304457714273K", "→/orgs/bojing-glass/", {}, "credit code"],
  ["91370304457714273k", "→/orgs/bojing-glass/", {}, "credit code in lower case"],
  ["2303-370303-04-01-932130", "→/projects/zhangdian-experimental-school-north/", {}, "project code"],
  ["LXRZ-2022-0129", "→/products/guangyao-panel/", {}, "certificate number"],
  ["lxrz 2022 0129", "→/products/guangyao-panel/", {}, "certificate number typed loosely"],
  // Filters narrow the results.
  ["医院", "/projects/yiyuan-second-hospital-emergency/", { district: "yiyuan" }, "district filter"],
  ["医院", "/projects/huantai-tcm-hospital-rehabilitation/", { district: "huantai", kind: "project" }, "two filters"],
  ["新风", "/products/", { category: "fresh-air" }, "category filter"],
  ["绿色建材", "/policies/zb-std-2022/", { kind: "policy" }, "kind filter"],
  // Nothing to find.
  ["不存在的记录名称", null, {}, "no match says so"],
];

describe("search in Chromium", () => {
  for (const [query, expected, filters, why] of CASES) {
    test(`${query} ${JSON.stringify(filters)}: ${why}`, async () => {
      const out = await search(query, filters);
      if (expected && expected.startsWith("→")) {
        assert.ok(out.redirect, `expected to go straight to a page, got ${JSON.stringify(out.hits?.slice(0, 3))}`);
        assert.ok(out.redirect.startsWith(expected.slice(1)), `${out.redirect} is not ${expected}`);
        return;
      }
      assert.equal(out.redirect, undefined, `went to ${out.redirect}`);
      if (expected === null && why.startsWith("no match")) {
        assert.equal(out.hits.length, 0);
        assert.match(out.status, /没有/);
        return;
      }
      assert.ok(out.hits.length > 0, `no result for ${query}`);
      if (expected) assert.ok(out.hits[0].path.startsWith(expected), `${query}: top is ${JSON.stringify(out.hits.slice(0, 3))}`);
      // Matched words are highlighted, and the page address carries the query.
      assert.ok(out.hits[0].marks.length > 0, "the top result highlights the match");
      const url = new URL(out.url);
      assert.equal(url.searchParams.get("q"), query);
      for (const [k, v] of Object.entries(filters)) assert.equal(url.searchParams.get(k), v);
    });
  }

  test("the top result's title holds the query for title substrings", async () => {
    for (const q of ["实验学校", "齐文化", "弹簧减振", "面盆水嘴", "博晶节能玻璃"]) {
      const out = await search(q);
      assert.ok(out.hits[0].title.includes(q), `${q}: ${out.hits[0].title}`);
    }
  });

  test("the more-results button shows only while results remain, and adds them", async () => {
    const visible = () => page.isVisible("#search-more");
    const few = await search("博晶节能玻璃");
    assert.ok(few.hits.length < 20, `${few.hits.length} results`);
    assert.equal(await visible(), false, "no more results to show");
    const many = await search("项目");
    const shown = many.hits.length;
    assert.ok(Number(/(\d+)/.exec(many.status)[1]) > shown, many.status);
    assert.equal(await visible(), true, "more results remain");
    await page.click("#search-more");
    await page.waitForFunction((n) => document.querySelectorAll("#search-results li").length > n, shown);
  });

  test("a query in the address runs on load, so searches can be shared", async () => {
    await page.goto(`${server.url}/search/?q=${encodeURIComponent("空气源热泵")}&kind=product`);
    await page.waitForFunction(() => /^共/.test(document.querySelector("#search-status").textContent));
    assert.equal(await page.inputValue("#search-page-q"), "空气源热泵");
    assert.equal(await page.inputValue("#search-kind"), "product");
    const kinds = await page.$$eval(".search-kind", (k) => k.map((e) => e.textContent));
    assert.ok(kinds.length > 0 && kinds.every((k) => k === kinds[0]));
  });

  test("the header search box on every page leads to results", async () => {
    await page.goto(`${server.url}/policies/`);
    await page.fill("#search-q", "会展中心");
    await page.press("#search-q", "Enter");
    await page.waitForFunction(() => /^共/.test(document.querySelector("#search-status")?.textContent || ""));
    assert.equal(new URL(page.url()).pathname, "/search/");
    const first = await page.getAttribute("#search-results li h2 a", "href");
    assert.match(first, /zibo-international-expo-centre-phase2/);
  });

  test("results are reachable by keyboard, and the status is announced", async () => {
    await search("需求标准");
    assert.equal(await page.getAttribute("#search-status", "aria-live"), "polite");
    await page.focus("#search-page-q");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.type), "submit");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement.id);
    assert.equal(focused, "search-kind", "filters follow the box in tab order");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => /^共/.test(document.querySelector("#search-status").textContent));
  });

  test("without JavaScript the page says search needs it and links to the lists", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(`${server.url}/search/?q=test`);
    assert.ok(await plain.isVisible("#search-fallback"));
    assert.ok(!(await plain.isVisible("#search-app")));
    const links = await plain.$$eval("#search-fallback a", (a) => a.map((x) => x.getAttribute("href")));
    assert.ok(links.includes("/projects/") && links.includes("/catalog/"));
    await context.close();
  });

  test("a project's notice board carries its facts and a QR code", async () => {
    await page.goto(`${server.url}/projects/linzi-qi-culture-complex/notice/`);
    assert.match(await page.textContent("h1"), /齐文化创意综合体/);
    assert.ok(await page.isVisible(".notice-qr svg"));
    assert.match(await page.textContent(".notice-url"), /projects\/linzi-qi-culture-complex\/$/);
  });
});
