// Accessibility of the sample site (built by .ci/browser-tests.sh into SAMPLE_SITE_DIR)
// in a real headless Chromium, served under the strict Content-Security-Policy of
// themes/default/headers: axe-core's WCAG 2.1 A and AA rules on one page of every
// kind, in the normal mode and in the 适老化 mode (large text, high contrast); the skip
// link, visible focus and keyboard use; the mode switch remembered across pages and
// reloads; and reflow at 320 and 640 CSS pixels without horizontal scrolling.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, overflow } from "./checks.mjs";
import { NOTICE, PAGES, chooseElder, sampleSession } from "./sample.mjs";

const session = sampleSession();

/** A new browser context (its own localStorage); with `elder`, every page it opens
 *  finds the 适老化 mode chosen, as a visitor's earlier click leaves it. */
async function context({ elder = false, ...options } = {}) {
  const ctx = await session.browser.newContext(options);
  if (elder) {
    await chooseElder(ctx);
  }
  return ctx;
}

/** Opens `path` in `page` and waits until the search page (if it is one) drew. */
async function open(page, path) {
  const response = await page.goto(session.server.url + path, { waitUntil: "load" });
  assert.equal(response.status(), 200, path);
  if (path.startsWith("/search/")) {
    await page.waitForFunction(() =>
      /^(共|没有|请)/.test(document.querySelector("#search-status")?.textContent || ""));
  }
}

/** Whether the open page is in the 适老化 mode. */
function elderOn(page) {
  return page.evaluate(() => document.documentElement.classList.contains("elder"));
}

for (const elder of [false, true]) {
  describe(`axe-core WCAG 2.1 AA${elder ? ", 适老化 mode" : ""}`, () => {
    let ctx, page;
    before(async () => {
      ctx = await context();
      page = await ctx.newPage();
      if (elder) {
        await open(page, "/");
        await page.click("#mode-switch");
      }
    });
    after(() => ctx.close());
    for (const path of PAGES) {
      test(`${path}: no serious or critical violation`, async () => {
        await open(page, path);
        assert.equal(await elderOn(page), elder, "mode class on <html>");
        assert.deepEqual(await axeViolations(page), []);
      });
    }
  });
}

describe("keyboard", () => {
  let ctx, page;
  before(async () => {
    ctx = await context();
    page = await ctx.newPage();
  });
  after(() => ctx.close());

  for (const path of PAGES) {
    // The notice board has one link before its main content: nothing to skip.
    test(`${path}: the first Tab stop is the skip link, and Enter moves focus to the main content`,
      { skip: path === NOTICE }, async () => {
      await open(page, path);
      await page.keyboard.press("Tab");
      const first = await page.evaluate(() => ({
        className: document.activeElement.className,
        href: document.activeElement.getAttribute("href"),
        visible: document.activeElement.getBoundingClientRect().left >= 0,
      }));
      assert.deepEqual(first, { className: "skip-link", href: "#main", visible: true });
      await page.keyboard.press("Enter");
      assert.equal(await page.evaluate(() => document.activeElement.id), "main");
      // The next Tab continues from the main content, not back in the header.
      await page.keyboard.press("Tab");
      assert.ok(await page.evaluate(() => {
        const main = document.querySelector("main");
        return main.contains(document.activeElement)
          || Boolean(main.compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING);
      }), "Tab after the skip link goes on after the start of <main>");
    });

    test(`${path}: every focusable element shows a focus outline`, async () => {
      await open(page, path);
      // A key press first, as :focus-visible follows the last way of interacting.
      await page.keyboard.press("Tab");
      const unmarked = await page.evaluate(() => {
        const selector = "a[href], button, input, select, textarea, summary, [tabindex]";
        const bad = [];
        for (const el of document.querySelectorAll(selector)) {
          if (el.tabIndex < 0 || el.disabled || el.closest("[hidden]")) continue;
          const box = el.getBoundingClientRect();
          if (box.width === 0 && box.height === 0) continue;
          el.focus();
          const style = getComputedStyle(el);
          const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
          if (document.activeElement !== el || !el.matches(":focus-visible") || !outline) {
            bad.push(`${el.tagName.toLowerCase()}.${el.className} ${el.textContent.trim().slice(0, 20)}`);
          }
        }
        return bad;
      });
      assert.deepEqual(unmarked, []);
    });
  }

  test("the whole menu is reached by Tab on a phone, each item on screen when focused", async () => {
    const phone = await context({ viewport: { width: 320, height: 640 } });
    const p = await phone.newPage();
    await open(p, "/stats/");
    const menu = await p.$$eval("#site-nav a", (links) => links.map((a) => a.textContent));
    // On a phone the menu waits behind its button: Tab reaches the button, Enter
    // opens it, and Tab goes on through the items.
    assert.equal(await p.$eval("#site-menu", (d) => d.open), false, "closed on arrival");
    for (let i = 0; i < 10; i += 1) {
      await p.keyboard.press("Tab");
      if (await p.evaluate(() => document.activeElement.matches("#site-menu > summary"))) break;
    }
    assert.ok(await p.evaluate(() => document.activeElement.matches("#site-menu > summary")),
      "Tab reaches the menu button");
    await p.keyboard.press("Enter");
    assert.equal(await p.$eval("#site-menu", (d) => d.open), true, "Enter opens the menu");
    const reached = [];
    for (let i = 0; i < 30 && reached.length < menu.length; i += 1) {
      await p.keyboard.press("Tab");
      const focused = await p.evaluate(() => {
        const el = document.activeElement;
        if (!el.closest("#site-nav")) return null;
        const box = el.getBoundingClientRect();
        return { text: el.textContent, onScreen: box.left >= 0 && box.right <= innerWidth };
      });
      if (focused) {
        assert.ok(focused.onScreen, `${focused.text} is on screen when focused`);
        reached.push(focused.text);
      }
    }
    assert.deepEqual(reached, menu);
    await phone.close();
  });

  test("the search filters are used with the keyboard alone", async () => {
    await open(page, "/search/?q=学校");
    await page.focus("#search-kind");
    const before = await page.textContent("#search-status");
    // Arrow keys on a focused <select> change its value, which runs the search.
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction((old) =>
      document.querySelector("#search-status").textContent !== old, before);
    assert.notEqual(await page.inputValue("#search-kind"), "");
  });
});

