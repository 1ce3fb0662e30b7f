// Checks the accessibility tests share (a11y.test.mjs on the sample city, and
// province.test.mjs on the sample province): axe-core's WCAG rules and reflow.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const AXE = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical WCAG 2.1 A/AA violations on the open page, one
 *  line each with the first few offending elements. */
export async function axeViolations(page) {
  // evaluate() is not subject to the page's CSP, unlike an injected <script>.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => `${n.target.join(" ")} ${n.failureSummary.split("\n")[1] || ""}`),
    }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes.slice(0, 3).join(" | ")}`);
}

/** The open page's horizontal overflow: whether the page itself scrolls sideways,
 *  and the boxes that scroll sideways without being a labelled, focusable region. */
export function overflow(page) {
  return page.evaluate(() => {
    const unlabelled = [];
    for (const el of document.querySelectorAll("body *")) {
      const style = getComputedStyle(el);
      if (!/(auto|scroll)/.test(style.overflowX) || el.scrollWidth <= el.clientWidth) continue;
      const ids = (el.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
      const name = el.getAttribute("aria-label")
        || ids.map((id) => document.getElementById(id)?.textContent || "").join("");
      if (el.tabIndex < 0 || el.getAttribute("role") !== "region" || !name.trim()) {
        unlabelled.push(`${el.tagName.toLowerCase()}.${el.className}`);
      }
    }
    return {
      pageScrolls: document.documentElement.scrollWidth > innerWidth
        ? `${document.documentElement.scrollWidth} > ${innerWidth}` : false,
      unlabelled,
    };
  });
}

