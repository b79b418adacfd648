/**
 * The compact serving artifact: everything the API needs to recommend
 * (movie ids, packed embeddings, optional neighbour lists and rating stats)
 * in one binary object, so that a cold start reads one object from storage
 * instead of thousands of documents.
 *
 * Layout (little-endian, every section starts on a 4-byte boundary, so the
 * decoder hands out typed-array views into the input without copying):
 *
 * | offset | size            | content                                         |
 * | ------ | --------------- | ----------------------------------------------- |
 * | 0      | 4               | magic "MLSA"                                    |
 * | 4      | 4 (u32)         | format version (1)                              |
 * | 8      | 4 (u32)         | n: number of movies                             |
 * | 12     | 4 (u32)         | dim: embedding width                            |
 * | 16     | 4 (u32)         | k: neighbours per movie (0: no neighbours)      |
 * | 20     | 4 (u32)         | flags (bit 0: stats present)                    |
 * | 24     | 4 (u32)         | m: byte length of the JSON metadata             |
 * | 28     | 4 (u32)         | total byte length (detects truncated downloads) |
 * | 32     | m, padded to 4  | metadata JSON (UTF-8)                           |
 * |        | 4n              | ids, Int32                                      |
 * |        | 4n·dim          | vectors, Float32, row i belongs to ids[i]       |
 * |        | 4n·k, 4n·k      | neighbour ids (Int32, -1 pads), scores (Float32)|
 * |        | 4n ×3, 4n·10    | stats: count (Int32), mean, bayesian (Float32), |
 * |        |                 | histogram (Int32, 10 half-star buckets per row) |
 */
import type { MovieStats, ScoredMovie } from "../core/types.ts";

/** Current format version; bump it when the layout changes. */
export const SERVING_ARTIFACT_VERSION = 1;
const MAGIC = "MLSA";
const HEADER_BYTES = 32;
const HISTOGRAM_BUCKETS = 10;
const FLAG_STATS = 1;

/** Fixed-width neighbour lists: row i holds the k best neighbours of ids[i]. */
export interface PackedNeighbours {
  k: number;
  /** n·k movie ids, best first; -1 pads rows with fewer than k neighbours. */
  ids: Int32Array;
  /** n·k scores aligned with `ids` (NaN where the id is -1). */
  scores: Float32Array;
}

/** Rating statistics, one entry per row of the artifact. */
export interface PackedStats {
  ratingCount: Int32Array;
  ratingMean: Float32Array;
  bayesianScore: Float32Array;
  /** n·10 counts: row i, bucket b (0.5 stars · (b + 1)). */
  ratingHistogram: Int32Array;
}

/** What the pipeline writes and the API loads. */
export interface ServingArtifact {
  /** Movie id of each row. */
  ids: Int32Array;
  dim: number;
  /** n·dim L2-normalised vectors (row i belongs to ids[i]). */
  vectors: Float32Array;
  neighbours?: PackedNeighbours;
  stats?: PackedStats;
  /** Free-form provenance, e.g. `{ model: "minilm", createdAt: "…" }`. */
  meta?: Record<string, string | number | boolean>;
}

/** A decoded artifact: the input fields plus the format version read. */
export interface DecodedServingArtifact extends ServingArtifact {
  version: number;
}

/** Thrown when bytes are not a valid serving artifact; says what is wrong. */
export class ServingArtifactError extends Error {
  constructor(message: string) {
    super(`Invalid serving artifact: ${message}`);
    this.name = "ServingArtifactError";
  }
}

const pad4 = (n: number) => (n + 3) & ~3;

function assertLittleEndian(): void {
  // Typed-array views use the host byte order; every platform Cloud Run and
  // Deno ship on is little-endian, so refuse loudly rather than misread.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new ServingArtifactError("big-endian hosts are not supported");
  }
}

function checkLength(name: string, found: number, expected: number): void {
  if (found !== expected) {
    throw new ServingArtifactError(
      `${name} has ${found} entries, expected ${expected}`,
    );
  }
}

