/**
 * API_ISOLATES > 1 against `api/main.ts` as a process: a second isolate
 * answers on the same port with a cache of its own, SIGTERM stops every
 * isolate cleanly, and without `--unstable-net` the start fails naming the
 * flag (Deno's own message) instead of serving with fewer isolates than asked.
 */
import assert from "node:assert/strict";
import { BASE_ENV, loadedDataDir, TINY_DATASET_ENV } from "./api_fixture.ts";
import { freePort, startServerProcess } from "./server_process.ts";

/** One request on a connection of its own (the kernel picks the isolate per connection). */
async function cacheOutcome(url: string): Promise<string | null> {
  const client = Deno.createHttpClient({});
  try {
    const res = await fetch(url, { client });
    await res.body?.cancel();
    assert.equal(res.status, 200);
    return res.headers.get("x-cache");
  } finally {
    client.close();
  }
}

Deno.test("API_ISOLATES=2: two isolates answer on one port, each with its own cache, and stop on SIGTERM", async () => {
  const dataDir = await loadedDataDir(TINY_DATASET_ENV);
  const api = await startServerProcess({
    entry: "api/main.ts",
    dataDir,
    denoFlags: ["--unstable-net"],
    env: { API_ISOLATES: "2", LOG_LEVEL: "info" },
  });
  try {
    // Each isolate misses its own cache once; one isolate would miss once.
    let misses = 0;
    const deadline = Date.now() + 60_000;
    while (misses < 2 && Date.now() < deadline) {
      if (await cacheOutcome(`${api.url}/api/movies/1`) === "miss") misses++;
    }
    assert.equal(misses, 2, "a second isolate never answered");
  } finally {
    const { code, stdout } = await api.stop("SIGTERM");
    assert.equal(code, 0);
    assert.match(stdout, /"API isolates listening".*"isolates":2/);
    assert.equal(stdout.match(/"message":"Stopped"/g)?.length, 2, stdout);
  }
});

Deno.test("API_ISOLATES=2 without --unstable-net: the start fails and names the flag", async () => {
  const dataDir = await loadedDataDir(TINY_DATASET_ENV);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../api/main.ts", import.meta.url).pathname],
    env: {
      ...BASE_ENV,
      DATA_DIR: dataDir,
      PORT: String(freePort()),
      API_ISOLATES: "2",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.notEqual(out.code, 0);
  assert.match(
    new TextDecoder().decode(out.stderr),
    /reusePort.*`--unstable-net` flag must be provided/,
  );
});
