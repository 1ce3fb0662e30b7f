// Screenshots of the sample site for a reviewer's eyes: one page of each kind a
// citizen opens most, at a 375 px phone and a 1280 px desktop, in the normal and the
// 适老化 mode (first screen and whole page), plus the 公示牌's print preview on A4
// (a PDF, and a picture of the page in print media). Not a test: it writes PNG and PDF
// files for a person to look at.
//
//   node tests/browser/screenshots.mjs SITE_DIR OUT_DIR
//
// SITE_DIR is a built site served at its root (build with `--base-url /`).
import { mkdir } from "node:fs/promises";
import { launch } from "./chromium.mjs";
import { NOTICE, PROJECT, chooseElder } from "./sample.mjs";
import { serve } from "./server.mjs";

const [site, out] = process.argv.slice(2);
if (!site || !out) {
  console.error("usage: node tests/browser/screenshots.mjs SITE_DIR OUT_DIR");
  process.exit(2);
}

const PAGES = {
  home: "/",
  projects: "/projects/",
  project: PROJECT,
  notice: NOTICE,
  stats: "/stats/",
  product: "/products/bobeng-ashp-130/",
  org: "/orgs/bocheng-steel-engineering/",
};

await mkdir(out, { recursive: true });
const server = await serve(site);
const browser = await launch();
try {
  for (const width of [375, 1280]) {
    for (const elder of [false, true]) {
      const ctx = await browser.newContext({ viewport: { width, height: 812 } });
      if (elder) {
        await chooseElder(ctx);
      }
      const page = await ctx.newPage();
      for (const [name, path] of Object.entries(PAGES)) {
        await page.goto(server.url + path, { waitUntil: "load" });
        // The first screen, as a visitor sees it on arrival, and the whole page.
        const stem = `${out}/${name}-${width}${elder ? "-elder" : ""}`;
        await page.screenshot({ path: `${stem}.png` });
        await page.screenshot({ path: `${stem}-full.png`, fullPage: true });
        console.log(stem);
      }
      await ctx.close();
    }
  }
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(server.url + PAGES.notice, { waitUntil: "load" });
  await page.pdf({ path: `${out}/notice-print.pdf`, format: "A4", preferCSSPageSize: true });
  console.log(`${out}/notice-print.pdf`);
  // The print preview as a picture: the A4 page (210 × 297 mm at 96 dpi) in print media.
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.emulateMedia({ media: "print" });
  await page.screenshot({ path: `${out}/notice-print.png`, fullPage: true });
  console.log(`${out}/notice-print.png`);
  await ctx.close();
} finally {
  await browser.close();
  await server.close();
}
