import assert from "node:assert/strict";
import { SignJWT } from "jose";
import type { AuthUser } from "../context.ts";
import {
  InvalidTokenError,
  rememberVerified,
  type TokenVerifier,
} from "./token.ts";

async function token(sub: string, exp: number): Promise<string> {
  return await new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode("k".repeat(32)));
}

Deno.test("rememberVerified checks a token once until it expires, and never remembers a refusal", async () => {
  let now = 1_000_000_000_000;
  const calls: string[] = [];
  const inner: TokenVerifier = {
    kind: "local",
    verify(t: string): Promise<AuthUser> {
      calls.push(t);
      if (t.endsWith("x")) {
        return Promise.reject(new InvalidTokenError("bad signature"));
      }
      return Promise.resolve({ id: "u1", email: "u1@example.com" });
    },
  };
  const verifier = rememberVerified(inner, { now: () => now });
  const good = await token("u1", now / 1000 + 60);
  assert.deepEqual(await verifier.verify(good), {
    id: "u1",
    email: "u1@example.com",
  });
  assert.deepEqual(await verifier.verify(good), {
    id: "u1",
    email: "u1@example.com",
  });
  assert.equal(calls.length, 1, "the second use is remembered");

  const bad = good + "x";
  await assert.rejects(verifier.verify(bad), InvalidTokenError);
  await assert.rejects(verifier.verify(bad), InvalidTokenError);
  assert.equal(calls.length, 3, "refusals are checked every time");

  now += 60_000; // the token's exp
  await verifier.verify(good);
  assert.equal(calls.length, 4, "an expired entry is verified again");
  assert.equal(verifier.kind, "local");
});
