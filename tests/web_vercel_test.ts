/**
 * The Vercel build: `buildVercel` writes Build Output API v3, and the
 * bundled function, run in Node.js as Vercel would (a (req, res) handler),
 * serves pages from a real API over HTTP (API_URL).
 */
import assert from "node:assert/strict";
import { hasDataset, loadedStore, testApp } from "./api_fixture.ts";
import { buildVercel } from "../web/adapters/build_vercel.ts";
import { ensureIslands } from "../web/build.ts";

const hasNode = (() => {
  try {
    return new Deno.Command("node", { args: ["--version"] }).outputSync()
      .success;
  } catch {
    return false;
  }
})();

const reason = !hasNode
  ? " (ignored: node is not installed)"
  : !hasDataset
  ? " (ignored: ../shared/data/ml-latest-small is absent)"
  : "";

/** Node.js runtimes Vercel builds new deployments on (checked 2026-10). */
const SUPPORTED_RUNTIMES = ["nodejs22.x", "nodejs24.x"];

// Starts the function's handler in a Node http server; prints its port.
const NODE_HOST = `
import http from "node:http";
const { default: handler } = await import(process.argv[1]);
const server = http.createServer(handler);
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

Deno.test({
  name: `Vercel build output serves pages from Node.js${reason}`,
  ignore: reason !== "",
  async fn(t) {
    const outDir = await Deno.makeTempDir({ prefix: "vercel_output_" });
    await ensureIslands();
    const build = await buildVercel({ outDir, islands: false });
    await t.step("Build Output API v3 layout", async () => {
      const config = JSON.parse(
        await Deno.readTextFile(`${outDir}/config.json`),
      );
      assert.equal(config.version, 3);
      assert.deepEqual(config.routes.at(-2), { handle: "filesystem" });
      assert.deepEqual(config.routes.at(-1), {
        src: "^/(.*)$",
        dest: "/index",
      });
      const vc = JSON.parse(
        await Deno.readTextFile(
          `${outDir}/functions/index.func/.vc-config.json`,
        ),
      );
      // Vercel's Node.js runtimes that still build (nodejs20.x was
      // deprecated on 2026-10-01: new deployments on it fail).
      assert.ok(
        SUPPORTED_RUNTIMES.includes(vc.runtime),
        `runtime ${vc.runtime}: expected one of ${SUPPORTED_RUNTIMES}`,
      );
      assert.equal(vc.handler, "index.mjs");
      assert.ok(build.staticFiles.includes("/static/style.css"));
      assert.ok(build.staticFiles.includes("/static/islands/rating_widget.js"));
      await Deno.stat(`${outDir}/static/static/islands/search_box.js`);
    });

    const loaded = await loadedStore();
    const api = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      testApp(loaded.store).fetch,
    );
    const node = new Deno.Command("node", {
      args: ["--input-type=module", "-e", NODE_HOST, build.functionFile],
      env: {
        API_URL: `http://127.0.0.1:${api.addr.port}`,
        LOG_LEVEL: "error",
      },
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    try {
      const reader = node.stdout.pipeThrough(new TextDecoderStream())
        .getReader();
      const { value } = await reader.read();
      reader.releaseLock();
      const base = `http://127.0.0.1:${Number(value?.trim())}`;

      await t.step("GET / and a movie page render", async () => {
        const home = await fetch(`${base}/`);
        assert.equal(home.status, 200);
        assert.match(await home.text(), /Popular with MovieLens users/);
        const movie = await fetch(`${base}/movies/1`);
        assert.match(await movie.text(), /<h1>Toy Story/);
      });

      await t.step("sign up sets the cookie through Node", async () => {
        const res = await fetch(`${base}/signup`, {
          method: "POST",
          redirect: "manual",
          headers: { origin: base },
          body: new URLSearchParams({
            email: "vercel@example.com",
            password: "correct horse battery",
          }),
        });
        assert.equal(res.status, 303);
        assert.match(res.headers.getSetCookie()[0], /^ml_session=.*HttpOnly/);
        await res.body?.cancel();
      });
    } finally {
      node.kill("SIGTERM");
      // The stream may already be closed by the exit; either way we are done.
      await node.stdout.cancel().catch(() => {});
      await node.status;
      await api.shutdown();
      await loaded.close();
      await Deno.remove(outDir, { recursive: true });
    }
  },
});
