import assert from "node:assert/strict";
import type { MovieStats, ScoredMovie } from "../core/types.ts";
import {
  decodeServingArtifact,
  encodeServingArtifact,
  neighboursAt,
  type PackedNeighbours,
  packStats,
  rowIndex,
  SERVING_ARTIFACT_VERSION,
  ServingArtifactError,
  servingArtifactKey,
  statsAt,
} from "./serving_artifact.ts";

const ids = new Int32Array([1, 2, 7]);

/** Neighbour lists packed into rows of width `k` aligned with `ids`. */
function packNeighbours(
  lists: { movieId: number; neighbours: ScoredMovie[] }[],
  k: number,
): PackedNeighbours {
  const row = rowIndex(ids);
  const packed: PackedNeighbours = {
    k,
    ids: new Int32Array(ids.length * k).fill(-1),
    scores: new Float32Array(ids.length * k).fill(NaN),
  };
  for (const { movieId, neighbours } of lists) {
    neighbours.slice(0, k).forEach((nb, j) => {
      packed.ids[row.get(movieId)! * k + j] = nb.movieId;
      packed.scores[row.get(movieId)! * k + j] = nb.score;
    });
  }
  return packed;
}
const dim = 3;
const vectors = new Float32Array([1, 0, 0, 0, 0.6, 0.8, 0.5, 0.5, 0.70710677]);
const stats: MovieStats[] = [
  {
    movieId: 7,
    ratingCount: 3,
    ratingMean: 4.5,
    bayesianScore: 3.9,
    ratingHistogram: [0, 0, 0, 0, 0, 0, 0, 1, 0, 2],
  },
  {
    movieId: 1,
    ratingCount: 1,
    ratingMean: 2,
    bayesianScore: 3.1,
    ratingHistogram: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
  },
];

function fullArtifact() {
  return {
    ids,
    dim,
    vectors,
    neighbours: packNeighbours([
      { movieId: 1, neighbours: [{ movieId: 7, score: 0.5 }] },
      {
        movieId: 2,
        neighbours: [{ movieId: 7, score: 0.9 }, { movieId: 1, score: 0.1 }],
      },
    ], 2),
    stats: packStats(ids, stats),
    meta: { model: "minilm", rows: 3 },
  };
}

Deno.test("serving artifact: round trip keeps every section", () => {
  const bytes = encodeServingArtifact(fullArtifact());
  const decoded = decodeServingArtifact(bytes);
  assert.equal(decoded.version, SERVING_ARTIFACT_VERSION);
  assert.deepEqual(decoded.ids, ids);
  assert.equal(decoded.dim, dim);
  assert.deepEqual(decoded.vectors, vectors);
  assert.deepEqual(decoded.meta, { model: "minilm", rows: 3 });
  assert.ok(decoded.neighbours);
  assert.deepEqual(neighboursAt(decoded.neighbours, 0), [
    { movieId: 7, score: 0.5 },
  ]);
  assert.deepEqual(
    neighboursAt(decoded.neighbours, 1).map((n) => n.movieId),
    [7, 1],
  );
  assert.deepEqual(neighboursAt(decoded.neighbours, 2), []);
  assert.ok(decoded.stats);
  const row = rowIndex(decoded.ids);
  const seven = statsAt(decoded.stats, { row: row.get(7)!, movieId: 7 });
  assert.equal(seven.ratingCount, 3);
  assert.equal(seven.ratingMean, 4.5);
  assert.ok(Math.abs(seven.bayesianScore - 3.9) < 1e-6);
  assert.deepEqual(seven.ratingHistogram, stats[0].ratingHistogram);
  // a movie without stats reads as unrated, not as garbage
  assert.equal(
    statsAt(decoded.stats, { row: row.get(2)!, movieId: 2 }).ratingCount,
    0,
  );
});

Deno.test("serving artifact: optional sections may be left out", () => {
  const decoded = decodeServingArtifact(
    encodeServingArtifact({ ids, dim, vectors }),
  );
  assert.equal(decoded.neighbours, undefined);
  assert.equal(decoded.stats, undefined);
  assert.deepEqual(decoded.meta, {});
  assert.deepEqual(decoded.vectors, vectors);
});

Deno.test("serving artifact: aligned input is decoded without copying", () => {
  const bytes = encodeServingArtifact(fullArtifact());
  const decoded = decodeServingArtifact(bytes);
  assert.equal(decoded.vectors.buffer, bytes.buffer);
  assert.equal(decoded.ids.buffer, bytes.buffer);

  // Misaligned input (e.g. a slice of a larger download) is copied once.
  const shifted = new Uint8Array(bytes.byteLength + 1);
  shifted.set(bytes, 1);
  const copy = decodeServingArtifact(shifted.subarray(1));
  assert.notEqual(copy.vectors.buffer, shifted.buffer);
  assert.deepEqual(copy.vectors, vectors);
});

Deno.test("serving artifact: damaged bytes are refused with the reason", () => {
  const bytes = encodeServingArtifact(fullArtifact());
  assert.throws(
    () => decodeServingArtifact(bytes.subarray(0, bytes.length - 4)),
    (e: unknown) =>
      e instanceof ServingArtifactError && /truncated/.test(e.message),
  );
  const wrongMagic = bytes.slice();
  wrongMagic[0] = 0x58;
  assert.throws(
    () => decodeServingArtifact(wrongMagic),
    /expected magic "MLSA", found "XLSA"/,
  );
  const future = bytes.slice();
  new DataView(future.buffer).setUint32(4, 99, true);
  assert.throws(
    () => decodeServingArtifact(future),
    /expected format version 1, found 99/,
  );
  assert.throws(() => decodeServingArtifact(new Uint8Array(3)), /header/);
});

Deno.test("serving artifact: inconsistent input is refused before writing", () => {
  assert.throws(
    () =>
      encodeServingArtifact({
        ids,
        dim: 4,
        vectors,
      }),
    /vectors has 9 entries, expected 12/,
  );
  assert.throws(
    () => encodeServingArtifact({ ids, dim: 0, vectors }),
    /dim must be a positive integer/,
  );
});

Deno.test("serving artifact: a catalog-sized artifact stays compact", () => {
  // ml-latest-small with MiniLM: 9742 movies x 384 dims + 50 neighbours.
  const n = 9742, d = 384, k = 50;
  const big = {
    ids: Int32Array.from({ length: n }, (_, i) => i + 1),
    dim: d,
    vectors: new Float32Array(n * d).fill(0.05),
    neighbours: {
      k,
      ids: new Int32Array(n * k),
      scores: new Float32Array(n * k),
    },
  };
  const bytes = encodeServingArtifact(big);
  // 4 bytes per number plus a 32-byte header and "{}" metadata, nothing more.
  assert.equal(bytes.byteLength, 32 + 4 + 4 * (n + n * d + 2 * n * k));
  const decoded = decodeServingArtifact(bytes);
  assert.equal(decoded.ids[n - 1], n);
  assert.equal(decoded.vectors.length, n * d);
});

Deno.test("serving artifact: key names the model", () => {
  assert.equal(servingArtifactKey("minilm"), "artifacts/serving-minilm.bin");
});
