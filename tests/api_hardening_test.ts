/**
 * Smaller hardening of the API, from the outside: the in-memory cache is
 * bounded by bytes (and says so in /metrics) as a real API process serves
 * thousands of distinct lists; the local signing secret is long enough and
 * never kept in the database; /docs loads a pinned Swagger UI with
 * Subresource Integrity.
 */
import assert from "node:assert/strict";
import { openSqliteStore } from "../store/mod.ts";
import {
  BASE_ENV,
  hasDataset,
  loadedDataDir,
  postJson,
  testApp,
} from "./api_fixture.ts";
import { startServerProcess } from "./server_process.ts";
import { datasetTestName } from "./web_fixture.ts";

const MB = 1024 * 1024;

Deno.test({
  name: datasetTestName(
    "API process: 5,000 distinct 100-movie pages keep the memory cache within CACHE_MAX_BYTES",
  ),
  ignore: !hasDataset,
  async fn() {
    const dataDir = await loadedDataDir();
    const api = await startServerProcess({
      entry: "api/main.ts",
      dataDir,
      env: { READ_RATE_LIMIT_PER_MINUTE: "1000000", LOG_LEVEL: "error" },
      // as the image runs it (Dockerfile CMD),
      // and with a heap cap that an unbounded cache would exceed, so that
      // garbage not yet collected cannot pass for a leak.
      denoFlags: [
        "--v8-flags=--max-semi-space-size=4,--max-old-space-size=192",
      ],
    });
    try {
      const warm = await fetch(`${api.url}/api/movies?pageSize=100`);
      await warm.body?.cancel();
      const before = await api.rss();
      let next = 0;
      const worker = async () => {
        while (next < 5000) {
          const page = ++next;
          const res = await fetch(
            `${api.url}/api/movies?pageSize=100&page=${1 + page % 97}&sort=${
              ["popular", "rating", "title", "year"][page % 4]
            }&yearFrom=${1900 + Math.floor(page / 388)}`,
          );
          assert.equal(res.status, 200);
          await res.body?.cancel();
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      const after = await api.rss();
      const metrics = await (await fetch(`${api.url}/metrics`)).json();
      console.log(
        `  RSS ${(before / MB).toFixed(0)} → ${
          (after / MB).toFixed(0)
        } MB; cache ${metrics.cache.entries} entries, ${
          (metrics.cache.bytes / MB).toFixed(1)
        } of ${(metrics.cache.maxBytes / MB).toFixed(0)} MiB`,
      );
      assert.equal(metrics.cache.maxBytes, 64 * MB);
      assert.ok(metrics.cache.bytes <= metrics.cache.maxBytes);
      assert.ok(metrics.cache.bytes > 32 * MB, "the cache was filled");
      assert.ok(metrics.cache.entries < 5000, "entries were evicted for bytes");
      assert.ok(
        after - before < 160 * MB,
        `RSS grew by ${((after - before) / MB).toFixed(0)} MB`,
      );
    } finally {
      await api.stop();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test("LOCAL_AUTH_SECRET shorter than 32 characters stops the API at start", async () => {
  const dir = await Deno.makeTempDir({ prefix: "short_secret_" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../api/main.ts", import.meta.url).pathname],
      env: { ...BASE_ENV, DATA_DIR: dir, LOCAL_AUTH_SECRET: "x" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stderr);
    assert.notEqual(out.code, 0);
    assert.match(text, /LOCAL_AUTH_SECRET: must be at least 32 characters/);
    assert.doesNotMatch(text, /got "x"/, "the secret is not echoed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a generated local secret lives in an owner-only file, not in the store", async () => {
  const dir = await Deno.makeTempDir({ prefix: "local_secret_" });
  const env = { ...BASE_ENV, DATA_DIR: dir, LOCAL_AUTH_SECRET: "" };
  const run = async () => {
    const api = await startServerProcess({
      entry: "api/main.ts",
      dataDir: dir,
      env,
    });
    return api;
  };
  try {
    // An older version kept it in the meta table: it moves to the file.
    const legacy = "legacy-secret-0123456789abcdef0123456789abcdef";
    const seeded = await openSqliteStore(`${dir}/movielens.db`);
    await seeded.meta.set("auth:local-secret", legacy);
    await seeded.close();

    let api = await run();
    const credentials = {
      email: "keeper@example.com",
      password: "correct horse battery",
    };
    assert.equal(
      (await fetch(`${api.url}/api/auth/signup`, postJson(credentials))).status,
      202,
    );
    const session =
      await (await fetch(`${api.url}/api/auth/login`, postJson(credentials)))
        .json();
    await api.stop();

    const file = `${dir}/local-auth.key`;
    assert.equal(await Deno.readTextFile(file), legacy);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    const store = await openSqliteStore(`${dir}/movielens.db`);
    try {
      assert.equal(await store.meta.get("auth:local-secret"), "");
    } finally {
      await store.close();
    }
    const db = await Deno.readFile(`${dir}/movielens.db`);
    assert.ok(
      !new TextDecoder().decode(db).includes(legacy),
      "the secret's text is nowhere in the database file",
    );

    // Tokens survive a restart.
    api = await run();
    const me = await fetch(`${api.url}/api/users/me/interactions`, {
      headers: { Authorization: `Bearer ${session.accessToken}` },
    });
    assert.equal(me.status, 200);
    await me.body?.cancel();
    await api.stop();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("/docs loads one pinned Swagger UI release, each file with Subresource Integrity", async () => {
  const dir = await Deno.makeTempDir({ prefix: "docs_" });
  const store = await openSqliteStore(`${dir}/movielens.db`);
  try {
    const app = testApp(store, { DATA_DIR: dir });
    const html = await (await app.request("/docs")).text();
    const external = [
      ...html.matchAll(
        /<(script|link)\b([^>]*?)(?:src|href)="(https?:[^"]+)"([^>]*)>/g,
      ),
    ];
    assert.ok(external.length >= 2, "a script and a stylesheet");
    for (const [tag, , , url] of external) {
      assert.match(url, /@\d+\.\d+\.\d+\//, `${url}: a pinned version`);
      assert.match(tag, /integrity="sha384-[A-Za-z0-9+/]{64}"/, `${url}: SRI`);
      assert.match(tag, /crossorigin="anonymous"/);
    }
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
