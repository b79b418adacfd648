/**
 * Byte layouts of the packed values SQLite stores as BLOBs. Always little
 * endian, whatever the host, so a database file moves between machines.
 */
import type { ScoredMovie } from "../core/types.ts";

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Float32 values as little-endian bytes (a copy). */
export function float32ToBytes(values: Float32Array): Uint8Array {
  if (littleEndianHost) {
    return new Uint8Array(
      values.buffer.slice(
        values.byteOffset,
        values.byteOffset + values.byteLength,
      ),
    );
  }
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    view.setFloat32(i * 4, values[i], true);
  }
  return bytes;
}

/**
 * Decodes little-endian Float32 bytes into the start of `target` (pass a
 * `subarray` to write further in). Throws when the byte length is not a
 * whole number of floats.
 */
export function bytesIntoFloat32(
  bytes: Uint8Array,
  target: Float32Array,
): void {
  if (bytes.length % 4 !== 0) {
    throw new RangeError(
      `Float32 vector bytes must be a multiple of 4, got ${bytes.length}`,
    );
  }
  if (littleEndianHost) {
    new Uint8Array(target.buffer, target.byteOffset, bytes.length)
      .set(bytes);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let i = 0; i < bytes.length / 4; i++) {
    target[i] = view.getFloat32(i * 4, true);
  }
}

/**
 * Packs a neighbour list: n Int32 ids, then n Float64 scores (12 bytes per
 * neighbour, scores exact).
 */
export function encodeNeighbours(list: ScoredMovie[]): Uint8Array {
  const n = list.length;
  const bytes = new Uint8Array(n * 12);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    view.setInt32(i * 4, list[i].movieId, true);
    view.setFloat64(n * 4 + i * 8, list[i].score, true);
  }
  return bytes;
}

/** Unpacks the first `limit` neighbours of an `encodeNeighbours` list. */
export function decodeNeighbours(
  bytes: Uint8Array,
  limit: number,
): ScoredMovie[] {
  if (bytes.length % 12 !== 0) {
    throw new RangeError(
      `Neighbour list bytes must be a multiple of 12, got ${bytes.length}`,
    );
  }
  const n = bytes.length / 12;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: ScoredMovie[] = [];
  for (let i = 0; i < Math.min(n, limit); i++) {
    out.push({
      movieId: view.getInt32(i * 4, true),
      score: view.getFloat64(n * 4 + i * 8, true),
    });
  }
  return out;
}
