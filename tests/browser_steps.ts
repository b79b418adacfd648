/**
 * Small helpers for driving pages the way people do: with the Tab key, and
 * watching what the browser reports (console errors, layout shifts).
 */
import type { Page } from "playwright-core";
import assert from "node:assert/strict";

/**
 * Collects console errors and uncaught page errors into `errors`. A page
 * answered with 400, 401 or 404 on purpose (a refused form, the not-found
 * page) makes Chromium log its status; that alone is not an error.
 */
export function watchConsole(page: Page, errors: string[]): void {
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const ownStatus = message.location().url === page.url() &&
      /status of (400|401|404)\b/.test(message.text());
    if (!ownStatus) {
      errors.push(`${page.url()}: console.error ${message.text()}`);
    }
  });
  page.on(
    "pageerror",
    (error) => errors.push(`${page.url()}: ${error.message}`),
  );
}

/**
 * The focused element, named as a test reads it: `link:<text>`,
 * `button:<text>`, `radio:<id>`, `input:<id>`, `select:<id>`, or `body`.
 */
export async function focusedElement(page: Page): Promise<string> {
  return await page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return "body";
    const text = (element.textContent ?? "").replace(/\s+/g, " ").trim();
    const tag = element.tagName.toLowerCase();
    if (tag === "a") return `link:${text}`;
    if (tag === "button") return `button:${text}`;
    if (tag === "input") {
      const type = (element as HTMLInputElement).type;
      return `${type === "radio" ? "radio" : "input"}:${element.id}`;
    }
    return `${tag}:${element.id || text}`;
  });
}

/**
 * Presses Tab until `target` (as `focusedElement` names it) has focus;
 * fails, listing what was visited, after `max` presses.
 */
export async function tabUntil(
  page: Page,
  target: string,
  max: number,
): Promise<number> {
  const visited: string[] = [];
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press("Tab");
    const focused = await focusedElement(page);
    if (focused === target) return presses;
    visited.push(focused);
  }
  throw new Error(
    `Expected to reach ${target} within ${max} Tab presses on ${page.url()}, visited: ${
      visited.join(" → ")
    }`,
  );
}

/**
 * Cumulative layout shift of the page so far (shifts right after input
 * excluded, as the metric defines it).
 */
export async function layoutShift(page: Page): Promise<number> {
  return await page.evaluate(() =>
    new Promise<number>((resolve) => {
      let sum = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          const shift = entry as PerformanceEntry & {
            value: number;
            hadRecentInput: boolean;
          };
          if (!shift.hadRecentInput) sum += shift.value;
        }
      }).observe({ type: "layout-shift", buffered: true });
      setTimeout(() => resolve(sum), 500);
    })
  );
}

/**
 * Signs up in the page (any viewport) and waits for the redirect to the
 * onboarding, where a new account lands.
 */
export async function signUp(page: Page, base: string, email: string) {
  await page.goto(`${base}/signup?next=/for-you`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.waitForURL(`${base}/onboarding`);
}

/** Posts a rating form in the page's context (its cookies), as a browser would. */
export async function postRating(
  page: Page,
  base: string,
  form: Record<string, string>,
) {
  const res = await page.request.post(`${base}/rate`, {
    form,
    headers: { origin: base },
    maxRedirects: 0,
  });
  assert.equal(res.status(), 303);
}
