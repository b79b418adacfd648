/**
 * Bad input on every parameter of every endpoint: always a 4xx problem that
 * names the parameter, never a 500.
 */
import assert from "node:assert/strict";
import {
  bearer,
  loadedStore,
  localToken,
  needsDataset,
  postJson,
  problemOf,
  testApp,
} from "./api_fixture.ts";

interface Case {
  what: string;
  path: string;
  init?: RequestInit;
  status: number;
  /** Parameter the problem must name (400 validation problems). */
  param?: string;
}

Deno.test({
  ...needsDataset(
    "API bad input: a 4xx problem on every parameter, never a 500",
  ),
  async fn(t) {
    const loaded = await loadedStore();
    const app = testApp(loaded.store, { MAX_BODY_BYTES: "1024" });
    const token = await localToken("validation-user");
    const auth = bearer(token);
    const post = (body: unknown) => postJson(body, auth);
    const raw = (body: string, contentType?: string): RequestInit => ({
      method: "POST",
      headers: contentType ? { ...auth, "Content-Type": contentType } : auth,
      body,
    });
    const cases: Case[] = [
      // GET /api/movies
      {
        what: "page not a number",
        path: "/api/movies?page=abc",
        status: 400,
        param: "page",
      },
      {
        what: "page zero",
        path: "/api/movies?page=0",
        status: 400,
        param: "page",
      },
      {
        what: "page negative",
        path: "/api/movies?page=-3",
        status: 400,
        param: "page",
      },
      {
        what: "page fractional",
        path: "/api/movies?page=1.5",
        status: 400,
        param: "page",
      },
      {
        what: "page huge",
        path: "/api/movies?page=99999999999999999999",
        status: 400,
        param: "page",
      },
      {
        what: "page empty",
        path: "/api/movies?page=",
        status: 400,
        param: "page",
      },
      {
        what: "pageSize too big",
        path: "/api/movies?pageSize=101",
        status: 400,
        param: "pageSize",
      },
      {
        what: "pageSize zero",
        path: "/api/movies?pageSize=0",
        status: 400,
        param: "pageSize",
      },
      {
        what: "sort unknown",
        path: "/api/movies?sort=budget",
        status: 400,
        param: "sort",
      },
      {
        what: "order unknown",
        path: "/api/movies?order=sideways",
        status: 400,
        param: "order",
      },
      {
        what: "yearFrom text",
        path: "/api/movies?yearFrom=nineties",
        status: 400,
        param: "yearFrom",
      },
      {
        what: "yearTo out of range",
        path: "/api/movies?yearTo=99999",
        status: 400,
        param: "yearTo",
      },
      {
        what: "yearFrom after yearTo",
        path: "/api/movies?yearFrom=2000&yearTo=1990",
        status: 400,
        param: "yearTo",
      },
      {
        what: "q too long",
        path: `/api/movies?q=${"a".repeat(201)}`,
        status: 400,
        param: "q",
      },
      {
        what: "genre unknown",
        path: "/api/movies?genre=Cooking",
        status: 400,
        param: "genre",
      },
      {
        what: "genre empty",
        path: "/api/movies?genre=",
        status: 400,
        param: "genre",
      },
      // GET /api/movies/{id}
      {
        what: "movie id text",
        path: "/api/movies/abc",
        status: 400,
        param: "id",
      },
      {
        what: "movie id negative",
        path: "/api/movies/-1",
        status: 400,
        param: "id",
      },
      {
        what: "movie id fractional",
        path: "/api/movies/1.5",
        status: 400,
        param: "id",
      },
      {
        what: "movie id huge",
        path: "/api/movies/99999999999999",
        status: 400,
        param: "id",
      },
      { what: "movie unknown", path: "/api/movies/999999", status: 404 },
      // GET /api/recommendations/item/{id}
      {
        what: "item id text",
        path: "/api/recommendations/item/toy",
        status: 400,
        param: "id",
      },
      {
        what: "item limit zero",
        path: "/api/recommendations/item/1?limit=0",
        status: 400,
        param: "limit",
      },
      {
        what: "item limit huge",
        path: "/api/recommendations/item/1?limit=1000",
        status: 400,
        param: "limit",
      },
      {
        what: "item unknown",
        path: "/api/recommendations/item/999999",
        status: 404,
      },
      // GET /api/recommendations/user/me
      {
        what: "user limit text",
        path: "/api/recommendations/user/me?limit=ten",
        init: { headers: auth },
        status: 400,
        param: "limit",
      },
      {
        what: "user limit negative",
        path: "/api/recommendations/user/me?limit=-5",
        init: { headers: auth },
        status: 400,
        param: "limit",
      },
      {
        what: "user genre unknown",
        path: "/api/recommendations/user/me?genre=Cooking",
        init: { headers: auth },
        status: 400,
        param: "genre",
      },
      // POST /api/interactions
      {
        what: "rating 7",
        path: "/api/interactions",
        init: post({ movieId: 1, type: "rating", value: 7 }),
        status: 400,
        param: "value",
      },
      {
        what: "rating 3.3",
        path: "/api/interactions",
        init: post({ movieId: 1, type: "rating", value: 3.3 }),
        status: 400,
        param: "value",
      },
      {
        what: "rating 0",
        path: "/api/interactions",
        init: post({ movieId: 1, type: "rating", value: 0 }),
        status: 400,
        param: "value",
      },
      {
        what: "rating without value",
        path: "/api/interactions",
        init: post({ movieId: 1, type: "rating" }),
        status: 400,
        param: "value",
      },
      {
        what: "rating as text",
        path: "/api/interactions",
        init: post({ movieId: 1, type: "rating", value: "4" }),
        status: 400,
        param: "value",
      },
      {
        what: "like with a value",
        path: "/api/interactions",
        init: post({ movieId: 1, type: "like", value: 4 }),
        status: 400,
        param: "value",
      },
      {
        what: "type unknown",
        path: "/api/interactions",
        init: post({ movieId: 1, type: "love" }),
        status: 400,
        param: "type",
      },
      {
        what: "movieId text",
        path: "/api/interactions",
        init: post({ movieId: "1", type: "view" }),
        status: 400,
        param: "movieId",
      },
      {
        what: "movieId negative",
        path: "/api/interactions",
        init: post({ movieId: -1, type: "view" }),
        status: 400,
        param: "movieId",
      },
      {
        what: "movieId missing",
        path: "/api/interactions",
        init: post({ type: "view" }),
        status: 400,
        param: "movieId",
      },
      {
        what: "unknown field",
        path: "/api/interactions",
        init: post({ movieId: 1, type: "view", userId: "someone-else" }),
        status: 400,
      },
      {
        what: "body an array",
        path: "/api/interactions",
        init: post([1, 2]),
        status: 400,
      },
      {
        what: "body null",
        path: "/api/interactions",
        init: post(null),
        status: 400,
      },
      {
        what: "unknown movie",
        path: "/api/interactions",
        init: post({ movieId: 999999, type: "view" }),
        status: 404,
      },
      {
        what: "malformed JSON",
        path: "/api/interactions",
        init: raw("{movieId: 1", "application/json"),
        status: 400,
      },
      {
        what: "wrong content type",
        path: "/api/interactions",
        init: raw("movieId=1&type=view", "application/x-www-form-urlencoded"),
        status: 415,
      },
      {
        what: "no content type",
        path: "/api/interactions",
        init: raw('{"movieId":1,"type":"view"}'),
        status: 415,
      },
      {
        what: "oversized body",
        path: "/api/interactions",
        init: post({ movieId: 1, type: "view", pad: "x".repeat(5000) }),
        status: 413,
      },
      // DELETE /api/interactions/{movieId}
      {
        what: "delete id text",
        path: "/api/interactions/abc",
        init: { method: "DELETE", headers: auth },
        status: 400,
        param: "movieId",
      },
      {
        what: "delete type unknown",
        path: "/api/interactions/1?type=love",
        init: { method: "DELETE", headers: auth },
        status: 400,
        param: "type",
      },
      // POST /api/auth/*
      {
        what: "signup bad email",
        path: "/api/auth/signup",
        init: postJson({
          email: "not-an-email",
          password: "long enough password",
        }),
        status: 400,
        param: "email",
      },
      {
        what: "signup short password",
        path: "/api/auth/signup",
        init: postJson({ email: "a@example.com", password: "short" }),
        status: 400,
        param: "password",
      },
      {
        what: "login missing password",
        path: "/api/auth/login",
        init: postJson({ email: "a@example.com" }),
        status: 400,
        param: "password",
      },
      {
        what: "login unknown user",
        path: "/api/auth/login",
        init: postJson({
          email: "nobody@example.com",
          password: "long enough password",
        }),
        status: 401,
      },
      // Methods and routes
      { what: "unknown route", path: "/api/moviez", status: 404 },
      {
        what: "wrong method",
        path: "/api/movies/1",
        init: { method: "PUT" },
        status: 404,
      },
    ];
    try {
      for (const c of cases) {
        await t.step(`${c.what} → ${c.status}`, async () => {
          const res = await app.request(c.path, c.init);
          const { status, contentType, body } = await problemOf(res);
          assert.equal(status, c.status, `${c.what}: ${JSON.stringify(body)}`);
          assert.equal(contentType, "application/problem+json");
          assert.equal(body.status, c.status);
          assert.ok(
            body.title && body.detail,
            "a problem has a title and a detail",
          );
          if (c.param) {
            assert.ok(
              body.errors?.some((e) => e.name === c.param),
              `expected the problem to name ${c.param}: ${
                JSON.stringify(body.errors)
              }`,
            );
          }
        });
      }

      await t.step("several bad parameters are all listed", async () => {
        const res = await app.request(
          "/api/movies?page=0&pageSize=1000&sort=x",
        );
        const { body } = await problemOf(res);
        assert.deepEqual(
          body.errors?.map((e) => e.name).sort(),
          ["page", "pageSize", "sort"],
        );
      });

      await t.step("nothing was written by the refused requests", async () => {
        assert.deepEqual(
          await loaded.store.interactions.forUser("validation-user"),
          [],
        );
      });
    } finally {
      await loaded.close();
    }
  },
});
