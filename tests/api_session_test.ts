/**
 * Local sessions through the API, as a client uses them: refresh tokens
 * rotate on use, a session outlives its access token, a reused refresh
 * token ends the session, and logging out ends it (its refresh and access
 * tokens stop working at once). Needs no dataset: an empty SQLite store.
 */
import assert from "node:assert/strict";
import { decodeJwt } from "jose";
import { LocalAuth, TOKEN_LIFETIME_SECONDS } from "../api/auth/local.ts";
import { bearer, emptyStore, postJson, testApp } from "./api_fixture.ts";

const SECRET = "local-session-test-secret-of-enough-length";
const PROTECTED = "/api/users/me/interactions";

interface Session {
  accessToken: string;
  expiresAt: number;
  refreshToken: string;
  user: { id: string; email: string };
}

Deno.test("sessions: refresh rotates, outlives the access token, reuse and logout end it", async (t) => {
  const empty = await emptyStore("api_session_");
  const store = empty.store;
  // The clock tokens are issued by; jose checks `exp` against the real one.
  let clock = Date.now();
  const localAuth = new LocalAuth(store.meta, {
    secret: SECRET,
    iterations: 1000,
    now: () => clock,
  });
  const app = testApp(store, { LOCAL_AUTH_SECRET: SECRET }, { localAuth });
  const refresh = async (refreshToken: string) =>
    await app.request("/api/auth/refresh", postJson({ refreshToken }));
  const status = async (token: string) =>
    (await app.request(PROTECTED, { headers: bearer(token) })).status;
  const login = async (): Promise<Session> =>
    await (await app.request(
      "/api/auth/login",
      postJson({ email: "ada@example.com", password: "correct horse battery" }),
    )).json();
  try {
    let session: Session;
    await t.step(
      "log-in returns a refresh token and a session id",
      async () => {
        const account = {
          email: "ada@example.com",
          password: "correct horse battery",
        };
        const signup = await app.request("/api/auth/signup", postJson(account));
        assert.equal(signup.status, 202);
        // Issued 20 minutes ago, so that its access token has expired now.
        clock = Date.now() - 20 * 60_000;
        const res = await app.request("/api/auth/login", postJson(account));
        assert.equal(res.status, 200);
        session = await res.json();
        assert.match(session.refreshToken, /^[0-9a-f-]{36}\.0\.[\w-]{43}$/);
        const claims = decodeJwt(session.accessToken);
        assert.equal(typeof claims.session_id, "string");
        assert.equal(claims.exp! - claims.iat!, TOKEN_LIFETIME_SECONDS);
        assert.equal(session.refreshToken.split(".")[0], claims.session_id);
      },
    );

    let next: Session;
    await t.step("the session outlives its access token", async () => {
      assert.equal(await status(session.accessToken), 401);
      clock = Date.now();
      const res = await refresh(session.refreshToken);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("cache-control"), "no-store");
      next = await res.json();
      assert.equal(next.user.email, "ada@example.com");
      assert.equal(next.user.id, session.user.id);
      assert.notEqual(next.refreshToken, session.refreshToken);
      assert.equal(await status(next.accessToken), 200);
    });

    await t.step(
      "a client racing itself within 10 s gets the same next token",
      async () => {
        clock += 5_000;
        const again = await refresh(session.refreshToken);
        assert.equal(again.status, 200);
        assert.equal((await again.json()).refreshToken, next.refreshToken);
      },
    );

    await t.step(
      "a refresh token used again later ends the session",
      async () => {
        // The rightful client rotates once more; then the stolen old token shows up.
        const res = await refresh(next.refreshToken);
        const latest: Session = await res.json();
        assert.equal(await status(latest.accessToken), 200);
        clock += 11_000;
        const stolen = await refresh(next.refreshToken);
        assert.equal(stolen.status, 401);
        assert.match((await stolen.json()).detail, /already used/);
        // Whoever holds the session now must log in again.
        assert.equal((await refresh(latest.refreshToken)).status, 401);
        assert.equal(await status(latest.accessToken), 401);
      },
    );

    await t.step(
      "log out ends the session and its tokens at once",
      async () => {
        const fresh = await login();
        // Verified (and remembered) before the log out.
        assert.equal(await status(fresh.accessToken), 200);
        const out = await app.request("/api/auth/logout", {
          method: "POST",
          headers: bearer(fresh.accessToken),
        });
        assert.equal(out.status, 204);
        assert.equal(await status(fresh.accessToken), 401);
        const after = await refresh(fresh.refreshToken);
        assert.equal(after.status, 401);
        assert.match((await after.json()).detail, /session has ended/);
        // Logging out needs a live access token.
        const twice = await app.request("/api/auth/logout", {
          method: "POST",
          headers: bearer(fresh.accessToken),
        });
        assert.equal(twice.status, 401);
        await twice.body?.cancel();
      },
    );

    await t.step("other sessions of the same user stay", async () => {
      const phone = await login();
      const laptop = await login();
      await app.request("/api/auth/logout", {
        method: "POST",
        headers: bearer(phone.accessToken),
      });
      assert.equal(await status(laptop.accessToken), 200);
      assert.equal((await refresh(laptop.refreshToken)).status, 200);
    });

    await t.step("a session unused for 30 days ends", async () => {
      const idle = await login();
      clock += 31 * 86_400_000;
      assert.equal((await refresh(idle.refreshToken)).status, 401);
      clock = Date.now();
    });

    await t.step(
      "forged and malformed refresh tokens are refused",
      async () => {
        const { refreshToken } = await login();
        const [id, , mac] = refreshToken.split(".");
        for (
          const forged of [
            "x",
            `${id}.1.${mac}`, // a later generation under the old MAC
            `${id}.0.${mac.slice(0, -2)}AA`,
            `${crypto.randomUUID()}.0.${mac}`,
            `${id}.-1.${mac}`,
            `${id}.0x0.${mac}`,
          ]
        ) {
          const res = await refresh(forged);
          assert.equal(res.status, 401, forged);
          const problem = await res.json();
          assert.equal(problem.detail, "The refresh token is not valid");
          assert.doesNotMatch(JSON.stringify(problem), new RegExp(mac));
        }
        for (
          const body of [{}, { refreshToken: "" }, { refreshToken: 5 }, {
            refreshToken,
            extra: 1,
          }]
        ) {
          const res = await app.request("/api/auth/refresh", postJson(body));
          assert.equal(res.status, 400, JSON.stringify(body));
          await res.body?.cancel();
        }
        // The genuine token still works after all that.
        assert.equal((await refresh(refreshToken)).status, 200);
      },
    );
  } finally {
    await empty.close();
  }
});

Deno.test("sessions: refresh and logout are Supabase's job when it is configured", async () => {
  const empty = await emptyStore("api_session_");
  const store = empty.store;
  try {
    const app = testApp(store, {
      SUPABASE_URL: "https://project.supabase.co",
      SUPABASE_ANON_KEY: "anon",
      SUPABASE_JWT_SECRET: "supabase-test-jwt-secret-with-at-least-32-chars",
    });
    const res = await app.request(
      "/api/auth/refresh",
      postJson({ refreshToken: "anything" }),
    );
    assert.equal(res.status, 403);
    await res.body?.cancel();
  } finally {
    await empty.close();
  }
});
