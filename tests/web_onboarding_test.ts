/**
 * The onboarding page without JavaScript, on the real ml-latest-small
 * through the combined server: sign up lands on it, each page is one plain
 * form (stars or "Haven't seen it" per movie), progress counts ratings,
 * answered movies are never asked again, bad posts get a 4xx page.
 */
import assert from "node:assert/strict";
import { datasetTestName, hasDataset, webFixture } from "./web_fixture.ts";
import { parseOnboardingForm } from "../web/routes/onboarding.tsx";

/** Movie ids asked about on an onboarding page, in order. */
const askedIds = (html: string): number[] =>
  [...html.matchAll(/<input type="hidden" name="movieId" value="(\d+)"/g)]
    .map((m) => Number(m[1]));

Deno.test("the onboarding form is read strictly", () => {
  assert.deepEqual(
    parseOnboardingForm({
      movieId: ["1", "2", "3", "2"],
      "answer-1": "4.5",
      "answer-2": "skip",
    }),
    [{ movieId: 1, answer: 4.5 }, { movieId: 2, answer: "skip" }],
  );
  assert.deepEqual(parseOnboardingForm({}), []);
  assert.match(
    parseOnboardingForm({ movieId: "1", "answer-1": "4.2" }) as string,
    /Cannot accept rating "4.2" of movie 1: expected 0.5 to 5/,
  );
  assert.match(
    parseOnboardingForm({ movieId: "x" }) as string,
    /Expected a movie id, found "x"/,
  );
  assert.match(
    parseOnboardingForm({
      movieId: Array.from({ length: 51 }, (_, i) => String(i + 1)),
    }) as string,
    /at most 50 movies/,
  );
});

Deno.test({
  name: datasetTestName("onboarding works as plain forms"),
  ignore: !hasDataset,
  async fn(t) {
    const web = await webFixture();
    const page = async (path: string, cookie: string, status = 200) => {
      const res = await web.request(path, { cookie });
      assert.equal(res.status, status, `GET ${path}`);
      return await res.text();
    };
    try {
      await t.step("signed out, it asks to log in", async () => {
        for (const method of ["GET", "POST"]) {
          const res = await web.request("/onboarding", {
            method,
            headers: { origin: "http://web.test" },
          });
          assert.equal(res.status, 303);
          assert.equal(
            res.headers.get("location"),
            "/login?next=/onboarding",
          );
        }
      });

      let cookie = "";
      await t.step("sign up lands on onboarding", async () => {
        const res = await web.signupResponse("onboard@example.com");
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), "/onboarding");
        cookie = res.headers.getSetCookie()[0].split(";")[0];
        const toMovie = await web.signupResponse(
          "onboard-movie@example.com",
          "/movies/2571",
        );
        assert.equal(toMovie.headers.get("location"), "/movies/2571");
      });

      let first: number[] = [];
      await t.step("a page of ten movies, no JavaScript", async () => {
        const html = await page("/onboarding", cookie);
        first = askedIds(html);
        assert.equal(first.length, 10);
        assert.equal(new Set(first).size, 10);
        assert.match(html, /0 of 10 rated/);
        assert.match(html, /<progress max="10" value="0"/);
        assert.doesNotMatch(html, /<script/);
        assert.match(html, /<form method="post" action="\/onboarding"/);
        // "Haven't seen it" is the default answer of every movie.
        const checked = [...html.matchAll(/value="skip" checked/g)];
        assert.equal(checked.length, 10);
        assert.match(html, /Haven(&#39;|')t seen it/);
        // Half stars, ascending, each labelled.
        assert.match(
          html,
          new RegExp(`id="q-${first[0]}-0.5" name="answer-${first[0]}"`),
        );
        assert.match(html, /<span class="sr-only">4.5 stars<\/span>/);
        assert.match(html, /Skip for now/);
        assert.doesNotMatch(html, /Show my recommendations/);
      });

      await t.step(
        "answers are saved; the next page asks about other movies",
        async () => {
          const body = new URLSearchParams();
          first.forEach((id, i) => {
            body.append("movieId", String(id));
            // Six ratings, four left at "Haven't seen it".
            body.append(`answer-${id}`, i < 6 ? String(5 - i * 0.5) : "skip");
          });
          body.append("then", "more");
          const res = await web.request("/onboarding", {
            method: "POST",
            body,
            cookie,
            headers: {
              origin: "http://web.test",
              "content-type": "application/x-www-form-urlencoded",
            },
          });
          assert.equal(res.status, 303);
          assert.equal(res.headers.get("location"), "/onboarding");
          const html = await page("/onboarding", cookie);
          assert.match(html, /6 of 10 rated/);
          assert.match(html, /Show my recommendations/);
          const second = askedIds(html);
          assert.equal(second.length, 10);
          assert.deepEqual(second.filter((id) => first.includes(id)), []);
          const ratings = await page("/my-ratings", cookie);
          assert.match(ratings, /6 rated/);
        },
      );

      await t.step("an old page posted again is harmless", async () => {
        // Skipping movies already rated is a 409 at the API: ignored here.
        const res = await web.post("/onboarding", {
          movieId: String(first[0]),
          [`answer-${first[0]}`]: "skip",
        }, cookie);
        assert.equal(res.status, 303);
        assert.match(await page("/onboarding", cookie), /6 of 10 rated/);
      });

      await t.step("bad answers get a 4xx page, never a 5xx", async () => {
        const bad = await web.post("/onboarding", {
          movieId: String(first[0]),
          [`answer-${first[0]}`]: "7",
        }, cookie);
        assert.equal(bad.status, 400);
        assert.match(await bad.text(), /expected 0.5 to 5 in steps of 0.5/);
        const unknown = await web.post("/onboarding", {
          movieId: "999999999",
          "answer-999999999": "4",
        }, cookie);
        assert.equal(unknown.status, 404);
        await unknown.body?.cancel();
        const foreign = await web.post(
          "/onboarding",
          { movieId: "1", "answer-1": "4" },
          cookie,
          { origin: "https://evil.example" },
        );
        assert.equal(foreign.status, 400);
        await foreign.body?.cancel();
      });

      await t.step(
        '"Show my recommendations" saves the page and goes to For you',
        async () => {
          const html = await page("/onboarding", cookie);
          const [id] = askedIds(html);
          const res = await web.post("/onboarding", {
            movieId: String(id),
            [`answer-${id}`]: "3.5",
            then: "done",
          }, cookie);
          assert.equal(res.status, 303);
          assert.equal(res.headers.get("location"), "/for-you");
          const forYou = await page("/for-you", cookie);
          assert.match(forYou, /You have rated 7 of 10/);
          assert.match(forYou, /href="\/onboarding"/);
        },
      );

      assert.deepEqual(web.errors, [], "no unexpected errors were reported");
    } finally {
      await web.close();
    }
  },
});
