/**
 * Every endpoint of the API on a SQLite store loaded with the real
 * ml-latest-small (tfidf embeddings), through the app's own fetch.
 */
import assert from "node:assert/strict";
import {
  bearer,
  loadedStore,
  localToken,
  needsDataset,
  postJson,
  testApp,
} from "./api_fixture.ts";

Deno.test({
  ...needsDataset("API endpoints on ml-latest-small"),
  async fn(t) {
    const loaded = await loadedStore();
    const app = testApp(loaded.store, { CORS_ORIGINS: "https://web.example" });
    const mlToken = (userId: number) => localToken(`ml:${userId}`);
    try {
      await t.step("GET /health and /health/ready", async () => {
        const live = await app.request("/health");
        assert.equal(live.status, 200);
        assert.deepEqual(await live.json(), { status: "ok" });
        const ready = await app.request("/health/ready");
        assert.deepEqual(await ready.json(), {
          status: "ok",
          store: { kind: "sqlite", ok: true },
          cache: { kind: "memory", ok: true },
          movies: 9742,
        });
      });

      await t.step(
        "every response carries a request id and secure headers",
        async () => {
          const res = await app.request("/health");
          assert.match(
            res.headers.get("x-request-id") ?? "",
            /^[0-9a-f-]{36}$/,
          );
          assert.equal(res.headers.get("x-content-type-options"), "nosniff");
          assert.equal(res.headers.get("x-frame-options"), "SAMEORIGIN");
          const given = await app.request("/health", {
            headers: { "X-Request-Id": "abc-123" },
          });
          assert.equal(given.headers.get("x-request-id"), "abc-123");
        },
      );

      await t.step(
        "GET /api/movies searches titles ignoring case and accents",
        async () => {
          const res = await app.request(
            "/api/movies?q=TOY%20story&sort=year&order=asc",
          );
          assert.equal(res.status, 200);
          const body = await res.json();
          assert.deepEqual(
            body.items.map((m: { title: string }) => m.title),
            ["Toy Story", "Toy Story 2", "Toy Story 3"],
          );
          assert.equal(body.total, 3);
          assert.equal(body.page, 1);
          assert.equal(body.pageSize, 20);
          const accents =
            await (await app.request("/api/movies?q=belle%20epoque")).json();
          assert.ok(
            accents.items.some((m: { title: string }) =>
              m.title === "Belle époque"
            ),
            "accent-insensitive search finds Belle époque",
          );
        },
      );

      await t.step(
        "GET /api/movies filters by every genre, years, and pages",
        async () => {
          const res = await app.request(
            "/api/movies?genre=Animation&genre=Comedy&yearFrom=1995&yearTo=2000&sort=title&pageSize=5&page=1",
          );
          const first = await res.json();
          assert.ok(
            first.total > 5,
            `expected more than 5 movies, got ${first.total}`,
          );
          for (const m of first.items) {
            assert.ok(
              m.genres.includes("Animation") && m.genres.includes("Comedy"),
            );
            assert.ok(m.year >= 1995 && m.year <= 2000);
          }
          const titles = first.items.map((m: { title: string }) => m.title);
          assert.deepEqual(
            titles,
            [...titles].sort((a, b) => a.localeCompare(b)),
          );
          const second = await (await app.request(
            "/api/movies?genre=Animation&genre=Comedy&yearFrom=1995&yearTo=2000&sort=title&pageSize=5&page=2",
          )).json();
          assert.equal(second.page, 2);
          assert.ok(
            !second.items.some((m: { id: number }) =>
              first.items.some((f: { id: number }) => f.id === m.id)
            ),
          );
          const beyond = await (await app.request("/api/movies?page=100000"))
            .json();
          assert.deepEqual(beyond.items, []);
          assert.equal(beyond.total, 9742);
        },
      );

      await t.step(
        "GET /api/movies default order is popular (most rated), and it is cached",
        async () => {
          const first = await app.request("/api/movies?pageSize=3");
          assert.equal(first.headers.get("x-cache"), "miss");
          const body = await first.json();
          const counts = body.items.map((m: { ratingCount: number }) =>
            m.ratingCount
          );
          assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
          assert.equal(body.items[0].title, "Forrest Gump");
          // "Highest rated" is the Bayesian average: no film that two
          // people rated 5.0 tops it.
          const best = await (await app.request(
            "/api/movies?sort=rating&pageSize=20",
          )).json();
          assert.equal(best.items[0].title, "Shawshank Redemption, The");
          assert.ok(
            best.items.every((m: { ratingCount: number }) =>
              m.ratingCount >= 50
            ),
          );
          const again = await app.request("/api/movies?pageSize=3");
          assert.equal(again.headers.get("x-cache"), "hit-memory");
          assert.deepEqual(await again.json(), body);
        },
      );

      await t.step(
        "GET /api/movies/{id} has stats and outside links",
        async () => {
          const res = await app.request("/api/movies/1");
          assert.equal(res.status, 200);
          const movie = await res.json();
          assert.equal(movie.title, "Toy Story");
          assert.equal(movie.year, 1995);
          assert.equal(movie.ratingCount, 215);
          assert.ok(Math.abs(movie.ratingMean - 3.9209) < 1e-3);
          assert.ok(movie.tags.includes("pixar"));
          assert.deepEqual(movie.links, {
            imdb: "https://www.imdb.com/title/tt0114709/",
            tmdb: "https://www.themoviedb.org/movie/862",
          });
          const missing = await app.request("/api/movies/999999999");
          assert.equal(missing.status, 404);
          assert.equal(
            missing.headers.get("content-type"),
            "application/problem+json",
          );
        },
      );

      await t.step("GET /api/genres counts movies per genre", async () => {
        const { genres } = await (await app.request("/api/genres")).json();
        const drama = genres.find((g: { genre: string }) =>
          g.genre === "Drama"
        );
        assert.equal(drama.count, 4361);
        assert.ok(genres.length >= 19);
      });

      await t.step(
        "GET /api/recommendations/item/{id} lists similar movies",
        async () => {
          const res = await app.request("/api/recommendations/item/1?limit=5");
          assert.equal(res.status, 200);
          const body = await res.json();
          assert.deepEqual(body.movie, {
            id: 1,
            title: "Toy Story",
            year: 1995,
          });
          assert.equal(body.items.length, 5);
          assert.equal(body.items[0].movie.title, "Toy Story 2");
          assert.ok(
            !body.items.some((i: { movie: { id: number } }) =>
              i.movie.id === 1
            ),
          );
          const missing = await app.request(
            "/api/recommendations/item/999999999",
          );
          assert.equal(missing.status, 404);
        },
      );

      await t.step(
        "a MovieLens user's token gets that user's recommendations",
        async () => {
          const token = await mlToken(1);
          const history = await loaded.store.interactions.forUser("ml:1");
          assert.equal(history.length, 232);
          const res = await app.request(
            "/api/recommendations/user/me?limit=10",
            {
              headers: bearer(token),
            },
          );
          assert.equal(res.status, 200);
          const body = await res.json();
          assert.equal(body.strategy, "content");
          assert.equal(body.coldStart, false);
          assert.equal(body.items.length, 10);
          const rated = new Set(history.map((i) => i.movieId));
          for (const item of body.items) {
            assert.ok(
              !rated.has(item.movie.id),
              `${item.movie.title} was already rated`,
            );
            assert.ok(item.explanation.because.length > 0);
            assert.match(item.explanation.text, /^Because you rated /);
            for (const b of item.explanation.because) {
              assert.ok(
                rated.has(b.id),
                "explanations name movies from the history",
              );
              assert.ok(item.explanation.text.includes(b.title));
            }
          }
          const scores = body.items.map((i: { score: number }) => i.score);
          assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
        },
      );

      await t.step("recommendations filter by genre", async () => {
        const res = await app.request(
          "/api/recommendations/user/me?limit=5&genre=Horror",
          { headers: bearer(await mlToken(1)) },
        );
        const body = await res.json();
        assert.equal(body.items.length, 5);
        for (const item of body.items) {
          assert.ok(item.movie.genres.includes("Horror"));
        }
      });

      await t.step("local sign-up, log-in, and cold start", async () => {
        const post = (path: string) => (email: string, password: string) =>
          app.request(`/api/auth/${path}`, postJson({ email, password }));
        const [signUp, logIn] = [post("signup"), post("login")];
        const signup = await signUp("Ada@Example.com", "correct horse battery");
        assert.equal(signup.status, 202);
        assert.equal((await signup.json()).status, "accepted");
        // A taken email is answered alike (sign-up does not tell who has
        // an account), and the account keeps its password.
        const again = await signUp("ada@example.com", "another password");
        assert.equal(again.status, 202);
        assert.equal(
          (await logIn("ada@example.com", "another password")).status,
          401,
        );
        const wrong = await logIn("ada@example.com", "wrong password");
        assert.equal(wrong.status, 401);
        const login = await logIn("ada@example.com", "correct horse battery");
        assert.equal(login.status, 200);
        const session = await login.json();
        const { accessToken, user } = session;
        assert.equal(user.email, "ada@example.com");
        assert.ok(session.expiresAt > Date.now() / 1000);

        const res = await app.request("/api/recommendations/user/me?limit=5", {
          headers: bearer(accessToken),
        });
        const cold = await res.json();
        assert.equal(cold.coldStart, true);
        assert.equal(cold.strategy, "popular");
        assert.equal(cold.items.length, 5);
        // the movies the most users rated 4 or more (not the Bayesian
        // average's 318, 858, 2959): see coldStartRecommender
        assert.deepEqual(
          cold.items.slice(0, 3).map((i: { movie: { id: number } }) =>
            i.movie.id
          ),
          [318, 356, 296],
        );
        for (const item of cold.items) {
          assert.equal(item.explanation.kind, "popular");
          assert.equal(item.explanation.text, "Popular with MovieLens users");
        }
      });

      await t.step(
        "interactions: record, list, recommend from them, undo",
        async () => {
          const token = await localToken("endpoint-user");
          const before =
            await (await app.request("/api/recommendations/user/me?limit=5", {
              headers: bearer(token),
            })).json();
          assert.equal(before.coldStart, true);

          const created = await app.request(
            "/api/interactions",
            postJson({ movieId: 1, type: "rating", value: 5 }, bearer(token)),
          );
          assert.equal(created.status, 201);
          const { interaction } = await created.json();
          assert.equal(interaction.userId, "endpoint-user");
          assert.equal(interaction.value, 5);
          await app.request(
            "/api/interactions",
            postJson({ movieId: 3114, type: "like" }, bearer(token)),
          );

          const list = await (await app.request("/api/users/me/interactions", {
            headers: bearer(token),
          })).json();
          assert.deepEqual(
            list.items.map((
              i: { movie: { title: string }; type: string },
            ) => [i.movie.title, i.type])
              .sort(),
            [["Toy Story 2", "like"], ["Toy Story", "rating"]],
          );

          // The user's cached cold-start answer must not survive the writes.
          const after =
            await (await app.request("/api/recommendations/user/me?limit=5", {
              headers: bearer(token),
            })).json();
          assert.equal(after.coldStart, false);
          assert.equal(after.strategy, "content");
          assert.ok(
            !after.items.some((i: { movie: { id: number } }) =>
              [1, 3114].includes(i.movie.id)
            ),
          );
          assert.ok(
            after.items.some((
              i: { explanation: { because: { title: string }[] } },
            ) =>
              i.explanation.because.some((b) => b.title.startsWith("Toy Story"))
            ),
          );

          const removed = await app.request("/api/interactions/3114", {
            method: "DELETE",
            headers: bearer(token),
          });
          assert.equal(removed.status, 204);
          const rest = await (await app.request("/api/users/me/interactions", {
            headers: bearer(token),
          })).json();
          assert.deepEqual(
            rest.items.map((i: { movieId: number }) => i.movieId),
            [1],
          );
          const removedRating = await app.request(
            "/api/interactions/1?type=rating",
            {
              method: "DELETE",
              headers: bearer(token),
            },
          );
          assert.equal(removedRating.status, 204);
          const cold =
            await (await app.request("/api/recommendations/user/me?limit=5", {
              headers: bearer(token),
            })).json();
          assert.equal(cold.coldStart, true);
        },
      );

      await t.step("GET /metrics reports cache hits and misses", async () => {
        const metrics = await (await app.request("/metrics")).json();
        assert.equal(metrics.cache.kind, "memory");
        assert.ok(metrics.cache.hits >= 1);
        assert.ok(metrics.cache.misses >= 1);
        assert.equal(
          metrics.cache.hitRatio,
          metrics.cache.hits / (metrics.cache.hits + metrics.cache.misses),
        );
        assert.equal(metrics.rateLimiter, "memory");
      });

      await t.step(
        "GET /openapi.json documents every endpoint; /docs renders",
        async () => {
          const doc = await (await app.request("/openapi.json")).json();
          for (
            const path of [
              "/health",
              "/health/ready",
              "/metrics",
              "/api/movies",
              "/api/movies/{id}",
              "/api/genres",
              "/api/interactions",
              "/api/users/me/interactions",
              "/api/interactions/{movieId}",
              "/api/recommendations/user/me",
              "/api/recommendations/item/{id}",
              "/api/onboarding",
              "/api/auth/signup",
              "/api/auth/login",
            ]
          ) {
            assert.ok(doc.paths[path], `${path} is documented`);
          }
          const pageSize = doc.paths["/api/movies"].get.parameters.find(
            (p: { name: string }) => p.name === "pageSize",
          );
          assert.equal(pageSize.schema.maximum, 100);
          assert.deepEqual(doc.paths["/api/interactions"].post.security, [{
            bearerAuth: [],
          }]);
          const docs = await app.request("/docs");
          assert.equal(docs.status, 200);
          assert.match(await docs.text(), /swagger-ui/i);
        },
      );

      await t.step("CORS answers only allowed origins", async () => {
        const allowed = await app.request("/api/genres", {
          headers: { Origin: "https://web.example" },
        });
        assert.equal(
          allowed.headers.get("access-control-allow-origin"),
          "https://web.example",
        );
        const other = await app.request("/api/genres", {
          headers: { Origin: "https://evil.example" },
        });
        assert.equal(other.headers.get("access-control-allow-origin"), null);
        const preflight = await app.request("/api/interactions", {
          method: "OPTIONS",
          headers: {
            Origin: "https://web.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
          },
        });
        assert.equal(preflight.status, 204);
        assert.match(
          preflight.headers.get("access-control-allow-headers") ?? "",
          /Authorization/,
        );
      });

      await t.step("unknown routes are a 404 problem", async () => {
        const res = await app.request("/api/nothing-here");
        assert.equal(res.status, 404);
        assert.equal(
          res.headers.get("content-type"),
          "application/problem+json",
        );
        const body = await res.json();
        assert.equal(body.status, 404);
        assert.ok(body.requestId);
      });
    } finally {
      await loaded.close();
    }
  },
});
