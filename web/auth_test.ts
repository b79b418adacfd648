import assert from "node:assert/strict";
import { AuthError, supabaseAuth } from "./auth.ts";

/** A stand-in for Supabase's REST endpoint (no Supabase runs here). */
function supabaseStub(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return Promise.resolve(Response.json(body, { status }));
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
