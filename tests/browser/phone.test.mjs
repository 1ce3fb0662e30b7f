// The sample site on a 375 px phone (built by .ci/browser-tests.sh into
// SAMPLE_SITE_DIR), in the normal and the 适老化 mode: one page of every kind fits the
// screen (no element wider than it, no text column narrower than 6 em, no date or
// amount split over two lines), a list row shows its name, amount and verdict
// without sideways scrolling, and the first data is on the first screen of the pages
// people open most. Every project's 公示牌 prints on one A4 page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { PAGES, PROJECT, SITE, chooseElder, sampleSession } from "./sample.mjs";

const WIDTH = 375;
const HEIGHT = 812;

// Where the first data is on the pages people open most.
const FIRST_DATA = {
  "/": ".figures li",
  "/projects/": "table.data-table tbody tr",
  [PROJECT]: ".facts > div",
};

const session = sampleSession();

/** What does not fit the phone on the open page, one line per problem. */
function misfits(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    const name = (el) => {
      const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
      return `<${el.tagName.toLowerCase()}${el.className ? ` class="${el.className}"` : ""}> "${text}"`;
    };
    // Hidden on purpose: the skip link waits off-screen; visually hidden text (and a
    // card list's column titles) sits in a one-pixel box that clips it; a closed
    // <details> shows only its summary.
    const hidden = (el) => {
      if (el.closest(".skip-link, [hidden], details:not([open]) > :not(summary)")) return true;
      if (el.getClientRects().length === 0) return true;
      for (let a = el; a; a = a.parentElement) {
        const box = a.getBoundingClientRect();
        if (getComputedStyle(a).overflow === "hidden" && (box.width <= 1 || box.height <= 1)) {
          return true;
        }
      }
      return false;
    };
    // The lines a text's characters fall on.
    const lines = (el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
    };
    // Text wider than its box (a long Latin word) shows only as the page's width.
    if (document.documentElement.scrollWidth > width) {
      problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    }
    for (const el of document.body.querySelectorAll("*")) {
      if (hidden(el)) continue;
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue;
      if (box.left < -0.5 || box.right > width + 0.5) {
        problems.push(`wider than the screen (${Math.round(box.left)}..${Math.round(box.right)}): ${name(el)}`);
      }
    }
    // A column is crushed when it is narrower than 6 em and its text had to wrap; a
    // short value in a narrow cell is fine.
    for (const el of document.body.querySelectorAll("td, th, dd")) {
      if (hidden(el) || (el.textContent || "").trim() === "") continue;
      const em = parseFloat(getComputedStyle(el).fontSize);
      if (el.getBoundingClientRect().width < 6 * em - 0.5 && lines(el) > 1) {
        problems.push(`a text column narrower than 6 em: ${name(el)}`);
      }
    }
    for (const el of document.body.querySelectorAll("time, .money")) {
      if (hidden(el)) continue;
      const count = lines(el);
      if (count > 1) problems.push(`split over ${count} lines: ${name(el)}`);
    }
    return problems;
  });
}

for (const elder of [false, true]) {
  describe(`375 px phone${elder ? ", 适老化 mode" : ""}`, () => {
    let ctx, page;
    before(async () => {
      ctx = await session.browser.newContext({ viewport: { width: WIDTH, height: HEIGHT } });
      if (elder) {
        await chooseElder(ctx);
      }
      page = await ctx.newPage();
    });
    after(() => ctx.close());

    for (const path of PAGES) {
      test(`${path}: everything fits the screen`, async () => {
        const response = await page.goto(session.server.url + path, { waitUntil: "load" });
        assert.equal(response.status(), 200);
        assert.equal(
          await page.evaluate(() => document.documentElement.classList.contains("elder")),
          elder,
        );
        assert.deepEqual(await misfits(page), []);
      });
    }

    for (const [path, selector] of Object.entries(FIRST_DATA)) {
      test(`${path}: the first data is on the first screen`, async () => {
        await page.goto(session.server.url + path, { waitUntil: "load" });
        const top = await page.$eval(selector, (el) => el.getBoundingClientRect().top);
        assert.ok(top < HEIGHT - 40, `${selector} starts at ${Math.round(top)} px`);
      });
    }

    test("/projects/: every row's name, amount and verdict are on the screen", async () => {
      await page.goto(session.server.url + "/projects/", { waitUntil: "load" });
      const rows = await page.$$eval("table.data-table tbody tr", (trs) =>
        trs.map((tr) => {
          const width = document.documentElement.clientWidth;
          const inside = (el) => {
            if (!el) return false;
            const box = el.getBoundingClientRect();
            return box.width > 0 && box.left >= 0 && box.right <= width;
          };
          return {
            name: tr.querySelector("th")?.textContent.trim(),
            visible: inside(tr.querySelector("th a")) && inside(tr.querySelector(".money"))
              && inside(tr.querySelector(".badge")),
          };
        }));
      assert.ok(rows.length > 20, `${rows.length} rows`);
      assert.deepEqual(rows.filter((r) => !r.visible), []);
    });
  });
}

test("every sample project's 公示牌 prints on one A4 page", async () => {
  const projects = readdirSync(`${SITE}/projects`, { withFileTypes: true })
    .filter((d) => d.isDirectory() && readdirSync(`${SITE}/projects/${d.name}`).includes("notice"))
    .map((d) => d.name);
  assert.ok(projects.length > 20, `${projects.length} projects`);
  const ctx = await session.browser.newContext();
  const page = await ctx.newPage();
  const pages = {};
  for (const id of projects) {
    await page.goto(`${session.server.url}/projects/${id}/notice/`, { waitUntil: "load" });
    const pdf = (await page.pdf({ format: "A4", preferCSSPageSize: true })).toString("latin1");
    pages[id] = (pdf.match(/\/Type\s*\/Page[^s]/g) || []).length;
  }
  await ctx.close();
  assert.deepEqual(Object.entries(pages).filter(([, n]) => n !== 1), []);
});
