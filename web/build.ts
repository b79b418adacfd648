/**
 * Bundles each island in web/islands/ for the browser into
 * web/static/islands/ (code-split, so Preact loads once per page) and prints
 * the bytes each bundle ships. `deno task build`; main.ts calls
 * `ensureIslands` at start when the bundles are missing.
 */
import { gzipSync } from "fflate";

const WEB_DIR = new URL("./", import.meta.url);
const ISLANDS_DIR = new URL("./islands/", WEB_DIR);
/** Where the bundles go; served at /static/islands/. */
export const ISLANDS_OUT_DIR: URL = new URL("./static/islands/", WEB_DIR);
const MANIFEST = new URL("./manifest.json", ISLANDS_OUT_DIR);

/** One output file of the islands build. */
export interface BundleFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** What the build wrote: every file, and each island's entry and imports. */
export interface IslandsManifest {
  files: BundleFile[];
  /** island name → files a page loads for it (entry plus shared chunks). */
  islands: Record<string, string[]>;
}

/** PascalCase export name of an island file: rating_widget → RatingWidget. */
function exportName(name: string): string {
  return name.split("_").map((p) => p[0].toUpperCase() + p.slice(1)).join("");
}

/** Island names, from the file names in web/islands/. */
export async function islandNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(ISLANDS_DIR)) {
    if (entry.isFile && entry.name.endsWith(".tsx")) {
      names.push(entry.name.slice(0, -4));
    }
  }
  return names.sort();
}

/**
 * Writes a copy of deno.json into `dir` for the browser bundle: the project
 * compiles JSX with "precompile" (fast SSR strings), which Preact cannot
 * hydrate, so browser bundles use the "react-jsx" transform. node_modules is
 * linked so that the same installed packages resolve.
 */
async function bundleConfig(dir: string): Promise<string> {
  const root = new URL("../", WEB_DIR);
  const project = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", root)),
  );
  const config = {
    imports: project.imports,
    compilerOptions: { ...project.compilerOptions, jsx: "react-jsx" },
    nodeModulesDir: "manual",
  };
  await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify(config));
  await Deno.symlink(
    new URL("node_modules", root).pathname,
    `${dir}/node_modules`,
  );
  return `${dir}/deno.json`;
}

/** Static imports of a bundled file (`import ... from "./chunk.js"`). */
function chunkImports(code: string): string[] {
  return [...code.matchAll(/(?:import|from)\s*["']\.\/([^"']+\.js)["']/g)]
    .map((m) => m[1]);
}

/**
 * Bundles every island, minified, into `ISLANDS_OUT_DIR` and writes
 * manifest.json.
 *
 * @example
 * const manifest = await buildIslands();
 * console.log(formatManifest(manifest));
 */
