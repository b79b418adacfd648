/**
 * The environment variables the code reads, the ones `.env.sample`
 * documents and the ones the deploy files set must agree: a variable added
 * to config/mod.ts without documentation, or a deploy script setting a name
 * the code never reads (a typo that silently does nothing), fails here.
 */
import assert from "node:assert/strict";
import { envVariableNames } from "../config/mod.ts";
import {
  commandsOf,
  dryRun,
  envVarNames,
  flagValue,
} from "./deploy_dry_run.ts";

const REPO = new URL("../", import.meta.url);
const MODES = new Set(["local", "production", "tests"]);

/** One variable as `.env.sample` documents it. */
interface Documented {
  name: string;
  modes: string[];
  comment: string;
  line: number;
}

/**
 * Reads `.env.sample`: each `NAME=` line belongs to the comment block above
 * it (shared by consecutive assignments), which starts with `[modes]`.
 */
async function documentedVariables(): Promise<Documented[]> {
  const lines = (await Deno.readTextFile(new URL(".env.sample", REPO)))
    .split("\n");
  const out: Documented[] = [];
  let block: string[] = [];
  let lastWasAssignment = false;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const assignment = /^([A-Z][A-Z0-9_]*)=/.exec(line);
    if (assignment) {
      const comment = block.join(" ");
      const modes = /^\[([a-z, ]+)\]/.exec(comment)?.[1].split(",").map((m) =>
        m.trim()
      ) ?? [];
      out.push({ name: assignment[1], modes, comment, line: i + 1 });
      lastWasAssignment = true;
      return;
    }
    if (line.startsWith("#")) {
      // A comment after an assignment starts the next variable's block.
      if (lastWasAssignment) block = [];
      block.push(line.replace(/^#\s?/, ""));
    } else if (line === "") {
      block = []; // a blank line ends a comment block (headers, banners)
    }
    lastWasAssignment = false;
  });
  return out;
}

/** Source files of the project (not dependencies, data or build output). */
async function* sourceFiles(dir = REPO): AsyncGenerator<URL> {
  const skip = new Set([
    "node_modules",
    ".git",
    ".data",
    ".vercel",
    "test-output",
    "static",
  ]);
  for await (const entry of Deno.readDir(dir)) {
    if (skip.has(entry.name)) continue;
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* sourceFiles(url);
    else if (/\.(ts|tsx|js|mjs)$/.test(entry.name)) yield url;
  }
}

/** Where a file may read the environment directly. */
function mayReadEnv(path: string): boolean {
  return path.startsWith("config/") || path.startsWith("tests/") ||
    /_test\.tsx?$/.test(path);
}