/**
 * Packs an artifact into one buffer.
 *
 * @example
 * const bytes = encodeServingArtifact({
 *   ids: new Int32Array([1, 2]),
 *   dim: 2,
 *   vectors: new Float32Array([1, 0, 0, 1]),
 * });
 * decodeServingArtifact(bytes).ids; // Int32Array [1, 2]
 */
export function encodeServingArtifact(artifact: ServingArtifact): Uint8Array {
  assertLittleEndian();
  const { ids, dim, vectors, neighbours, stats } = artifact;
  const n = ids.length;
  if (!Number.isInteger(dim) || dim < 1) {
    throw new ServingArtifactError(
      `dim must be a positive integer, got ${dim}`,
    );
  }
  checkLength("vectors", vectors.length, n * dim);
  const k = neighbours?.k ?? 0;
  if (neighbours) {
    if (!Number.isInteger(k) || k < 1) {
      throw new ServingArtifactError(
        `neighbours.k must be a positive integer, got ${k}`,
      );
    }
    checkLength("neighbours.ids", neighbours.ids.length, n * k);
    checkLength("neighbours.scores", neighbours.scores.length, n * k);
  }
  if (stats) {
    checkLength("stats.ratingCount", stats.ratingCount.length, n);
    checkLength("stats.ratingMean", stats.ratingMean.length, n);
    checkLength("stats.bayesianScore", stats.bayesianScore.length, n);
    checkLength(
      "stats.ratingHistogram",
      stats.ratingHistogram.length,
      n * HISTOGRAM_BUCKETS,
    );
  }
  const metaBytes = new TextEncoder().encode(
    JSON.stringify(artifact.meta ?? {}),
  );

  const sections: ArrayBufferView[] = [ids, vectors];
  if (neighbours) sections.push(neighbours.ids, neighbours.scores);
  if (stats) {
    sections.push(
      stats.ratingCount,
      stats.ratingMean,
      stats.bayesianScore,
      stats.ratingHistogram,
    );
  }
  const total = HEADER_BYTES + pad4(metaBytes.length) +
    sections.reduce((sum, s) => sum + s.byteLength, 0);
  if (total > 0xffffffff) {
    throw new ServingArtifactError(
      `${total} bytes exceed the 4 GiB the header can describe`,
    );
  }

  const out = new Uint8Array(total);
  const header = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  header.setUint32(4, SERVING_ARTIFACT_VERSION, true);
  header.setUint32(8, n, true);
  header.setUint32(12, dim, true);
  header.setUint32(16, k, true);
  header.setUint32(20, stats ? FLAG_STATS : 0, true);
  header.setUint32(24, metaBytes.length, true);
  header.setUint32(28, total, true);
  out.set(metaBytes, HEADER_BYTES);
  let offset = HEADER_BYTES + pad4(metaBytes.length);
  for (const section of sections) {
    out.set(
      new Uint8Array(section.buffer, section.byteOffset, section.byteLength),
      offset,
    );
    offset += section.byteLength;
  }
  return out;
}

/**
 * Reads an artifact. The typed arrays returned are views into `bytes` when
 * `bytes` starts on a 4-byte boundary (the usual case for a freshly read
 * file); otherwise the payload is copied once into an aligned buffer.
 */
