/**
 * The serving artifact path: the API started from the one object the
 * pipeline wrote serves the same item and user recommendations as the API
 * started from the store's rows, and a corrupt or mismatched artifact
 * falls back to the store with a logged warning instead of crashing.
 */
import assert from "node:assert/strict";
import { prepareDeps } from "../api/deps.ts";
import { silentLogger } from "../api/logger.ts";
import { buildServing, type Serving } from "../serving/mod.ts";
import { parseConfig } from "../config/mod.ts";
import { FolderObjectStorage } from "../store/mod.ts";
import {
  decodeServingArtifact,
  encodeServingArtifact,
  servingArtifactKey,
} from "../store/serving_artifact.ts";
import {
  BASE_ENV,
  bearer,
  collectingLogger,
  loadedStore,
  localToken,
  needsDataset,
  testApp,
} from "./api_fixture.ts";

/** `app.request`. */
type Fetcher = (
  path: string,
  init?: RequestInit,
) => Response | Promise<Response>;

/** An app request's JSON, asserting a 200. */
async function getJson(
  request: Fetcher,
  path: string,
  init?: RequestInit,
): Promise<Record<string, unknown>> {
  const res = await request(path, init);
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return await res.json();
}

interface Item {
  movie: { id: number };
  score: number;
  explanation?: unknown;
}

/**
 * Same movies in the same order and the same explanations; scores equal up
 * to float32 rounding (the artifact packs neighbour scores as float32, the
 * SQLite store as float64).
 */
function assertSameItems(found: Item[], expected: Item[], what: string): void {
  assert.deepEqual(
    found.map((i) => i.movie.id),
    expected.map((i) => i.movie.id),
    `${what}: same movies, same order`,
  );
  found.forEach((item, i) => {
    assert.ok(
      Math.abs(item.score - expected[i].score) < 1e-6,
      `${what}: score of movie ${item.movie.id} is ${item.score}, expected ${
        expected[i].score
      }`,
    );
    assert.deepEqual(item.explanation, expected[i].explanation, what);
  });
}

/** Log entries written as JSON lines. */
function entries(lines: string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line));
}

Deno.test({
  ...needsDataset("the serving artifact serves what the store serves"),
  async fn(t) {
    const loaded = await loadedStore();
    const objects = new FolderObjectStorage(`${loaded.dir}/objects`);
    const { logger, lines } = collectingLogger();
    const fromArtifact = await buildServing(loaded.store, loaded.config, {
      objects,
      logger,
    });
    const fromStore = await buildServing(loaded.store, loaded.config, {
      logger: silentLogger,
    });
    const artifactApp = testApp(loaded.store, {}, { serving: fromArtifact });
    const storeApp = testApp(loaded.store, {}, { serving: fromStore });
    const token = (userId: number) => localToken(`ml:${userId}`);
    try {
      await t.step("the artifact is used and says so in the logs", () => {
        assert.equal(fromArtifact.embeddingSource, "artifact");
        assert.equal(fromStore.embeddingSource, "store");
        assert.equal(fromArtifact.embeddingModel, "tfidf");
        const loadedEntry = entries(lines).find((e) =>
          e.message === "Embeddings loaded"
        );
        assert.equal(loadedEntry?.source, "artifact");
        assert.equal(loadedEntry?.movies, 9742);
        assert.equal(loadedEntry?.neighbours, "artifact");
      });

      await t.step("item recommendations are the same", async () => {
        for (const id of [1, 318, 2571, 4993, 79132, 193609]) {
          for (const limit of [5, 20, 100]) {
            const path = `/api/recommendations/item/${id}?limit=${limit}`;
            const got = await getJson(artifactApp.request, path);
            const want = await getJson(storeApp.request, path);
            assert.deepEqual(got.movie, want.movie);
            const items = want.items as Item[];
            assert.equal(items.length, Math.min(limit, 50), path);
            assertSameItems(got.items as Item[], items, path);
          }
        }
      });

      await t.step("user recommendations are the same", async () => {
        for (const userId of [1, 77, 414, 599]) {
          for (const query of ["limit=20", "limit=50&genre=Comedy"]) {
            const path = `/api/recommendations/user/me?${query}`;
            const init = { headers: bearer(await token(userId)) };
            const got = await getJson(artifactApp.request, path, init);
            const want = await getJson(storeApp.request, path, init);
            assert.equal(got.strategy, "content");
            assert.equal(want.strategy, "content");
            assert.ok((want.items as Item[]).length > 0, path);
            assertSameItems(
              got.items as Item[],
              want.items as Item[],
              `user ${userId}, ${query}`,
            );
          }
        }
      });

      await t.step(
        "prepareDeps reads the artifact from DATA_DIR's objects",
        async () => {
          const collected = collectingLogger();
          const deps = await prepareDeps(
            parseConfig({ ...BASE_ENV, DATA_DIR: loaded.dir }),
            loaded.store,
            { logger: collected.logger },
          );
          const serving = await deps.serving as Serving;
          assert.equal(serving.embeddingSource, "artifact");
        },
      );
    } finally {
      await loaded.close();
    }
  },
});

