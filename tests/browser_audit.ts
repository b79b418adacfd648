/**
 * What the browser tests check on every page they open: axe-core (WCAG 2.2
 * A/AA and best practices), horizontal overflow, and a full-page screenshot
 * for people to review (test-output/screenshots/, never committed).
 */
import axe from "axe-core";
import type { Page } from "playwright-core";
import { SCREENSHOTS } from "./chromium.ts";

export { SCREENSHOTS };

/** The two sizes every page is checked at. */
export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 900 },
} as const;

/** A viewport name. */
export type ViewportName = keyof typeof VIEWPORTS;

/** One axe finding, short enough to read in a failed assertion. */
export interface AxeFinding {
  page: string;
  rule: string;
  impact: string | null;
  help: string;
  targets: string[];
}

interface AxeResultsLike {
  violations: {
    id: string;
    impact?: string | null;
    help: string;
    nodes: { target: unknown[]; failureSummary?: string }[];
  }[];
}

/**
 * Runs axe-core in the page (its source is evaluated, so nothing is fetched)
 * and returns every violation of WCAG 2.0–2.2 A/AA and best practices.
 */
export async function axeFindings(
  page: Page,
  name: string,
): Promise<AxeFinding[]> {
  const injected = await page.evaluate(() => "axe" in globalThis);
  // Evaluated over the DevTools protocol: the page's CSP does not apply.
  if (!injected) await page.evaluate(axe.source);
  const results = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const run = (globalThis as any).axe.run as (
      context: unknown,
      options: unknown,
    ) => Promise<unknown>;
    return await run(document, {
      runOnly: {
        type: "tag",
        values: [
          "wcag2a",
          "wcag2aa",
          "wcag21a",
          "wcag21aa",
          "wcag22aa",
          "best-practice",
        ],
      },
      resultTypes: ["violations"],
    });
  }) as AxeResultsLike;
  return results.violations.map((v) => ({
    page: name,
    rule: v.id,
    impact: v.impact ?? null,
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) =>
      `${n.target.join(" ")}${
        n.failureSummary ? ` — ${n.failureSummary.split("\n").at(-1)}` : ""
      }`
    ),
  }));
}

/**
 * How far the page is wider than the viewport (0 when it fits), with the
 * widest elements that stick out, to say what to fix.
 */
export async function horizontalOverflow(
  page: Page,
): Promise<{ excess: number; culprits: string[] }> {
  return await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const excess = document.documentElement.scrollWidth - width;
    const culprits: string[] = [];
    if (excess > 0) {
      for (const element of document.querySelectorAll("body *")) {
        const box = element.getBoundingClientRect();
        if (box.right > width + 1 && box.width > 0) {
          const id = element.id ? `#${element.id}` : "";
          const cls = element.classList.length
            ? `.${[...element.classList].join(".")}`
            : "";
          culprits.push(
            `${element.tagName.toLowerCase()}${id}${cls} (right ${
              Math.round(box.right)
            })`,
          );
          if (culprits.length >= 5) break;
        }
      }
    }
    return { excess, culprits };
  });
}

/** Full-page screenshot under test-output/screenshots/<viewport>_<name>.png. */
export async function screenshot(
  page: Page,
  viewport: ViewportName,
  name: string,
): Promise<void> {
  await page.screenshot({
    path: `${SCREENSHOTS}/${viewport}_${name}.png`,
    fullPage: true,
  });
}
