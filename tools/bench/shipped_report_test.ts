import assert from "node:assert/strict";
import {
  BARE,
  type Contender,
  type Endpoint,
  REPLAY,
  type Sample,
  type Samples,
} from "./shipped.ts";
import { shippedRows } from "./shipped_report.ts";

const sample = (s: Partial<Sample>): Sample => ({
  requestsPerSec: 10_000,
  p50Ms: 1,
  p99Ms: 5,
  errors: 0,
  cpuUsPerRequest: 30,
  ratio: 1,
  ...s,
});

function samplesOf(replayRatio: number): Samples {
  const all = (s: Partial<Sample>) =>
    new Map<Endpoint, Sample[]>(
      (["movie", "item", "userHit", "userMiss"] as const).map((
        e,
      ) => [e, [sample(s)]]),
    );
  return new Map([
    [BARE, all({ cpuUsPerRequest: 8, requestsPerSec: 40_000 })],
    [REPLAY, all({ cpuUsPerRequest: 23, ratio: replayRatio })],
    ["container", all({ cpuUsPerRequest: 31, ratio: 0.3, p99Ms: 40 })],
  ]);
}

const container = { name: "container", shipped: true } as Contender;
const explain = (endpoint: Endpoint, name: string) => `[${endpoint} ${name}]`;

Deno.test("a missed cached read names its CPU beside the header-bound ceiling", () => {
  const rows = shippedRows([container], samplesOf(0.33), new Map(), explain);
  const movie = rows.find((r) => r.measure.endsWith("/api/movies/1"))!;
  assert.equal(movie.met, false);
  assert.match(movie.fix!, /31 µs here, 8 µs for bare/);
  assert.match(movie.fix!, /about 8 µs;/);
  assert.match(movie.fix!, /reaches 0\.33× bare/);
  assert.match(movie.fix!, /\[movie container\]$/);
});

Deno.test("the ceiling sentence is left out when Deno alone meets the target", () => {
  const rows = shippedRows([container], samplesOf(0.6), new Map(), explain);
  const movie = rows.find((r) => r.measure.endsWith("/api/movies/1"))!;
  assert.doesNotMatch(movie.fix!, /out of reach/);
});

Deno.test("a missed cache-hit p99 is put in terms of queueing", () => {
  const rows = shippedRows([container], samplesOf(0.33), new Map(), explain);
  const hit = rows.find((r) => r.measure.includes("cache hit"))!;
  assert.equal(hit.met, false);
  assert.match(hit.fix!, /32 \/ throughput = 3\.20 ms at 31 µs/);
});
