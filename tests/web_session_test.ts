/**
 * Staying signed in through the web, with the real API's local auth: the
 * refresh cookie renews an expired access token, parallel requests racing
 * with one refresh token all succeed, and logging out ends the session on
 * the server, so that neither cookie works again.
 */
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import {
  datasetTestName,
  hasDataset,
  nextCookies,
  webFixture,
} from "./web_fixture.ts";
import { REFRESH_COOKIE, SESSION_COOKIE } from "../web/session.ts";

/** The value of one cookie in a `Cookie` header. */
function cookieValue(cookies: string, name: string): string | undefined {
  return cookies.split(/;\s*/).find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);
}

Deno.test({
  name: datasetTestName("web sessions: refresh, rotation, log out"),
  ignore: !hasDataset,
  async fn(t) {
    const web = await webFixture();
    try {
      let cookies = "";
      await t.step("sign up sets an access and a refresh cookie", async () => {
        const res = await web.signupResponse("stay@example.com");
        assert.equal(res.status, 303);
        const set = res.headers.getSetCookie();
        const refresh = set.find((c) => c.startsWith(`${REFRESH_COOKIE}=`));
        assert.ok(refresh, "a refresh cookie");
        assert.match(refresh, /Max-Age=2592000/);
        assert.match(refresh, /HttpOnly/);
        assert.match(refresh, /SameSite=Lax/);
        assert.match(refresh, /Path=\//);
        cookies = nextCookies(res);
        assert.ok(cookieValue(cookies, SESSION_COOKIE));
      });

      await t.step("a session outlives its access token", async () => {
        // The browser dropped the access cookie when it expired.
        const refreshOnly = `${REFRESH_COOKIE}=${
          cookieValue(cookies, REFRESH_COOKIE)
        }`;
        const res = await web.request("/for-you", { cookie: refreshOnly });
        assert.equal(res.status, 200);
        assert.match(await res.text(), /stay@example.com/);
        const renewed = nextCookies(res, refreshOnly);
        assert.ok(cookieValue(renewed, SESSION_COOKIE), "a new access token");
        assert.notEqual(
          cookieValue(renewed, REFRESH_COOKIE),
          cookieValue(cookies, REFRESH_COOKIE),
          "the refresh token rotated",
        );
        cookies = renewed;
      });

      await t.step(
        "an expired access token is renewed before use",
        async () => {
          // Only the expiry matters here: the web renews before asking the API.
          const expired = await new SignJWT({ email: "stay@example.com" })
            .setProtectedHeader({ alg: "HS256" })
            .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
            .sign(new TextEncoder().encode("x".repeat(32)));
          const stale = `${SESSION_COOKIE}=${expired}; ${REFRESH_COOKIE}=${
            cookieValue(cookies, REFRESH_COOKIE)
          }`;
          const res = await web.request("/my-ratings", { cookie: stale });
          assert.equal(res.status, 200);
          cookies = nextCookies(res, stale);
          assert.notEqual(cookieValue(cookies, SESSION_COOKIE), expired);
        },
      );

      await t.step(
        "parallel requests racing with one refresh token all stay signed in",
        async () => {
          const refreshOnly = `${REFRESH_COOKIE}=${
            cookieValue(cookies, REFRESH_COOKIE)
          }`;
          const responses = await Promise.all(
            ["/for-you", "/my-ratings", "/"].map((path) =>
              web.request(path, { cookie: refreshOnly })
            ),
          );
          const rotated = new Set<string | undefined>();
          for (const res of responses) {
            assert.equal(res.status, 200);
            assert.match(await res.text(), /stay@example.com/);
            rotated.add(
              cookieValue(nextCookies(res, refreshOnly), REFRESH_COOKIE),
            );
          }
          assert.equal(rotated.size, 1, "they all got the same next token");
          cookies = nextCookies(responses[0], refreshOnly);
          // Keep a live access token for the log out below.
          const page = await web.request("/my-ratings", { cookie: cookies });
          cookies = nextCookies(page, cookies);
          await page.body?.cancel();
        },
      );

      await t.step("log out ends the session on the server", async () => {
        const before = cookies;
        const res = await web.post("/logout", {}, cookies);
        assert.equal(res.status, 303);
        const cleared = res.headers.getSetCookie();
        assert.ok(
          cleared.some((c) => /^ml_session=;.*Max-Age=0/.test(c)),
          cleared.join(" | "),
        );
        assert.ok(cleared.some((c) => /^ml_refresh=;.*Max-Age=0/.test(c)));
        // Someone who copied the cookies before the log out gets nothing.
        const stolenRefresh = `${REFRESH_COOKIE}=${
          cookieValue(before, REFRESH_COOKIE)
        }`;
        const refused = await web.request("/for-you", {
          cookie: stolenRefresh,
        });
        assert.equal(refused.status, 303);
        assert.equal(refused.headers.get("location"), "/login?next=/for-you");
        assert.ok(
          refused.headers.getSetCookie().some((c) =>
            c.startsWith(`${REFRESH_COOKIE}=;`)
          ),
          "the dead refresh cookie is cleared",
        );
        const stolenAccess = `${SESSION_COOKIE}=${
          cookieValue(before, SESSION_COOKIE)
        }`;
        const ended = await web.request("/my-ratings", {
          cookie: stolenAccess,
        });
        assert.equal(ended.status, 303);
        assert.equal(
          ended.headers.get("location"),
          "/login?next=%2Fmy-ratings",
        );
      });
      assert.deepEqual(web.errors, []);
    } finally {
      await web.close();
    }
  },
});
