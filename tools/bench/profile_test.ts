import assert from "node:assert/strict";
import { type CpuProfile, partOf, summariseProfile } from "./profile.ts";

const frame = (id: number, functionName: string, url = "") => ({
  id,
  callFrame: { functionName, url, lineNumber: 9 },
});

Deno.test("frames are sorted into the parts of the request path", () => {
  assert.match(partOf("", "(idle)"), /^outside JavaScript/);
  assert.match(partOf("", "op_http_set_response_body_bytes"), /^Deno ops/);
  assert.match(partOf("ext:deno_http/00_serve.ts", "fast"), /ext:deno_http/);
  assert.match(partOf("ext:deno_fetch/20_headers.js", "set"), /^Request/);
  assert.match(
    partOf(
      "file:///r/node_modules/.deno/hono@4/node_modules/hono/dist/hono.js",
      "f",
    ),
    /^Hono/,
  );
  assert.match(partOf("file:///r/api/logger.ts", "entry"), /^request log/);
  assert.match(
    partOf("file:///r/api/cached_responses.ts", "serve"),
    /^fast path/,
  );
  assert.match(
    partOf("file:///r/core/recommenders/hybrid.ts", "x"),
    /^recommenders/,
  );
  assert.match(partOf("file:///r/api/routes/movies.ts", "x"), /^API routes/);
});

Deno.test("a profile is summed by self time over the last window only", () => {
  const profile: CpuProfile = {
    nodes: [
      frame(1, "(root)"),
      frame(2, "(idle)"),
      frame(3, "serve", "file:///r/api/cached_responses.ts"),
      frame(4, "buildServing", "file:///r/serving/mod.ts"),
    ],
    startTime: 0,
    endTime: 0,
    // start-up (serving) first, then the load
    samples: [4, 4, 3, 2, 2, 3, 3, 3],
    timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  };
  const all = summariseProfile(profile);
  assert.equal(all.sampledMs, 7);
  const load = summariseProfile(profile, 5000);
  assert.equal(load.sampledMs, 5);
  assert.deepEqual(load.parts.map((p) => [p.name.split(" ")[0], p.share]), [
    ["fast", 0.6],
    ["outside", 0.4],
  ]);
  assert.equal(load.functions[0].name, "serve (api/cached_responses.ts:10)");
});
