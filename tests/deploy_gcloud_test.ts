/**
 * Every gcloud command the deploy scripts issue, as recorded by their dry
 * runs (tests/deploy_dry_run.ts), parsed by the real gcloud CLI: with no
 * account configured, gcloud checks the command, its flags and their values
 * first and only then stops at the missing credentials, so a misspelt flag
 * or a bad value fails here instead of in a reader's first deploy.
 */
import assert from "node:assert/strict";
import { dryRun, type RecordedCommand } from "./deploy_dry_run.ts";

const GCLOUD = "/usr/bin/gcloud";
const hasGcloud = (() => {
  try {
    return Deno.statSync(GCLOUD).isFile;
  } catch {
    return false;
  }
})();

const ENV = {
  MONGODB_URI: "mongodb+srv://demo",
  SUPABASE_URL: "https://demo.supabase.co",
  SUPABASE_JWT_SECRET: "jwt",
  UPSTASH_REDIS_REST_URL: "https://demo.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "token",
  FORWARDED_CLIENT_SECRET: "forwarded",
  TMDB_API_KEY: "tmdb-key",
  TMDB_READ_ACCESS_TOKEN: "tmdb-token",
  WEB_ORIGIN: "https://demo.vercel.app",
};

/** What gcloud says when the command parsed and only credentials are missing. */
const NO_ACCOUNT = /active account selected|gcloud auth login/;

/**
 * One command per shape: the same command on another resource (each secret,
 * each service account) is parsed once, its names blanked in the key.
 */
function shapes(commands: RecordedCommand[]): string[][] {
  const seen = new Map<string, string[]>();
  for (const { program, args } of commands) {
    if (program !== "gcloud") continue;
    const key = args.map((a) =>
      a.replace(/(?:movielens|demo-project)[\w.@-]*/g, "·")
    ).join(" ");
    seen.set(key, args);
  }
  return [...seen.values()];
}

/** gcloud's verdict on `args`, with an empty configuration (no account). */
async function parse(args: string[], config: string) {
  const out = await new Deno.Command(GCLOUD, {
    args,
    clearEnv: true,
    env: {
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: config,
      CLOUDSDK_CONFIG: config,
      CLOUDSDK_CORE_DISABLE_PROMPTS: "1",
      CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: "1",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    output: new TextDecoder().decode(out.stderr).trim(),
  };
}

Deno.test({
  name: `deploy scripts: gcloud parses every command they issue${
    hasGcloud ? "" : ` (ignored: ${GCLOUD} is absent)`
  }`,
  ignore: !hasGcloud,
  async fn() {
    const recorded = [
      ...await dryRun("setup_gcp.sh", { missing: true }),
      ...await dryRun("secrets.sh", { env: ENV, missing: true }),
      ...await dryRun("secrets.sh", { env: ENV }),
      ...await dryRun("deploy_service.sh", { env: ENV }),
      ...await dryRun("deploy_job.sh", { env: ENV }),
      ...await dryRun("run_job.sh"),
      ...await dryRun("run_job.sh", { env: { JOB_TASKS: "4" } }),
    ];
    const commands = shapes(recorded);
    assert.ok(
      commands.some((a) => a.join(" ").includes("TMDB_API_KEY=")),
      "the job's TMDB secrets are among the commands",
    );
    const config = await Deno.makeTempDir({ prefix: "gcloud_config_" });
    try {
      const rejected: string[] = [];
      // two at a time: each gcloud start is a second of CPU
      const queue = [...commands];
      const worker = async () => {
        for (let args = queue.shift(); args; args = queue.shift()) {
          const { code, output } = await parse(args, config);
          if (code !== 0 && !NO_ACCOUNT.test(output)) {
            rejected.push(
              `gcloud ${args.join(" ")}\n  ${output.slice(0, 400)}`,
            );
          }
        }
      };
      await Promise.all([worker(), worker()]);
      assert.deepEqual(rejected, [], "commands gcloud does not accept");
    } finally {
      await Deno.remove(config, { recursive: true });
    }
  },
});
