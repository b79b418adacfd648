/**
 * `deno task build:vercel`: writes Vercel's Build Output API v3 in
 * .vercel/output/ so that `vercel deploy --prebuilt` works — static assets
 * (CSS, island bundles) served by Vercel's CDN, and one Node.js function
 * (the SSR web app, bundled into a single ESM file) for every other path.
 * Set API_URL (and Supabase or the API's local auth) in the Vercel project.
 */
import { buildIslands } from "../build.ts";

const WEB_DIR = new URL("../", import.meta.url);

/**
 * The Node.js runtime of the function. Vercel deprecated Node.js 20 on
 * 2026-10-01 (new deployments on it fail to build); 22.x is the oldest line
 * it still builds, and the bundle runs on it (tests/web_vercel_test.ts).
 */
export const VERCEL_NODE_RUNTIME = "nodejs22.x";
const ROOT = new URL("../", WEB_DIR);

/** Options for `buildVercel`. */
export interface BuildVercelOptions {
  /** Default: .vercel/output in the repo. */
  outDir?: string;
  /** Rebuild the islands first (default true). */
  islands?: boolean;
}

/** What was written, for the CLI and tests. */
export interface VercelBuild {
  outDir: string;
  /** The function's bundled handler. */
  functionFile: string;
  functionBytes: number;
  staticFiles: string[];
}

async function copyDir(from: URL, to: string, prefix = ""): Promise<string[]> {
  const copied: string[] = [];
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = new URL(entry.name + (entry.isDirectory ? "/" : ""), from);
    if (entry.isDirectory) {
      copied.push(
        ...await copyDir(
          source,
          `${to}/${entry.name}`,
          `${prefix}${entry.name}/`,
        ),
      );
    } else if (entry.isFile) {
      await Deno.copyFile(source, `${to}/${entry.name}`);
      copied.push(`${prefix}${entry.name}`);
    }
  }
  return copied;
}

/**
 * Builds .vercel/output.
 *
 * @example
 * const build = await buildVercel();
 * console.log(build.functionFile);
 */
export async function buildVercel(
  options: BuildVercelOptions = {},
): Promise<VercelBuild> {
  const outDir = options.outDir ?? new URL(".vercel/output", ROOT).pathname;
  if (options.islands ?? true) await buildIslands();
  await Deno.remove(outDir, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  // Static assets keep their /static/ prefix, as the Deno server serves them.
  const staticFiles = (await copyDir(
    new URL("./static/", WEB_DIR),
    `${outDir}/static/static`,
  )).map((f) => `/static/${f}`);

  const functionDir = `${outDir}/functions/index.func`;
  await Deno.mkdir(functionDir, { recursive: true });
  const functionFile = `${functionDir}/index.mjs`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--config",
      new URL("deno.json", ROOT).pathname,
      "--platform",
      "deno",
      "--minify",
      "--output",
      functionFile,
      new URL("./adapters/vercel_entry.ts", WEB_DIR).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `deno bundle of the Vercel function failed:\n${
        new TextDecoder().decode(out.stderr)
      }`,
    );
  }
  await Deno.writeTextFile(
    `${functionDir}/.vc-config.json`,
    JSON.stringify(
      {
        runtime: VERCEL_NODE_RUNTIME,
        handler: "index.mjs",
        launcherType: "Nodejs",
        shouldAddHelpers: false,
        supportsResponseStreaming: false,
      },
      null,
      2,
    ),
  );
  // Node treats .mjs as ESM without a package.json; this one says so anyway.
  await Deno.writeTextFile(
    `${functionDir}/package.json`,
    JSON.stringify({ type: "module" }),
  );
  await Deno.writeTextFile(
    `${outDir}/config.json`,
    JSON.stringify(
      {
        version: 3,
        routes: [
          {
            src: "^/static/islands/chunk-.*\\.js$",
            headers: { "cache-control": "public, max-age=31536000, immutable" },
            continue: true,
          },
          { handle: "filesystem" },
          { src: "^/(.*)$", dest: "/index" },
        ],
      },
      null,
      2,
    ),
  );
  const { size } = await Deno.stat(functionFile);
  return { outDir, functionFile, functionBytes: size, staticFiles };
}

if (import.meta.main) {
  const build = await buildVercel();
  console.log(`Vercel build output written to ${build.outDir}`);
  console.log(
    `  function: ${build.functionFile} (${
      (build.functionBytes / 1024).toFixed(0)
    } KiB)`,
  );
  console.log(`  static: ${build.staticFiles.join(", ")}`);
  console.log("Deploy with: vercel deploy --prebuilt (set API_URL in Vercel)");
}
