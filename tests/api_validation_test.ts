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
    /** 400s naming `param`, from GET requests: what → path. */
    const badQueries = (param: string, paths: Record<string, string>) =>
      Object.entries(paths).map(([what, path]): Case => ({
        what,
        path,
        status: 400,
        param,
      }));
    /** 400s naming `param`, from POST /api/interactions: what → body. */
    const badInteractions = (param: string, bodies: Record<string, unknown>) =>
      Object.entries(bodies).map(([what, body]): Case => ({
        what,
        path: "/api/interactions",
        init: post(body),
        status: 400,
        param,
      }));
    const cases: Case[] = [
      // GET /api/movies
      ...badQueries("page", {
        "page not a number": "/api/movies?page=abc",
        "page zero": "/api/movies?page=0",
        "page negative": "/api/movies?page=-3",
        "page fractional": "/api/movies?page=1.5",
        "page huge": "/api/movies?page=99999999999999999999",
        "page empty": "/api/movies?page=",
      }),
      ...badQueries("pageSize", {
        "pageSize too big": "/api/movies?pageSize=101",
        "pageSize zero": "/api/movies?pageSize=0",
      }),
      ...badQueries("sort", {
        "sort unknown": "/api/movies?sort=budget",
      }),
      ...badQueries("order", {
        "order unknown": "/api/movies?order=sideways",
      }),
      ...badQueries("yearFrom", {
        "yearFrom text": "/api/movies?yearFrom=nineties",
      }),
      ...badQueries("yearTo", {
        "yearTo out of range": "/api/movies?yearTo=99999",
        "yearFrom after yearTo": "/api/movies?yearFrom=2000&yearTo=1990",
      }),
      ...badQueries("q", {
        "q too long": `/api/movies?q=${"a".repeat(201)}`,
      }),
      ...badQueries("genre", {
        "genre unknown": "/api/movies?genre=Cooking",
        "genre empty": "/api/movies?genre=",
      }),
      // GET /api/movies/{id}
      ...badQueries("id", {
        "movie id text": "/api/movies/abc",
        "movie id negative": "/api/movies/-1",
        "movie id fractional": "/api/movies/1.5",
        "movie id huge": "/api/movies/99999999999999",
      }),
      { what: "movie unknown", path: "/api/movies/999999", status: 404 },
      // GET /api/recommendations/item/{id}
      ...badQueries("id", {
        "item id text": "/api/recommendations/item/toy",
      }),
      ...badQueries("limit", {
        "item limit zero": "/api/recommendations/item/1?limit=0",
        "item limit huge": "/api/recommendations/item/1?limit=1000",
      }),
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
      ...badInteractions("value", {
        "rating 7": { movieId: 1, type: "rating", value: 7 },
        "rating 3.3": { movieId: 1, type: "rating", value: 3.3 },
        "rating 0": { movieId: 1, type: "rating", value: 0 },
        "rating without value": { movieId: 1, type: "rating" },
        "rating as text": { movieId: 1, type: "rating", value: "4" },
        "like with a value": { movieId: 1, type: "like", value: 4 },
      }),
      ...badInteractions("type", {
        "type unknown": { movieId: 1, type: "love" },
      }),
      ...badInteractions("movieId", {
        "movieId text": { movieId: "1", type: "view" },
        "movieId negative": { movieId: -1, type: "view" },
        "movieId missing": { type: "view" },
      }),
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
