/**
 * Times the API requests that matter, one after another, against a running
 * server (`deno task start`): movies, search, genres, a re-rating, the
 * caller's history, recommendations. For stores where each request costs
 * seconds (FerretDB, docs/DEPLOY.md), not a load test: see tools/bench.
 *
 *   LOCAL_AUTH_SECRET=… deno run -A tools/bench/api_latency.ts http://127.0.0.1:8000
 *
 * Each request runs `--rounds` times (default 3); prints the first (cold)
 * time and the median of the others in seconds; fails on an error status.
 * @module
 */
import { LOCAL_ISSUER } from "../../api/auth/local.ts";
import { configFromEnv } from "../../config/mod.ts";
import { signToken } from "../../tests/api_fixture.ts";

const [base, ...flags] = Deno.args;
// The server's own secret, read as the server reads it.
const secret = configFromEnv().LOCAL_AUTH_SECRET;
if (!base || !secret) {
  console.error(
    "Usage: LOCAL_AUTH_SECRET=… deno run -A tools/bench/api_latency.ts BASE_URL [--rounds N]",
  );
  Deno.exit(2);
}
const roundsFlag = flags.indexOf("--rounds");
const rounds = roundsFlag >= 0 ? Number(flags[roundsFlag + 1]) : 3;
const headers = {
  Authorization: `Bearer ${await signToken(secret, {
    sub: `latency-${Date.now()}`,
    iss: LOCAL_ISSUER,
  })}`,
  "Content-Type": "application/json",
};

const requests: { label: string; path: string; init?: RequestInit }[] = [
  { label: "movies page (popular)", path: "/api/movies?pageSize=20" },
  { label: "movie by id", path: "/api/movies/1" },
  { label: "title search", path: "/api/movies?q=star%20wars" },
  {
    label: "genre + year filter",
    path: "/api/movies?genres=Drama&yearFrom=1990&yearTo=1999&sort=rating",
  },
  { label: "genres", path: "/api/genres" },
  {
    label: "rate (re-rating after the first)",
    path: "/api/interactions",
    init: {
      method: "POST",
      headers,
      body: JSON.stringify({ movieId: 1, type: "rating", value: 4 }),
    },
  },
  {
    label: "own history",
    path: "/api/users/me/interactions",
    init: { headers },
  },
  {
    label: "recommendations for me",
    path: "/api/recommendations/user/me?limit=10",
    init: { headers },
  },
  { label: "similar movies", path: "/api/recommendations/item/1?limit=10" },
];

for (const { label, path, init } of requests) {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    const res = await fetch(`${base}${path}`, init);
    await res.arrayBuffer();
    times.push((performance.now() - started) / 1000);
    if (res.status >= 400) {
      console.error(`${label}: HTTP ${res.status} for ${path}`);
      Deno.exit(1);
    }
  }
  // The first round is the cold one; later rounds may hit the API's caches.
  const [first, ...rest] = times;
  rest.sort((a, b) => a - b);
  const again = rest.length > 0
    ? `, then median ${rest[Math.floor(rest.length / 2)].toFixed(2)} s`
    : "";
  console.log(`${label.padEnd(34)} first ${first.toFixed(2)} s${again}`);
}
