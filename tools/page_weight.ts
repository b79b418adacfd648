/**
 * `deno run -A tools/page_weight.ts [base URL]`: what each page and static
 * file weighs on the wire, raw, gzip and brotli, as the server sends it
 * (Accept-Encoding of a browser, or none), plus the median time to answer
 * each page both ways. Signs up a throwaway account on the server and rates
 * three movies, so the personal pages have content. Prints a Markdown table.
 *
 * Start a server first (`deno task start`, or any deployment's URL).
 */

const base = (Deno.args[0] ?? "http://localhost:8000").replace(/\/$/, "");
const ROUNDS = 15;

async function signUp(): Promise<string> {
  const form = (body: Record<string, string>) => ({
    method: "POST",
    redirect: "manual" as const,
    headers: {
      origin: base,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(body),
  });
  const email = `weight-${Date.now()}@example.com`;
  const res = await fetch(
    `${base}/signup`,
    form({ email, password: "correct horse battery", next: "/" }),
  );
  await res.body?.cancel();
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0])
    .join("; ");
  for (const movieId of ["1", "2571", "260"]) {
    const rated = await fetch(`${base}/rate`, {
      ...form({ movieId, value: "4.5", action: "rate", next: "/" }),
      headers: { ...form({}).headers, cookie },
    });
    await rated.body?.cancel();
  }
  return cookie;
}

/** Bytes on the wire for one Accept-Encoding, and the median time. */
async function measure(
  path: string,
  cookie: string,
  acceptEncoding: string,
): Promise<{ bytes: number; encoding: string; ms: number }> {
  let bytes = 0;
  let encoding = "identity";
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    // Deno's fetch would decode the body: ask for the raw bytes instead.
    const res = await fetch(`${base}${path}`, {
      headers: { cookie, "accept-encoding": acceptEncoding },
    });
    const body = new Uint8Array(await res.arrayBuffer());
    times.push(performance.now() - started);
    encoding = res.headers.get("content-encoding") ?? "identity";
    bytes = Number(res.headers.get("content-length") ?? body.length);
  }
  times.sort((a, b) => a - b);
  return { bytes, encoding, ms: times[Math.floor(times.length / 2)] };
}

const cookie = await signUp();
const pages: [string, boolean][] = [
  ["/", false],
  ["/movies", false],
  ["/movies?q=star", false],
  ["/movies/2571", true],
  ["/for-you", true],
  ["/my-ratings", true],
  ["/static/style.css", false],
];
const islands = await fetch(`${base}/static/islands/manifest.json`)
  .then((r) => r.ok ? r.json() : { files: [] })
  .catch(() => ({ files: [] })) as { files: { file: string }[] };
for (const { file } of islands.files) {
  pages.push([`/static/islands/${file}`, false]);
}

const rows = [
  "| path | identity bytes | gzip bytes | br bytes | br / identity | median ms identity | median ms br |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
];
for (const [path, personal] of pages) {
  const session = personal ? cookie : "";
  const identity = await measure(path, session, "identity");
  const gzip = await measure(path, session, "gzip");
  const br = await measure(path, session, "gzip, deflate, br, zstd");
  rows.push(
    `| ${path} | ${identity.bytes} | ${gzip.bytes} (${gzip.encoding}) | ${br.bytes} (${br.encoding}) | ${
      (br.bytes / identity.bytes).toFixed(3)
    } | ${identity.ms.toFixed(1)} | ${br.ms.toFixed(1)} |`,
  );
}
console.log(rows.join("\n"));
