// What the browser tests know of the sample site (built by .ci/browser-tests.sh into
// SAMPLE_SITE_DIR): where it is, how it is served, the pages they open (one of every
// kind), and how a visitor's choice of the 适老化 mode is kept
// (themes/default/assets/mode.js).
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { launch } from "./chromium.mjs";
import { serve } from "./server.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));

/** The built sample site's folder. */
export const SITE = process.env.SAMPLE_SITE_DIR || `${here}../../target/sample-site`;

/** A project page, the one with the most on it. */
export const PROJECT = "/projects/zichuan-shantytown-resettlement/";

/** Its printable notice board: a page of its own without the site's header and menu. */
export const NOTICE = `${PROJECT}notice/`;

/** One page of every kind the sample site has. */
export const PAGES = [
  "/",
  "/projects/",
  "/projects/district/zhangdian/",
  "/projects/stage/construction/",
  PROJECT,
  NOTICE,
  "/catalog/",
  "/catalog/ceramic-tiles/",
  "/products/bobeng-ashp-130/",
  "/standards/",
  "/standards/2022/",
  "/orgs/",
  "/orgs/bocheng-steel-engineering/",
  "/policies/",
  "/policies/level/national/",
  "/policies/czk-2022-35/",
  "/interpretations/",
  "/interpretations/jd-czk-2022-35/",
  "/about/",
  "/guide/",
  "/methodology/",
  "/events/",
  "/events/ev-2023-05-first-matchmaking/",
  "/inspections/",
  "/inspections/insp-2024-05-concrete-mortar-sampling/",
  "/stats/",
  "/stats/districts/zhangdian/",
  "/stats/categories/ceramic-tiles/",
  "/data/",
  "/data/projects/",
  "/updates/",
  "/search/?q=学校",
  "/404.html",
];

/** Makes every page `ctx` opens find the 适老化 mode chosen, as a visitor's earlier
 *  click leaves it. */
export function chooseElder(ctx) {
  return ctx.addInitScript((key) => localStorage.setItem(key, "on"), "greenproc-elder");
}

/** For the tests of the calling file: the sample site served with no headers at all,
 *  as GitHub Pages serves it, so that only the policy each page states in its
 *  `<meta http-equiv>` guards it; and a headless Chromium, started before them and
 *  closed after; the returned object holds `server` and `browser` once started. */
export function sampleSession() {
  const session = {};
  before(async () => {
    session.server = await serve(SITE);
    session.browser = await launch();
  });
  after(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}
