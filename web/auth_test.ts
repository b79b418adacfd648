import assert from "node:assert/strict";
import { AuthError, supabaseAuth } from "./auth.ts";

/** A stand-in for Supabase's REST endpoint (no Supabase runs here). */
function supabaseStub(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return Promise.resolve(
      status === 204
        ? new Response(null, { status })
        : Response.json(body, { status }),
    );
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

/** `supabaseAuth` (anon key "anon") over a stub answering `status`, `body`. */
function stubbedAuth(
  status: number,
  body: unknown,
  options: { url?: string; now?: () => number } = {},
) {
  const stub = supabaseStub(status, body);
  const auth = supabaseAuth({
    url: options.url ?? "https://x.supabase.co",
    anonKey: "anon",
    fetch: stub.fetch,
    now: options.now,
  });
  return { calls: stub.calls, auth };
}

Deno.test("Supabase log in calls the password grant with the anon key", async () => {
  const { calls, auth } = stubbedAuth(200, {
    access_token: "token-1",
    expires_at: 2_000_000_000,
    user: { email: "ada@example.com" },
  }, { url: "https://x.supabase.co/" });
  const session = await auth.login("ada@example.com", "correct horse");
  assert.deepEqual(session, {
    accessToken: "token-1",
    expiresAt: 2_000_000_000,
    email: "ada@example.com",
    refreshToken: null,
  });
  assert.equal(
    calls[0].url,
    "https://x.supabase.co/auth/v1/token?grant_type=password",
  );
  assert.equal(new Headers(calls[0].init.headers).get("apikey"), "anon");
});

Deno.test("Supabase sign up without a session asks to confirm the email", async () => {
  const { auth } = stubbedAuth(200, {
    id: "u1",
    email: "ada@example.com",
  });
  assert.deepEqual(await auth.signup("ada@example.com", "correct horse"), {
    kind: "confirm-email",
  });
});

Deno.test("Supabase refusals become AuthError with its message", async () => {
  const { auth } = stubbedAuth(400, {
    error: "invalid_grant",
    error_description: "Invalid login credentials",
  });
  await assert.rejects(
    auth.login("ada@example.com", "wrong password"),
    (e) =>
      e instanceof AuthError && e.status === 401 &&
      e.message === "Invalid login credentials",
  );
});

Deno.test("Supabase refresh uses the refresh_token grant and keeps the new token", async () => {
  const { calls, auth } = stubbedAuth(200, {
    access_token: "token-2",
    refresh_token: "refresh-2",
    expires_in: 3600,
    user: { email: "ada@example.com" },
  }, { now: () => 1_000_000_000_000 });
  const session = await auth.refresh("refresh-1");
  assert.deepEqual(session, {
    accessToken: "token-2",
    expiresAt: 1_000_003_600,
    email: "ada@example.com",
    refreshToken: "refresh-2",
  });
  assert.equal(
    calls[0].url,
    "https://x.supabase.co/auth/v1/token?grant_type=refresh_token",
  );
  assert.deepEqual(JSON.parse(String(calls[0].init.body)), {
    refresh_token: "refresh-1",
  });
  const refused = stubbedAuth(400, {
    error: "invalid_grant",
    error_description: "Invalid Refresh Token: Already Used",
  }).auth;
  await assert.rejects(
    refused.refresh("refresh-1"),
    (e) => e instanceof AuthError && e.status === 401,
  );
});

Deno.test("Supabase log out ends this session only, with the user's token", async () => {
  const { calls, auth } = stubbedAuth(204, null);
  await auth.logout({
    accessToken: "token-1",
    expiresAt: 0,
    email: "ada@example.com",
    refreshToken: "refresh-1",
  });
  assert.equal(
    calls[0].url,
    "https://x.supabase.co/auth/v1/logout?scope=local",
  );
  const headers = new Headers(calls[0].init.headers);
  assert.equal(headers.get("authorization"), "Bearer token-1");
  assert.equal(headers.get("apikey"), "anon");
  // A session Supabase already ended is no error.
  const gone = stubbedAuth(401, { msg: "invalid JWT" }).auth;
  await gone.logout({
    accessToken: "old",
    expiresAt: 0,
    email: "",
    refreshToken: null,
  });
});
