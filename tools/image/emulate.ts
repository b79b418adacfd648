/**
 * Runs a Dockerfile's COPY and RUN steps on this machine, without Docker,
 * into a folder standing for the image's WORKDIR, and measures what each
 * step adds — the size of the layer Docker would write (new or changed
 * files, a hard-linked file once, deletions of earlier files saving
 * nothing). RUN steps run with bash and this machine's `deno`, so the
 * result matches the image when its DENO_VERSION matches `deno --version`.
 * @module
 */
import { run } from "../bench/stats.ts";
import { copyBuildContext } from "./context.ts";

/** One Dockerfile instruction, continuations joined, comments dropped. */
export interface Instruction {
  op: string;
  args: string;
}

/** Parses a Dockerfile's text into instructions. */
export function dockerInstructions(text: string): Instruction[] {
  return text.split("\n").filter((l) => !/^\s*#/.test(l)).join("\n")
    .replace(/\\\n/g, " ")
    .split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(" ") };
    });
}

/** What one emulated step added. */
export interface Layer {
  instruction: string;
  /** Bytes of new or changed files (hard links counted once). */
  bytes: number;
  files: number;
}

/** Options for `emulateDockerfile`. */
export interface EmulateOptions {
  /** The repository (holds the Dockerfile and .dockerignore). */
  repo: string;
  /** Empty folder to work in: context/, app/ (the WORKDIR) and deno-dir/. */
  workDir: string;
  /**
   * deno's npm cache to hard-link the lockfile's packages from, so that the
   * install needs no network (default: none, everything is downloaded).
   */
  seedNpmCache?: string;
}

/** The emulated image. */
export interface EmulatedImage {
  /** The WORKDIR's files (/app). */
  app: string;
  /** The image's DENO_DIR. */
  denoDir: string;
  /** Environment the image's commands run with (ENV lines, DENO_DIR). */
  env: Record<string, string>;
  layers: Layer[];
}

type Snapshot = Map<string, { key: string; ino: number; size: number }>;

async function snapshot(roots: string[]): Promise<Snapshot> {
  const files: Snapshot = new Map();
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else {
        const info = await Deno.lstat(path);
        const size = entry.isSymlink ? 0 : info.size;
        const ino = info.ino ?? 0;
        files.set(path, {
          key: `${ino}:${size}:${info.mtime?.getTime()}`,
          ino,
          size,
        });
      }
    }
  };
  for (const root of roots) {
    if (await Deno.stat(root).then(() => true, () => false)) await walk(root);
  }
  return files;
}

function layerOf(before: Snapshot, after: Snapshot) {
  const inodes = new Set<number>();
  let bytes = 0;
  let files = 0;
  for (const [path, file] of after) {
    if (before.get(path)?.key === file.key) continue;
    files++;
    if (inodes.has(file.ino)) continue;
    inodes.add(file.ino);
    bytes += file.size;
  }
  return { bytes, files };
}

/** Hard-links the lockfile's npm packages from `from` into `denoDir`/npm. */
async function seedCache(lockFile: string, from: string, denoDir: string) {
  const lock = JSON.parse(await Deno.readTextFile(lockFile));
  const registry = "registry.npmjs.org";
  for (const id of Object.keys(lock.npm ?? {})) {
    const at = id.indexOf("@", 1);
    const name = id.slice(0, at);
    const version = id.slice(at + 1).split("_")[0];
    const source = `${from}/${registry}/${name}`;
    const target = `${denoDir}/npm/${registry}/${name}`;
    const exists = await Deno.stat(`${source}/${version}`).then(
      () => true,
      () => false,
    );
    if (!exists) continue; // deno downloads it
    await Deno.mkdir(target, { recursive: true });
    await run("cp", ["-al", `${source}/${version}`, `${target}/${version}`]);
    await Deno.copyFile(`${source}/registry.json`, `${target}/registry.json`)
      .catch(() => {});
  }
}

/** deno's npm cache on this machine (`deno info --json`). */
export async function npmCacheDir(): Promise<string> {
  return JSON.parse(await run(Deno.execPath(), ["info", "--json"])).npmCache;
}

function parseEnv(args: string): Record<string, string> {
  return Object.fromEntries(
    [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)].map((
      m,
    ) => [m[1], m[2].replace(/^"|"$/g, "")]),
  );
}

/**
 * Emulates the Dockerfile of `options.repo` from WORKDIR on: COPY from a
 * copy of the build context, RUN with bash (ownership-only `chown` steps
 * are skipped: there is no image user here).
 *
 * @example
 * const image = await emulateDockerfile({ repo: ".", workDir: tmp });
 * image.layers.map((l) => l.bytes);
 */
export async function emulateDockerfile(
  options: EmulateOptions,
): Promise<EmulatedImage> {
  const { repo, workDir } = options;
  const context = `${workDir}/context`;
  const app = `${workDir}/app`;
  const denoDir = `${workDir}/deno-dir`;
  await copyBuildContext(repo, context);
  await Deno.mkdir(app, { recursive: true });
  await Deno.mkdir(denoDir, { recursive: true });
  // On top of this machine's environment (its proxy and CA settings reach
  // the npm registry), as the image's own ENV would be.
  const env: Record<string, string> = { HOME: workDir, DENO_DIR: denoDir };
  const steps = dockerInstructions(
    await Deno.readTextFile(`${repo}/Dockerfile`),
  );
  const layers: Layer[] = [];
  let seed = options.seedNpmCache;
  let before = await snapshot([app, denoDir]);
  for (const { op, args } of steps) {
    if (op === "ENV") {
      Object.assign(env, parseEnv(args), { DENO_DIR: denoDir });
      continue;
    }
    if (op === "COPY") {
      const parts = args.split(/\s+/).filter((p) => !p.startsWith("--"));
      const target = `${app}/${parts.at(-1)!.replace(/^\.\/?/, "")}`;
      for (const source of parts.slice(0, -1)) {
        if (source === ".") {
          await run("cp", ["-a", `${context}/.`, target]);
        } else {
          await Deno.mkdir(target, { recursive: true });
          await run("cp", ["-a", `${context}/${source}`, target]);
        }
      }
    } else if (op === "RUN") {
      if (/^chown\b/.test(args)) continue;
      if (seed) {
        // Linked in as this step starts, so the layer counts them as the
        // download they replace.
        await seedCache(`${repo}/deno.lock`, seed, denoDir);
        seed = undefined;
      }
      await run("bash", ["-c", args], { cwd: app, env });
    } else continue;
    const after = await snapshot([app, denoDir]);
    layers.push({ instruction: `${op} ${args}`, ...layerOf(before, after) });
    before = after;
  }
  return { app, denoDir, env, layers };
}
