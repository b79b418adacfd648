/**
 * A compact binary container for trained models: a 4-byte magic, a JSON
 * header, then 4-byte-element typed arrays, little-endian. Models serialise
 * to it in the pipeline and load from it in the API.
 */

/** Typed arrays a blob can carry (4-byte elements keep sections aligned). */
export type BlobArray = Int32Array | Float32Array;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Packs a header and arrays. `magic` (4 ASCII characters) names the format
 * so that loading the wrong blob fails loudly.
 *
 * @example
 * ```ts
 * const bytes = packBlob("DEMO", { n: 2 }, [Int32Array.of(1, 2)]);
 * ```
 */
export function packBlob(
  magic: string,
  header: unknown,
  arrays: BlobArray[],
): Uint8Array {
  if (magic.length !== 4) {
    throw new Error(`Expected a 4-character magic, found "${magic}"`);
  }
  const headerBytes = encoder.encode(JSON.stringify(header));
  const headerPadded = align4(headerBytes.length);
  let size = 8 + headerPadded;
  for (const a of arrays) size += 8 + a.byteLength;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(encoder.encode(magic), 0);
  view.setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  let offset = 8 + headerPadded;
  for (const a of arrays) {
    view.setUint32(offset, a instanceof Int32Array ? 0 : 1, true);
    view.setUint32(offset + 4, a.length, true);
    offset += 8;
    for (let i = 0; i < a.length; i++) {
      if (a instanceof Int32Array) view.setInt32(offset + 4 * i, a[i], true);
      else view.setFloat32(offset + 4 * i, a[i], true);
    }
    offset += a.byteLength;
  }
  return out;
}

/** Header and arrays of a blob written by `packBlob`. */
export interface UnpackedBlob {
  header: unknown;
  arrays: BlobArray[];
}

/** Reads a blob written by `packBlob`; throws on a wrong magic or a truncated blob. */
export function unpackBlob(bytes: Uint8Array, magic: string): UnpackedBlob {
  const found = decoder.decode(bytes.subarray(0, 4));
  if (found !== magic) {
    throw new Error(
      `Cannot load model: expected a "${magic}" blob, found "${found}"`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true);
  const header = JSON.parse(
    decoder.decode(bytes.subarray(8, 8 + headerLength)),
  );
  let offset = 8 + align4(headerLength);
  const arrays: BlobArray[] = [];
  while (offset < bytes.length) {
    if (offset + 8 > bytes.length) throw truncated(magic, offset);
    const kind = view.getUint32(offset, true);
    const length = view.getUint32(offset + 4, true);
    offset += 8;
    if (offset + 4 * length > bytes.length) throw truncated(magic, offset);
    arrays.push(readArray(bytes, { kind, offset, length }));
    offset += 4 * length;
  }
  return { header, arrays };
}

/** True where typed arrays are little-endian already (x86, ARM). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * One section as a typed array of its own: a single copy of the bytes on a
 * little-endian host (a model of millions of numbers loads in milliseconds,
 * not the hundreds an element-by-element read takes), else read element by
 * element.
 */
function readArray(
  bytes: Uint8Array,
  at: { kind: number; offset: number; length: number },
): BlobArray {
  const { kind, offset, length } = at;
  const start = bytes.byteOffset + offset;
  if (LITTLE_ENDIAN) {
    // slice copies, so the array owns 4-byte-aligned memory of its own
    const own = bytes.buffer.slice(start, start + 4 * length);
    return kind === 0 ? new Int32Array(own) : new Float32Array(own);
  }
  const view = new DataView(bytes.buffer, start, 4 * length);
  const a = kind === 0 ? new Int32Array(length) : new Float32Array(length);
  for (let i = 0; i < length; i++) {
    a[i] = kind === 0
      ? view.getInt32(4 * i, true)
      : view.getFloat32(4 * i, true);
  }
  return a;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function truncated(magic: string, offset: number): Error {
  return new Error(
    `Cannot load model: "${magic}" blob is truncated at byte ${offset}`,
  );
}