describe("适老化 mode", () => {
  test("the switch turns on large text and high contrast, kept across pages and reloads, under the strict CSP", async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const violations = [];
    await page.exposeFunction("cspViolation", (v) => violations.push(v));
    await page.addInitScript(() => document.addEventListener("securitypolicyviolation",
      (e) => window.cspViolation(`${e.violatedDirective} ${e.blockedURI}`)));
    await open(page, "/projects/");
    const fontSize = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    const normal = await fontSize();
    const button = page.getByRole("button", { name: "适老模式" });
    assert.equal(await button.getAttribute("aria-pressed"), "false");
    assert.equal(await elderOn(page), false);

    // Keyboard: Tab to the switch and press Space.
    for (let i = 0; i < 10 && !(await button.evaluate((b) => b === document.activeElement)); i += 1) {
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Space");
    assert.equal(await button.getAttribute("aria-pressed"), "true");
    assert.equal(await elderOn(page), true);
    const large = await fontSize();
    assert.ok(large >= normal * 1.2, `text grows: ${normal}px → ${large}px`);
    const ink = await page.evaluate(() => getComputedStyle(document.body).color);
    assert.equal(ink, "rgb(0, 0, 0)", "text turns black");

    await page.reload();
    assert.equal(await elderOn(page), true, "after a reload");
    assert.equal(await button.getAttribute("aria-pressed"), "true", "after a reload");
    await open(page, "/orgs/");
    assert.equal(await elderOn(page), true, "on another page");
    assert.equal(await fontSize(), large, "on another page");

    // Off again, and off it stays.
    await button.click();
    assert.equal(await button.getAttribute("aria-pressed"), "false");
    await page.reload();
    assert.equal(await elderOn(page), false, "off after a reload");
    assert.deepEqual(violations, [], "CSP violations");
    await ctx.close();
  });

  test("the mode is set before the first paint", async () => {
    const ctx = await context({ elder: true });
    const page = await ctx.newPage();
    // Recorded by a script that runs before the page's own: the class must already
    // be there when <body> starts, i.e. before anything can be painted.
    await page.addInitScript(() => {
      new MutationObserver((records, observer) => {
        if (document.body) {
          window.__elderAtBody = document.documentElement.classList.contains("elder");
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await open(page, "/");
    assert.equal(await page.evaluate(() => window.__elderAtBody), true);
    await ctx.close();
  });
});

describe("reflow at 320 and 640 CSS pixels (a 1280 px window at 200% zoom)", () => {
  const setups = [
    { name: "320 px", width: 320, scale: 1, elder: false },
    { name: "640 px at device scale 2", width: 640, scale: 2, elder: false },
    { name: "320 px at device scale 2, 适老化 mode", width: 320, scale: 2, elder: true },
  ];
  const pages = {};
  before(async () => {
    for (const s of setups) {
      const ctx = await context({ elder: s.elder, viewport: { width: s.width, height: 800 },
        deviceScaleFactor: s.scale });
      pages[s.name] = await ctx.newPage();
    }
  });
  after(() => Promise.all(Object.values(pages).map((p) => p.context().close())));
  for (const path of PAGES) {
    test(`${path}: no sideways scrolling of the page`, async () => {
      for (const s of setups) {
        const page = pages[s.name];
        await open(page, path);
        assert.equal(await elderOn(page), s.elder, s.name);
        assert.deepEqual(await overflow(page), { pageScrolls: false, unlabelled: [] }, s.name);
      }
    });
  }
});