/** Direct environment reads outside config/mod.ts: `Deno.env.get("X")` etc. */
async function directEnvReads(): Promise<{ path: string; names: string[] }[]> {
  const reads: { path: string; names: string[] }[] = [];
  for await (const url of sourceFiles()) {
    const path = url.pathname.slice(REPO.pathname.length);
    if (path === "tests/env_consistency_test.ts") continue; // its own patterns
    // Handing the whole environment to parseConfig is reading through the
    // schema (the Vercel Node.js function has process.env, not Deno.env).
    const text = (await Deno.readTextFile(url)).replace(
      /parseConfig\(\s*(process\.env|Deno\.env\.toObject\(\))\s*\)/g,
      "parseConfig(environment)",
    );
    const names = [
      ...text.matchAll(/Deno\.env\.(?:get|has)\(\s*["'`]([A-Z0-9_]+)["'`]/g),
      ...text.matchAll(/process\.env(?:\.|\[["'`])([A-Z0-9_]+)/g),
    ].map((m) => m[1]);
    const opaque = /Deno\.env\.(toObject|get\(\s*[^"'`\s])/.test(text) ||
      /process\.env(?![.[])/.test(text);
    if (path === "config/mod.ts") continue;
    if (names.length || opaque) {
      reads.push({ path, names: opaque ? [...names, "(any)"] : names });
    }
  }
  return reads;
}

Deno.test(".env.sample documents exactly the variables of config/mod.ts", async () => {
  const documented = await documentedVariables();
  const names = documented.map((d) => d.name);
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  assert.deepEqual(duplicates, [], "variables documented twice");
  const read = new Set(envVariableNames);
  assert.deepEqual(
    names.filter((n) => !read.has(n)),
    [],
    "documented in .env.sample but not in config/mod.ts's schema (remove them, or add them to the schema)",
  );
  assert.deepEqual(
    envVariableNames.filter((n) => !names.includes(n)),
    [],
    "in config/mod.ts's schema but not documented in .env.sample",
  );
});

Deno.test(".env.sample says which modes need each variable, and why", async () => {
  for (const d of await documentedVariables()) {
    assert.ok(
      d.modes.length > 0 && d.modes.every((m) => MODES.has(m)),
      `.env.sample:${d.line} ${d.name}: expected a comment starting with [local, production, tests] (any of them), found "${d.comment}"`,
    );
    assert.ok(
      d.comment.replace(/^\[[^\]]*\]/, "").trim().length > 10,
      `.env.sample:${d.line} ${d.name}: expected a description after the modes`,
    );
  }
});

Deno.test("only config/ and tests read the environment, and only documented variables", async () => {
  const reads = await directEnvReads();
  assert.deepEqual(
    reads.filter((r) => !mayReadEnv(r.path)),
    [],
    "read the environment outside config/mod.ts; use configFromEnv() instead",
  );
  const documented = new Map(
    (await documentedVariables()).map((d) => [d.name, d]),
  );
  for (const { path, names } of reads) {
    for (const name of names.filter((n) => n !== "(any)")) {
      const doc = documented.get(name);
      assert.ok(
        doc,
        `${path} reads ${name}, which .env.sample does not document`,
      );
      assert.ok(
        doc.modes.includes("tests"),
        `${path} reads ${name}: expected its .env.sample comment to list the "tests" mode, found [${
          doc.modes.join(", ")
        }]`,
      );
    }
  }
});

const DEPLOY_ENV = {
  SUPABASE_URL: "https://demo.supabase.co",
  UPSTASH_REDIS_REST_URL: "https://demo.upstash.io",
  WEB_ORIGIN: "https://demo.vercel.app",
  API_URL: "https://movielens-api-demo-uc.a.run.app",
  SUPABASE_ANON_KEY: "anon",
};

/** Variables each deploy target sets: plain, and from Secret Manager. */
async function deployedVariables() {
  /** The commands `script` runs that start with `command`. */
  const ran = async (script: string, [program, ...prefix]: string[]) =>
    commandsOf(await dryRun(script, { env: DEPLOY_ENV }), program, ...prefix);
  const service = await ran("deploy_service.sh", ["gcloud", "run", "deploy"]);
  const job = await ran("deploy_job.sh", ["gcloud", "run", "jobs", "deploy"]);
  const vercel = await ran("vercel.sh", ["vercel", "env", "add"]);
  assert.equal(service.length, 1, "deploy_service.sh: one `gcloud run deploy`");
  assert.equal(job.length, 1, "deploy_job.sh: one `gcloud run jobs deploy`");
  const plain = (args: string[]) =>
    envVarNames(flagValue(args, "--set-env-vars") ?? "");
  const secret = (args: string[]) =>
    envVarNames(flagValue(args, "--set-secrets") ?? "");
  return {
    "Cloud Run service": {
      plain: plain(service[0].args),
      secret: secret(service[0].args),
    },
    "Cloud Run job": { plain: plain(job[0].args), secret: secret(job[0].args) },
    "Vercel": { plain: vercel.map((c) => c.args[2]), secret: [] },
  };
}

Deno.test("deploy files set only variables the code reads, documented for production", async () => {
  const documented = new Map(
    (await documentedVariables()).map((d) => [d.name, d]),
  );
  const schema = new Set(envVariableNames);
  for (
    const [target, { plain, secret }] of Object.entries(
      await deployedVariables(),
    )
  ) {
    assert.ok(plain.length > 0, `${target}: expected some variables`);
    for (const name of [...plain, ...secret]) {
      assert.ok(
        schema.has(name),
        `${target} sets ${name}, which config/mod.ts does not read`,
      );
      assert.ok(
        documented.get(name)?.modes.includes("production"),
        `${target} sets ${name}: expected .env.sample to mark it [production]`,
      );
    }
    // Platform-set variables must not be overridden by hand.
    for (
      const name of ["PORT", "CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT"]
    ) {
      assert.ok(!plain.includes(name), `${target} must not set ${name}`);
    }
  }
});

Deno.test("secrets reach Cloud Run through Secret Manager, never as plain variables", async () => {
  const secretNames = (await documentedVariables())
    .filter((d) =>
      /\bSecret:/.test(d.comment) && d.modes.includes("production")
    )
    .map((d) => d.name);
  assert.ok(secretNames.includes("MONGODB_URI"));
  const deployed = await deployedVariables();
  for (const target of ["Cloud Run service", "Cloud Run job"] as const) {
    const { plain } = deployed[target];
    assert.deepEqual(
      plain.filter((n) => secretNames.includes(n)),
      [],
      `${target}: secrets set as plain variables`,
    );
  }
  assert.deepEqual(
    deployed["Cloud Run service"].secret.sort(),
    [
      "FORWARDED_CLIENT_SECRET",
      "MONGODB_URI",
      "SUPABASE_JWT_SECRET",
      "UPSTASH_REDIS_REST_TOKEN",
    ],
  );
  assert.deepEqual(deployed["Cloud Run job"].secret, [
    "MONGODB_URI",
    "TMDB_API_KEY",
    "TMDB_READ_ACCESS_TOKEN",
  ]);
});

Deno.test("Dockerfile ENV sets only schema variables or Deno's own", async () => {
  const dockerfile = await Deno.readTextFile(new URL("Dockerfile", REPO));
  // ENV lines, with their backslash continuations joined.
  const joined = dockerfile.replace(/\\\n/g, " ");
  const names = [...joined.matchAll(/^ENV\s+(.+)$/gm)].flatMap((m) =>
    [...m[1].matchAll(/([A-Z][A-Z0-9_]*)=/g)].map((n) => n[1])
  );
  assert.ok(names.includes("PORT"));
  const schema = new Set(envVariableNames);
  assert.deepEqual(
    names.filter((n) => !schema.has(n) && !n.startsWith("DENO_")),
    [],
    "Dockerfile sets variables neither the app nor Deno reads",
  );
});
