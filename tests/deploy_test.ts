/**
 * Checks the deployment files by reading them (Docker cannot run here) and by
 * running the deploy scripts against recording stand-ins for gcloud/vercel.
 */
import assert from "node:assert/strict";
import {
  commandsOf,
  dryRun,
  dryRunResult,
  envVarNames,
  flagValue,
  type RecordedCommand,
} from "./deploy_dry_run.ts";
import {
  dockerIgnored,
  dockerignorePatterns as parseDockerignore,
} from "../tools/image/context.ts";
import { dockerInstructions as parseDockerfile } from "../tools/image/emulate.ts";

const REPO = new URL("../", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, REPO));

/** Dockerfile instructions with continuations joined and comments dropped. */
async function dockerInstructions(): Promise<{ op: string; rest: string }[]> {
  return parseDockerfile(await read("Dockerfile")).map((i) => ({
    op: i.op,
    rest: i.args,
  }));
}

const ignored = dockerIgnored;

async function dockerignorePatterns(): Promise<string[]> {
  return parseDockerignore(await read(".dockerignore"));
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

Deno.test("Cloud Run job: TMDB credentials come from Secret Manager, only when stored", async () => {
  const deploy = (missing: boolean) =>
    dryRun("deploy_job.sh", { missing }).then((commands) =>
      only(
        commandsOf(commands, "gcloud", "run", "jobs", "deploy"),
        "gcloud run jobs deploy",
      )
    );
  const args = await deploy(false);
  assert.deepEqual(
    flagValue(args, "--set-secrets")!.split(",").filter((s) =>
      s.startsWith("TMDB")
    ),
    [
      "TMDB_API_KEY=movielens-tmdb-api-key:latest",
      "TMDB_READ_ACCESS_TOKEN=movielens-tmdb-read-access-token:latest",
    ],
  );
  assert.doesNotMatch(flagValue(args, "--set-env-vars")!, /TMDB/);
  // `pipeline all` ends with the posters step, which needs one of them
  assert.equal(flagValue(args, "--args"), "task,pipeline,all");
  const without = await deploy(true);
  assert.doesNotMatch(without.join(" "), /TMDB/);

  const key = "tmdb-key-0123456789abcdef";
  const stored = await dryRun("secrets.sh", {
    env: { TMDB_API_KEY: key },
    missing: true,
  });
  assert.deepEqual(
    commandsOf(stored, "gcloud", "secrets", "create").map((c) => c.args[2]),
    ["movielens-tmdb-api-key"],
  );
  // read by the pipeline's account alone, the value only through stdin
  assert.deepEqual(
    commandsOf(stored, "gcloud", "secrets", "add-iam-policy-binding").map((
      c,
    ) => flagValue(c.args, "--member")),
    ["serviceAccount:movielens-pipeline@demo-project.iam.gserviceaccount.com"],
  );
  assert.ok(!stored.some((c) => c.args.join(" ").includes(key)));
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
    ["1", "task,pipeline,download,load,precompute,posters"],
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

/** Which of `paths` git ignores with `ignoreFile` as a repo's .gitignore. */
async function gitIgnored(
  ignoreFile: string,
  paths: string[],
): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "ignore_check_" });
  try {
    const git = (...args: string[]) =>
      new Deno.Command("git", { args, cwd: dir, stdout: "piped" }).output();
    await git("init", "-q");
    await Deno.writeTextFile(`${dir}/.gitignore`, await read(ignoreFile));
    const out = await git("check-ignore", "--no-index", ...paths);
    return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("secrets stay out of git and of the Cloud Build upload (.gitignore, .gcloudignore)", async () => {
  const secrets = [
    ".env",
    ".env.production",
    ".env.local",
    "deploy/.env.production",
  ];
  const kept = [".env.sample", "deno.json", "api/main.ts", "Dockerfile"];
  // .gcloudignore uses .gitignore's syntax; git itself judges both files.
  for (const file of [".gitignore", ".gcloudignore"]) {
    const result = await gitIgnored(file, [...secrets, ...kept]);
    assert.deepEqual(result, secrets, `${file} ignores exactly the secrets`);
  }
  const gcloud = await gitIgnored(".gcloudignore", [
    ".git/HEAD",
    "node_modules/hono/package.json",
    ".data/movielens.db",
  ]);
  assert.equal(gcloud.length, 3, "no repository, dependencies or data upload");
});

Deno.test("deploy_service.sh refuses to drop a value whose secret exists", async () => {
  // Rerun without the settings loaded (docs/DEPLOY.md step 9 used to say so):
  // the Upstash token and Supabase secret exist, their URLs are empty.
  const result = await dryRunResult("deploy_service.sh", {
    env: { WEB_ORIGIN: "https://demo.vercel.app" },
  });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /UPSTASH_REDIS_REST_URL/);
  assert.match(result.stderr, /SUPABASE_URL/);
  assert.deepEqual(
    commandsOf(result.commands, "gcloud", "run", "deploy"),
    [],
    "nothing is deployed",
  );
  // With no such secrets, leaving the values out is a valid choice.
  const bare = await dryRunResult("deploy_service.sh", { missing: true });
  assert.equal(bare.code, 0, bare.stderr);
});

Deno.test("deploy_service.sh checks Supabase tokens' issuer", async () => {
  const args = only(
    commandsOf(
      await dryRun("deploy_service.sh", {
        env: { ...ENV, SUPABASE_URL: "https://demo.supabase.co/" },
      }),
      "gcloud",
      "run",
      "deploy",
    ),
    "gcloud run deploy",
  );
  const env = flagValue(args, "--set-env-vars")!;
  assert.ok(envVarNames(env).includes("SUPABASE_JWT_ISSUER"));
  assert.match(
    env,
    /@SUPABASE_JWT_ISSUER=https:\/\/demo\.supabase\.co\/auth\/v1(@|$)/,
  );
});

/**
 * The bash script of a cloudbuild.yaml step (`args: [-c, |…]`), with the
 * substitutions made as Cloud Build makes them: `$$` is a literal `$`, and
 * any other `$NAME` / `${NAME}` must be a known substitution.
 */
function cloudBuildScript(
  yaml: string,
  id: string,
  substitutions: Record<string, string>,
): string {
  const lines = yaml.split("\n");
  const start = lines.findIndex((l) => l.trim() === `- id: ${id}`);
  assert.ok(start >= 0, `cloudbuild.yaml: no step ${id}`);
  const block = lines.findIndex((l, i) => i > start && l.trim() === "- |");
  const indent = lines[block + 1].search(/\S/);
  const body: string[] = [];
  for (const line of lines.slice(block + 1)) {
    if (line.trim() !== "" && line.search(/\S/) < indent) break;
    body.push(line.slice(indent));
  }
  return body.join("\n").replace(
    /\$\$|\$\{(\w+)\}|\$(\w+)/g,
    (match, braced, plain) => {
      if (match === "$$") return "$";
      const name = braced ?? plain;
      assert.ok(
        name in substitutions,
        `step ${id}: $${name} is not a substitution (write $$${name} for a shell variable)`,
      );
      return substitutions[name];
    },
  );
}

Deno.test("cloudbuild.yaml: a failed rollout fails the build; only a missing service or job is skipped", async () => {
  const yaml = await read("cloudbuild.yaml");
  const substitutions: Record<string, string> = {
    PROJECT_ID: "demo-project",
    BUILD_ID: "build-1",
  };
  for (const m of yaml.matchAll(/^\s+(_[A-Z_]+): (\S+)$/gm)) {
    substitutions[m[1]] = m[2];
  }
  const dir = await Deno.makeTempDir({ prefix: "cloudbuild_" });
  try {
    // gcloud stand-in: GCLOUD_LIST says what `… list` prints or "fail"
    // (exit 1, as without permission); GCLOUD_UPDATE=fail fails `… update`.
    await Deno.writeTextFile(
      `${dir}/gcloud`,
      `#!/usr/bin/env bash
echo "gcloud $*" >> "${dir}/calls"
case "$*" in
  *" list "*) [ "$GCLOUD_LIST" = fail ] && { echo "PERMISSION_DENIED" >&2; exit 1; }
    printf '%s' "$GCLOUD_LIST"; [ -n "$GCLOUD_LIST" ] && echo; exit 0 ;;
  *" update "*) [ "$GCLOUD_UPDATE" = fail ] && { echo "revision failed" >&2; exit 1; }; exit 0 ;;
esac
exit 0
`,
      { mode: 0o755 },
    );
    const runStep = async (
      id: string,
      env: { GCLOUD_LIST: string; GCLOUD_UPDATE?: string },
    ) => {
      await Deno.writeTextFile(`${dir}/calls`, "");
      const out = await new Deno.Command("bash", {
        args: ["-c", cloudBuildScript(yaml, id, substitutions)],
        env: {
          PATH: `${dir}:/usr/bin:/bin`,
          GCLOUD_UPDATE: "ok",
          ...env,
        },
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      return {
        code: out.code,
        stdout: new TextDecoder().decode(out.stdout),
        calls: await Deno.readTextFile(`${dir}/calls`),
      };
    };
    for (
      const [id, name] of [
        ["deploy-service", substitutions._SERVICE_NAME],
        ["update-job", substitutions._JOB_NAME],
      ]
    ) {
      const rolled = await runStep(id, { GCLOUD_LIST: name });
      assert.equal(rolled.code, 0);
      assert.match(rolled.calls, /update .*--image .*:build-1/);
      const failed = await runStep(id, {
        GCLOUD_LIST: name,
        GCLOUD_UPDATE: "fail",
      });
      assert.notEqual(failed.code, 0, `${id}: a failed update fails the step`);
      const denied = await runStep(id, { GCLOUD_LIST: "fail" });
      assert.notEqual(denied.code, 0, `${id}: a failed lookup fails the step`);
      assert.doesNotMatch(denied.calls, / update /);
      const absent = await runStep(id, { GCLOUD_LIST: "" });
      assert.equal(absent.code, 0, `${id}: a missing resource is skipped`);
      assert.match(absent.stdout, /does not exist yet/);
      assert.doesNotMatch(absent.calls, / update /);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
