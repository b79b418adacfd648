import assert from "node:assert/strict";
import { parseWrk, rotatingTokenScript, runWrk } from "./wrk.ts";

// What wrk 4.1 prints with --latency (trimmed thread stats).
const OUTPUT = `Running 5s test @ http://127.0.0.1:8000/api/movies/1
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.22ms    2.10ms  40.00ms   90.00%
  Latency Distribution
     50%  812.00us
     75%    3.50ms
     90%    5.00ms
     99%    1.21s
  44590 requests in 5.00s, 40.00MB read
  Non-2xx or 3xx responses: 3
  Socket errors: connect 0, read 2, write 0, timeout 1
Requests/sec:   8918.00
Transfer/sec:      8.00MB
`;

Deno.test("parseWrk reads rate, percentiles in any unit, and errors", () => {
  assert.deepEqual(parseWrk(OUTPUT), {
    requestsPerSec: 8918,
    p50Ms: 0.812,
    p99Ms: 1210,
    requests: 44590,
    errors: 6,
  });
});

Deno.test("parseWrk says what it expected when the output is not wrk's", () => {
  assert.throws(() => parseWrk("nothing"), /Expected wrk's Requests\/sec line/);
  assert.throws(
    () => parseWrk("  1 requests in 1s\nRequests/sec: 1\n"),
    /Expected a 50% line/,
  );
});

Deno.test("runWrk refuses anything but loopback", async () => {
  await assert.rejects(
    () => runWrk(new URL("http://example.com/")),
    /Expected a loopback URL/,
  );
});

Deno.test("the rotating script cycles through every token", () => {
  const script = rotatingTokenScript("/api/x", ["a", "b"]);
  assert.match(script, /local tokens = \{"a","b"\}/);
  assert.match(script, /wrk\.format\("GET", "\/api\/x"/);
});
