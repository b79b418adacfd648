import assert from "node:assert/strict";
import { openSqliteStore } from "../../store/mod.ts";
import { limitPolicies } from "../limits.ts";
import { MemoryRateLimiter } from "../middleware/rate_limit.ts";
import { ProblemError } from "../problem.ts";
import { LoginGuard } from "./login_guard.ts";

const policies = limitPolicies({
  RATE_LIMIT_PER_MINUTE: 60,
  AUTH_RATE_LIMIT_PER_MINUTE: 10,
  READ_RATE_LIMIT_PER_MINUTE: 120,
}).loginFailures;

/** Seconds until an unknown client may try again (0: now). */
async function waitFor(guard: LoginGuard, client: string): Promise<number> {
  try {
    await guard.admit("Victim@Example.com", client);
    return 0;
  } catch (error) {
    if (!(error instanceof ProblemError) || error.status !== 429) throw error;
    return Number(error.headers["Retry-After"]);
  }
}

Deno.test("failed log-ins back an account off for a minute, an hour, then a day; its known clients are let through", async () => {
  const dir = await Deno.makeTempDir({ prefix: "login_guard_" });
  const store = await openSqliteStore(`${dir}/db.sqlite`);
  let now = Date.UTC(2026, 0, 1);
  const guard = new LoginGuard({
    limiter: new MemoryRateLimiter({ now: () => now }),
    meta: store.meta,
    policies,
    now: () => now,
  });
  const fail = async (times: number) => {
    for (let i = 0; i < times; i++) await guard.failed("victim@example.com");
  };
  try {
    await guard.succeeded("victim@example.com", "198.51.100.10");
    await fail(4);
    assert.equal(await waitFor(guard, "192.0.2.1"), 0, "4 failures: no wait");
    await fail(1);
    const minute = await waitFor(guard, "192.0.2.1");
    assert.ok(minute > 0 && minute <= 60, `5 failures: ${minute} s`);
    assert.equal(await waitFor(guard, "198.51.100.10"), 0, "known client");

    // 20 failures within the hour: unknown clients wait for the hour
    for (let round = 0; round < 3; round++) {
      now += 61_000;
      await fail(5);
    }
    const hour = await waitFor(guard, "192.0.2.1");
    assert.ok(hour > 60 && hour <= 3600, `20 failures: ${hour} s`);
    now += 3600_000;
    assert.equal(await waitFor(guard, "192.0.2.1"), 0, "the hour passed");

    // 100 failures within a day: a day's wait
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 4; i++) {
        now += 61_000;
        await fail(5);
      }
      now += 3600_000;
    }
    const day = await waitFor(guard, "192.0.2.1");
    assert.ok(day > 3600 && day <= 86400, `100 failures: ${day} s`);
    assert.equal(await waitFor(guard, "198.51.100.10"), 0, "known client");
    // Clients are kept hashed, never as addresses.
    const stored = await store.meta.get("login-known:victim@example.com");
    assert.ok(stored && !stored.includes("198.51.100.10"));
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
