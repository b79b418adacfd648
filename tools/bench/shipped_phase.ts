/**
 * Phase 2's main part: the shipped configurations beside the API alone
 * (shipped.ts), CPU profiles of the shipped ones under the same loads
 * (profile.ts), and the rows, section and explanations built from both.
 */
import { CLOUD_RUN_HEADERS, shippedConfigs } from "./configs.ts";
import { measureLogCost } from "./log_cost.ts";
import { type ProfileSummary, profileUnderLoad } from "./profile.ts";
import { benchToken, CACHE_MISS_ENV } from "./server.ts";
import { benchShipped, type Endpoint, ENDPOINTS } from "./shipped.ts";
import { shippedRows, shippedSection } from "./shipped_report.ts";
import type { BenchRow } from "./stats.ts";
import { rotatingTokenScript } from "./wrk.ts";

/** Options for `shippedPhase`. */
export interface ShippedPhaseOptions {
  dataDir: string;
  tempDir: string;
  /** The user of the cache-hit runs, e.g. "ml:414". */
  user: string;
  rotationUsers: string[];
  /** Seconds per wrk run. */
  duration: number;
  rounds: number;
  log: (line: string) => void;
}

/** The shipped-vs-API-alone rows (with targets) and the document section. */
export async function shippedPhase(
  options: ShippedPhaseOptions,
): Promise<{ rows: BenchRow[]; section: string }> {
  const { list, samples, rssMb, loads } = await benchShipped(options);
  options.log("request lines: CPU per request in-process, by setting");
  const logCost = await measureLogCost({
    dataDir: options.dataDir,
    user: options.user,
  });

  const profiles: [string, ProfileSummary][] = [];
  const profiled = new Map<Endpoint, [string, ProfileSummary][]>();
  const secret = crypto.randomUUID();
  const tokens = await Promise.all(
    options.rotationUsers.map((u) => benchToken(secret, u)),
  );
  const script = `${options.tempDir}/profile_rotate.lua`;
  await Deno.writeTextFile(
    script,
    rotatingTokenScript("/api/recommendations/user/me", tokens),
  );
  const profileLoads: [Endpoint, string, Record<string, string>, object][] = [
    ["movie", "/api/movies/1", {}, { connections: 32, threads: 2 }],
    ["userMiss", "/api/recommendations/user/me", CACHE_MISS_ENV, {
      connections: 1,
      threads: 1,
      script,
    }],
  ];
  for (const served of await shippedConfigs()) {
    const headers = served.name === "container" ? CLOUD_RUN_HEADERS : {};
    for (const [endpoint, path, env, wrk] of profileLoads) {
      const title = `${served.name}, ${ENDPOINTS[endpoint]}`;
      options.log(`profile: ${title}`);
      const summary = await profileUnderLoad({
        served,
        env,
        dataDir: options.dataDir,
        authSecret: secret,
        dir: `${options.tempDir}/profile_${profiles.length}`,
        path,
        warmHeaders: endpoint === "userMiss"
          ? { ...headers, Authorization: `Bearer ${tokens[0]}` }
          : headers,
        wrk: { duration: options.duration + 2, headers, ...wrk },
      });
      profiles.push([title, summary]);
      profiled.set(endpoint, [...(profiled.get(endpoint) ?? []), [
        title,
        summary,
      ]]);
    }
  }

  /** A missed target's explanation: the profile of that load, in a sentence. */
  const explain = (endpoint: Endpoint, name: string): string => {
    const own = (profiled.get(endpoint === "item" ? "movie" : endpoint) ?? [])
      .filter(([title]) => title.startsWith(`${name}, `));
    if (!own.length) return "No CPU profile of this load.";
    return own.map(([title, p]) =>
      `CPU profile (${title}): ${
        p.parts.slice(0, 5).map((s) =>
          `${s.name.replace(/ \(.*$/, "").replace(/:.*$/, "")} ${
            (s.share * 100).toFixed(0)
          }%`
        ).join(", ")
      }`
    ).join("; ") + " (see “Where the time goes”)";
  };
  return {
    rows: shippedRows(list, samples, rssMb, explain),
    section: shippedSection({
      list,
      samples,
      rssMb,
      rounds: options.rounds,
      duration: options.duration,
      profiles,
      logCost,
      loads,
    }),
  };
}
