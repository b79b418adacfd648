/**
 * Access-token attacks against the API, with Supabase's JWKS served by a
 * real local HTTP server. Needs no dataset: an empty SQLite store suffices
 * for the authenticated GET /api/users/me/interactions.
 */
import assert from "node:assert/strict";
import { base64url, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { LOCAL_ISSUER } from "../api/auth/local.ts";
import {
  bearer,
  collectingLogger,
  emptyStore,
  postJson,
  signToken,
  testApp,
} from "./api_fixture.ts";

const SECRET = "supabase-test-jwt-secret-with-at-least-32-chars";
const PROTECTED = "/api/users/me/interactions";

/** A JWKS endpoint on a free port that counts its fetches. */
async function serveJwks(keys: JWK[]) {
  let fetches = 0;
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: resolve },
    (req) => {
      if (new URL(req.url).pathname !== "/auth/v1/.well-known/jwks.json") {
        return new Response("not found", { status: 404 });
      }
      fetches++;
      return Response.json({ keys });
    },
  );
  const { port } = await promise;
  return {
    url: `http://127.0.0.1:${port}`,
    fetches: () => fetches,
    close: () => server.shutdown(),
  };
}

function unsignedToken(payload: Record<string, unknown>): string {
  const encode = (value: unknown) =>
    base64url.encode(new TextEncoder().encode(JSON.stringify(value)));
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(payload)}.`;
}

Deno.test("auth: Supabase tokens, HS256 and JWKS, refuse every attack", async (t) => {
  const empty = await emptyStore("api_auth_");
  const store = empty.store;
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  const stranger = await generateKeyPair("RS256", { extractable: true });
  const rsaJwk = {
    ...(await exportJWK(rsa.publicKey)),
    kid: "rsa-1",
    alg: "RS256",
    use: "sig",
  };
  const ecJwk = {
    ...(await exportJWK(ec.publicKey)),
    kid: "ec-1",
    alg: "ES256",
    use: "sig",
  };
  const jwks = await serveJwks([rsaJwk, ecJwk]);
  const issuer = `${jwks.url}/auth/v1`;
  const { logger, lines } = collectingLogger();
  const app = testApp(store, {
    SUPABASE_URL: jwks.url,
    SUPABASE_JWT_SECRET: SECRET,
    SUPABASE_JWT_ISSUER: issuer,
    LOG_LEVEL: "debug",
    REQUEST_LOG_SAMPLE: "1",
  }, { logger });

  const now = () => Math.floor(Date.now() / 1000);
  const asymmetric = (
    key: CryptoKey,
    header: { alg: string; kid?: string },
    claims: Record<string, unknown> = {},
  ) =>
    new SignJWT({ email: "rs@example.com", ...claims })
      .setProtectedHeader({ typ: "JWT", ...header })
      .setSubject("supabase-user")
      .setAudience("authenticated")
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime(now() + 3600)
      .sign(key);

  const expectRefused = async (
    headers: Record<string, string>,
    reason: RegExp,
  ) => {
    const res = await app.request(PROTECTED, { headers });
    assert.equal(
      res.status,
      401,
      `expected 401 for ${JSON.stringify(headers).slice(0, 80)}`,
    );
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
    const body = await res.json();
    assert.equal(body.status, 401);
    assert.match(body.detail, reason);
  };

  try {
    await t.step(
      "a valid HS256 token is accepted and its sub is the user",
      async () => {
        const token = await signToken(SECRET, { sub: "hs-user", iss: issuer });
        const res = await app.request(PROTECTED, { headers: bearer(token) });
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { items: [] });
      },
    );

    await t.step(
      "valid RS256 and ES256 tokens verify through the JWKS",
      async () => {
        for (
          const [key, alg, kid] of [[rsa.privateKey, "RS256", "rsa-1"], [
            ec.privateKey,
            "ES256",
            "ec-1",
          ]] as const
        ) {
          const token = await asymmetric(key, { alg, kid });
          const res = await app.request(PROTECTED, { headers: bearer(token) });
          assert.equal(res.status, 200, `${alg} token accepted`);
        }
      },
    );

    await t.step("no token", async () => {
      await expectRefused({}, /Authorization: Bearer/);
    });

    await t.step("malformed headers and tokens", async () => {
      await expectRefused(
        { Authorization: "Basic dXNlcjpwYXNz" },
        /Bearer <access token>/,
      );
      await expectRefused({ Authorization: "Bearer" }, /Bearer <access token>/);
      await expectRefused(bearer("not-a-jwt"), /malformed/);
      await expectRefused(bearer("a.b.c"), /malformed/);
      await expectRefused(bearer("x".repeat(9000)), /too long/);
    });

    await t.step("expired", async () => {
      await expectRefused(
        bearer(await signToken(SECRET, { iss: issuer, expiresIn: -60 })),
        /expired/,
      );
    });

    await t.step("not yet valid (nbf in the future)", async () => {
      await expectRefused(
        bearer(await signToken(SECRET, { iss: issuer, notBefore: 600 })),
        /"nbf" claim/,
      );
    });

    await t.step("wrong audience", async () => {
      await expectRefused(
        bearer(await signToken(SECRET, { iss: issuer, aud: "anon" })),
        /"aud" claim/,
      );
    });

    await t.step("wrong issuer", async () => {
      await expectRefused(
        bearer(
          await signToken(SECRET, { iss: "https://evil.example/auth/v1" }),
        ),
        /"iss" claim/,
      );
    });

    await t.step("wrong secret", async () => {
      await expectRefused(
        bearer(
          await signToken("another-secret-that-is-also-32-chars-long", {
            iss: issuer,
          }),
        ),
        /signature/,
      );
    });

    await t.step("alg: none", async () => {
      await expectRefused(
        bearer(unsignedToken({
          sub: "attacker",
          aud: "authenticated",
          iss: issuer,
          exp: now() + 3600,
        })),
        /algorithm "none"/,
      );
    });

    await t.step("tampered payload", async () => {
      const token = await signToken(SECRET, { sub: "victim", iss: issuer });
      const [header, payload, signature] = token.split(".");
      const claims = JSON.parse(
        new TextDecoder().decode(base64url.decode(payload)),
      );
      claims.sub = "attacker";
      const forged = base64url.encode(
        new TextEncoder().encode(JSON.stringify(claims)),
      );
      await expectRefused(
        bearer(`${header}.${forged}.${signature}`),
        /signature/,
      );
    });

    await t.step("unknown kid", async () => {
      const token = await asymmetric(stranger.privateKey, {
        alg: "RS256",
        kid: "not-in-jwks",
      });
      await expectRefused(bearer(token), /kid/);
    });

    await t.step("a key outside the JWKS under a known kid", async () => {
      const token = await asymmetric(stranger.privateKey, {
        alg: "RS256",
        kid: "rsa-1",
      });
      await expectRefused(bearer(token), /signature/);
    });

    await t.step(
      "RS/HS confusion: HS256 signed with the public key",
      async () => {
        const publicJwkText = JSON.stringify(rsaJwk);
        for (const secret of [publicJwkText, rsaJwk.n as string]) {
          await expectRefused(
            bearer(await signToken(secret, { iss: issuer })),
            /signature/,
          );
        }
      },
    );

    await t.step("the JWKS is fetched once and cached", () => {
      assert.ok(jwks.fetches() >= 1);
      assert.ok(
        jwks.fetches() <= 2,
        `expected at most 2 JWKS fetches, got ${jwks.fetches()}`,
      );
    });

    await t.step(
      "local tokens and local sign-up are refused with Supabase",
      async () => {
        const local = await signToken(SECRET, { iss: LOCAL_ISSUER });
        await expectRefused(bearer(local), /"iss" claim/);
        const signup = await app.request(
          "/api/auth/signup",
          postJson({
            email: "a@example.com",
            password: "long enough password",
          }),
        );
        assert.equal(signup.status, 403);
      },
    );

    await t.step("no token reaches the logs", async () => {
      const token = await signToken(SECRET, { sub: "log-user", iss: issuer });
      await app.request(`${PROTECTED}?access_token=${token}`, {
        headers: bearer(token),
      });
      await app.request(PROTECTED, { headers: bearer(token + "x") });
      const joined = lines.join("\n");
      assert.ok(lines.length > 0);
      assert.ok(!joined.includes(token), "a token appeared in the logs");
      assert.ok(!joined.includes(SECRET), "the secret appeared in the logs");
    });
  } finally {
    await jwks.close();
    await empty.close();
  }
});

Deno.test("auth: JWKS only, an HS256 token is never checked against a public key", async () => {
  const empty = await emptyStore("api_auth_");
  const store = empty.store;
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(rsa.publicKey)), kid: "k1", alg: "RS256" };
  const jwks = await serveJwks([jwk]);
  try {
    const app = testApp(store, { SUPABASE_URL: jwks.url });
    const confused = await signToken(JSON.stringify(jwk));
    const res = await app.request(PROTECTED, { headers: bearer(confused) });
    assert.equal(res.status, 401);
    assert.match(
      (await res.json()).detail,
      /algorithm "HS256" is not accepted/,
    );
  } finally {
    await jwks.close();
    await empty.close();
  }
});

Deno.test("auth: local tokens verify with the local secret only", async () => {
  const empty = await emptyStore("api_auth_");
  const store = empty.store;
  try {
    const app = testApp(store, { LOCAL_AUTH_SECRET: SECRET });
    const good = await signToken(SECRET, { sub: "ml:7", iss: LOCAL_ISSUER });
    assert.equal(
      (await app.request(PROTECTED, { headers: bearer(good) })).status,
      200,
    );
    for (
      const bad of [
        await signToken("a-different-secret-of-enough-length-000", {
          iss: LOCAL_ISSUER,
        }),
        await signToken(SECRET, { iss: "https://someone.supabase.co/auth/v1" }),
        await signToken(SECRET, { iss: LOCAL_ISSUER, aud: "service_role" }),
        await signToken(SECRET, { iss: LOCAL_ISSUER, expiresIn: -1 }),
      ]
    ) {
      const res = await app.request(PROTECTED, { headers: bearer(bad) });
      assert.equal(res.status, 401);
    }
  } finally {
    await empty.close();
  }
});
