// The sample province site (built by .ci/browser-tests.sh into PROVINCE_SITE_DIR) in a
// real headless Chromium: axe-core's WCAG 2.1 A and AA rules on one page of every
// kind, in the normal and the 适老化 mode, and no sideways scrolling of the page at
// 320 CSS pixels; and 一码通查, a credit code typed into search leading to the firm's
// province page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { axeViolations, overflow } from "./checks.mjs";
import { launch } from "./chromium.mjs";
import { chooseElder } from "./sample.mjs";
import { serve } from "./server.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const SITE = process.env.PROVINCE_SITE_DIR || `${here}../../target/province-site`;

// A firm listed in two cities, from the province's own catalog download.
const shared = readFileSync(`${SITE}/data/catalog.csv`, "utf8")
  .split("\r\n")
  .map((line) => line.split(","))
  .find((cells) => cells[6] === "2");
const CODE = shared[0];
const ENTRY = readdirSync(`${SITE}/catalog`).find((name) => name !== "page" && !name.endsWith(".html"));

const PAGES = [
  "/",
  "/orgs/",
  `/orgs/${CODE.toLowerCase()}/`,
  "/catalog/",
  `/catalog/${ENTRY}/`,
  "/stats/",
  "/data/",
  "/policies/",
  "/interpretations/",
  "/about/",
  "/search/?q=热泵",
];

let server, browser;
before(async () => {
  server = await serve(SITE);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(page, path) {
  const response = await page.goto(server.url + path, { waitUntil: "load" });
  assert.equal(response.status(), 200, path);
  if (path.startsWith("/search/")) {
    await page.waitForFunction(() =>
      /^(共|没有|请)/.test(document.querySelector("#search-status")?.textContent || ""));
  }
}

for (const elder of [false, true]) {
  describe(`province pages, WCAG 2.1 AA${elder ? ", 适老化 mode" : ""}, and 320 px reflow`, () => {
    let ctx, page, phone, small;
    before(async () => {
      ctx = await browser.newContext();
      phone = await browser.newContext({ viewport: { width: 320, height: 640 } });
      if (elder) {
        await chooseElder(ctx);
        await chooseElder(phone);
      }
      page = await ctx.newPage();
      small = await phone.newPage();
    });
    after(async () => {
      await ctx.close();
      await phone.close();
    });
    for (const path of PAGES) {
      test(`${path}: no serious or critical violation, no sideways scrolling`, async () => {
        await open(page, path);
        assert.deepEqual(await axeViolations(page), []);
        await open(small, path);
        assert.deepEqual(await overflow(small), { pageScrolls: false, unlabelled: [] });
      });
    }
  });
}

describe("一码通查", () => {
  test("a credit code typed into the search box opens the firm's province page", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await open(page, "/orgs/");
    await page.fill("#lookup-q", CODE);
    await Promise.all([
      page.waitForURL(`**/orgs/${CODE.toLowerCase()}/`),
      page.click(".search-page-form button[type=submit]"),
    ]);
    const cities = await page.locator("section.city-listing h2").allTextContents();
    assert.equal(cities.length, 2, cities.join());
    await ctx.close();
  });
});