export async function buildIslands(): Promise<IslandsManifest> {
  const names = await islandNames();
  const entryDir = await Deno.makeTempDir({ prefix: "islands-entries-" });
  const config = await bundleConfig(entryDir);
  const client = new URL("./island_client.ts", WEB_DIR).href;
  const entries = [];
  for (const name of names) {
    const path = `${entryDir}/${name}.ts`;
    const source = new URL(`./${name}.tsx`, ISLANDS_DIR).href;
    await Deno.writeTextFile(
      path,
      `import { ${exportName(name)} as island } from "${source}";\n` +
        `import { hydrateIslands } from "${client}";\n` +
        `hydrateIslands(island);\n`,
    );
    entries.push(path);
  }
  await Deno.remove(ISLANDS_OUT_DIR, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--config",
      config,
      "--platform",
      "browser",
      "--minify",
      "--code-splitting",
      "--outdir",
      ISLANDS_OUT_DIR.pathname,
      ...entries,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(entryDir, { recursive: true });
  if (!out.success) {
    throw new Error(
      `deno bundle of the islands failed:\n${
        new TextDecoder().decode(out.stderr)
      }`,
    );
  }
  const files: BundleFile[] = [];
  const imports = new Map<string, string[]>();
  for await (const entry of Deno.readDir(ISLANDS_OUT_DIR)) {
    if (!entry.isFile || !entry.name.endsWith(".js")) continue;
    const bytes = await Deno.readFile(new URL(entry.name, ISLANDS_OUT_DIR));
    files.push({
      file: entry.name,
      bytes: bytes.length,
      gzipBytes: gzipSync(bytes, { level: 9 }).length,
    });
    imports.set(entry.name, chunkImports(new TextDecoder().decode(bytes)));
  }
  files.sort((a, b) => a.file.localeCompare(b.file));
  const closure = (file: string, seen = new Set<string>()): string[] => {
    if (seen.has(file)) return [];
    seen.add(file);
    for (const dep of imports.get(file) ?? []) closure(dep, seen);
    return [...seen];
  };
  const islands: Record<string, string[]> = {};
  for (const name of names) {
    if (!imports.has(`${name}.js`)) {
      throw new Error(
        `Expected bundle ${name}.js for island ${name}, found ${
          [...imports.keys()].join(", ")
        }`,
      );
    }
    islands[name] = closure(`${name}.js`);
  }
  const manifest = { files, islands };
  await Deno.writeTextFile(MANIFEST, JSON.stringify(manifest, null, 2));
  return manifest;
}

/** Reads manifest.json, or null when the islands were never built. */
export async function readManifest(): Promise<IslandsManifest | null> {
  try {
    return JSON.parse(await Deno.readTextFile(MANIFEST)) as IslandsManifest;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** Every file in a folder (not recursive). */
async function filesIn(dir: URL): Promise<URL[]> {
  const files: URL[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile) files.push(new URL(entry.name, dir));
  }
  return files;
}

/**
 * Newest modification time of the islands' sources, in ms: the islands and
 * everything they may import from components/ (a superset, so a change to a
 * shared helper rebuilds too).
 */
async function sourcesChangedAt(): Promise<number> {
  const files = [
    new URL("./island.tsx", WEB_DIR),
    new URL("./island_client.ts", WEB_DIR),
    ...await filesIn(ISLANDS_DIR),
    ...await filesIn(new URL("./components/", WEB_DIR)),
  ];
  const times = await Promise.all(
    files.map(async (f) => (await Deno.stat(f)).mtime?.getTime() ?? 0),
  );
  return Math.max(...times);
}

/** Builds the islands unless the bundles are newer than their sources. */
export async function ensureIslands(): Promise<IslandsManifest> {
  const manifest = await readManifest();
  if (manifest) {
    const builtAt = (await Deno.stat(MANIFEST)).mtime?.getTime() ?? 0;
    if (builtAt >= await sourcesChangedAt()) return manifest;
  }
  return await buildIslands();
}

/**
 * Bytes a set of islands ships (the union of their files), raw and gzip.
 *
 * @example
 * islandBytes(manifest, ["rating_widget"]); // { bytes: 15873, gzipBytes: 6420 }
 */
export function islandBytes(
  manifest: IslandsManifest,
  islands: string[],
): { bytes: number; gzipBytes: number } {
  const files = new Set(
    islands.flatMap((name) => manifest.islands[name] ?? []),
  );
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of manifest.files) {
    if (!files.has(file.file)) continue;
    bytes += file.bytes;
    gzipBytes += file.gzipBytes;
  }
  return { bytes, gzipBytes };
}

/** A Markdown table of the bundle files and what each island costs. */
export function formatManifest(manifest: IslandsManifest): string {
  const rows = [
    "| file | bytes | gzip |",
    "| --- | ---: | ---: |",
    ...manifest.files.map((f) => `| ${f.file} | ${f.bytes} | ${f.gzipBytes} |`),
    "",
    "| island | files | bytes | gzip |",
    "| --- | --- | ---: | ---: |",
    ...Object.entries(manifest.islands).map(([name, files]) => {
      const { bytes, gzipBytes } = islandBytes(manifest, [name]);
      return `| ${name} | ${files.join(", ")} | ${bytes} | ${gzipBytes} |`;
    }),
  ];
  return rows.join("\n");
}

if (import.meta.main) {
  const manifest = await buildIslands();
  console.log(`Islands written to ${ISLANDS_OUT_DIR.pathname}\n`);
  console.log(formatManifest(manifest));
}
