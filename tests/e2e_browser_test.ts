/**
 * End to end in headless Chromium, against `start()` from main.ts (which
 * loads an empty store with the pipeline first): browse → search → open a
 * movie → sign up → rate three movies → "For you" shows explained
 * recommendations → remove a rating. No console errors allowed. Screenshots
 * of the main pages at phone and desktop widths go to
 * test-output/screenshots/.
 */
import {
  CHROMIUM,
  hasChromium,
  launchChromium,
  SCREENSHOTS,
} from "./chromium.ts";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { BASE_ENV, DATASET_DIR, hasDataset } from "./api_fixture.ts";
import { silentLogger } from "../api/logger.ts";
import { silentProgress } from "../pipeline/progress.ts";
import { parseConfig } from "../config/mod.ts";
import { start } from "../main.ts";

const reason = !hasChromium
  ? ` (ignored: ${CHROMIUM} is absent; apt-get install -y chromium)`
  : !hasDataset
  ? " (ignored: ../shared/data/ml-latest-small is absent)"
  : "";

/** Fails the test on any console error or uncaught page error. */
function watchConsole(page: Page, errors: string[]): void {
  page.on("console", (message) => {
    // Chromium logs the 404 status of the not-found page we visit on purpose.
    const expected404 = page.url().endsWith("/no-such-page") &&
      message.text().includes("404");
    if (message.type() === "error" && !expected404) {
      errors.push(`${page.url()}: console.error ${message.text()}`);
    }
  });
  page.on(
    "pageerror",
    (error) => errors.push(`${page.url()}: ${error.message}`),
  );
}

/** Clicks a star of a hydrated rating widget and waits until it saved. */
async function rate(page: Page, movieId: number, value: number) {
  const form = page.locator(
    `form.rating-widget[data-hydrated="true"]:has(input[name=movieId][value="${movieId}"])`,
  );
  await form.locator(`label[for="rate-${movieId}-${value}"]`).click();
  await form.locator(".rating-status", { hasText: `Saved: ${value} ★` })
    .waitFor();
}

