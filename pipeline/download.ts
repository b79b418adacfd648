/**
 * Step 1: get the MovieLens CSVs onto local disk. Sources, first match wins:
 * MOVIELENS_DIR (a folder, used in place), MOVIELENS_ZIP (a local zip), the
 * zip cached in object storage, or GroupLens over HTTP (streamed to disk,
 * md5-checked when GroupLens publishes one, then cached). Extraction checks
 * every CRC and writes a marker, so a second run does nothing.
 */
import { createHash } from "node:crypto";
import type { Config } from "../config/mod.ts";
import type { ObjectStorage } from "../store/types.ts";
import type { PipelineContext, StepResult } from "./context.ts";
import { detectFormat, FORMAT_FILES } from "./dataset.ts";
import { type ProgressReporter, silentProgress } from "./progress.ts";
import { extractZip, type ZipEntry, ZipError } from "./zip.ts";

/** The dataset could not be fetched (network down, HTTP error). */
export class DownloadError extends Error {
  override name = "DownloadError";
}

/** Files taken from a MovieLens zip: every layout's, and the README. */
export const DATASET_FILES = [
  ...Object.values(FORMAT_FILES).flatMap((f) => [
    f.movies,
    f.ratings,
    ...f.optional,
  ]),
  "README.txt",
  "README",
];

/** Where the dataset is and how it got there. */
export interface DatasetLocation {
  /** e.g. "ml-latest-small". */
  name: string;
  /** Folder with movies.csv, ratings.csv, links.csv, tags.csv (or ml-1m / ml-100k files). */
  dir: string;
  /** "dir": MOVIELENS_DIR; "extracted": already on disk; else what was extracted. */
  source: "dir" | "extracted" | "zip" | "cache" | "network";
}

/** Options for `ensureDataset`. */
export interface EnsureDatasetOptions {
  progress?: ProgressReporter;
}

const MARKER = ".extracted.json";

