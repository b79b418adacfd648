/**
 * Posters in headless Chromium, end to end: the pipeline's posters step
 * against the TMDB stand-in (tests/tmdb_bridge.ts) on the fixture dataset,
 * then `start()` serves the pages while Chromium's requests to TMDB's image
 * host are answered locally (one image fails on purpose). Checks that
 * posters load on cards and the movie page, that the failed one shows the
 * initials, and that nothing shifts; screenshots at phone and desktop
 * widths go to test-output/screenshots/.
 */
import {
  CHROMIUM,
  hasChromium,
  launchChromium,
  SCREENSHOTS,
} from "./chromium.ts";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { BASE_ENV } from "./api_fixture.ts";
import { postRating, signUp } from "./browser_steps.ts";
import { FIXTURE_POSTERS, startTmdbBridge } from "./tmdb_bridge.ts";
import { FIXTURE_DATASET } from "./fixtures/pipeline_context.ts";
import { silentLogger } from "../api/logger.ts";
import { parseConfig } from "../config/mod.ts";
import { runPipeline } from "../pipeline/run.ts";
import { silentProgress } from "../pipeline/progress.ts";
import { openObjectStorage, openStore } from "../store/mod.ts";
import { start } from "../main.ts";

const KEY = "e2e-key";

/** A 2:3 poster drawn in SVG, labelled so screenshots show which is which. */
function posterImage(label: string, hue: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="342" height="513" viewBox="0 0 342 513">` +
    `<rect width="342" height="513" fill="hsl(${hue} 60% 40%)"/>` +
    `<text x="171" y="270" font-size="40" text-anchor="middle" fill="#fff" font-family="sans-serif">${label}</text></svg>`;
}

/** Sizes and load state of every poster image on the page. */
function posters(page: Page) {
  return page.$$eval(".poster img", (images) =>
    images.map((img) => {
      const image = img as HTMLImageElement;
      return {
        src: image.currentSrc,
        loaded: image.complete && image.naturalWidth > 0,
        fallback: getComputedStyle(image, "::after").content,
      };
    }));
}

Deno.test({
  name:
    `browser: TMDB posters on cards and the movie page, initials when one fails${
      hasChromium ? "" : ` (ignored: ${CHROMIUM} is absent)`
    }`,
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const tmdb = await startTmdbBridge({
      apiKey: KEY,
      movies: { ...FIXTURE_POSTERS, 863: "/broken.jpg" },
    });
    const dataDir = await Deno.makeTempDir({ prefix: "e2e_posters_" });
    const config = parseConfig({
      ...BASE_ENV,
      DATA_DIR: dataDir,
      MOVIELENS_DIR: FIXTURE_DATASET,
      TMDB_API_URL: tmdb.url,
      TMDB_API_KEY: KEY,
      TMDB_REQUESTS_PER_SECOND: "50",
    });
    const store = await openStore(config);
    const results = await runPipeline({
      config,
      store,
      objects: openObjectStorage(config),
      progress: silentProgress,
    });
    await store.close();
    assert.match(
      results.at(-1)!.detail,
      /found 6, no poster 1, unknown to TMDB 2/,
    );
    const running = await start({
      config,
      port: 0,
      hostname: "127.0.0.1",
      logger: silentLogger,
      progress: silentProgress,
    });
    const base = running.url.href.replace(/\/$/, "");
    await Deno.mkdir(SCREENSHOTS, { recursive: true });
    let browser: Browser | undefined;
    const images: string[] = [];
    try {
      browser = await launchChromium();
      for (
        const [device, viewport] of [
          ["desktop", { width: 1280, height: 800 }],
          ["phone", { width: 390, height: 844 }],
        ] as const
      ) {
        const context = await browser.newContext({ viewport });
        // TMDB's image host, answered here; Toy Story 2's poster fails.
        await context.route("https://image.tmdb.org/**", (route) => {
          const url = route.request().url();
          images.push(url);
          if (url.includes("/broken.jpg")) {
            return route.fulfill({ status: 404, body: "not found" });
          }
          const name = /\/([a-z_]+)\.jpg$/.exec(url)?.[1] ?? "?";
          return route.fulfill({
            contentType: "image/svg+xml",
            body: posterImage(name.replace(/_/g, " "), name.length * 40),
          });
        });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(error.message));

        await t.step(
          `${device}: cards show posters, the failed one its initials`,
          async () => {
            await page.goto(`${base}/movies?sort=title`);
            await page.waitForLoadState("load");
            // Lazy images below the fold load once scrolled to.
            await page.evaluate(() =>
              globalThis.scrollTo(0, document.body.scrollHeight)
            );
            await page.waitForFunction(() =>
              [...document.querySelectorAll(".poster img")].every((img) =>
                (img as HTMLImageElement).complete
              )
            );
            await page.evaluate(() => globalThis.scrollTo(0, 0));
            const shown = await posters(page);
            assert.equal(shown.length, 6, JSON.stringify(shown));
            const broken = shown.filter((p) => !p.loaded);
            assert.equal(broken.length, 1, JSON.stringify(shown));
            assert.match(broken[0].src, /broken\.jpg$/);
            // style.css draws the initials in ::after, shown only when failed.
            assert.equal(broken[0].fallback, '"TS"');
            await page.screenshot({
              path: `${SCREENSHOTS}/${device}_posters_browse.png`,
              fullPage: true,
            });
          },
        );

        await t.step(
          `${device}: the movie page's poster loads at once, without moving the page`,
          async () => {
            await page.goto(`${base}/movies/1`);
            const box = await page.locator(".movie-poster").boundingBox();
            await page.waitForFunction(() => {
              const img = document.querySelector(".movie-poster img") as
                | HTMLImageElement
                | null;
              return img?.complete && img.naturalWidth > 0;
            });
            const after = await page.locator(".movie-poster").boundingBox();
            assert.deepEqual(after, box);
            assert.ok(box!.height > box!.width * 1.4, JSON.stringify(box));
            assert.equal(
              await page.locator(".movie-poster img").getAttribute("alt"),
              "Poster of Toy Story",
            );
            await page.getByText("This product uses the TMDB API").waitFor();
            await page.screenshot({
              path: `${SCREENSHOTS}/${device}_posters_movie.png`,
            });
          },
        );
        await t.step(
          `${device}: My ratings and the Watchlist show posters too`,
          async () => {
            await signUp(page, base, `posters-${device}@example.com`);
            // Toy Story (poster), The Good, the Bad and the Ugly (poster),
            // Toy Story 2 (its image fails).
            for (const movieId of ["1", "8"]) {
              await postRating(page, base, {
                movieId,
                value: "4",
                action: "rate",
                next: "/",
              });
            }
            await postRating(page, base, {
              movieId: "4",
              action: "watch",
              next: "/",
            });
            for (
              const [path, expected] of [
                ["/my-ratings", ["Toy Story", "Toy Story 2"]],
                [
                  "/watchlist",
                  [
                    "The Good, the Bad and the Ugly (Buono, il brutto, il cattivo, Il)",
                  ],
                ],
              ] as const
            ) {
              await page.goto(`${base}${path}`);
              await page.waitForFunction(() =>
                [...document.querySelectorAll(".row-poster img")].every((
                  img,
                ) => (img as HTMLImageElement).complete)
              );
              const shown = await posters(page);
              assert.equal(shown.length, expected.length, path);
              const alts = await page.locator(".row-poster img").evaluateAll(
                (images) => images.map((i) => i.getAttribute("alt")),
              );
              assert.deepEqual(
                alts.toSorted(),
                expected.map((t) => `Poster of ${t}`),
              );
              // the failed one shows its initials, the others load
              assert.equal(
                shown.filter((p) => p.loaded).length,
                expected.filter((t) => t !== "Toy Story 2").length,
                JSON.stringify(shown),
              );
              await page.screenshot({
                path: `${SCREENSHOTS}/${device}_posters${
                  path.replace("/", "_")
                }.png`,
                fullPage: true,
              });
            }
          },
        );
        assert.deepEqual(errors, []);
        await context.close();
      }
      // Every image came from TMDB's host, at one of its widths.
      assert.ok(images.length > 0);
      assert.ok(
        images.every((u) =>
          /^https:\/\/image\.tmdb\.org\/t\/p\/w(92|154|185|342|500|780)\//.test(
            u,
          )
        ),
      );
    } finally {
      await browser?.close();
      await running.shutdown();
      await tmdb.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