export function decodeServingArtifact(
  bytes: Uint8Array,
): DecodedServingArtifact {
  assertLittleEndian();
  if (bytes.byteLength < HEADER_BYTES) {
    throw new ServingArtifactError(
      `expected at least ${HEADER_BYTES} header bytes, found ${bytes.byteLength}`,
    );
  }
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MAGIC) {
    throw new ServingArtifactError(
      `expected magic "${MAGIC}", found "${magic}"`,
    );
  }
  if (bytes.byteOffset % 4 !== 0) bytes = bytes.slice();
  const header = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const version = header.getUint32(4, true);
  if (version !== SERVING_ARTIFACT_VERSION) {
    throw new ServingArtifactError(
      `expected format version ${SERVING_ARTIFACT_VERSION}, found ${version}; rerun the pipeline to rebuild it`,
    );
  }
  const n = header.getUint32(8, true);
  const dim = header.getUint32(12, true);
  const k = header.getUint32(16, true);
  const flags = header.getUint32(20, true);
  const metaLength = header.getUint32(24, true);
  const total = header.getUint32(28, true);
  if (total !== bytes.byteLength) {
    throw new ServingArtifactError(
      `header says ${total} bytes, found ${bytes.byteLength} (truncated or padded download?)`,
    );
  }
  const hasStats = (flags & FLAG_STATS) !== 0;
  const expected = HEADER_BYTES + pad4(metaLength) +
    4 * (n + n * dim + 2 * n * k +
        (hasStats ? 3 * n + n * HISTOGRAM_BUCKETS : 0));
  if (expected !== total) {
    throw new ServingArtifactError(
      `sections need ${expected} bytes, header says ${total}`,
    );
  }

  const meta = JSON.parse(
    new TextDecoder().decode(
      bytes.subarray(HEADER_BYTES, HEADER_BYTES + metaLength),
    ),
  );
  const buffer = bytes.buffer;
  let offset = bytes.byteOffset + HEADER_BYTES + pad4(metaLength);
  const int32 = (length: number) => {
    const view = new Int32Array(buffer, offset, length);
    offset += 4 * length;
    return view;
  };
  const float32 = (length: number) => {
    const view = new Float32Array(buffer, offset, length);
    offset += 4 * length;
    return view;
  };

  const decoded: DecodedServingArtifact = {
    version,
    ids: int32(n),
    dim,
    vectors: float32(n * dim),
    meta,
  };
  if (k > 0) {
    decoded.neighbours = { k, ids: int32(n * k), scores: float32(n * k) };
  }
  if (hasStats) {
    decoded.stats = {
      ratingCount: int32(n),
      ratingMean: float32(n),
      bayesianScore: float32(n),
      ratingHistogram: int32(n * HISTOGRAM_BUCKETS),
    };
  }
  return decoded;
}

/** The neighbours stored for row `row`, best first, without padding. */
export function neighboursAt(
  neighbours: PackedNeighbours,
  row: number,
): ScoredMovie[] {
  const out: ScoredMovie[] = [];
  for (let j = 0; j < neighbours.k; j++) {
    const id = neighbours.ids[row * neighbours.k + j];
    if (id < 0) break;
    out.push({ movieId: id, score: neighbours.scores[row * neighbours.k + j] });
  }
  return out;
}

/** Packs per-movie statistics aligned with `ids`; missing movies get zeros. */
export function packStats(ids: Int32Array, stats: MovieStats[]): PackedStats {
  const row = rowIndex(ids);
  const n = ids.length;
  const packed: PackedStats = {
    ratingCount: new Int32Array(n),
    ratingMean: new Float32Array(n),
    bayesianScore: new Float32Array(n),
    ratingHistogram: new Int32Array(n * HISTOGRAM_BUCKETS),
  };
  for (const s of stats) {
    const r = row.get(s.movieId);
    if (r === undefined) continue;
    packed.ratingCount[r] = s.ratingCount;
    packed.ratingMean[r] = s.ratingMean;
    packed.bayesianScore[r] = s.bayesianScore;
    packed.ratingHistogram.set(
      s.ratingHistogram.slice(0, HISTOGRAM_BUCKETS),
      r * HISTOGRAM_BUCKETS,
    );
  }
  return packed;
}

/** The statistics of `at.row` (movie `at.movieId`) as the domain type. */
export function statsAt(
  stats: PackedStats,
  at: { row: number; movieId: number },
): MovieStats {
  const { row, movieId } = at;
  return {
    movieId,
    ratingCount: stats.ratingCount[row],
    ratingMean: stats.ratingMean[row],
    bayesianScore: stats.bayesianScore[row],
    ratingHistogram: Array.from(
      stats.ratingHistogram.subarray(
        row * HISTOGRAM_BUCKETS,
        (row + 1) * HISTOGRAM_BUCKETS,
      ),
    ),
  };
}

/** movieId → row, for looking rows up by id. */
export function rowIndex(ids: Int32Array): Map<number, number> {
  const map = new Map<number, number>();
  ids.forEach((id, i) => map.set(id, i));
  return map;
}

/** Object key of the artifact for one embedding model. */
export function servingArtifactKey(model: string): string {
  return `artifacts/serving-${model}.bin`;
}
