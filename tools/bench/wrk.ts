/** Load runs with wrk (Debian's package), bounded in time, parsed into numbers. */
import { run } from "./stats.ts";

/** Options for `runWrk`. */
export interface WrkOptions {
  /** Seconds (default 5). */
  duration?: number;
  /** Open connections (default 32). */
  connections?: number;
  /** wrk threads (default 2). */
  threads?: number;
  headers?: Record<string, string>;
  /** A Lua script file (e.g. rotating tokens). */
  script?: string;
}

/** What one wrk run measured. */
export interface WrkResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx/3xx answers plus socket errors: any is a failed run. */
  errors: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60000 };

function latency(output: string, percentile: string): number {
  const match = output.match(
    new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m"),
  );
  if (!match) {
    throw new Error(
      `Expected a ${percentile}% line in wrk --latency output, found:\n${output}`,
    );
  }
  return Number(match[1]) * UNIT_MS[match[2]];
}

/** Parses the text wrk prints with --latency. */
export function parseWrk(output: string): WrkResult {
  const rps = output.match(/^Requests\/sec:\s+([\d.]+)/m);
  const total = output.match(/^\s*(\d+) requests in/m);
  if (!rps || !total) {
    throw new Error(`Expected wrk's Requests/sec line, found:\n${output}`);
  }
  const non2xx = output.match(/Non-2xx or 3xx responses:\s+(\d+)/);
  const socket = output.match(
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/,
  );
  const socketErrors = socket
    ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0)
    : 0;
  return {
    requestsPerSec: Number(rps[1]),
    p50Ms: latency(output, "50"),
    p99Ms: latency(output, "99"),
    requests: Number(total[1]),
    errors: (non2xx ? Number(non2xx[1]) : 0) + socketErrors,
  };
}

/** Runs wrk against `url` (loopback only) and parses its report. */
export async function runWrk(
  url: URL,
  options: WrkOptions = {},
): Promise<WrkResult> {
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw new Error(`Expected a loopback URL for a load run, found ${url}`);
  }
  const args = [
    `-t${options.threads ?? 2}`,
    `-c${options.connections ?? 32}`,
    `-d${options.duration ?? 5}s`,
    "--latency",
    "--timeout",
    "5s",
  ];
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    args.push("-H", `${name}: ${value}`);
  }
  if (options.script) args.push("-s", options.script);
  args.push(url.href);
  return parseWrk(await run("wrk", args));
}

/**
 * A wrk Lua script that sends each request as the next user in `tokens`,
 * so that per-user caches miss.
 */
export function rotatingTokenScript(path: string, tokens: string[]): string {
  return `local tokens = {${tokens.map((t) => `"${t}"`).join(",")}}
local i = math.random(#tokens)
request = function()
  i = i % #tokens + 1
  return wrk.format("GET", "${path}", { ["Authorization"] = "Bearer " .. tokens[i] })
end
`;
}
