/**
 * The shipped-vs-API-alone results: target rows for the main table, and
 * the side-by-side tables and profile summaries as Markdown.
 */
import type { LogCost } from "./log_cost.ts";
import type { ProfileSummary } from "./profile.ts";
import {
  BARE,
  type Contender,
  type Endpoint,
  ENDPOINTS,
  errorsOf,
  medianOf,
  REPLAY,
  type Samples,
} from "./shipped.ts";
import { type BenchRow, formatMs } from "./stats.ts";

const cell = (text: string) => text.replaceAll("|", "\\|");
const perSec = (n: number) => `${Math.round(n).toLocaleString("en")}/s`;

function readCell(samples: Samples, name: string, endpoint: "movie" | "item") {
  const ratio = medianOf(samples, name, endpoint, "ratio");
  const errors = errorsOf(samples, name, endpoint);
  return `**${ratio.toFixed(2)}×** · ${
    perSec(medianOf(samples, name, endpoint, "requestsPerSec"))
  } · ${medianOf(samples, name, endpoint, "cpuUsPerRequest").toFixed(0)} µs${
    errors ? ` · ${errors} errors` : ""
  }`;
}

/** Options for `shippedSection`. */
export interface ShippedSectionOptions {
  list: Contender[];
  samples: Samples;
  rssMb: Map<string, number>;
  rounds: number;
  duration: number;
  /** Profiles by title, e.g. "deno task start, GET /api/movies/1". */
  profiles: [string, ProfileSummary][];
  /** In-process CPU per request by request-log setting (log_cost.ts). */
  logCost?: LogCost;
  /** 1-minute load averages seen during the rounds. */
  loads?: number[];
}

