/**
 * The configurations people run, read from the files that define them, so
 * that the benchmark follows them when they change: `deno task start`
 * (deno.json), the container's command (Dockerfile CMD) with the
 * environment the Cloud Run deploy sets (deploy/deploy_service.sh).
 */

const REPO = new URL("../..", import.meta.url).pathname;

/** A server command and environment the benchmark can run here. */
export interface ServedConfig {
  /** Short name for tables, e.g. "deno task start". */
  name: string;
  /** Where it comes from, for the document. */
  source: string;
  /** Arguments of the `deno` executable, e.g. ["run", "-A", "main.ts"]. */
  args: string[];
  /** Environment on top of the benchmark's own (store, port, secrets). */
  env: Record<string, string>;
  /** What was replaced because it cannot run on this machine. */
  standIns: string[];
}

/** The `deno …` arguments of `deno task <name>` (deno.json). */
export async function taskArgs(
  name: string,
  repo = REPO,
): Promise<string[]> {
  const deno = JSON.parse(await Deno.readTextFile(`${repo}deno.json`));
  const command: unknown = deno.tasks?.[name];
  if (typeof command !== "string" || !command.startsWith("deno ")) {
    throw new Error(
      `Expected deno.json task "${name}" to be a "deno …" command, found ${
        JSON.stringify(command)
      }`,
    );
  }
  return command.split(/\s+/).slice(1);
}

/** The `deno …` arguments of the Dockerfile's CMD. */
export async function containerArgs(repo = REPO): Promise<string[]> {
  const dockerfile = await Deno.readTextFile(`${repo}Dockerfile`);
  const cmd = dockerfile.match(/^CMD\s+(\[.*\])\s*$/m);
  if (!cmd) {
    throw new Error("Expected a CMD [...] line in the Dockerfile, found none");
  }
  const argv: string[] = JSON.parse(cmd[1]);
  if (argv[0] !== "deno") {
    throw new Error(`Expected the Dockerfile CMD to run deno, found ${cmd[1]}`);
  }
  return argv.slice(1);
}

/**
 * The NAME=value entries of the service's environment in
 * deploy/deploy_service.sh (`SERVICE_ENV=( … )`), values unexpanded.
 */
export async function deployedServiceEnv(
  repo = REPO,
): Promise<Record<string, string>> {
  const script = await Deno.readTextFile(`${repo}deploy/deploy_service.sh`);
  const block = script.match(/^SERVICE_ENV=\(\n([\s\S]*?)^\)/m);
  if (!block) {
    throw new Error(
      "Expected a SERVICE_ENV=( … ) block in deploy/deploy_service.sh, found none",
    );
  }
  const env: Record<string, string> = {};
  for (const line of block[1].split("\n")) {
    const entry = line.trim().match(/^"([A-Z0-9_]+)=(.*)"$/);
    if (entry) env[entry[1]] = entry[2];
  }
  return env;
}

/** Local stand-ins for what the deployed service reaches over the network. */
const STAND_INS: Record<string, [string | undefined, string]> = {
  STORE: ["sqlite", "SQLite in a temp folder for MongoDB Atlas"],
  MONGODB_DB: [undefined, "no Atlas database"],
  GCS_BUCKET: [undefined, "the store's artifact for Cloud Storage"],
  GCS_PREFIX: [undefined, ""],
  SUPABASE_URL: [undefined, "local auth tokens for Supabase's"],
  SUPABASE_JWT_ISSUER: [undefined, ""],
  UPSTASH_REDIS_REST_URL: [
    undefined,
    "the in-memory cache and rate limits for Upstash",
  ],
  EMBEDDER: ["tfidf", "tfidf embeddings for MiniLM (no model download here)"],
  DATA_DIR: [undefined, "DATA_DIR is the benchmark's store"],
  CORS_ORIGINS: [
    "https://movielens.example",
    "a sample site origin for the Vercel one",
  ],
  GOOGLE_CLOUD_PROJECT: ["bench-project", "a sample project id"],
};

/**
 * The deployed service's environment made runnable here: literal values
 * are kept (LOG_LEVEL, RECOMMENDER, cache and log settings …), cloud
 * services get local stand-ins, and any other `${…}` value is dropped.
 */
export function withStandIns(
  deployed: Record<string, string>,
): { env: Record<string, string>; standIns: string[] } {
  const env: Record<string, string> = {};
  const standIns: string[] = [];
  for (const [name, value] of Object.entries(deployed)) {
    const standIn = STAND_INS[name];
    if (standIn) {
      if (standIn[0] !== undefined) env[name] = standIn[0];
      if (standIn[1]) standIns.push(standIn[1]);
    } else if (value.includes("${")) {
      standIns.push(`${name} unset (deployed as ${value})`);
    } else {
      env[name] = value;
    }
  }
  return { env, standIns };
}

/** `deno task start` with its defaults, and the container as Cloud Run runs it. */
export async function shippedConfigs(repo = REPO): Promise<ServedConfig[]> {
  const deployed = withStandIns(await deployedServiceEnv(repo));
  return [
    {
      name: "deno task start",
      source: "deno.json `start`, no environment but the store",
      args: await taskArgs("start", repo),
      env: { EMBEDDER: "tfidf" },
      standIns: ["tfidf embeddings (the store was built with them)"],
    },
    {
      name: "container",
      source:
        "Dockerfile CMD with deploy/deploy_service.sh's SERVICE_ENV, and Cloud Run's trace and forwarding headers on each request",
      args: await containerArgs(repo),
      env: deployed.env,
      standIns: deployed.standIns,
    },
  ];
}

/** Headers the Google front end adds to every request Cloud Run serves. */
export const CLOUD_RUN_HEADERS: Record<string, string> = {
  "X-Cloud-Trace-Context": "105445aa7843bc8bf206b12000100000/1;o=1",
  "X-Forwarded-For": "203.0.113.7",
  "X-Forwarded-Proto": "https",
};
