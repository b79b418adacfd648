/**
 * End to end in headless Chromium, against `start()` from main.ts (which
 * loads an empty store with the pipeline first):
 * - with a mouse: browse → search → open a movie → sign up → rate three →
 *   "For you" shows explained recommendations → remove a rating → Undo;
 * - with the keyboard only: sign up → search → rate → "For you", checking
 *   that arrow keys choose without saving and focus survives a save;
 * - every page at 390×844 and 1280×900 (and dark, at desktop size): no
 *   axe-core violation (WCAG 2.2 A/AA, best practices), no horizontal
 *   overflow, and a full-page screenshot in test-output/screenshots/;
 * - no layout shift when islands hydrate; no console error anywhere.
 */
import { launchChromium, needsBrowserAndDataset } from "./chromium.ts";
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { BASE_ENV, DATASET_DIR } from "./api_fixture.ts";
import { silentLogger } from "../api/logger.ts";
import { silentProgress } from "../pipeline/progress.ts";
import { parseConfig } from "../config/mod.ts";
import { start } from "../main.ts";
import {
  type AxeFinding,
  axeFindings,
  horizontalOverflow,
  screenshot,
  SCREENSHOTS,
  type ViewportName,
  VIEWPORTS,
} from "./browser_audit.ts";
import {
  focusedElement,
  layoutShift,
  postRating,
  signUp,
  tabUntil,
  watchConsole,
} from "./browser_steps.ts";

/** Clicks a star of a hydrated rating widget and waits until it saved. */
async function rate(page: Page, movieId: number, value: number) {
  const form = page.locator(
    `form.rating-widget[data-hydrated="true"]:has(input[name=movieId][value="${movieId}"])`,
  ).first();
  const id = await form.locator("input.star-input").first().getAttribute(
    "id",
  );
  const prefix = id!.replace(/-[\d.]+$/, "");
  await form.locator(`label[for="${prefix}-${value}"]`).click();
  await form.locator(".rating-status", { hasText: `Saved: ${value} ★` })
    .waitFor();
}

