/**
 * SIGTERM while writes are in flight, against `api/main.ts` as a process
 * (Cloud Run sends SIGTERM, then SIGKILL 10 s later): every write the API
 * acknowledged is in the store after the restart, each request that
 * reached the server got an answer (201, or 503 once draining began), and
 * the process exits 0 in time.
 */
import assert from "node:assert/strict";
import { openSqliteStore } from "../store/mod.ts";
import { localToken, postRating } from "./api_fixture.ts";
import { startOnTinyData } from "./server_process.ts";

Deno.test({
  name:
    "SIGTERM during writes: acknowledged writes survive, every request is answered (201 or 503)",
  async fn() {
    const { server: api, dataDir } = await startOnTinyData("api/main.ts", {
      RATE_LIMIT_PER_MINUTE: "100000",
      LOG_LEVEL: "info",
    });
    const users = Array.from({ length: 64 }, (_, i) => `sigterm-${i}`);
    const tokens = await Promise.all(
      users.map((sub) => localToken(sub)),
    );
    const acknowledged: { user: string; movieId: number }[] = [];
    const answered: number[] = [];
    const failures: string[] = [];
    let signalled = false;
    let stopped: ReturnType<typeof api.stop> | undefined;
    const movieIds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const writer = async (u: number) => {
      for (let round = 0; round < 200; round++) {
        const movieId = movieIds[round % movieIds.length];
        try {
          const res = await postRating(api.url, {
            movieId,
            value: 1 + (round % 9) / 2,
            token: tokens[u],
          });
          await res.body?.cancel();
          answered.push(res.status);
          if (res.status === 201) {
            acknowledged.push({ user: users[u], movieId });
          }
          // told to go elsewhere (Retry-After), as Cloud Run's front end would
          if (res.status === 503) return;
        } catch (error) {
          // No answer: fine only once the server stopped accepting.
          if (!signalled) throw error;
          const cause = (error as Error).cause;
          failures.push(
            `${(error as Error).message}${
              cause instanceof Error ? `: ${cause.message}` : ""
            }`,
          );
          return;
        }
        if (!signalled && acknowledged.length >= 120) {
          signalled = true;
          stopped = api.stop("SIGTERM");
        }
      }
    };
    try {
      const started = performance.now();
      await Promise.all(users.map((_, u) => writer(u)));
      const exit = await (stopped ?? api.stop("SIGTERM"));
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `  ${acknowledged.length} acknowledged, ${
          answered.filter((s) => s === 503).length
        } told 503, ${failures.length} without a connection; exit ${exit.code} after ${
          seconds.toFixed(1)
        } s`,
      );
      assert.ok(signalled, "SIGTERM was sent while writing");
      assert.equal(exit.code, 0, exit.stderr);
      assert.deepEqual(
        answered.filter((s) => s !== 201 && s !== 503),
        [],
        "answers are 201 or 503",
      );
      // Every writer was answered: 201, or a 503 telling it to go elsewhere
      // (none found the socket closed, none was reset mid-request).
      assert.deepEqual(failures, [], "requests left without an answer");
      const logs = exit.stdout.trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(logs.at(-1).message, "Stopped");
    } finally {
      await api.stop("SIGKILL");
    }
    const store = await openSqliteStore(`${dataDir}/movielens.db`);
    try {
      for (const user of users) {
        const stored = new Set(
          (await store.interactions.forUser(user)).map((i) => i.movieId),
        );
        const missing = acknowledged.filter((a) =>
          a.user === user && !stored.has(a.movieId)
        );
        assert.deepEqual(missing, [], `${user}: acknowledged writes lost`);
      }
    } finally {
      await store.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
