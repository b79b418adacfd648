/**
 * Every web route's HTML, rendered by the combined server (web + API in one
 * process) on the real ml-latest-small: what a visitor sees without
 * JavaScript, forms that work by redirect, the session cookie, errors.
 */
import assert from "node:assert/strict";
import {
  datasetTestName,
  hasDataset,
  sessionCookie,
  webFixture,
} from "./web_fixture.ts";
import { islandBytes, readManifest } from "../web/build.ts";

/** Island scripts a page loads. */
function islandScripts(html: string): string[] {
  return [
    ...html.matchAll(
      /<script type="module" src="\/static\/islands\/(\w+)\.js">/g,
    ),
  ]
    .map((m) => m[1]);
}

/** Number of movie cards on a page. */
const cards = (html: string) => html.match(/class="movie-card"/g)?.length ?? 0;

Deno.test({
  name: datasetTestName("web routes render on ml-latest-small"),
  ignore: !hasDataset,
  async fn(t) {
    const web = await webFixture();
    const jsBytes: { page: string; islands: string[] }[] = [];
    const html = async (
      path: string,
      cookie?: string,
      status = 200,
    ): Promise<string> => {
      const res = await web.request(path, { cookie });
      assert.equal(res.status, status, `GET ${path}`);
      assert.match(res.headers.get("content-type") ?? "", /text\/html/);
      const body = await res.text();
      assert.match(body, /^<!DOCTYPE html><html lang="en">/);
      return body;
    };
    try {
      await t.step(
        "home shows popular movies and ships no JavaScript",
        async () => {
          const page = await html("/");
          assert.match(page, /Popular with MovieLens users/);
          assert.equal(cards(page), 12);
          assert.match(page, /href="\/movies\/356"/); // Forrest Gump: most rated
          assert.deepEqual(islandScripts(page), []);
          assert.match(page, /href="\/login\?next=%2F"/);
          jsBytes.push({ page: "/ (logged out)", islands: [] });
        },
      );

      await t.step("browse lists movies with filters and pages", async () => {
        const page = await html("/movies");
        assert.match(page, /9,742 movies · page 1 of 406/);
        assert.equal(cards(page), 24);
        assert.match(page, /<label for="search-q">Title<\/label>/);
        assert.match(page, /name="genre" value="Animation"/);
        assert.match(page, /href="\/movies\?page=2" rel="next"/);
        assert.deepEqual(islandScripts(page), ["search_box"]);
        jsBytes.push({ page: "/movies", islands: islandScripts(page) });
      });

      await t.step(
        "browse keeps search, genres, years and sort in the URL",
        async () => {
          const page = await html(
            "/movies?q=story&genre=Animation&genre=Children&yearFrom=1990&yearTo=2000&sort=year&order=asc",
          );
          assert.match(page, /Results for “story”/);
          assert.match(page, /Toy Story/);
          assert.match(page, /value="Animation" checked/);
          assert.match(page, /id="yearFrom"[^>]*value="1990"/);
          assert.match(page, /value="year" selected>/);
          const years = [...page.matchAll(/class="movie-meta">(\d{4})/g)].map((
            m,
          ) => Number(m[1]));
          assert.ok(years.length > 0);
          assert.deepEqual(years, [...years].sort((a, b) => a - b));
          assert.ok(years.every((y) => y >= 1990 && y <= 2000));
        },
      );

      await t.step("browse page 2 links back and keeps the query", async () => {
        const page = await html("/movies?q=the&page=2");
        assert.match(page, /page 2 of/);
        assert.match(page, /href="\/movies\?q=the" rel="prev"/);
        assert.match(page, /href="\/movies\?q=the&amp;page=3" rel="next"/);
      });

      await t.step("impossible filters explain themselves (400)", async () => {
        const page = await html(
          "/movies?yearFrom=2000&yearTo=1990",
          undefined,
          400,
        );
        assert.match(page, /role="alert"><p>Please check the filters:/);
        const none = await html("/movies?q=zzzzqqq");
        assert.match(none, /No movie titles match “zzzzqqq”/);
        assert.doesNotMatch(none, /these filters/);
      });

      await t.step(
        "movie page: facts, chart, links, similar movies",
        async () => {
          const page = await html("/movies/1");
          assert.match(
            page,
            /<title>Toy Story \(1995\) · MovieLens Recommender<\/title>/,
          );
          assert.match(page, /href="\/movies\?genre=Animation"/);
          assert.match(
            page,
            /<svg viewBox="0 0 320 140" role="img" aria-label="Rating distribution of 215 ratings/,
          );
          assert.equal(page.match(/<rect /g)?.length, 10);
          assert.match(
            page,
            /href="https:\/\/www\.imdb\.com\/title\/tt0114709\/?"/,
          );
          assert.match(
            page,
            /href="https:\/\/www\.themoviedb\.org\/movie\/862"/,
          );
          assert.match(page, /Similar movies/);
          assert.equal(cards(page), 12);
          assert.match(page, /pixar/);
          // Logged out: an invitation instead of the widget, and no script.
          assert.match(page, /href="\/login\?next=%2Fmovies%2F1">/);
          assert.deepEqual(islandScripts(page), []);
          jsBytes.push({ page: "/movies/1 (logged out)", islands: [] });
        },
      );

      await t.step("MovieLens titles read naturally", async () => {
        const page = await html("/movies/50");
        assert.match(page, /<h1>The Usual Suspects/);
      });

      await t.step(
        "unknown pages and movies get the friendly 404",
        async () => {
          for (const path of ["/nope", "/movies/99999999", "/movies/abc"]) {
            const page = await html(path, undefined, 404);
            assert.match(page, /We could not find that page/);
            assert.match(page, /<label for="notfound-q">/);
          }
        },
      );

      await t.step("personal pages redirect to log in", async () => {
        for (const path of ["/for-you", "/my-ratings"]) {
          const res = await web.request(path);
          assert.equal(res.status, 303);
          assert.equal(
            res.headers.get("location"),
            `/login?next=${path}`,
          );
        }
      });

      await t.step("log in and sign up forms are labelled", async () => {
        for (const path of ["/login", "/signup"]) {
          const page = await html(`${path}?next=/movies/1`);
          assert.match(page, /<label for="email">Email<\/label>/);
          assert.match(page, /<label for="password">Password<\/label>/);
          assert.match(page, /name="next" value="\/movies\/1"/);
          assert.deepEqual(islandScripts(page), []);
          jsBytes.push({ page: path, islands: [] });
        }
      });

      let cookie = "";
      await t.step("sign up sets an HTTP-only session cookie", async () => {
        const res = await web.signupResponse("web-user@example.com");
        assert.equal(res.status, 303);
        // A new account is asked about movies first (onboarding).
        assert.equal(res.headers.get("location"), "/onboarding");
        const set = res.headers.getSetCookie()[0];
        assert.match(set, /^ml_session=ey/);
        assert.match(set, /HttpOnly/);
        assert.match(set, /SameSite=Lax/);
        assert.doesNotMatch(set, /Secure/); // plain http here
        cookie = sessionCookie(res);
      });

      await t.step("the cookie is Secure behind https", async () => {
        const res = await web.post(
          "/signup",
          {
            email: "secure@example.com",
            password: "correct horse battery",
          },
          undefined,
          { "x-forwarded-proto": "https" },
        );
        assert.match(res.headers.getSetCookie()[0], /Secure/);
      });

      await t.step("sign up and log in errors stay on the form", async () => {
        const short = await web.post("/signup", {
          email: "x@example.com",
          password: "short",
        });
        assert.equal(short.status, 400);
        const shortPage = await short.text();
        assert.match(
          shortPage,
          /role="alert"[^>]*>The password needs at least 8 characters/,
        );
        // The message is tied to the field at fault, not to the email.
        assert.match(
          shortPage,
          /id="password"[^>]*aria-invalid="true" aria-describedby="password-error password-hint"/,
        );
        assert.doesNotMatch(shortPage, /id="email"[^>]*aria-invalid/);
        // A taken email with another password: the API does not say it is
        // taken; the log-in that follows sign-up fails, and the form says
        // what to do. (With the account's own password it simply logs in.)
        const taken = await web.post("/signup", {
          email: "web-user@example.com",
          password: "another password here",
        });
        assert.equal(taken.status, 422);
        const takenPage = await taken.text();
        assert.match(takenPage, /value="web-user@example.com"/);
        assert.match(takenPage, /If the email is yours, log in instead/);
        const wrong = await web.post("/login", {
          email: "web-user@example.com",
          password: "wrong password!",
        });
        assert.equal(wrong.status, 401);
        const wrongPage = await wrong.text();
        assert.match(wrongPage, /role="alert"/);
        // Wrong email or password: said once for the form, not on a field.
        assert.doesNotMatch(wrongPage, /aria-invalid/);
        const right = await web.post("/login", {
          email: "web-user@example.com",
          password: "correct horse battery",
          next: "/movies/2",
        });
        assert.equal(right.status, 303);
        assert.equal(right.headers.get("location"), "/movies/2");
      });

      await t.step("form posts from another site are refused", async () => {
        const res = await web.post(
          "/login",
          {
            email: "web-user@example.com",
            password: "correct horse battery",
          },
          undefined,
          { origin: "https://evil.example" },
        );
        assert.equal(res.status, 400);
        assert.equal(res.headers.getSetCookie().length, 0);
      });

      await t.step("a new user's For you invites them to rate", async () => {
        const page = await html("/for-you", cookie);
        assert.match(page, /Tell us what you like/);
        assert.equal(page.match(/data-island="rating_widget"/g)?.length, 12);
        assert.deepEqual(islandScripts(page), ["rating_widget"]);
        assert.match(page, /web-user@example.com/);
        jsBytes.push({ page: "/for-you", islands: islandScripts(page) });
      });

      await t.step("rating works as a plain form post", async () => {
        for (const [movieId, value] of [["1", "5"], ["2", "4.5"], ["3", "4"]]) {
          const res = await web.post("/rate", {
            movieId,
            value,
            action: "rate",
            next: `/movies/${movieId}`,
          }, cookie);
          assert.equal(res.status, 303);
          assert.equal(res.headers.get("location"), `/movies/${movieId}`);
        }
        const page = await html("/movies/2", cookie);
        assert.match(page, /value="4.5" checked/);
        assert.deepEqual(islandScripts(page), ["rating_widget"]);
        jsBytes.push({
          page: "/movies/2 (logged in)",
          islands: islandScripts(page),
        });
      });

      await t.step("the island's JSON answer gives the new state", async () => {
        const like = await web.post(
          "/rate",
          {
            movieId: "1",
            action: "like",
          },
          cookie,
          { accept: "application/json" },
        );
        assert.deepEqual(await like.json(), {
          rating: 5,
          reaction: "like",
          watchlist: false,
          hidden: false,
        });
        const dislike = await web.post(
          "/rate",
          {
            movieId: "1",
            action: "dislike",
          },
          cookie,
          { accept: "application/json" },
        );
        assert.deepEqual(await dislike.json(), {
          rating: 5,
          reaction: "dislike",
          watchlist: false,
          hidden: false,
        });
        const bad = await web.post(
          "/rate",
          {
            movieId: "1",
            action: "rate",
            value: "7",
          },
          cookie,
          { accept: "application/json" },
        );
        assert.equal(bad.status, 400);
        assert.match(
          (await bad.json()).detail,
          /expected 0.5 to 5 in steps of 0.5/,
        );
        const anonymous = await web.post("/rate", {
          movieId: "1",
          value: "3",
          next: "/movies/1",
        });
        assert.equal(anonymous.status, 303);
        assert.equal(
          anonymous.headers.get("location"),
          "/login?next=%2Fmovies%2F1",
        );
      });

      await t.step("For you explains recommendations with links", async () => {
        const page = await html("/for-you", cookie);
        assert.doesNotMatch(page, /Tell us what you like/);
        assert.ok(
          cards(page) >= 10,
          `expected recommendations, got ${cards(page)}`,
        );
        assert.match(
          page,
          /class="explanation">Because you rated <span ?><a href="\/movies\/[123]">/,
        );
        for (const id of [1, 2, 3]) {
          assert.doesNotMatch(
            page,
            new RegExp(`<h2 class="movie-title"><a href="/movies/${id}">`),
          );
        }
        const home = await html("/", cookie);
        assert.match(home, /id="for-you-heading"/);
        assert.match(home, /Because you rated/);
        jsBytes.push({ page: "/ (logged in)", islands: islandScripts(home) });
      });

      await t.step("My ratings lists, changes and removes", async () => {
        let page = await html("/my-ratings", cookie);
        assert.match(page, /3 rated · 0 liked or disliked only/);
        assert.equal(page.match(/class="rating-row"/g)?.length, 3);
        jsBytes.push({ page: "/my-ratings", islands: islandScripts(page) });
        await web.post("/rate", {
          movieId: "3",
          value: "2",
          next: "/my-ratings",
        }, cookie);
        page = await html("/my-ratings", cookie);
        assert.match(page, /id="rate-3-2" name="value" value="2" checked/);
        const removed = await web.post("/rate", {
          movieId: "3",
          action: "remove",
          next: "/my-ratings",
        }, cookie);
        assert.equal(removed.headers.get("location"), "/my-ratings");
        page = await html("/my-ratings", cookie);
        assert.match(page, /2 rated/);
      });

      await t.step("suggestions answer JSON for the search box", async () => {
        const res = await web.request("/suggest?q=toy%20sto");
        const items = await res.json();
        assert.ok(
          items.some((m: { title: string }) => m.title === "Toy Story"),
        );
        assert.deepEqual(await (await web.request("/suggest?q=t")).json(), []);
      });

      await t.step(
        "an expired or forged cookie counts as logged out",
        async () => {
          const forged = "ml_session=not.a.token";
          const page = await html("/", forged);
          assert.match(page, /Sign up/);
          const res = await web.request("/for-you", { cookie: forged });
          assert.equal(res.status, 303);
        },
      );

      await t.step("log out clears the cookie", async () => {
        const res = await web.post("/logout", {}, cookie);
        assert.equal(res.status, 303);
        assert.match(res.headers.getSetCookie()[0], /^ml_session=;.*Max-Age=0/);
      });

      await t.step(
        "static files, API and security headers share the port",
        async () => {
          const css = await web.request("/static/style.css");
          assert.equal(css.status, 200);
          assert.match(css.headers.get("content-type") ?? "", /text\/css/);
          await css.body?.cancel();
          const escape = await web.request("/static/../deno.json");
          assert.equal(escape.status, 404);
          await escape.body?.cancel();
          const health = await web.request("/health");
          assert.deepEqual(await health.json(), { status: "ok" });
          const page = await web.request("/");
          assert.match(
            page.headers.get("content-security-policy") ?? "",
            /script-src 'self'/,
          );
          await page.body?.cancel();
        },
      );

      await t.step("JS bytes per page (islands only)", async () => {
        const manifest = await readManifest();
        assert.ok(manifest, "islands were built");
        const rows = jsBytes.map(({ page, islands }) => {
          const { bytes, gzipBytes } = islandBytes(manifest, islands);
          return `| ${page} | ${
            islands.join(", ") || "none"
          } | ${bytes} | ${gzipBytes} |`;
        });
        const table = [
          "| page | islands | JS bytes | gzip |",
          "| --- | --- | ---: | ---: |",
          ...rows,
        ].join("\n");
        await Deno.mkdir("test-output", { recursive: true });
        await Deno.writeTextFile("test-output/js_bytes.md", `${table}\n`);
        console.log(
          `\nJS shipped per page (test-output/js_bytes.md):\n${table}`,
        );
        const max = Math.max(
          ...jsBytes.map((p) => islandBytes(manifest, p.islands).gzipBytes),
        );
        assert.ok(
          max < 15_000,
          `expected under 15 kB gzip per page, got ${max}`,
        );
      });

      assert.deepEqual(web.errors, [], "no unexpected errors were reported");
    } finally {
      await web.close();
    }
  },
});