/** "Shipped vs API alone", the request-log choice and where the time goes. */
export function shippedSection(options: ShippedSectionOptions): string {
  const { list, samples } = options;
  const main = list;
  const lines = [
    `Every server below ran at once (idle ones cost nothing); ${options.rounds} rounds loaded them one at a time for ${options.duration} s each (\`wrk -t2 -c32 --latency\`, loopback), each endpoint's group right after a bare \`Deno.serve\` run, in an order that rotates each round. Cells are medians over the rounds: **throughput as a multiple of the bare server's run just before** · requests per second · server CPU (user + system, from /proc) per request. The machine is shared and noisy${
      options.loads?.length
        ? ` (1-minute load average ${Math.min(...options.loads).toFixed(1)}–${
          Math.max(...options.loads).toFixed(1)
        } during the rounds, on ${navigator.hardwareConcurrency} cores)`
        : ""
    }: the ratios compare runs seconds apart, and CPU per request moves least when neighbours load the machine.`,
    "",
    `| Configuration | ${ENDPOINTS.movie} | ${ENDPOINTS.item} | ${ENDPOINTS.userHit} (p99, 32 connections) | ${ENDPOINTS.userMiss} (p50) | Peak RSS |`,
    "| --- | --- | --- | --- | --- | --- |",
    `| bare \`Deno.serve\` hello-world | 1.00× · ${
      perSec(medianOf(samples, BARE, "movie", "requestsPerSec"))
    } · ${
      medianOf(samples, BARE, "movie", "cpuUsPerRequest").toFixed(0)
    } µs | | | | |`,
    `| bare \`Deno.serve\` answering the container's \`/api/movies/1\` bytes and headers, no app code | ${
      readCell(samples, REPLAY, "movie")
    } | | | | |`,
  ];
  for (const c of main) {
    lines.push(
      `| **${c.name}** | ${readCell(samples, c.name, "movie")} | ${
        readCell(samples, c.name, "item")
      } | ${formatMs(medianOf(samples, c.name, "userHit", "p99Ms"))} · ${
        perSec(medianOf(samples, c.name, "userHit", "requestsPerSec"))
      } | ${formatMs(medianOf(samples, c.name, "userMiss", "p50Ms"))} | ${
        (options.rssMb.get(c.name) ?? NaN).toFixed(0)
      } MB |`,
    );
  }
  lines.push("", "What each row runs:", "");
  for (const c of main) {
    lines.push(`- **${c.name}**: \`${cell(c.command)}\`: ${c.about}.`);
  }
  if (options.logCost) {
    const endpoints = [...options.logCost];
    const labels = [...endpoints[0][1].keys()];
    const quiet = labels.at(-1)!;
    lines.push(
      "",
      "### Request lines: the choice measured",
      "",
      "Each request-log setting on its own copy of the API app over one store, answering in a loop in this process (no HTTP), in interleaved batches; the figure is this process's CPU time per request (median over batches), which moves far less than throughput when other work loads the machine. Lines go through the real buffered sink, to /dev/null. Extra CPU is against no request lines; over HTTP, the server's whole CPU per request is in the table above.",
      "",
      `| Request lines | ${
        endpoints.map(([e]) => `${cell(e)} | extra`).join(" | ")
      } |`,
      `| --- | ${endpoints.map(() => "--- | ---").join(" | ")} |`,
    );
    for (const label of labels) {
      lines.push(
        `| ${label} | ${
          endpoints.map(([, byLabel]) => {
            const us = byLabel.get(label)!;
            const extra = us - byLabel.get(quiet)!;
            return `${us.toFixed(1)} µs | ${
              label === quiet
                ? ""
                : `${extra.toFixed(1)} µs (${
                  (100 * extra / byLabel.get(quiet)!).toFixed(0)
                }%)`
            }`;
          }).join(" | ")
        } |`,
      );
    }
  }
  if (options.profiles.length) {
    lines.push(
      "",
      "### Where the time goes",
      "",
      "V8 CPU profiles (`deno run --cpu-prof`) of the shipped configurations under the same load, last load run only, by self time. V8 counts time outside JavaScript as `(idle)`: on this single-threaded server that is Deno's HTTP server in Rust and the system calls, plus waiting for a CPU that wrk shares.",
      "",
      `| Part | ${
        options.profiles.map(([title]) => cell(title)).join(" | ")
      } |`,
      `| --- | ${options.profiles.map(() => "---").join(" | ")} |`,
    );
    const names = [
      ...new Set(
        options.profiles.flatMap(([, p]) => p.parts.map((s) => s.name)),
      ),
    ];
    const shareOf = (p: ProfileSummary, name: string) =>
      p.parts.find((s) => s.name === name)?.share ?? 0;
    names.sort((a, b) =>
      Math.max(...options.profiles.map(([, p]) => shareOf(p, b))) -
      Math.max(...options.profiles.map(([, p]) => shareOf(p, a)))
    );
    for (const name of names) {
      const shares = options.profiles.map(([, p]) => shareOf(p, name));
      if (Math.max(...shares) < 0.005) continue;
      lines.push(
        `| ${cell(name)} | ${
          shares.map((s) => `${(s * 100).toFixed(1)}%`).join(" | ")
        } |`,
      );
    }
    lines.push("", "Busiest functions (self time):", "");
    for (const [title, p] of options.profiles) {
      lines.push(
        `- ${title}: ${
          p.functions.slice(0, 6).map((f) =>
            `\`${f.name}\` ${(f.share * 100).toFixed(1)}%`
          ).join(", ")
        }`,
      );
    }
  }
  return lines.join("\n");
}

/** The targets of the shipped configurations as table rows. */
export function shippedRows(
  list: Contender[],
  samples: Samples,
  rssMb: Map<string, number>,
  explain: (endpoint: Endpoint, name: string) => string,
): BenchRow[] {
  const rows: BenchRow[] = [];
  const rps = (n: number) => Math.round(n).toLocaleString("en");
  for (const c of list) {
    const target = c.shipped;
    const why = (endpoint: Endpoint) => explain(endpoint, c.name);
    for (const endpoint of ["movie", "item"] as const) {
      const ratio = medianOf(samples, c.name, endpoint, "ratio");
      rows.push({
        phase: "api",
        measure: `${c.name}: ${ENDPOINTS[endpoint]}`,
        value: `${ratio.toFixed(2)}× bare (${
          rps(medianOf(samples, c.name, endpoint, "requestsPerSec"))
        } req/s)`,
        target: target ? "≥ 0.5× bare" : undefined,
        met: target
          ? ratio >= 0.5 && errorsOf(samples, c.name, endpoint) === 0
          : undefined,
        note: `median of ${
          samples.get(c.name)?.get(endpoint)?.length
        } rounds; ${
          medianOf(samples, c.name, endpoint, "cpuUsPerRequest").toFixed(0)
        } µs of server CPU per request`,
        fix: `${(0.5 / ratio).toFixed(2)}× short of the target. ${
          headerCeiling(samples, c.name, endpoint)
        }${why(endpoint)}`,
      });
    }
    const p99 = medianOf(samples, c.name, "userHit", "p99Ms");
    rows.push({
      phase: "api",
      measure: `${c.name}: ${ENDPOINTS.userHit}, 32 connections`,
      value: `p99 ${formatMs(p99)} (${
        rps(medianOf(samples, c.name, "userHit", "requestsPerSec"))
      } req/s)`,
      target: target ? "p99 < 25 ms" : undefined,
      met: target
        ? p99 < 25 && errorsOf(samples, c.name, "userHit") === 0
        : undefined,
      fix: `${(p99 / 25).toFixed(2)}× the limit. ${queueing(samples, c.name)}${
        why("userHit")
      }`,
    });
    const p50 = medianOf(samples, c.name, "userMiss", "p50Ms");
    rows.push({
      phase: "api",
      measure: `${c.name}: ${ENDPOINTS.userMiss}`,
      value: `p50 ${formatMs(p50)}, p99 ${
        formatMs(medianOf(samples, c.name, "userMiss", "p99Ms"))
      }`,
      target: target ? "p50 < 15 ms" : undefined,
      met: target
        ? p50 < 15 && errorsOf(samples, c.name, "userMiss") === 0
        : undefined,
      fix: `${(p50 / 15).toFixed(2)}× the limit. ${why("userMiss")}`,
    });
    const rss = rssMb.get(c.name) ?? NaN;
    rows.push({
      phase: "memory",
      measure: `${c.name}: peak RSS (VmHWM) after its load runs`,
      value: `${rss.toFixed(0)} MB`,
      target: c.name === "container" ? "< 200 MB" : undefined,
      met: c.name === "container" ? rss < 200 : undefined,
      fix: `${(rss - 200).toFixed(0)} MB over`,
    });
  }
  return rows;
}

/**
 * Why a cached read misses: server CPU per request (steadier than
 * throughput on a loaded machine) beside the bare server and beside Deno
 * answering the same stored bytes and headers with no app code.
 */
function headerCeiling(
  samples: Samples,
  name: string,
  endpoint: "movie" | "item",
): string {
  const bare = medianOf(samples, BARE, endpoint, "cpuUsPerRequest");
  const own = medianOf(samples, name, endpoint, "cpuUsPerRequest");
  const replay = medianOf(samples, REPLAY, "movie", "cpuUsPerRequest");
  const replayRatio = medianOf(samples, REPLAY, "movie", "ratio");
  const us = (n: number) => `${n.toFixed(0)} µs`;
  const ceiling = replayRatio < 0.5
    ? ` a bare \`Deno.serve\` sending the container's stored /api/movies/1 bytes and headers with no app code reaches ${
      replayRatio.toFixed(2)
    }× bare, so with these response headers (security, CORS, cache, which stay) the target is out of reach in Deno itself;`
    : "";
  return `Server CPU per request: ${us(own)} here, ${
    us(bare)
  } for bare hello-world (${(bare / own).toFixed(2)}× by CPU), ${
    us(replay)
  } for the same bytes and headers with no app code, so the app's own work is about ${
    us(Math.max(0, own - replay))
  };${ceiling} `;
}

/** Why a cache hit's p99 misses at 32 connections: queueing for the CPU. */
function queueing(samples: Samples, name: string): string {
  const rps = medianOf(samples, name, "userHit", "requestsPerSec");
  const cpu = medianOf(samples, name, "userHit", "cpuUsPerRequest");
  return `With 32 connections the mean latency is about 32 / throughput = ${
    formatMs(32_000 / rps)
  } at ${
    cpu.toFixed(0)
  } µs of server CPU per request; the p99 beyond that is requests waiting for one of the 2 cores that wrk and other work share (load average above). `;
}