Deno.test({
  name: `browser: browse, search, sign up, rate, get recommendations${reason}`,
  ignore: reason !== "",
  // Chromium's and the server's handles outlive single steps by design.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dataDir = await Deno.makeTempDir({ prefix: "e2e_browser_" });
    const running = await start({
      config: parseConfig({
        ...BASE_ENV,
        RECOMMENDER: "hybrid", // what users get by default
        DATA_DIR: dataDir,
        MOVIELENS_DIR: DATASET_DIR,
      }),
      port: 0,
      hostname: "127.0.0.1",
      logger: silentLogger,
      progress: silentProgress,
    });
    const base = running.url.href.replace(/\/$/, "");
    await Deno.mkdir(SCREENSHOTS, { recursive: true });
    let browser: Browser | undefined;
    const errors: string[] = [];
    try {
      browser = await launchChromium();
      const desktop = await browser.newContext({
        viewport: { width: 1280, height: 800 },
      });
      const page = await desktop.newPage();
      watchConsole(page, errors);
      const shot = (name: string) =>
        page.screenshot({ path: `${SCREENSHOTS}/desktop_${name}.png` });

      await t.step("home and browse", async () => {
        await page.goto(`${base}/`);
        await page.getByRole("heading", {
          name: "Popular with MovieLens users",
        })
          .waitFor();
        await shot("home");
        await page.getByRole("navigation", { name: "Main" })
          .getByRole("link", { name: "Browse" }).click();
        await page.waitForURL(`${base}/movies`);
        assert.match(
          await page.locator(".results-count").innerText(),
          /9,742 movies/,
        );
        await shot("browse");
      });

      await t.step("search with suggestions, then open a movie", async () => {
        await page.locator("#search-q").fill("matrix");
        const suggestion = page.locator("#search-suggestions a", {
          hasText: "The Matrix",
        }).first();
        await suggestion.waitFor();
        await shot("search_suggestions");
        await page.locator("#search-q").press("Enter");
        await page.waitForURL(/\/movies\?q=matrix/);
        await page.getByRole("heading", { name: "Results for “matrix”" })
          .waitFor();
        await page.locator(".movie-grid").getByRole("link", {
          name: "The Matrix",
          exact: true,
        }).click();
        await page.waitForURL(`${base}/movies/2571`);
        await page.getByRole("heading", { level: 1, name: /The Matrix/ })
          .waitFor();
        assert.equal(
          await page.locator(".rating-chart svg rect").count(),
          10,
        );
        await shot("movie");
      });

      await t.step("sign up and come back to the movie", async () => {
        await page.locator(".account").getByRole("link", { name: "Sign up" })
          .click();
        await page.getByLabel("Email").fill("e2e@example.com");
        await page.getByLabel("Password").fill("correct horse battery");
        await shot("signup");
        await page.getByRole("button", { name: "Sign up" }).click();
        await page.waitForURL(`${base}/movies/2571`);
        await page.locator(".account-email", { hasText: "e2e@example.com" })
          .waitFor({ state: "attached" });
      });

      await t.step(
        "rate three movies: onboarding, this one, a similar one",
        async () => {
          await page.goto(`${base}/for-you`);
          await page.getByRole("heading", { name: "Tell us what you like" })
            .waitFor();
          await shot("for_you_onboarding");
          const firstId = Number(
            await page.locator('.onboarding input[name="movieId"]').first()
              .inputValue(),
          );
          await rate(page, firstId, 5);
          await page.goto(`${base}/movies/2571`);
          await rate(page, 2571, 4.5);
          await shot("movie_rated");
          const similar = page.getByRole("list", {
            name: "Movies similar to The Matrix",
          }).locator(".movie-title a").first();
          await similar.click();
          await page.waitForURL(/\/movies\/\d+$/);
          const similarId = Number(new URL(page.url()).pathname.split("/")[2]);
          await rate(page, similarId, 4);
        },
      );
      await t.step(
        "For you shows recommendations with explanations",
        async () => {
          await page.getByRole("navigation", { name: "Main" })
            .getByRole("link", { name: "For you" }).click();
          await page.waitForURL(`${base}/for-you`);
          const explanations = page.locator(".recommendations .explanation");
          await explanations.first().waitFor();
          assert.ok(await explanations.count() >= 10);
          assert.match(
            await explanations.first().innerText(),
            /^Because you (rated|liked) /,
          );
          await shot("for_you");
        },
      );

      await t.step("remove a rating on My ratings", async () => {
        await page.getByRole("navigation", { name: "Main" })
          .getByRole("link", { name: "My ratings" }).click();
        await page.waitForURL(`${base}/my-ratings`);
        assert.equal(await page.locator(".rating-row").count(), 3);
        await shot("my_ratings");
        const row = page.locator(".rating-row").first();
        await row.locator('form[data-hydrated="true"]').waitFor();
        await row.getByRole("button", { name: "Remove rating" }).click();
        await row.locator(".rating-status", { hasText: "Rating removed" })
          .waitFor();
        await page.reload();
        assert.match(
          await page.locator(".page-head").innerText(),
          /2 rated/,
        );
      });

      await t.step("phone screenshots", async () => {
        const phone = await browser!.newContext({
          viewport: { width: 390, height: 844 },
          isMobile: true,
          hasTouch: true,
          storageState: await desktop.storageState(),
        });
        const small = await phone.newPage();
        watchConsole(small, errors);
        for (
          const [name, path] of [
            ["home", "/"],
            ["browse", "/movies?genre=Sci-Fi"],
            ["movie", "/movies/2571"],
            ["for_you", "/for-you"],
            ["my_ratings", "/my-ratings"],
            ["not_found", "/no-such-page"],
          ]
        ) {
          await small.goto(`${base}${path}`);
          await small.screenshot({ path: `${SCREENSHOTS}/phone_${name}.png` });
        }
        await phone.close();
      });

      await t.step("no console errors on any page", () => {
        assert.deepEqual(errors, []);
      });
      console.log(`Screenshots: ${await Deno.realPath(SCREENSHOTS)}`);
    } finally {
      await browser?.close();
      await running.shutdown();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
