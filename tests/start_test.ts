/** The first-start fallbacks of `deno task start` (pipeline/first_start.ts). */
import assert from "node:assert/strict";
import { fallbackAfter } from "../pipeline/first_start.ts";
import { parseConfig } from "../config/mod.ts";
import { DownloadError } from "../pipeline/download.ts";
import { ModelNotFoundError } from "../pipeline/embedders/minilm.ts";
import { silentProgress } from "../pipeline/progress.ts";
import { hasDataset } from "./api_fixture.ts";

Deno.test("a missing MiniLM model falls back to TF-IDF, once", async () => {
  const config = parseConfig({});
  const error = new ModelNotFoundError("m", "/nowhere", ["config.json"]);
  const next = await fallbackAfter(error, { config, progress: silentProgress });
  assert.equal(next?.EMBEDDER, "tfidf");
  assert.equal(
    await fallbackAfter(error, { config: next!, progress: silentProgress }),
    null,
  );
});

Deno.test({
  name: hasDataset
    ? "an unreachable GroupLens falls back to a local copy, unless one was named"
    : "local dataset fallback (skipped: ../shared/data/ml-latest-small is absent)",
  ignore: !hasDataset,
  async fn() {
    const error = new DownloadError("Cannot download …");
    const next = await fallbackAfter(error, {
      config: parseConfig({}),
      progress: silentProgress,
    });
    assert.equal(next?.MOVIELENS_DIR, "../shared/data/ml-latest-small");
    const named = parseConfig({ MOVIELENS_ZIP: "/tmp/x.zip" });
    assert.equal(
      await fallbackAfter(error, { config: named, progress: silentProgress }),
      null,
    );
    const other = parseConfig({ MOVIELENS_VARIANT: "ml-nonexistent" });
    assert.equal(
      await fallbackAfter(error, { config: other, progress: silentProgress }),
      null,
    );
  },
});

Deno.test("other failures are not papered over", async () => {
  const next = await fallbackAfter(new Error("ratings.csv line 3: bad"), {
    config: parseConfig({}),
    progress: silentProgress,
  });
  assert.equal(next, null);
});
