// What every browser test shares: headless Debian Chromium, and the strict
// Content-Security-Policy the theme ships, read from its headers file so the tests
// hold the site to the policy hosts are told to send.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

/** Launches headless Chromium ($CHROMIUM, else Debian's) with nothing that reaches
 *  the network on its own, so any request a page makes is the page's doing. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** The Content-Security-Policy of themes/default/headers. */
export const CSP = readFileSync(new URL("../../themes/default/headers", import.meta.url), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .find((line) => line.startsWith("Content-Security-Policy:"))
  .slice("Content-Security-Policy:".length)
  .trim();

/** The same policy as each page states it in <meta>: without the directives only a
 *  header can carry. */
export const META_CSP = CSP.split(";")
  .map((d) => d.trim())
  .filter((d) => d && !["frame-ancestors", "report-uri", "report-to", "sandbox"]
    .includes(d.split(/\s+/)[0]))
  .join("; ");