Deno.test({
  ...needsBrowserAndDataset(
    "browser: mouse and keyboard flows, every page audited",
  ),
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
    // One run's pictures only, so that none is left from an older run.
    await Deno.remove(SCREENSHOTS, { recursive: true }).catch(() => {});
    await Deno.mkdir(SCREENSHOTS, { recursive: true });
    let browser: Browser | undefined;
    const errors: string[] = [];
    const newContext = async (
      viewport: ViewportName,
      options: { dark?: boolean } = {},
    ): Promise<BrowserContext> => {
      const context = await browser!.newContext({
        viewport: VIEWPORTS[viewport],
        isMobile: viewport === "phone",
        hasTouch: viewport === "phone",
        colorScheme: options.dark ? "dark" : "light",
      });
      context.on("page", (page) => watchConsole(page, errors));
      return context;
    };
    try {
      browser = await launchChromium();

      await t.step("with a mouse: search, sign up, rate, For you", async () => {
        const context = await newContext("desktop");
        const page = await context.newPage();
        await page.goto(`${base}/`);
        await page.getByRole("heading", {
          name: "Popular with MovieLens users",
        }).waitFor();
        await page.getByRole("navigation", { name: "Main" })
          .getByRole("link", { name: "Browse" }).click();
        await page.waitForURL(`${base}/movies`);
        assert.match(
          await page.locator(".results-count").innerText(),
          /9,742 movies/,
        );
        await page.locator("#search-q").fill("matrix");
        await page.locator("#search-suggestions [role=option]", {
          hasText: "The Matrix",
        }).first().waitFor();
        await page.locator("#search-q").press("Enter");
        await page.waitForURL(/\/movies\?q=matrix/);
        await page.locator(".movie-grid").getByRole("link", {
          name: "The Matrix",
          exact: true,
        }).click();
        await page.waitForURL(`${base}/movies/2571`);
        assert.equal(
          await page.locator(".rating-chart svg rect").count(),
          10,
        );

        await page.locator(".account").getByRole("link", { name: "Sign up" })
          .click();
        await page.getByLabel("Email").fill("mouse@example.com");
        await page.getByLabel("Password").fill("correct horse battery");
        await page.getByRole("button", { name: "Sign up" }).click();
        await page.waitForURL(`${base}/movies/2571`);

        await page.goto(`${base}/for-you`);
        await page.getByRole("heading", { name: "Tell us what you like" })
          .waitFor();
        const firstId = Number(
          await page.locator('.onboarding input[name="movieId"]').first()
            .inputValue(),
        );
        await rate(page, firstId, 5);
        await page.goto(`${base}/movies/2571`);
        await rate(page, 2571, 4.5);
        const similar = page.getByRole("list", {
          name: "Movies similar to The Matrix",
        }).locator(".movie-title a").first();
        await similar.click();
        await page.waitForURL(/\/movies\/\d+$/);
        const similarId = Number(new URL(page.url()).pathname.split("/")[2]);
        await rate(page, similarId, 4);

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
        // A recommendation can be rated on its card.
        const card = page.locator(".recommendations > li").first();
        const cardId = Number(
          await card.locator('input[name="movieId"]').inputValue(),
        );
        await rate(page, cardId, 3);

        await page.getByRole("navigation", { name: "Main" })
          .getByRole("link", { name: "My ratings" }).click();
        await page.waitForURL(`${base}/my-ratings`);
        assert.equal(await page.locator(".rating-row").count(), 4);
        const row = page.locator(".rating-row", { hasText: "The Matrix" });
        await row.locator('form[data-hydrated="true"]').waitFor();
        await row.getByRole("button", { name: "Remove rating" }).click();
        const undo = row.getByRole("button", { name: "Undo" });
        await undo.waitFor();
        assert.equal(await focusedElement(page), "button:Undo");
        await undo.click();
        await row.locator(".rating-status", { hasText: "Saved: 4.5 ★" })
          .waitFor();
        await page.reload();
        assert.match(await page.locator(".page-head").innerText(), /4 rated/);
        await context.close();
      });

      await t.step(
        "with the keyboard only: sign up, search, rate, For you",
        async () => {
          const context = await newContext("desktop");
          const page = await context.newPage();
          const posts: string[] = [];
          page.on("request", (request) => {
            if (request.method() === "POST") {
              posts.push(new URL(request.url()).pathname);
            }
          });
          await page.goto(`${base}/`);
          await tabUntil(page, "link:Sign up", 12);
          await page.keyboard.press("Enter");
          await page.waitForURL(/\/signup/);
          await tabUntil(page, "input:email", 15);
          await page.keyboard.type("keys@example.com");
          await page.keyboard.press("Tab");
          await page.keyboard.type("correct horse battery");
          await page.keyboard.press("Enter");
          // a new account lands on the onboarding
          await page.waitForURL(`${base}/onboarding`);

          // Browse: the skip link leads past the filters to the results.
          await tabUntil(page, "link:Browse", 12);
          await page.keyboard.press("Enter");
          await page.waitForURL(`${base}/movies`);
          await page.keyboard.press("Tab");
          assert.equal(await focusedElement(page), "link:Skip to results");
          await page.keyboard.press("Enter");
          await page.keyboard.press("Tab");
          assert.equal(
            await focusedElement(page),
            "link:Forrest Gump",
          );
          // Without it, the first result is 20 Tab presses away at most
          // (the genres fold away; they were 35 presses before).
          await page.goto(`${base}/movies`);
          await tabUntil(page, "link:Forrest Gump", 20);
          // And the title field is close to the top.
          await page.goto(`${base}/movies`);
          await page.locator('#search-q[role="combobox"]').waitFor();
          await tabUntil(page, "input:search-q", 12);
          await page.keyboard.type("matrix");
          await page.locator("#search-suggestions [role=option]").first()
            .waitFor();
          await page.keyboard.press("ArrowDown");
          const active = await page.locator("#search-q").getAttribute(
            "aria-activedescendant",
          );
          assert.ok(active, "an option is highlighted");
          assert.equal(await focusedElement(page), "input:search-q");
          await page.keyboard.press("Enter");
          await page.waitForURL(/\/movies\/\d+$/);
          const movieId = Number(new URL(page.url()).pathname.split("/")[2]);
          await page.locator('form[data-hydrated="true"]').waitFor();

          // Arrows choose a rating without saving; Enter saves it.
          await tabUntil(page, `radio:rate-${movieId}-0.5`, 25);
          const before = posts.length;
          for (let i = 0; i < 7; i++) await page.keyboard.press("ArrowRight");
          assert.equal(await focusedElement(page), `radio:rate-${movieId}-4`);
          await page.waitForTimeout(300);
          assert.equal(posts.length, before, "arrow keys saved nothing");
          await page.keyboard.press("Enter");
          await page.locator(".rating-status", { hasText: "Saved: 4 ★" })
            .waitFor();
          assert.deepEqual(posts.slice(before), ["/rate"]);
          // Focus stayed on the star through the save.
          assert.equal(await focusedElement(page), `radio:rate-${movieId}-4`);
          // ArrowLeft lowers the choice; Save rating keeps it.
          await page.keyboard.press("ArrowLeft");
          assert.equal(await focusedElement(page), `radio:rate-${movieId}-3.5`);
          await tabUntil(page, "button:Save rating", 3);
          await page.keyboard.press("Enter");
          await page.locator(".rating-status", { hasText: "Saved: 3.5 ★" })
            .waitFor();
          assert.equal(await focusedElement(page), "button:Save rating");

          // For you, from the main navigation, and rate a card in place.
          await page.goto(`${base}/`);
          await tabUntil(page, "link:For you", 12);
          await page.keyboard.press("Enter");
          await page.waitForURL(`${base}/for-you`);
          await page.locator('form[data-hydrated="true"]').first().waitFor();
          const first = await page.locator(
            '.movie-grid input[name="movieId"]',
          ).first().inputValue();
          await tabUntil(page, `radio:rate-${first}-c-1`, 40);
          await page.keyboard.press("ArrowRight");
          await page.keyboard.press("ArrowRight");
          await page.keyboard.press("Enter");
          await page.locator(".rating-status", { hasText: "Saved: 3 ★" })
            .first().waitFor();
          await context.close();
        },
      );

      await t.step(
        "no layout shift when the rating widget hydrates",
        async () => {
          const context = await newContext("phone");
          const page = await context.newPage();
          await signUp(page, base, "shift@example.com");
          for (const id of ["1", "2", "3"]) {
            await postRating(page, base, {
              movieId: id,
              value: "4",
              action: "rate",
              next: "/",
            });
          }
          for (const path of ["/my-ratings", "/movies/1", "/for-you"]) {
            await page.goto(`${base}${path}`);
            await page.locator('form[data-hydrated="true"]').first().waitFor();
            const shift = await layoutShift(page);
            assert.ok(shift < 0.01, `layout shift ${shift} on ${path}`);
          }
          await context.close();
        },
      );

      await t.step(
        "every page at phone and desktop size: axe, overflow, screenshot",
        async () => {
          const findings: AxeFinding[] = [];
          const overflows: string[] = [];
          const audit = async (
            page: Page,
            viewport: ViewportName | "dark",
            name: string,
          ) => {
            if (viewport === "dark" && !darkPages.has(name)) return;
            await page.waitForLoadState("networkidle");
            const label = `${viewport} ${name}`;
            findings.push(...await axeFindings(page, label));
            if (viewport === "phone") {
              const { excess, culprits } = await horizontalOverflow(page);
              if (excess > 0) {
                overflows.push(
                  `${label}: ${excess}px (${culprits.join(", ")})`,
                );
              }
            }
            await screenshot(
              page,
              viewport === "dark" ? "desktop" : viewport,
              viewport === "dark" ? `${name}_dark` : name,
            );
          };
          const publicPages: [string, string][] = [
            ["home", "/"],
            ["browse", "/movies"],
            ["browse_genres_page_2", "/movies?genre=Comedy&genre=Drama&page=2"],
            ["search", "/movies?q=matrix"],
            ["search_no_match", "/movies?q=zzqqxx"],
            ["search_description", "/search?q=space%20horror"],
            ["search_description_empty", "/search?q=zzqqxx%20yyww"],
            ["browse_bad_years", "/movies?yearFrom=2000&yearTo=1990"],
            ["movie", "/movies/2571"],
            ["movie_unrated", "/movies/131168"],
            ["login", "/login"],
            ["signup", "/signup"],
            ["not_found", "/no-such-page"],
          ];
          const personalPages: [string, string][] = [
            ["for_you", "/for-you"],
            ["for_you_more", "/for-you?limit=48"],
            ["for_you_genre", "/for-you?genre=Comedy"],
            ["home_signed_in", "/"],
            ["movie_rated", "/movies/1"],
            ["my_ratings", "/my-ratings"],
            ["my_ratings_sorted", "/my-ratings?sort=high&show=rated"],
            ["my_ratings_not_interested", "/my-ratings?show=hidden"],
            ["watchlist", "/watchlist"],
            ["onboarding", "/onboarding"],
            ["logout", "/logout"],
          ];
          // Dark colours are checked on the pages that hold every component.
          const darkPages = new Set([
            "home",
            "browse",
            "movie",
            "login_refused",
            "for_you",
            "movie_rated",
            "my_ratings_undo",
            "rate_without_stars",
          ]);
          for (const viewport of ["phone", "desktop", "dark"] as const) {
            const context = await newContext(
              viewport === "dark" ? "desktop" : viewport,
              { dark: viewport === "dark" },
            );
            const page = await context.newPage();
            const visit = async (name: string, path: string) => {
              if (viewport === "dark" && !darkPages.has(name)) return;
              await page.goto(`${base}${path}`);
              await audit(page, viewport, name);
            };
            for (const [name, path] of publicPages) await visit(name, path);
            // A refused log in, with its message on the form.
            await page.goto(`${base}/login`);
            await page.getByLabel("Email").fill("nobody@example.com");
            await page.getByLabel("Password").fill("wrong password");
            await page.getByRole("button", { name: "Log in" }).click();
            await page.getByRole("alert").waitFor();
            await audit(page, viewport, "login_refused");

            await signUp(page, base, `audit-${viewport}@example.com`);
            await audit(page, viewport, "onboarding_new_user");
            await page.goto(`${base}/for-you`);
            await audit(page, viewport, "for_you_new_user");
            await page.goto(`${base}/my-ratings`);
            await audit(page, viewport, "my_ratings_empty");
            for (
              const [id, value] of [["1", "5"], ["2571", "4.5"], ["260", "4"]]
            ) {
              await postRating(page, base, {
                movieId: id,
                value,
                action: "rate",
                next: "/",
              });
            }
            await postRating(page, base, {
              movieId: "1",
              action: "like",
              next: "/",
            });
            for (const [name, path] of personalPages) await visit(name, path);
            // Undo after removing a rating (the no-JavaScript path).
            await postRating(page, base, {
              movieId: "260",
              action: "remove",
              title: "Star Wars: Episode IV - A New Hope",
              next: "/my-ratings",
            });
            await page.goto(`${base}/my-ratings`);
            await page.locator(".flash").waitFor();
            await audit(page, viewport, "my_ratings_undo");
            await context.close();

            // Without JavaScript (the island scripts answer empty, so the
            // widget stays a plain form): saving with no star picked.
            const plain = await newContext(
              viewport === "dark" ? "desktop" : viewport,
              { dark: viewport === "dark" },
            );
            await plain.route(
              "**/static/islands/*.js",
              (route) =>
                route.fulfill({
                  status: 200,
                  contentType: "text/javascript",
                  body: "",
                }),
            );
            const noJs = await plain.newPage();
            await signUp(noJs, base, `nojs-${viewport}@example.com`);
            await noJs.goto(`${base}/movies/2571`);
            await noJs.getByRole("button", { name: "Save rating" }).click();
            const back = noJs.getByRole("link", { name: "Go back" });
            await back.waitFor();
            assert.equal(await back.getAttribute("href"), "/movies/2571");
            await audit(noJs, viewport, "rate_without_stars");
            await plain.close();
          }
          assert.deepEqual(overflows, [], "pages wider than the phone");
          assert.deepEqual(
            findings,
            [],
            `axe-core found ${findings.length} violations`,
          );
        },
      );

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
