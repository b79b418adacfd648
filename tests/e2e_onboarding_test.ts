/**
 * Onboarding in headless Chromium with JavaScript switched off (the page
 * is plain forms): sign up → onboarding → ten ratings over two pages, by
 * mouse and by keyboard → "For you" with explanations. Also: no sideways
 * scrolling on a phone. Screenshots go to test-output/screenshots/.
 */
import {
  launchChromium,
  needsBrowserAndDataset,
  SCREENSHOTS,
} from "./chromium.ts";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { BASE_ENV, loadedStore, testApp } from "./api_fixture.ts";
import { parseConfig } from "../config/mod.ts";
import { createServer } from "../web/server.ts";

Deno.test({
  ...needsBrowserAndDataset(
    "browser: sign up, onboarding, ten ratings, For you",
  ),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const env = { RECOMMENDER: "hybrid" };
    const loaded = await loadedStore();
    const server = createServer({
      config: parseConfig({ ...BASE_ENV, ...env }),
      api: testApp(loaded.store, env),
    });
    const http = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      server.fetch,
    );
    const base = `http://127.0.0.1:${http.addr.port}`;
    await Deno.mkdir(SCREENSHOTS, { recursive: true });
    let browser: Browser | undefined;
    const errors: string[] = [];
    try {
      browser = await launchChromium();
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        javaScriptEnabled: false,
      });
      const page = await context.newPage();
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      const progress = () => page.locator(".onboarding-progress p").innerText();
      const asked = () =>
        page.locator('.onboarding-form input[name="movieId"]').evaluateAll(
          (inputs) => inputs.map((i) => Number((i as HTMLInputElement).value)),
        );

      await t.step("sign up lands on the onboarding page", async () => {
        await page.goto(`${base}/signup`);
        await page.getByLabel("Email").fill("onboarding@example.com");
        await page.getByLabel("Password").fill("correct horse battery");
        await page.getByRole("button", { name: "Sign up" }).click();
        await page.waitForURL(`${base}/onboarding`);
        await page.getByRole("heading", { name: "Rate movies you have seen" })
          .waitFor();
        assert.match(await progress(), /^0 of 10 rated/);
        await page.screenshot({
          path: `${SCREENSHOTS}/desktop_onboarding.png`,
          fullPage: true,
        });
      });

      let first: number[] = [];
      await t.step("six ratings on the first page, by mouse", async () => {
        first = await asked();
        assert.equal(first.length, 10);
        for (const [i, id] of first.slice(0, 6).entries()) {
          await page.locator(`label[for="q-${id}-${5 - i * 0.5}"]`).click();
        }
        await page.getByRole("button", { name: "Next" }).click();
        await page.waitForURL(`${base}/onboarding`);
        assert.match(await progress(), /^6 of 10 rated/);
        const second = await asked();
        assert.equal(second.length, 10);
        assert.deepEqual(second.filter((id) => first.includes(id)), []);
      });

      await t.step("four more by keyboard, then For you", async () => {
        for (const id of (await asked()).slice(0, 4)) {
          // Tab lands on the checked "Haven't seen it"; arrows climb the stars.
          await page.locator(`#q-${id}-skip`).focus();
          for (let step = 0; step < 8; step++) {
            await page.keyboard.press("ArrowRight");
          }
          assert.ok(await page.locator(`#q-${id}-4`).isChecked());
        }
        await page.getByRole("button", { name: "Show my recommendations" })
          .click();
        await page.waitForURL(`${base}/for-you`);
        const explanations = page.locator(".recommendations .explanation");
        assert.ok(await explanations.count() >= 10);
        assert.match(
          await explanations.first().innerText(),
          /^Because you (rated|liked) /,
        );
        await page.screenshot({
          path: `${SCREENSHOTS}/desktop_for_you_10.png`,
        });
      });

      await t.step("a phone shows it without sideways scrolling", async () => {
        const phone = await browser!.newContext({
          viewport: { width: 390, height: 844 },
          isMobile: true,
          hasTouch: true,
          javaScriptEnabled: false,
          storageState: await context.storageState(),
        });
        const small = await phone.newPage();
        await small.goto(`${base}/onboarding`);
        assert.match(
          await small.locator(".onboarding-progress p").innerText(),
          /^10 of 10 rated/,
        );
        const width = await small.evaluate(() =>
          document.documentElement.scrollWidth
        );
        assert.ok(width <= 390, `page is ${width} px wide at 390 px`);
        await small.screenshot({ path: `${SCREENSHOTS}/phone_onboarding.png` });
        await phone.close();
      });

      assert.deepEqual(errors, []);
    } finally {
      await browser?.close();
      await http.shutdown();
      await loaded.close();
    }
  },
});
