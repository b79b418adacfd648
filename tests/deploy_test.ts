/**
 * Checks the deployment files by reading them (Docker cannot run here) and by
 * running the deploy scripts against recording stand-ins for gcloud/vercel.
 */
import assert from "node:assert/strict";
import {
  commandsOf,
  dryRun,
  flagValue,
  type RecordedCommand,
} from "./deploy_dry_run.ts";

const REPO = new URL("../", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, REPO));

/** Dockerfile instructions with continuations joined and comments dropped. */
async function dockerInstructions(): Promise<{ op: string; rest: string }[]> {
  const text = (await read("Dockerfile"))
    .split("\n").filter((l) => !/^\s*#/.test(l)).join("\n")
    .replace(/\\\n/g, " ");
  return text.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const [op, ...rest] = l.split(/\s+/);
    return { op: op.toUpperCase(), rest: rest.join(" ") };
  });
}

/**
 * Whether `.dockerignore` keeps `path` out of the build context (Docker's
 * rules: last matching pattern wins, `!` re-includes, a directory pattern
 * covers everything below it, `**` spans folders).
 */
function ignored(patterns: string[], path: string): boolean {
  let result = false;
  for (const raw of patterns) {
    const negate = raw.startsWith("!");
    const pattern = (negate ? raw.slice(1) : raw).replace(/^\/|\/$/g, "");
    const regex = new RegExp(
      "^" + pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*\*\//g, "%GLOBSTAR%")
        .replace(/\*/g, "[^/]*")
        .replace(/\?/g, "[^/]")
        .replace(/%GLOBSTAR%/g, "(?:.*/)?") +
        "(?:/.*)?$",
    );
    if (regex.test(path)) result = !negate;
  }
  return result;
}