interface ExtractionMarker {
  source: string;
  identity: string;
  files: Record<string, number>;
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Object-storage key of a variant's cached zip. */
export function datasetObjectKey(variant: string): string {
  return `datasets/${variant}.zip`;
}

/** URL of a variant's zip at GroupLens (or MOVIELENS_BASE_URL). */
export function datasetUrl(config: Config): string {
  return `${
    config.MOVIELENS_BASE_URL.replace(/\/+$/, "")
  }/${config.MOVIELENS_VARIANT}.zip`;
}

async function checkDatasetDir(dir: string, what: string): Promise<void> {
  try {
    await detectFormat(dir);
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
  }
}

/** True when `dir` holds a complete extraction (marker and file sizes agree). */
async function isExtracted(dir: string): Promise<boolean> {
  const markerInfo = await statOrNull(`${dir}/${MARKER}`);
  if (!markerInfo) return false;
  const marker = JSON.parse(
    await Deno.readTextFile(`${dir}/${MARKER}`),
  ) as ExtractionMarker;
  for (const [name, size] of Object.entries(marker.files)) {
    if ((await statOrNull(`${dir}/${name}`))?.size !== size) return false;
  }
  return true;
}

/**
 * Extracts `DATASET_FILES` of `zipPath` into `dir`: first into a
 * sibling folder, swapped in only when every CRC matched.
 */
async function extractDataset(
  zipPath: string,
  dir: string,
  source: string,
  progress: ProgressReporter,
  displayName = zipPath,
): Promise<void> {
  const partial = `${dir}.partial`;
  await Deno.remove(partial, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  // ml-latest and ml-25m also carry genome-*.csv (400 MB) that nothing reads.
  const wanted = (entry: ZipEntry) =>
    DATASET_FILES.includes(entry.name.slice(entry.name.lastIndexOf("/") + 1));
  const task = progress.task(`extract ${displayName}`, 0, "bytes");
  let directory;
  try {
    directory = await extractZip(zipPath, partial, {
      include: wanted,
      onBytes: (n) => task.advance(n),
    });
  } catch (error) {
    if (error instanceof ZipError && displayName !== zipPath) {
      throw new ZipError(displayName, error.detail);
    }
    throw error;
  }
  task.done();
  await checkDatasetDir(partial, `${displayName}`);
  const files: Record<string, number> = {};
  for (const entry of directory.entries.filter(wanted)) {
    files[entry.name.slice(entry.name.lastIndexOf("/") + 1)] = entry.size;
  }
  const marker: ExtractionMarker = {
    source,
    identity: directory.identity,
    files,
  };
  await Deno.writeTextFile(`${partial}/${MARKER}`, JSON.stringify(marker));
  await Deno.remove(dir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await Deno.rename(partial, dir);
}

async function writeAll(file: Deno.FsFile, data: Uint8Array): Promise<void> {
  let written = 0;
  while (written < data.length) {
    written += await file.write(data.subarray(written));
  }
}

/**
 * Streams `url` into the file `target` (never holding the body in memory)
 * and returns its md5 in hex.
 */
async function downloadTo(
  url: string,
  target: string,
  progress: ProgressReporter,
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    // fetch rejects with TypeError only when the network fails.
    if (!(error instanceof TypeError)) throw error;
    const cause = error.cause instanceof Error ? error.cause.message : "";
    throw new DownloadError(
      `Cannot download ${url}: the network request failed (${
        cause || error.message
      }). Without network access, set MOVIELENS_DIR to a folder with the CSVs or MOVIELENS_ZIP to a local zip.`,
    );
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new DownloadError(
      `Cannot download ${url}: expected HTTP 200, found ${response.status} ${response.statusText}`,
    );
  }
  const expected = Number(response.headers.get("content-length") ?? 0);
  const task = progress.task(`download ${url}`, expected, "bytes");
  const md5 = createHash("md5");
  let received = 0;
  {
    using out = await Deno.open(target, {
      write: true,
      create: true,
      truncate: true,
    });
    for await (const chunk of response.body) {
      md5.update(chunk);
      await writeAll(out, chunk);
      received += chunk.length;
      task.advance(chunk.length);
    }
  }
  task.done();
  if (expected > 0 && received !== expected) {
    throw new Error(
      `Cannot download ${url}: expected ${expected} bytes, found ${received} (connection cut?)`,
    );
  }
  return md5.digest("hex");
}

/**
 * Checks `md5` against `<url>.md5` when GroupLens publishes one. A missing
 * checksum file is not an error (not every mirror has one); a different
 * checksum is.
 */
async function checkPublishedMd5(
  url: string,
  md5: string,
  progress: ProgressReporter,
): Promise<void> {
  const md5Url = `${url}.md5`;
  let response: Response;
  try {
    response = await fetch(md5Url);
  } catch (error) {
    // Only the network failing lands here (fetch rejects with TypeError).
    if (!(error instanceof TypeError)) throw error;
    progress.log(`no checksum: cannot fetch ${md5Url} (${error.message})`);
    return;
  }
  if (!response.ok) {
    await response.body?.cancel();
    progress.log(`no checksum published at ${md5Url} (${response.status})`);
    return;
  }
  const published = /\b[0-9a-f]{32}\b/i.exec(await response.text())?.[0]
    .toLowerCase();
  if (!published) {
    progress.log(`no checksum in ${md5Url}: expected 32 hex digits`);
    return;
  }
  if (published !== md5) {
    throw new Error(
      `Download of ${url} is corrupt: expected md5 ${published} (from ${md5Url}), found ${md5}`,
    );
  }
  progress.log(`md5 ${md5} matches ${md5Url}`);
}

/**
 * Makes sure the dataset's CSVs are on local disk and returns where.
 * Makes no network request when the dataset is already extracted, when
 * MOVIELENS_DIR or MOVIELENS_ZIP is set, or when object storage holds the zip.
 *
 * @example
 * const { dir } = await ensureDataset(config, objects);
 */
export async function ensureDataset(
  config: Config,
  objects: ObjectStorage,
  options: EnsureDatasetOptions = {},
): Promise<DatasetLocation> {
  const progress = options.progress ?? silentProgress;
  if (config.MOVIELENS_DIR) {
    const dir = config.MOVIELENS_DIR.replace(/\/+$/, "");
    await checkDatasetDir(dir, "MOVIELENS_DIR");
    return { name: dir.slice(dir.lastIndexOf("/") + 1), dir, source: "dir" };
  }
  const zip = config.MOVIELENS_ZIP;
  const name = zip
    ? zip.slice(zip.lastIndexOf("/") + 1).replace(/\.zip$/i, "")
    : config.MOVIELENS_VARIANT;
  const datasets = `${config.dataDir}/datasets`;
  const dir = `${datasets}/${name}`;
  if (await isExtracted(dir)) return { name, dir, source: "extracted" };
  await Deno.mkdir(datasets, { recursive: true });

  if (zip) {
    if (!(await statOrNull(zip))?.isFile) {
      throw new Error(
        `MOVIELENS_ZIP: expected a zip file at ${zip}, found none`,
      );
    }
    await extractDataset(zip, dir, zip, progress);
    return { name, dir, source: "zip" };
  }

  const key = datasetObjectKey(name);
  const local = `${datasets}/${name}.zip.part`;
  try {
    const cached = await objects.read(key);
    if (cached) {
      progress.log(`using cached ${key} from ${objects.description}`);
      await Deno.writeFile(local, cached);
      await extractDataset(
        local,
        dir,
        key,
        progress,
        `${objects.description} ${key} (delete it to download again)`,
      );
      return { name, dir, source: "cache" };
    }
    const url = datasetUrl(config);
    const md5 = await downloadTo(url, local, progress);
    await checkPublishedMd5(url, md5, progress);
    await extractDataset(
      local,
      dir,
      url,
      progress,
      `${url} (saved as ${local})`,
    );
    // Cached only once known good; object storage takes bytes, not streams.
    await objects.write(key, await Deno.readFile(local));
    progress.log(`cached ${key} in ${objects.description}`);
    return { name, dir, source: "network" };
  } finally {
    await Deno.remove(local).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }
}

/** The `download` step: `ensureDataset` with a summary line. */
export async function downloadStep(ctx: PipelineContext): Promise<StepResult> {
  const location = await ensureDataset(ctx.config, ctx.objects, {
    progress: ctx.progress,
  });
  const skipped = location.source === "dir" || location.source === "extracted";
  return {
    step: "download",
    skipped,
    detail: `${location.name} in ${location.dir} (${location.source})`,
  };
}
