import assert from "node:assert/strict";
import { ConfigError, parseConfig } from "./mod.ts";

Deno.test("defaults give a local SQLite setup", () => {
  const config = parseConfig({});
  assert.equal(config.store, "sqlite");
  assert.equal(config.PORT, 8000);
  assert.equal(config.dataDir, "./.data");
  assert.equal(config.objectDir, "./.data/objects");
  assert.equal(config.MOVIELENS_VARIANT, "ml-latest-small");
  assert.equal(config.supabaseAuth, false);
});

Deno.test("MONGODB_URI selects MongoDB unless STORE says otherwise", () => {
  assert.equal(parseConfig({ MONGODB_URI: "mongodb://x" }).store, "mongodb");
  assert.equal(
    parseConfig({ MONGODB_URI: "mongodb://x", STORE: "sqlite" }).store,
    "sqlite",
  );
});

Deno.test("every bad variable is named in one error, secrets not echoed", () => {
  let message = "";
  try {
    parseConfig({
      PORT: "eighty",
      EMBEDDER: "word2vec",
      STORE: "mongodb",
      UPSTASH_REDIS_REST_URL: "not a url",
      UPSTASH_REDIS_REST_TOKEN: "s3cret-token",
    });
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    message = error.message;
  }
  assert.match(message, /PORT: .*\(got "eighty"\)/);
  assert.match(message, /EMBEDDER: .*\(got "word2vec"\)/);
  assert.match(message, /UPSTASH_REDIS_REST_URL/);
  // cross-field rules are reported alongside single-field ones
  assert.match(message, /MONGODB_URI: is required when STORE=mongodb/);
  assert.doesNotMatch(message, /s3cret-token/);
});

Deno.test("cross-field rules: Upstash URL and token together", () => {
  assert.throws(
    () => parseConfig({ UPSTASH_REDIS_REST_URL: "https://u.upstash.io" }),
    /must be set together/,
  );
});

Deno.test("an empty variable counts as unset", () => {
  assert.equal(parseConfig({ PORT: "" }).PORT, 8000);
});

Deno.test("CORS_ORIGINS is split into a list", () => {
  assert.deepEqual(
    parseConfig({ CORS_ORIGINS: "https://a.example, https://b.example" })
      .corsOrigins,
    ["https://a.example", "https://b.example"],
  );
});

Deno.test("request lines: one ordinary request in ten by default, a share from 0 to 1", () => {
  const defaults = parseConfig({});
  assert.equal(defaults.REQUEST_LOG_SAMPLE, 0.1);
  assert.equal(defaults.SLOW_REQUEST_MS, 500);
  assert.equal(parseConfig({ REQUEST_LOG_SAMPLE: "1" }).REQUEST_LOG_SAMPLE, 1);
  assert.throws(
    () => parseConfig({ REQUEST_LOG_SAMPLE: "10" }),
    /REQUEST_LOG_SAMPLE: .*\(got "10"\)/,
  );
});

Deno.test("API_ISOLATES: 1 by default, a count, or auto for the CPUs this process may use", () => {
  assert.equal(parseConfig({}).apiIsolates, 1);
  assert.equal(parseConfig({ API_ISOLATES: "3" }).apiIsolates, 3);
  assert.equal(
    parseConfig({ API_ISOLATES: "auto" }).apiIsolates,
    navigator.hardwareConcurrency,
  );
  for (const bad of ["0", "65", "two", "1.5"]) {
    assert.throws(
      () => parseConfig({ API_ISOLATES: bad }),
      (error) =>
        error instanceof ConfigError && /API_ISOLATES/.test(error.message),
      bad,
    );
  }
});
