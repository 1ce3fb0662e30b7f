// The hostile fixture site (tests/fixtures/hostile, built by .ci/browser-tests.sh into
// HOSTILE_SITE_DIR) in a real headless Chromium: every text field carries script and
// attribute-breaking payloads, each of which calls alert() or would need an inline
// script. One page of every kind is opened twice: as served plainly (no headers: only
// the policy in each page's <meta http-equiv> applies), where no dialog may open and
// nothing may reach the console, and under the strict Content-Security-Policy of
// themes/default/headers, where nothing may be blocked.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { CSP, META_CSP, launch } from "./chromium.mjs";
import { serve } from "./server.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const SITE = process.env.HOSTILE_SITE_DIR || `${here}../../target/hostile-fixture-site`;


// One page of every kind; search runs on a payload word and on a whole payload.
const PAGES = [
  "/",
  "/projects/zd-school-2023/",
  "/projects/zd-school-2023/notice/",
  "/products/zd-c30-concrete/",
  "/orgs/zd-materials/",
  "/policies/zb-pilot-2025/",
  "/interpretations/zb-pilot-2025-qa/",
  "/events/match-2024-spring/",
  "/inspections/insp-2025-001/",
  "/projects/",
  "/projects/type/school/",
  "/catalog/ready-mixed-concrete/",
  "/standards/2025/",
  "/about/",
  "/search/?q=alert",
  `/search/?q=${encodeURIComponent("<script>alert(1)</script>")}`,
  "/stats/",
  "/stats/districts/zhangdian/",
  "/data/",
  "/data/projects/",
];

let plain, strict, browser;

before(async () => {
  plain = await serve(SITE);
  strict = await serve(SITE, { headers: { "content-security-policy": CSP } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await plain?.close();
  await strict?.close();
});

/** Opens `path` from `server` and returns the dialogs, console messages, page
 *  errors and CSP violations it caused. */
async function visit(server, path) {
  const page = await browser.newPage();
  const seen = { dialogs: [], console: [], errors: [], missing: [] };
  page.on("dialog", (d) => {
    seen.dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on("console", (m) => seen.console.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  page.on("response", (r) => {
    if (r.status() >= 400) seen.missing.push(new URL(r.url()).pathname);
  });
  // Registered before any of the page's own markup is parsed, so that violations
  // during parsing are caught too.
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
  const response = await page.goto(server.url + path, { waitUntil: "load" });
  assert.equal(response.status(), 200, path);
  if (path.startsWith("/search/")) {
    await page.waitForFunction(() =>
      /^(共|没有|请)/.test(document.querySelector("#search-status")?.textContent || ""));
  }
  // Hover and focus everything, in case a handler got through under another name.
  await page.$$eval("body *", (all) => all.forEach((el) => {
    el.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
    el.dispatchEvent(new FocusEvent("focus"));
  }));
  await page.waitForTimeout(50);
  seen.violations = await page.evaluate(() => window.__violations);
  await page.close();
  return seen;
}

describe("the policy in <meta> guards a host that sends no headers", () => {
  test("each page states the policy, and Chromium enforces it", async () => {
    const page = await browser.newPage();
    await page.goto(plain.url + "/projects/zd-school-2023/", { waitUntil: "load" });
    const meta = await page.$eval('meta[http-equiv="Content-Security-Policy"]',
      (m) => m.getAttribute("content"));
    assert.equal(meta, META_CSP);
    // What a payload that slipped through the escaping would try.
    const blocked = await page.evaluate(() => new Promise((resolve) => {
      const seen = [];
      document.addEventListener("securitypolicyviolation", (e) => {
        seen.push(e.violatedDirective);
        if (seen.length === 2) resolve(seen.sort());
      });
      const script = document.createElement("script");
      script.textContent = "window.__ran = true";
      document.body.append(script);
      const img = document.createElement("img");
      img.src = "https://tracker.example/pixel.png";
      document.body.append(img);
      setTimeout(() => resolve(seen.sort()), 2000);
    }));
    assert.deepEqual(blocked, ["img-src", "script-src-elem"]);
    assert.equal(await page.evaluate(() => window.__ran), undefined);
    await page.close();
  });
});

describe("hostile fixture in Chromium", () => {
  for (const path of PAGES) {
    test(`${path}: no payload runs`, async () => {
      const seen = await visit(plain, path);
      assert.deepEqual(seen.dialogs, [], "dialogs");
      assert.deepEqual(seen.errors, [], "page errors");
      // The sanitizer keeps a raw `<img src=x>` (without its handler), a harmless
      // broken image whose 404 Chromium logs; anything else logged is a finding.
      const broken = seen.missing.filter((p) => !p.endsWith("/x"));
      assert.deepEqual(broken, [], "missing files");
      const logged = seen.console.filter((m) => !(m.startsWith("error: Failed to load resource")
        && seen.missing.length > 0));
      assert.deepEqual(logged, [], "console messages");
    });

    test(`${path}: nothing violates the strict CSP`, async () => {
      const seen = await visit(strict, path);
      assert.deepEqual(seen.violations, [], "securitypolicyviolation events");
      assert.deepEqual(seen.console.filter((m) => /Content.Security.Policy/i.test(m)), [],
        "CSP console errors");
      assert.deepEqual(seen.dialogs, [], "dialogs");
    });
  }
});
