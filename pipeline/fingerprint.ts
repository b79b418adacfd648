/**
 * Fingerprints that let a step skip work already done: a hash of the
 * dataset files, and per-step markers in `store.meta`.
 */
import { createHash } from "node:crypto";
import type { MetaStore } from "../store/types.ts";
import { FORMAT_FILES } from "./dataset.ts";

/** The files the pipeline reads, any layout (genome-*.csv and others are ignored). */
const DATASET_FILES = Object.values(FORMAT_FILES)
  .flatMap((f) => [f.movies, f.ratings, ...f.optional])
  .sort();

// Hashing ml-32m (1 GB) takes seconds: remember it per file size and mtime.
const remembered = new Map<string, string>();

/**
 * sha256 over the names and contents of the dataset files the pipeline reads,
 * streamed.
 *
 * @example
 * const fingerprint = await datasetFingerprint("../shared/data/ml-latest-small");
 */
export async function datasetFingerprint(dir: string): Promise<string> {
  const names: string[] = [];
  for (const name of DATASET_FILES) {
    const found = await Deno.stat(`${dir}/${name}`).then(
      (info) => info.isFile,
      (error) => {
        if (error instanceof Deno.errors.NotFound) return false;
        throw error;
      },
    );
    if (found) names.push(name);
  }
  const stats = await Promise.all(names.map((n) => Deno.stat(`${dir}/${n}`)));
  const key = `${dir}|${
    names.map((n, i) =>
      `${n}:${stats[i].size}:${stats[i].mtime?.getTime() ?? 0}`
    ).join("|")
  }`;
  const known = remembered.get(key);
  if (known) return known;
  const hash = createHash("sha256");
  for (const name of names) {
    hash.update(`${name}\0`);
    using file = await Deno.open(`${dir}/${name}`);
    for await (const chunk of file.readable) hash.update(chunk);
  }
  const fingerprint = hash.digest("hex");
  remembered.set(key, fingerprint);
  return fingerprint;
}

/** Hash of any JSON-able description of a step's inputs. */
export function inputsFingerprint(inputs: Record<string, unknown>): string {
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex");
}

function markerKey(step: string): string {
  return `pipeline:${step}`;
}

/** True when `step` last finished with exactly this fingerprint. */
export async function isStepDone(
  meta: MetaStore,
  marker: { step: string; fingerprint: string },
): Promise<boolean> {
  const { step, fingerprint } = marker;
  const raw = await meta.get(markerKey(step));
  if (raw === null) return false;
  return (JSON.parse(raw) as { fingerprint?: string }).fingerprint ===
    fingerprint;
}

/** Records that `step` finished with this fingerprint. */
export async function markStepDone(
  meta: MetaStore,
  marker: {
    step: string;
    fingerprint: string;
    /** Stored with the marker, for people reading the store. */
    details?: Record<string, unknown>;
  },
): Promise<void> {
  const { step, fingerprint, details = {} } = marker;
  await meta.set(
    markerKey(step),
    JSON.stringify({
      fingerprint,
      finishedAt: new Date().toISOString(),
      ...details,
    }),
  );
}