async function dockerignorePatterns(): Promise<string[]> {
  return (await read(".dockerignore")).split("\n").map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

Deno.test("Dockerfile: official Deno 2 image, locked install, non-root, serves the API", async () => {
  const steps = await dockerInstructions();
  const ops = steps.map((s) => s.op);
  const text = await read("Dockerfile");

  const from = steps.find((s) => s.op === "FROM")!;
  const version = /ARG DENO_VERSION=(\S+)/.exec(text)?.[1] ?? "";
  assert.match(
    from.rest.replace("${DENO_VERSION}", version),
    /^denoland\/deno:2\.\d+/,
  );

  // Dependencies come from the lockfile at build time, before the sources.
  const installs = steps.filter((s) =>
    s.op === "RUN" && /\bdeno install\b/.test(s.rest)
  );
  assert.ok(installs.length > 0, "expected a RUN deno install");
  assert.ok(installs.every((s) => s.rest.includes("--frozen")));
  const lockCopy = steps.findIndex((s) =>
    s.op === "COPY" && s.rest.includes("deno.lock")
  );
  assert.ok(lockCopy >= 0 && lockCopy < ops.indexOf("RUN", lockCopy + 1));

  // A non-root user from before the first install to the end.
  const users = steps.filter((s) => s.op === "USER").map((s) => s.rest);
  assert.ok(users.length > 0, "expected a USER instruction");
  assert.ok(
    !/^(root|0)(:|$)/.test(users.at(-1)!),
    `last USER is ${users.at(-1)}`,
  );
  assert.ok(ops.indexOf("USER") < ops.indexOf("CMD"));

  // The default command serves the API, with nothing fetched at start.
  const cmd = steps.findLast((s) => s.op === "CMD")!;
  const argv: string[] = JSON.parse(cmd.rest);
  assert.deepEqual(argv.slice(0, 2), ["deno", "run"]);
  assert.equal(argv.at(-1), "api/main.ts");
  assert.ok(argv.includes("--cached-only"));

  // PORT has a default and is documented as exposed.
  assert.match(text, /^\s*PORT=\d+/m);
  assert.ok(ops.includes("EXPOSE"));

  // Secrets and local data are never copied explicitly, nor is a model.
  for (const s of steps.filter((s) => s.op === "COPY" || s.op === "ADD")) {
    assert.doesNotMatch(s.rest, /\.env\b(?!\.sample)|\.data|\.onnx|models/);
  }
  assert.doesNotMatch(text, /huggingface\.co|from_pretrained|pipeline embed/);
});

Deno.test("Dockerfile: every entry point it caches exists", async () => {
  const steps = await dockerInstructions();
  const install = steps.find((s) => s.rest.includes("--entrypoint"))!;
  const files = install.rest.split(/\s+/).filter((w) => /\.tsx?$/.test(w));
  assert.ok(
    files.includes("api/main.ts") && files.includes("pipeline/main.ts"),
  );
  for (const file of files) {
    const stat = await Deno.stat(new URL(file, REPO)).catch(() => null);
    assert.ok(stat?.isFile, `Dockerfile caches ${file}, which does not exist`);
  }
});

Deno.test(".dockerignore keeps secrets, data and models out, and the app in", async () => {
  const patterns = await dockerignorePatterns();
  for (
    const path of [
      ".env",
      ".env.production",
      ".data/movielens.sqlite",
      ".data/models/Xenova/all-MiniLM-L6-v2/onnx/model.onnx",
      "model.onnx",
      "node_modules/hono/package.json",
      ".git/HEAD",
      ".vercel/output/config.json",
      "store/sqlite/sqlite_test.ts",
    ]
  ) assert.ok(ignored(patterns, path), `${path} should be ignored`);
  for (
    const path of [
      "deno.json",
      "deno.lock",
      ".env.sample",
      "api/main.ts",
      "pipeline/main.ts",
      "config/mod.ts",
      "core/vectors/top_k.ts",
      "store/serving_artifact.ts",
      "web/server.ts",
      "deploy/create_vector_index.ts",
    ]
  ) assert.ok(!ignored(patterns, path), `${path} must reach the image`);
});

const ENV = {
  SUPABASE_URL: "https://demo.supabase.co",
  UPSTASH_REDIS_REST_URL: "https://demo.upstash.io",
  WEB_ORIGIN: "https://demo.vercel.app,https://movies.example",
};

function only(commands: RecordedCommand[], what: string): string[] {
  assert.equal(commands.length, 1, `expected one ${what}`);
  return commands[0].args;
}

Deno.test("Cloud Run service: scales to zero, at most 2 instances of 1 CPU / 512 MiB", async () => {
  const args = only(
    commandsOf(
      await dryRun("deploy_service.sh", { env: ENV }),
      "gcloud",
      "run",
      "deploy",
    ),
    "gcloud run deploy",
  );
  assert.equal(flagValue(args, "--min-instances"), "0");
  assert.equal(flagValue(args, "--max-instances"), "2");
  assert.equal(flagValue(args, "--cpu"), "1");
  assert.equal(flagValue(args, "--memory"), "512Mi");
  assert.ok(args.includes("--cpu-throttling"));
  assert.match(
    flagValue(args, "--image")!,
    /-docker\.pkg\.dev\/demo-project\//,
  );
  assert.match(flagValue(args, "--set-secrets")!, /MONGODB_URI=[a-z-]+:latest/);
  // Commas inside a value (two CORS origins) survive the custom delimiter.
  assert.match(
    flagValue(args, "--set-env-vars")!,
    /^\^@\^.*@CORS_ORIGINS=https:\/\/demo\.vercel\.app,https:\/\/movies\.example(@|$)/,
  );
});

Deno.test("Cloud Run service: unset optional values and missing secrets are left out", async () => {
  const args = only(
    commandsOf(
      await dryRun("deploy_service.sh", { missing: true }),
      "gcloud",
      "run",
      "deploy",
    ),
    "gcloud run deploy",
  );
  const env = flagValue(args, "--set-env-vars")!;
  assert.doesNotMatch(env, /SUPABASE_URL|UPSTASH|CORS_ORIGINS/);
  assert.ok(args.includes("--clear-secrets"));
  assert.equal(flagValue(args, "--set-secrets"), undefined);
});

Deno.test("Cloud Run job: same image, runs the pipeline, JOB_TASKS shards", async () => {
  const args = only(
    commandsOf(
      await dryRun("deploy_job.sh", { env: { JOB_TASKS: "4" } }),
      "gcloud",
      "run",
      "jobs",
      "deploy",
    ),
    "gcloud run jobs deploy",
  );
  assert.equal(flagValue(args, "--command"), "deno");
  assert.equal(flagValue(args, "--args"), "task,pipeline,all");
  assert.equal(flagValue(args, "--tasks"), "4");
  assert.match(flagValue(args, "--image")!, /movielens:latest$/);
  assert.match(
    flagValue(args, "--set-env-vars")!,
    /@MODEL_DIR=\/mnt\/bucket\//,
  );
});

Deno.test("run_job.sh: sharded embed first, then one task loads and precomputes", async () => {
  const executions = commandsOf(
    await dryRun("run_job.sh", { env: { JOB_TASKS: "4" } }),
    "gcloud",
    "run",
    "jobs",
    "execute",
  ).map((c) => [flagValue(c.args, "--tasks"), flagValue(c.args, "--args")]);
  assert.deepEqual(executions, [
    ["4", "task,pipeline,download,embed"],
    ["1", "task,pipeline,download,load,precompute"],
    ["1", "run,-A,deploy/create_vector_index.ts"],
  ]);
  const single = commandsOf(
    await dryRun("run_job.sh"),
    "gcloud",
    "run",
    "jobs",
    "execute",
  ).map((c) => flagValue(c.args, "--args"));
  assert.deepEqual(single, [
    "task,pipeline,all",
    "run,-A,deploy/create_vector_index.ts",
  ]);
});

Deno.test("setup and secrets scripts create what is missing and nothing else", async () => {
  const setup = await dryRun("setup_gcp.sh", { missing: true });
  const created = setup.filter((c) => c.args.includes("create")).map((c) =>
    c.args.slice(0, 3).join(" ")
  );
  assert.deepEqual(created, [
    "artifacts repositories create",
    "storage buckets create",
    "iam service-accounts create",
    "iam service-accounts create",
    "iam service-accounts create",
  ]);
  const bucket = setup.find((c) =>
    c.args[2] === "create" && c.args[1] === "buckets"
  )!;
  assert.equal(flagValue(bucket.args, "--location"), "us-central1");
  const again = await dryRun("setup_gcp.sh");
  assert.equal(again.filter((c) => c.args.includes("create")).length, 0);

  const secrets = await dryRun("secrets.sh", {
    env: { MONGODB_URI: "mongodb+srv://demo" },
    missing: true,
  });
  assert.deepEqual(
    commandsOf(secrets, "gcloud", "secrets", "create").map((c) => c.args[2]),
    ["movielens-mongodb-uri"],
  );
  // The value goes through stdin, never on the command line.
  assert.ok(!secrets.some((c) => c.args.join(" ").includes("mongodb+srv")));
});

Deno.test("cloudbuild.yaml: builds, pushes and rolls out to the scripts' resources", async () => {
  const yaml = await read("cloudbuild.yaml");
  const config = await read("deploy/config.sh");
  const defaultOf = (name: string) =>
    new RegExp(`^${name}="\\$\\{${name}:-([^}]+)\\}"`, "m").exec(config)?.[1];
  for (
    const [sub, variable] of [
      ["_REGION", "REGION"],
      ["_AR_REPO", "AR_REPO"],
      ["_IMAGE_NAME", "IMAGE_NAME"],
      ["_SERVICE_NAME", "SERVICE_NAME"],
      ["_JOB_NAME", "JOB_NAME"],
    ]
  ) {
    const value = new RegExp(`^\\s+${sub}: (\\S+)$`, "m").exec(yaml)?.[1];
    assert.ok(value, `cloudbuild.yaml: expected substitution ${sub}`);
    assert.equal(
      value,
      defaultOf(variable),
      `${sub} differs from config.sh ${variable}`,
    );
  }
  for (const step of ["build", "push", "deploy-service", "update-job"]) {
    assert.match(yaml, new RegExp(`- id: ${step}\\n`));
  }
  assert.match(yaml, /gcloud run services update \$\{_SERVICE_NAME\}/);
  assert.match(yaml, /gcloud run jobs update \$\{_JOB_NAME\}/);
  assert.equal(
    (yaml.match(/:\$BUILD_ID/g) ?? []).length,
    3,
    "the built, deployed and job images are the same $BUILD_ID tag",
  );

  const policy = JSON.parse(await read("deploy/artifact_cleanup_policy.json"));
  assert.ok(
    policy.some((p: { action: { type: string } }) => p.action.type === "Keep"),
  );
});
