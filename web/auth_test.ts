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

Deno.test("Supabase log in calls the password grant with the anon key", async () => {
  const stub = supabaseStub(200, {
    access_token: "token-1",
    expires_at: 2_000_000_000,
    user: { email: "ada@example.com" },
  });
  const auth = supabaseAuth({
    url: "https://x.supabase.co/",
    anonKey: "anon",
    fetch: stub.fetch,
  });
  const session = await auth.login("ada@example.com", "correct horse");
  assert.deepEqual(session, {
    accessToken: "token-1",
    expiresAt: 2_000_000_000,
    email: "ada@example.com",
    refreshToken: null,
  });
  assert.equal(
    stub.calls[0].url,
    "https://x.supabase.co/auth/v1/token?grant_type=password",
  );
  assert.equal(new Headers(stub.calls[0].init.headers).get("apikey"), "anon");
});

Deno.test("Supabase sign up without a session asks to confirm the email", async () => {
  const stub = supabaseStub(200, { id: "u1", email: "ada@example.com" });
  const auth = supabaseAuth({
    url: "https://x.supabase.co",
    anonKey: "anon",
    fetch: stub.fetch,
  });
  assert.deepEqual(await auth.signup("ada@example.com", "correct horse"), {
    kind: "confirm-email",
  });
});

Deno.test("Supabase refusals become AuthError with its message", async () => {
  const stub = supabaseStub(400, {
    error: "invalid_grant",
    error_description: "Invalid login credentials",
  });
  const auth = supabaseAuth({
    url: "https://x.supabase.co",
    anonKey: "anon",
    fetch: stub.fetch,
  });
  await assert.rejects(
    auth.login("ada@example.com", "wrong password"),
    (e) =>
      e instanceof AuthError && e.status === 401 &&
      e.message === "Invalid login credentials",
  );
});

Deno.test("Supabase refresh uses the refresh_token grant and keeps the new token", async () => {
  const stub = supabaseStub(200, {
    access_token: "token-2",
    refresh_token: "refresh-2",
    expires_in: 3600,
    user: { email: "ada@example.com" },
  });
  const auth = supabaseAuth({
    url: "https://x.supabase.co",
    anonKey: "anon",
    fetch: stub.fetch,
    now: () => 1_000_000_000_000,
  });
  const session = await auth.refresh("refresh-1");
  assert.deepEqual(session, {
    accessToken: "token-2",
    expiresAt: 1_000_003_600,
    email: "ada@example.com",
    refreshToken: "refresh-2",
  });
  assert.equal(
    stub.calls[0].url,
    "https://x.supabase.co/auth/v1/token?grant_type=refresh_token",
  );
  assert.deepEqual(JSON.parse(String(stub.calls[0].init.body)), {
    refresh_token: "refresh-1",
  });
  const refused = supabaseStub(400, {
    error: "invalid_grant",
    error_description: "Invalid Refresh Token: Already Used",
  });
  await assert.rejects(
    supabaseAuth({
      url: "https://x.supabase.co",
      anonKey: "anon",
      fetch: refused.fetch,
    })
      .refresh("refresh-1"),
    (e) => e instanceof AuthError && e.status === 401,
  );
});

Deno.test("Supabase log out ends this session only, with the user's token", async () => {
  const stub = supabaseStub(204, null);
  const auth = supabaseAuth({
    url: "https://x.supabase.co",
    anonKey: "anon",
    fetch: stub.fetch,
  });
  await auth.logout({
    accessToken: "token-1",
    expiresAt: 0,
    email: "ada@example.com",
    refreshToken: "refresh-1",
  });
  assert.equal(
    stub.calls[0].url,
    "https://x.supabase.co/auth/v1/logout?scope=local",
  );
  const headers = new Headers(stub.calls[0].init.headers);
  assert.equal(headers.get("authorization"), "Bearer token-1");
  assert.equal(headers.get("apikey"), "anon");
  // A session Supabase already ended is no error.
  const gone = supabaseStub(401, { msg: "invalid JWT" });
  await supabaseAuth({
    url: "https://x.supabase.co",
    anonKey: "anon",
    fetch: gone.fetch,
  })
    .logout({
      accessToken: "old",
      expiresAt: 0,
      email: "",
      refreshToken: null,
    });
});
