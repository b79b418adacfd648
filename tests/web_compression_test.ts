/**
 * Compression from the outside (issue 18, item 6): pages and static files go
 * out brotli or gzip as the browser accepts, the API's answers as stored.
 */
import assert from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { datasetTestName, hasDataset, webFixture } from "./web_fixture.ts";

Deno.test({
  name: datasetTestName(
    "pages and static files are compressed, API answers are not",
  ),
  ignore: !hasDataset,
  async fn() {
    const web = await webFixture();
    try {
      const cookie = await web.signup("compression@example.com");
      await web.post("/rate", {
        movieId: "1",
        value: "5",
        action: "rate",
        next: "/",
      }, cookie);
      const browser = { "accept-encoding": "gzip, deflate, br, zstd" };
      const raw = await web.request("/for-you", { cookie }).then((r) =>
        r.text()
      );
      const br = await web.request("/for-you", { cookie, headers: browser });
      assert.equal(br.headers.get("content-encoding"), "br");
      assert.match(br.headers.get("vary") ?? "", /accept-encoding/);
      const bytes = new Uint8Array(await br.arrayBuffer());
      // The same page (its recommendations are cached, so identical).
      assert.equal(new TextDecoder().decode(brotliDecompressSync(bytes)), raw);
      assert.ok(
        bytes.length * 4 < raw.length,
        `For you: ${raw.length} bytes raw, ${bytes.length} in brotli`,
      );
      const gz = await web.request("/movies", {
        headers: { "accept-encoding": "gzip" },
      });
      assert.equal(gz.headers.get("content-encoding"), "gzip");
      assert.match(
        new TextDecoder().decode(
          gunzipSync(new Uint8Array(await gz.arrayBuffer())),
        ),
        /<\/html>/,
      );
      for (const path of ["/static/style.css"]) {
        const res = await web.request(path, { headers: browser });
        assert.equal(res.headers.get("content-encoding"), "br", path);
        const body = new Uint8Array(await res.arrayBuffer());
        assert.equal(Number(res.headers.get("content-length")), body.length);
      }
      // The API's cached reads go out exactly as stored.
      const api = await web.request("/api/movies?pageSize=5", {
        headers: browser,
      });
      assert.equal(api.headers.get("content-encoding"), null);
      assert.equal((await api.json()).items.length, 5);
      assert.deepEqual(web.errors, []);
    } finally {
      await web.close();
    }
  },
});
