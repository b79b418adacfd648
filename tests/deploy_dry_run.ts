/**
 * Runs the deploy scripts against stand-ins for `gcloud`, `vercel` and
 * `deno` that only record their arguments, so tests can check what the
 * scripts would ask the clouds to do without any account or network.
 */

const REPO = new URL("../", import.meta.url);
const UNIT = "\x1f";
const RECORD = "\x1e";

/** One recorded command: the program and its arguments. */
export interface RecordedCommand {
  program: string;
  args: string[];
}

/** Options of `dryRun`. */
export interface DryRunOptions {
  /** Extra environment for the script (e.g. SUPABASE_URL). */
  env?: Record<string, string>;
  /** When true, `gcloud … describe` fails, as for resources not created yet. */
  missing?: boolean;
}

// Each stand-in appends "program<US>arg<US>arg…<RS>" to $DRY_RUN_LOG and
// answers the few queries the scripts read back.
const FAKE_GCLOUD = `#!/usr/bin/env bash
{ printf 'gcloud'; printf '\\x1f%s' "$@"; printf '\\x1e'; } >> "$DRY_RUN_LOG"
case "$*" in
  # reads the value, as gcloud does: an unread pipe would kill the writer
  # (SIGPIPE, exit 141 under pipefail) when this exits first
  *"--data-file -"*) cat > /dev/null ;;
  "config get-value project") echo demo-project ;;
  *"describe"*"--format value(status.url)"*) echo https://movielens-api-demo-uc.a.run.app ;;
  *describe*) [ "$DRY_RUN_MISSING" = 1 ] && exit 1 ;;
esac
exit 0
`;
const FAKE_RECORDER = (program: string) =>
  `#!/usr/bin/env bash
{ printf '${program}'; printf '\\x1f%s' "$@"; printf '\\x1e'; } >> "$DRY_RUN_LOG"
cat > /dev/null
exit 0
`;

/** What a dry run did: its exit code, stderr and the recorded commands. */
export interface DryRunResult {
  code: number;
  stderr: string;
  commands: RecordedCommand[];
}

/**
 * Runs `deploy/<script>` with recording stand-ins first on PATH, whatever
 * its exit code.
 */
export async function dryRunResult(
  script: string,
  options: DryRunOptions = {},
): Promise<DryRunResult> {
  const dir = await Deno.makeTempDir({ prefix: "deploy_dry_run_" });
  try {
    const bin = `${dir}/bin`;
    await Deno.mkdir(bin);
    const fakes: Record<string, string> = {
      gcloud: FAKE_GCLOUD,
      vercel: FAKE_RECORDER("vercel"),
      deno: FAKE_RECORDER("deno"),
    };
    for (const [name, text] of Object.entries(fakes)) {
      await Deno.writeTextFile(`${bin}/${name}`, text, { mode: 0o755 });
    }
    const log = `${dir}/log`;
    await Deno.writeTextFile(log, "");
    const output = await new Deno.Command("bash", {
      args: [`deploy/${script}`],
      cwd: REPO,
      clearEnv: true,
      env: {
        PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`,
        HOME: dir,
        DRY_RUN_LOG: log,
        DRY_RUN_MISSING: options.missing ? "1" : "0",
        ...options.env,
      },
      stdin: "null",
    }).output();
    const commands = (await Deno.readTextFile(log)).split(RECORD).filter(
      Boolean,
    ).map((record) => {
      const [program, ...args] = record.split(UNIT);
      return { program, args };
    });
    return {
      code: output.code,
      stderr: new TextDecoder().decode(output.stderr),
      commands,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Runs `deploy/<script>` with recording stand-ins first on PATH; returns the
 * recorded commands. Throws with the script's output when it fails.
 */
export async function dryRun(
  script: string,
  options: DryRunOptions = {},
): Promise<RecordedCommand[]> {
  const result = await dryRunResult(script, options);
  if (result.code !== 0) {
    throw new Error(
      `deploy/${script} exited with ${result.code}, expected 0:\n${result.stderr}`,
    );
  }
  return result.commands;
}

/** The value following `flag` in `args`, or undefined. */
export function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Names set by a `--set-env-vars` value (plain or "^@^"-delimited). */
export function envVarNames(value: string): string[] {
  const custom = /^\^(.)\^/.exec(value);
  const body = custom ? value.slice(custom[0].length) : value;
  return body.split(custom ? custom[1] : ",").filter(Boolean).map((e) =>
    e.slice(0, e.indexOf("="))
  );
}

/** Every command of one program whose arguments start with `prefix`. */
export function commandsOf(
  commands: RecordedCommand[],
  program: string,
  ...prefix: string[]
): RecordedCommand[] {
  return commands.filter((c) =>
    c.program === program && prefix.every((p, i) => c.args[i] === p)
  );
}
