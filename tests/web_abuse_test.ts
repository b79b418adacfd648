/**
 * The web app under attack, from the outside: redirects after a form that
 * try to leave the site, form bodies far beyond any form, malformed paths
 * and bad input that must be a 4xx page (never a 5xx or an error log).
 * The body limit is measured on `deno task start`'s own process (main.ts).
 */
import assert from "node:assert/strict";
import { loadedDataDir, TINY_DATASET_ENV } from "./api_fixture.ts";
import {
  datasetTestName,
  hasDataset,
  ORIGIN,
  webFixture,
} from "./web_fixture.ts";
import { startServerProcess } from "./server_process.ts";
import { WEB_FORM_MAX_BYTES } from "../web/app.tsx";

/** `next` values that browsers would follow to another host. */
const ESCAPES = [
  "/\t/evil.example/x",
  "/\n/evil.example/x",
  "/\r/evil.example/x",
  "/\\evil.example",
  "/\t\\evil.example",
  " //evil.example",
  "//evil.example",
  "/x/../..//evil.example",
  "/.//evil.example",
  "https://evil.example/",
  "/\u0000/evil.example",
];

/** Asserts that a redirect stays on this site, as a browser resolves it. */
function assertStaysHere(res: Response, what: string): void {
  assert.equal(res.status, 303, what);
  const location = res.headers.get("location") ?? "";
  const target = new URL(location, ORIGIN);
  assert.equal(target.origin, ORIGIN, `${what}: Location ${location}`);
}

Deno.test({
  name: datasetTestName("web: redirects after forms stay on the site"),
  ignore: !hasDataset,
  async fn(t) {
    const web = await webFixture();
    try {
      const cookie = await web.signup("redirects@example.com");
      await t.step("GET /login and /signup when signed in", async () => {
        for (const next of ESCAPES) {
          for (const page of ["/login", "/signup"]) {
            const res = await web.request(
              `${page}?next=${encodeURIComponent(next)}`,
              { cookie, redirect: "manual" },
            );
            assertStaysHere(res, `GET ${page} next=${JSON.stringify(next)}`);
          }
        }
      });
      await t.step("POST /login, /signup and /rate", async () => {
        for (const [i, next] of ESCAPES.entries()) {
          const login = await web.post("/login", {
            email: "redirects@example.com",
            password: "correct horse battery",
            next,
          });
          assertStaysHere(login, `POST /login next=${JSON.stringify(next)}`);
          const signup = await web.signupResponse(
            `redirect-${i}@example.com`,
            next,
          );
          assertStaysHere(signup, `POST /signup next=${JSON.stringify(next)}`);
          const rate = await web.post(
            "/rate",
            { movieId: "1", value: "4", next },
            cookie,
          );
          assertStaysHere(rate, `POST /rate next=${JSON.stringify(next)}`);
        }
      });
      await t.step(
        "a same-site next is kept as the visitor gave it",
        async () => {
          const res = await web.request(
            `/login?next=${encodeURIComponent("/movies?q=toy&page=2")}`,
            { cookie, redirect: "manual" },
          );
          assert.equal(res.headers.get("location"), "/movies?q=toy&page=2");
        },
      );
    } finally {
      await web.close();
    }
  },
});

Deno.test({
  name: datasetTestName("web: bad input is a 4xx page, never a 5xx"),
  ignore: !hasDataset,
  async fn(t) {
    const web = await webFixture();
    try {
      await t.step("GET /static/%ff is a 404", async () => {
        for (const path of ["/static/%ff", "/static/%E0%A4%A", "/static/%"]) {
          const res = await web.request(path);
          assert.equal(res.status, 404, path);
          await res.body?.cancel();
        }
      });
      await t.step("For you with an unknown genre is a 400 page", async () => {
        const cookie = await web.signup("genre@example.com");
        const res = await web.request("/for-you?genre=Nope", { cookie });
        assert.equal(res.status, 400);
        assert.match(
          await res.text(),
          /There is no genre called &quot;Nope&quot;/,
        );
        assert.deepEqual(web.errors, [], "nothing reported as unexpected");
      });
      await t.step("a form body over the limit is refused (413)", async () => {
        const big = "x".repeat(WEB_FORM_MAX_BYTES);
        for (const path of ["/login", "/signup", "/rate", "/logout"]) {
          const res = await web.post(path, { email: big, password: big });
          assert.equal(res.status, 413, path);
          assert.match(res.headers.get("content-type") ?? "", /text\/html/);
          await res.body?.cancel();
        }
      });
    } finally {
      await web.close();
    }
  },
});

/** A streamed body of `bytes` bytes (no Content-Length: chunked). */
function streamedForm(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === 0) controller.enqueue(new TextEncoder().encode("email="));
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

Deno.test({
  name:
    "web: a 100 MB form post to `deno task start` is refused without being read",
  async fn() {
    const dataDir = await loadedDataDir(TINY_DATASET_ENV);
    const server = await startServerProcess({ entry: "main.ts", dataDir });
    try {
      const before = await server.rss();
      let peak = before;
      const sampling = setInterval(() => {
        server.rss().then((rss) => peak = Math.max(peak, rss), () => {});
      }, 20);
      const statuses: string[] = [];
      try {
        for (const path of ["/login", "/rate"]) {
          const res = await fetch(`${server.url}${path}`, {
            method: "POST",
            headers: {
              origin: server.url,
              "content-type": "application/x-www-form-urlencoded",
            },
            body: streamedForm(100 * 1024 * 1024),
          }).catch((error: Error) => error);
          // The server may answer and close before the upload ends.
          if (res instanceof Response) {
            statuses.push(String(res.status));
            await res.body?.cancel();
          } else statuses.push(`closed: ${res.message}`);
        }
      } finally {
        clearInterval(sampling);
      }
      peak = Math.max(peak, await server.rss());
      const growth = (peak - before) / 1024 / 1024;
      console.log(
        `  RSS ${(before / 1048576).toFixed(0)} MB → peak ${
          (peak / 1048576).toFixed(0)
        } MB during two 100 MB posts (${statuses.join(", ")})`,
      );
      for (const status of statuses) {
        assert.ok(status === "413" || status.startsWith("closed"), status);
      }
      assert.ok(growth < 48, `RSS grew by ${growth.toFixed(0)} MB`);
      // still serving
      const health = await fetch(`${server.url}/health`);
      assert.equal(health.status, 200);
      await health.body?.cancel();
    } finally {
      await server.stop();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
