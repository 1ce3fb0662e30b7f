// Browser timing for the search benchmark: serves the index that
// `cargo bench --bench search` wrote for N records together with the fixture site's
// search page and scripts, runs the benchmark's queries in Chromium, and reports
// per query the bytes fetched (raw and gzip) and the milliseconds from data
// arrival to drawn results (data-render-ms) and in total (data-total-ms).
// Usage: node bench.mjs [records]   (default 100000)
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { launch } from "./chromium.mjs";
import { serve } from "./server.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const records = process.argv[2] || "100000";
const benchDir = `${here}../../target/search-bench/${records}`;
const site = process.env.SITE_DIR || `${here}../../target/search-fixture-site`;
const publicDir = `${benchDir}/public`;
mkdirSync(`${publicDir}/search`, { recursive: true });
cpSync(`${site}/search/index.html`, `${publicDir}/search/index.html`);
cpSync(`${site}/assets`, `${publicDir}/assets`, { recursive: true });
const queries = JSON.parse(readFileSync(`${benchDir}/queries.json`, "utf8"));

const server = await serve(publicDir);
const browser = await launch();
const gz = (path) => gzipSync(readFileSync(`${publicDir}${path}`)).length;
console.log(`| query | result | first query KB gz | render ms | total ms |`);
console.log(`| --- | --- | ---: | ---: | ---: |`);
for (const q of queries) {
  const page = await browser.newPage();
  server.requests.length = 0;
  await page.goto(`${server.url}/search/?q=${encodeURIComponent(q)}`);
  await page.waitForFunction(
    () => !location.pathname.startsWith("/search/") ||
      /^(共|没有)/.test(document.querySelector("#search-status")?.textContent || ""),
    null, { timeout: 60000 },
  ).catch(() => {});
  const redirected = !new URL(page.url()).pathname.startsWith("/search/");
  const fetched = server.requests.filter((r) => !r.path.endsWith(".html") && !r.path.endsWith("/")
    && !r.path.endsWith("site.css") && !r.path.endsWith("site.js") && !r.path.endsWith("search.css"));
  const kb = fetched.reduce((sum, r) => sum + gz(r.path), 0) / 1024;
  const timing = redirected ? ["", ""] : await page.$eval("#search-app", (e) =>
    [e.getAttribute("data-render-ms"), e.getAttribute("data-total-ms")]);
  const result = redirected ? "→ page" : await page.textContent("#search-status");
  console.log(`| ${q} | ${result} | ${kb.toFixed(1)} | ${timing[0]} | ${timing[1]} |`);
  await page.close();
}
await browser.close();
await server.close();
