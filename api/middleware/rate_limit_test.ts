import assert from "node:assert/strict";
import { MemoryRateLimiter, type RateLimitPolicy } from "./rate_limit.ts";

const policy: RateLimitPolicy = {
  name: "writes",
  limit: 3,
  windowSeconds: 60,
  what: "writes",
};

Deno.test("the memory limiter is a sliding window per key and policy", async () => {
  let now = 1_000_000;
  const limiter = new MemoryRateLimiter({ now: () => now });
  for (let i = 0; i < 3; i++) {
    assert.equal((await limiter.check("a", policy)).allowed, true);
    now += 10_000;
  }
  const refused = await limiter.check("a", policy);
  assert.equal(refused.allowed, false);
  assert.equal(refused.resetAt, 1_000_000 + 60_000);
  assert.equal((await limiter.peek("a", policy)).remaining, 0);
  assert.equal((await limiter.check("b", policy)).allowed, true, "other key");
  const other = { ...policy, name: "reads" };
  assert.equal((await limiter.check("a", other)).allowed, true, "other policy");
  now = 1_000_000 + 60_001; // the first event left the window
  assert.equal((await limiter.check("a", policy)).allowed, true);
});

Deno.test("sync keeps the budget a shared limiter reported", async () => {
  const limiter = new MemoryRateLimiter();
  limiter.sync("a", policy, 2);
  assert.equal((await limiter.peek("a", policy)).remaining, 1);
  limiter.sync("a", policy, 1); // never lowers what was counted
  assert.equal((await limiter.check("a", policy)).allowed, true);
  assert.equal((await limiter.check("a", policy)).allowed, false);
});

Deno.test("a flood of keys keeps at most maxKeys in memory", async () => {
  const limiter = new MemoryRateLimiter({ maxKeys: 100 });
  for (let i = 0; i < 1000; i++) await limiter.check(`client-${i}`, policy);
  // the oldest keys were dropped: their budgets start over
  assert.equal((await limiter.peek("client-0", policy)).remaining, 3);
  assert.equal((await limiter.peek("client-999", policy)).remaining, 2);
});
