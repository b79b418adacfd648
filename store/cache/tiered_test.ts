import assert from "node:assert/strict";
import { LruCache, type SharedCacheLayer, TieredCache } from "./tiered.ts";

/** A shared layer held in a Map that can be switched to failing. */
function mapLayer() {
  const values = new Map<string, string>();
  let failing = false;
  let calls = 0;
  const guard = () => {
    calls++;
    if (failing) throw new Error("connection refused");
  };
  const layer: SharedCacheLayer = {
    get: (key) =>
      Promise.resolve().then(() => (guard(), values.get(key) ?? null)),
    set: (key, value) =>
      Promise.resolve().then(() => (guard(), void values.set(key, value))),
    delete: (keys) =>
      Promise.resolve().then(() => (guard(),
        keys.forEach((k) => values.delete(k)))
      ),
    ping: () => Promise.resolve().then(guard),
  };
  return {
    layer,
    values,
    calls: () => calls,
    fail: (on: boolean) => (failing = on),
  };
}

Deno.test("LruCache evicts the least recently used entry", () => {
  const lru = new LruCache<number>(2);
  lru.set("a", 1, 60_000);
  lru.set("b", 2, 60_000);
  assert.equal(lru.get("a"), 1); // a is now the most recent
  lru.set("c", 3, 60_000);
  assert.equal(lru.get("b"), undefined);
  assert.equal(lru.get("a"), 1);
  assert.equal(lru.get("c"), 3);
  assert.equal(lru.size, 2);
});

Deno.test("LruCache entries expire after their time to live", () => {
  let now = 1_000;
  const lru = new LruCache<string>(10, { now: () => now });
  lru.set("k", "v", 500);
  now = 1_499;
  assert.equal(lru.get("k"), "v");
  now = 1_500;
  assert.equal(lru.get("k"), undefined);
  assert.equal(lru.size, 0);
});

Deno.test("LruCache refuses a non-positive size", () => {
  assert.throws(() => new LruCache(0), /expected a positive integer, got 0/);
});

Deno.test("TieredCache counts hits per layer and copies shared hits to memory", async () => {
  const shared = mapLayer();
  const cache = new TieredCache({
    maxEntries: 10,
    ttlSeconds: 60,
    shared: shared.layer,
  });
  assert.equal(await cache.lookup("missing"), null);
  shared.values.set("k", JSON.stringify({ n: 1 }));
  assert.deepEqual(await cache.lookup("k"), {
    value: { n: 1 },
    layer: "redis",
  });
  assert.deepEqual(await cache.lookup("k"), {
    value: { n: 1 },
    layer: "memory",
  });
  const stats = cache.stats();
  assert.equal(stats.kind, "upstash");
  assert.deepEqual(stats.hitsByLayer, { memory: 1, redis: 1 });
  assert.equal(stats.misses, 1);
  assert.equal(stats.hitRatio, 2 / 3);
});

Deno.test("TieredCache values are copies: callers cannot change what is cached", async () => {
  const cache = new TieredCache({ maxEntries: 10, ttlSeconds: 60 });
  const value = { items: [1, 2] };
  await cache.set("k", value);
  value.items.push(3);
  const hit = await cache.lookup<{ items: number[] }>("k");
  hit!.value.items.push(4);
  assert.deepEqual((await cache.lookup("k"))?.value, { items: [1, 2] });
});

Deno.test("TieredCache keeps serving from memory while the shared layer fails, then retries", async () => {
  let now = 0;
  const warnings: string[] = [];
  const shared = mapLayer();
  const cache = new TieredCache({
    maxEntries: 10,
    ttlSeconds: 60,
    shared: shared.layer,
    cooldownMs: 1000,
    now: () => now,
    logger: { warning: (message) => warnings.push(message) },
  });
  shared.fail(true);
  await cache.set("k", "v"); // the shared write fails, memory keeps it
  assert.deepEqual(await cache.lookup("k"), { value: "v", layer: "memory" });
  assert.equal(await cache.lookup("other"), null);
  const callsWhileDown = shared.calls();
  assert.equal(
    callsWhileDown,
    1,
    "the failing layer is skipped during the cooldown",
  );
  assert.equal(cache.stats().sharedDown, true);
  assert.equal(cache.stats().sharedErrors, 1);
  assert.equal(await cache.ping(), false);

  shared.fail(false);
  now += 1001;
  await cache.set("k2", "v2");
  assert.equal(shared.values.get("k2"), '"v2"');
  assert.equal(cache.stats().sharedDown, false);
  assert.deepEqual(warnings, [
    "Shared cache call failed; serving without it",
    "Shared cache call failed; serving without it",
    "Shared cache is answering again",
  ]);
});

Deno.test("TieredCache delete removes from both layers", async () => {
  const shared = mapLayer();
  const cache = new TieredCache({
    maxEntries: 10,
    ttlSeconds: 60,
    shared: shared.layer,
  });
  await cache.set("a", 1);
  await cache.set("b", 2);
  await cache.delete(["a"]);
  assert.equal(await cache.lookup("a"), null);
  assert.deepEqual([...shared.values.keys()], ["b"]);
});
