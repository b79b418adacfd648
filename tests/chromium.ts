/**
 * The browser the end-to-end tests drive: Debian's Chromium through
 * playwright-core, headless, with nothing that reaches the network on its own.
 */
import { type Browser, chromium } from "playwright-core";
import { datasetTestName, hasDataset } from "./api_fixture.ts";

/** Where Debian installs Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether Chromium is installed here. */
export const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

/**
 * `name` and `ignore` of a browser test on ml-latest-small: ignored, saying
 * why, without Chromium or without the dataset.
 */
export function needsBrowserAndDataset(
  what: string,
): { name: string; ignore: boolean } {
  if (!hasChromium) {
    return {
      name:
        `${what} (ignored: ${CHROMIUM} is absent; apt-get install -y chromium)`,
      ignore: true,
    };
  }
  return { name: datasetTestName(what), ignore: !hasDataset };
}

/** Where the browser tests write their screenshots (not committed). */
export const SCREENSHOTS = "test-output/screenshots";

/** Headless Chromium without background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
