/**
 * Another process holding SQLite's write lock (a `pipeline load`, a backup,
 * an operator's `sqlite3` shell) against `api/main.ts` as a process:
 * `node:sqlite` is synchronous, so a write that waited for the lock inside
 * SQLite froze the whole server. Now the API keeps answering while a write
 * waits, the write goes through once the lock is released, and a write that
 * waits longer than `SQLITE_BUSY_TIMEOUT_MS` is a 503 with Retry-After.
 */
import assert from "node:assert/strict";
import { openSqliteStore } from "../store/mod.ts";
import { localToken, postRating } from "./api_fixture.ts";
import { startOnTinyData } from "./server_process.ts";
import { sessionCookie } from "./web_fixture.ts";

/** The script of the second process: takes the lock, holds it until told. */
const HOLDER = `
import { DatabaseSync } from "node:sqlite";
const db = new DatabaseSync(Deno.args[0]);
db.exec("BEGIN IMMEDIATE");
db.exec("INSERT INTO meta (key, value) VALUES ('lock-holder', 'x') ON CONFLICT (key) DO UPDATE SET value = 'y'");
console.log("locked");
for await (const _ of Deno.stdin.readable) break;
db.exec("COMMIT");
db.close();
console.log("released");
`;

/** A real second process holding the write lock of `path` until `release()`. */
async function holdWriteLock(path: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", HOLDER, path],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream())
    .getReader();
  let buffered = "";
  const nextLine = async (): Promise<string> => {
    while (!buffered.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the lock holder exited");
      buffered += value;
    }
    const end = buffered.indexOf("\n");
    const line = buffered.slice(0, end);
    buffered = buffered.slice(end + 1);
    return line;
  };
  assert.equal(await nextLine(), "locked");
  const writer = child.stdin.getWriter();
  return {
    async release() {
      await writer.write(new TextEncoder().encode("go\n"));
      assert.equal(await nextLine(), "released");
      await writer.close().catch(() => {});
      await reader.cancel();
      assert.equal((await child.status).code, 0);
    },
  };
}

/** Milliseconds `/health` takes to answer. */
async function healthMs(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/health`);
  await res.body?.cancel();
  assert.equal(res.status, 200);
  return performance.now() - started;
}

Deno.test({
  name:
    "SQLite locked by another process: the API keeps answering, the write waits without blocking, then 503 + Retry-After",
  async fn() {
    const { server: api, dataDir } = await startOnTinyData("api/main.ts", {
      RATE_LIMIT_PER_MINUTE: "100000",
      SQLITE_BUSY_TIMEOUT_MS: "2000",
    });
    const token = await localToken("lock-user");
    const rate = (movieId: number) =>
      postRating(api.url, { movieId, value: 4, token });
    try {
      // 1. released while the write waits: the write goes through
      let holder = await holdWriteLock(`${dataDir}/movielens.db`);
      const events: string[] = [];
      const waiting = rate(1).then((res) => {
        events.push("write answered");
        return res;
      });
      await new Promise((r) => setTimeout(r, 200));
      const during: number[] = [];
      for (let i = 0; i < 5; i++) during.push(await healthMs(api.url));
      events.push("health answered");
      await holder.release();
      const released = await waiting;
      assert.equal(released.status, 201, await released.text());
      assert.deepEqual(
        events,
        ["health answered", "write answered"],
        "/health answered while the write waited for the lock",
      );

      // 2. held past SQLITE_BUSY_TIMEOUT_MS: 503 + Retry-After, never 500
      holder = await holdWriteLock(`${dataDir}/movielens.db`);
      const started = performance.now();
      const refused = await rate(2);
      const waitedMs = performance.now() - started;
      const body = await refused.json();
      await holder.release();
      assert.equal(refused.status, 503, JSON.stringify(body));
      assert.equal(body.type, "/problems/busy");
      assert.ok(Number(refused.headers.get("Retry-After")) >= 1);
      console.log(
        `  /health during the lock: max ${
          Math.max(...during).toFixed(0)
        } ms over ${during.length}; the refused write waited ${
          waitedMs.toFixed(0)
        } ms`,
      );

      // 3. the lock gone, writes go through again
      const after = await rate(2);
      assert.equal(after.status, 201, await after.text());
    } finally {
      await api.stop();
    }
    const store = await openSqliteStore(`${dataDir}/movielens.db`);
    try {
      const stored = await store.interactions.forUser("lock-user");
      assert.deepEqual(stored.map((i) => i.movieId).sort(), [1, 2]);
    } finally {
      await store.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "deno task start: a rating posted while SQLite is locked gets a 503 page with Retry-After, then goes through",
  async fn() {
    const { server, dataDir } = await startOnTinyData("main.ts", {
      SQLITE_BUSY_TIMEOUT_MS: "300",
    });
    const post = (path: string, form: Record<string, string>, cookie = "") =>
      fetch(`${server.url}${path}`, {
        method: "POST",
        body: new URLSearchParams(form),
        headers: { origin: server.url, cookie },
        redirect: "manual",
      });
    const rate = { movieId: "3", value: "4.5", next: "/my-ratings" };
    try {
      const signedUp = await post("/signup", {
        email: "locked@example.com",
        password: "correct horse battery",
        next: "/",
      });
      await signedUp.body?.cancel();
      const cookie = sessionCookie(signedUp);
      const holder = await holdWriteLock(`${dataDir}/movielens.db`);
      let page: Response;
      try {
        page = await post("/rate", rate, cookie);
      } finally {
        await holder.release();
      }
      const html = await page.text();
      assert.equal(page.status, 503, html.slice(0, 500));
      assert.equal(page.headers.get("Retry-After"), "1");
      assert.match(html, /busy: nothing was saved/);
      const saved = await post("/rate", rate, cookie);
      await saved.body?.cancel();
      assert.equal(saved.status, 303);
      const stopped = await server.stop();
      assert.doesNotMatch(stopped.stderr, /ERROR|Unexpected/i);
    } finally {
      await server.stop("SIGKILL");
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