Deno.test({
  ...needsDataset(
    "a corrupt or mismatched artifact falls back to the store",
  ),
  async fn(t) {
    const loaded = await loadedStore();
    const key = servingArtifactKey("tfidf");
    const good = await new FolderObjectStorage(`${loaded.dir}/objects`).read(
      key,
    );
    assert.ok(good, "the pipeline wrote the artifact");
    const reference = await buildServing(loaded.store, loaded.config);
    const referenceApp = testApp(loaded.store, {}, { serving: reference });
    const dir = await Deno.makeTempDir({ prefix: "api_artifact_" });
    const decoded = decodeServingArtifact(good.slice());
    const cases: { what: string; bytes: Uint8Array; message: RegExp }[] = [
      {
        what: "truncated download",
        bytes: good.slice(0, good.byteLength - 1000),
        message: /header says \d+ bytes, found \d+/,
      },
      {
        what: "not an artifact at all",
        bytes: new TextEncoder().encode(
          "<html><body>Access denied to this object</body></html>",
        ),
        message: /expected magic "MLSA"/,
      },
      {
        what: "an artifact of another embedder",
        bytes: encodeServingArtifact({
          ...decoded,
          meta: { ...decoded.meta, model: "minilm" },
        }),
        message: /does not match the embedding model serving uses/,
      },
    ];
    try {
      for (const { what, bytes, message } of cases) {
        await t.step(what, async () => {
          const objects = new FolderObjectStorage(
            `${dir}/${what.replaceAll(" ", "_")}`,
          );
          await objects.write(key, bytes);
          const { logger, lines } = collectingLogger();
          const serving = await buildServing(loaded.store, loaded.config, {
            objects,
            logger,
          });
          assert.equal(serving.embeddingSource, "store");
          const warning = entries(lines).find((e) => e.severity === "WARNING");
          assert.ok(warning, `a warning was logged: ${lines.join("\n")}`);
          assert.equal(warning.key, key);
          assert.match(
            `${warning.message} ${warning.error ?? ""}`,
            message,
          );
          const app = testApp(loaded.store, {}, { serving });
          const path = "/api/recommendations/item/1?limit=10";
          const got = await getJson(app.request, path);
          const want = await getJson(referenceApp.request, path);
          assert.deepEqual(got, want);
        });
      }

      await t.step("no artifact: the store, with an info line", async () => {
        const { logger, lines } = collectingLogger();
        const serving = await buildServing(loaded.store, loaded.config, {
          objects: new FolderObjectStorage(`${dir}/empty`),
          logger,
        });
        assert.equal(serving.embeddingSource, "store");
        const logged = entries(lines);
        assert.ok(!logged.some((e) => e.severity === "WARNING"));
        assert.ok(
          logged.some((e) =>
            /No serving artifact/.test(String(e.message)) && e.key === key
          ),
        );
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
      await loaded.close();
    }
  },
});
