import assert from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Hono } from "hono";
import {
  compressBody,
  compressResponses,
  negotiateEncoding,
} from "./compression.ts";

Deno.test("negotiateEncoding prefers brotli, honours q=0 and wildcards", () => {
  assert.equal(negotiateEncoding("gzip, deflate, br, zstd"), "br");
  assert.equal(negotiateEncoding("gzip"), "gzip");
  assert.equal(negotiateEncoding("br;q=0, gzip;q=0.5"), "gzip");
  assert.equal(negotiateEncoding("*"), "br");
  assert.equal(negotiateEncoding("*;q=0, gzip"), "gzip");
  assert.equal(negotiateEncoding("identity"), null);
  assert.equal(negotiateEncoding(""), null);
  assert.equal(negotiateEncoding(undefined), null);
});

Deno.test("compressBody round-trips both codings at both efforts", async () => {
  const text = new TextEncoder().encode("<li>movie</li>".repeat(2000));
  for (const effort of ["page", "static"] as const) {
    const br = await compressBody(text, { encoding: "br", effort });
    assert.deepEqual(new Uint8Array(brotliDecompressSync(br)), text);
    const gz = await compressBody(text, { encoding: "gzip", effort });
    assert.deepEqual(new Uint8Array(gunzipSync(gz)), text);
    assert.ok(br.length < text.length / 20);
  }
});

Deno.test("compressResponses compresses text of 1 KB and more, keeps cookies", async () => {
  const app = new Hono();
  app.use(compressResponses());
  const big = "<p>hello</p>".repeat(500);
  app.get("/big", (c) => {
    c.header("set-cookie", "a=1");
    return c.html(big);
  });
  app.get("/small", (c) => c.html("<p>hi</p>"));
  app.get(
    "/png",
    (c) => c.body(new Uint8Array(5000), 200, { "content-type": "image/png" }),
  );
  app.get("/raw", (c) => c.html(big, 200, { "cache-control": "no-transform" }));

  const br = await app.request("/big", {
    headers: { "accept-encoding": "br" },
  });
  assert.equal(br.headers.get("content-encoding"), "br");
  assert.equal(br.headers.get("vary"), "accept-encoding");
  assert.equal(br.headers.get("set-cookie"), "a=1");
  const bytes = new Uint8Array(await br.arrayBuffer());
  assert.equal(Number(br.headers.get("content-length")), bytes.length);
  assert.equal(new TextDecoder().decode(brotliDecompressSync(bytes)), big);

  const plain = await app.request("/big");
  assert.equal(plain.headers.get("content-encoding"), null);
  assert.equal(await plain.text(), big);

  for (const path of ["/small", "/png", "/raw"]) {
    const res = await app.request(path, {
      headers: { "accept-encoding": "gzip, br" },
    });
    assert.equal(res.headers.get("content-encoding"), null, path);
    await res.body?.cancel();
  }
  const head = await app.request("/big", {
    method: "HEAD",
    headers: { "accept-encoding": "br" },
  });
  assert.equal(head.headers.get("content-encoding"), null);
});
