/**
 * Streaming zip reading with integrity checks: the central directory is
 * parsed from the end of the file, every entry is inflated with fflate in
 * chunks and checked against its CRC-32 and size. Memory stays at one chunk
 * whatever the archive size (ml-32m's ratings.csv is 877 MB).
 */
import { Inflate } from "fflate";
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";

/** A damaged or unsupported zip; the message names the file. */
export class ZipError extends Error {
  constructor(readonly path: string, readonly detail: string) {
    super(`${path} is not a valid zip: ${detail}`);
    this.name = "ZipError";
  }
}

/** One file in the central directory. */
export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** The parsed central directory. */
export interface ZipDirectory {
  entries: ZipEntry[];
  /** sha256 of the central directory: names, sizes and CRCs of every entry. */
  identity: string;
}

const CHUNK = 1 << 20;

async function readAt(
  file: Deno.FsFile,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  await file.seek(offset, Deno.SeekMode.Start);
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await file.read(out.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return out.subarray(0, filled);
}

function u64(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
}

/** Reads and checks the central directory of the zip at `path`. */
export async function readZipDirectory(path: string): Promise<ZipDirectory> {
  const file = await Deno.open(path);
  try {
    return await readDirectory(path, file);
  } finally {
    file.close();
  }
}

async function readDirectory(
  path: string,
  file: Deno.FsFile,
): Promise<ZipDirectory> {
  const { size } = await file.stat();
  // The end record is 22 bytes plus a comment of at most 65535 bytes.
  const tailLength = Math.min(size, 22 + 65535);
  const tail = await readAt(file, size - tailLength, tailLength);
  const tailView = new DataView(tail.buffer, tail.byteOffset, tail.length);
  let end = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tailView.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) {
    throw new ZipError(
      path,
      `expected an end-of-central-directory record, found none in ${size} bytes (truncated download or not a zip)`,
    );
  }
  let count = tailView.getUint16(end + 10, true);
  let directorySize = tailView.getUint32(end + 12, true);
  let directoryOffset = tailView.getUint32(end + 16, true);
  if (
    count === 0xffff || directorySize === 0xffffffff ||
    directoryOffset === 0xffffffff
  ) {
    // Zip64: a locator just before the end record points at the real one.
    const locator = end - 20;
    if (locator < 0 || tailView.getUint32(locator, true) !== 0x07064b50) {
      throw new ZipError(path, "expected a zip64 locator, found none");
    }
    const record = await readAt(file, u64(tailView, locator + 8), 56);
    const view = new DataView(record.buffer, record.byteOffset, record.length);
    if (record.length < 56 || view.getUint32(0, true) !== 0x06064b50) {
      throw new ZipError(path, "expected a zip64 end record, found none");
    }
    count = u64(view, 32);
    directorySize = u64(view, 40);
    directoryOffset = u64(view, 48);
  }
  if (directoryOffset + directorySize > size) {
    throw new ZipError(
      path,
      `expected the central directory at bytes ${directoryOffset}..${
        directoryOffset + directorySize
      }, found a file of ${size} bytes`,
    );
  }
  const directory = await readAt(file, directoryOffset, directorySize);
  const view = new DataView(
    directory.buffer,
    directory.byteOffset,
    directory.length,
  );
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || view.getUint32(at, true) !== 0x02014b50) {
      throw new ZipError(
        path,
        `expected ${count} central directory entries, found ${i}`,
      );
    }
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const entry: ZipEntry = {
      name: decoder.decode(directory.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    };
    // Zip64 extra field: 64-bit values for the fields set to 0xffffffff.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const length = view.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        if (entry.size === 0xffffffff) {
          entry.size = u64(view, field);
          field += 8;
        }
        if (entry.compressedSize === 0xffffffff) {
          entry.compressedSize = u64(view, field);
          field += 8;
        }
        if (entry.localHeaderOffset === 0xffffffff) {
          entry.localHeaderOffset = u64(view, field);
        }
      }
      extra += 4 + length;
    }
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  const identity = createHash("sha256").update(directory).digest("hex");
  return { entries, identity };
}

/** Options for `extractZip`. */
export interface ExtractOptions {
  /** Which entries to write, by name; default every file. */
  include?: (entry: ZipEntry) => boolean;
  /** Output file name for an entry; default its base name (folders flattened). */
  outputName?: (entry: ZipEntry) => string;
  /** Called with uncompressed bytes written, for progress. */
  onBytes?: (n: number) => void;
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

async function writeAll(file: Deno.FsFile, data: Uint8Array): Promise<void> {
  let written = 0;
  while (written < data.length) {
    written += await file.write(data.subarray(written));
  }
}

/**
 * Extracts the files of a zip into `dir`, checking each entry's CRC-32 and
 * size; throws `ZipError` naming the zip on the first mismatch. Returns the
 * directory so that callers can record what was extracted.
 */
export async function extractZip(
  path: string,
  dir: string,
  options: ExtractOptions = {},
): Promise<ZipDirectory> {
  const include = options.include ?? ((e: ZipEntry) => !e.name.endsWith("/"));
  const outputName = options.outputName ?? ((e: ZipEntry) => baseName(e.name));
  const file = await Deno.open(path);
  try {
    const directory = await readDirectory(path, file);
    await Deno.mkdir(dir, { recursive: true });
    for (const entry of directory.entries) {
      if (!include(entry)) continue;
      const name = outputName(entry);
      if (name === "" || name.includes("/") || name === "." || name === "..") {
        throw new ZipError(path, `unsafe entry name "${entry.name}"`);
      }
      await extractEntry(path, file, entry, `${dir}/${name}`, options.onBytes);
    }
    return directory;
  } finally {
    file.close();
  }
}

async function extractEntry(
  path: string,
  file: Deno.FsFile,
  entry: ZipEntry,
  target: string,
  onBytes?: (n: number) => void,
): Promise<void> {
  const header = await readAt(file, entry.localHeaderOffset, 30);
  const headerView = new DataView(header.buffer, header.byteOffset, 30);
  if (header.length < 30 || headerView.getUint32(0, true) !== 0x04034b50) {
    throw new ZipError(
      path,
      `expected a local header for ${entry.name} at byte ${entry.localHeaderOffset}, found none`,
    );
  }
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipError(
      path,
      `expected ${entry.name} stored or deflated, found compression method ${entry.method}`,
    );
  }
  const dataStart = entry.localHeaderOffset + 30 +
    headerView.getUint16(26, true) + headerView.getUint16(28, true);
  const out = await Deno.open(target, {
    write: true,
    create: true,
    truncate: true,
  });
  try {
    let crc = 0;
    let size = 0;
    const pending: Uint8Array[] = [];
    let finished = entry.method === 0;
    const inflate = new Inflate((chunk, final) => {
      pending.push(chunk);
      if (final) finished = true;
    });
    const flush = async () => {
      for (const chunk of pending.splice(0)) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        if (size > entry.size) break;
        await writeAll(out, chunk);
        onBytes?.(chunk.length);
      }
    };
    let remaining = entry.compressedSize;
    let offset = dataStart;
    while (remaining > 0) {
      const chunk = await readAt(file, offset, Math.min(CHUNK, remaining));
      if (chunk.length === 0) {
        throw new ZipError(
          path,
          `${entry.name} is cut short: expected ${entry.compressedSize} compressed bytes, found ${
            entry.compressedSize - remaining
          }`,
        );
      }
      remaining -= chunk.length;
      offset += chunk.length;
      if (entry.method === 0) pending.push(chunk);
      else {
        try {
          inflate.push(chunk, remaining === 0);
        } catch (error) {
          throw new ZipError(
            path,
            `${entry.name} does not inflate: ${(error as Error).message}`,
          );
        }
      }
      await flush();
      if (size > entry.size) break;
    }
    if (!finished && entry.compressedSize > 0) {
      throw new ZipError(path, `${entry.name} ends before its deflate stream`);
    }
    if (size !== entry.size) {
      throw new ZipError(
        path,
        `${entry.name}: expected ${entry.size} bytes, found ${size}`,
      );
    }
    if ((crc >>> 0) !== entry.crc) {
      throw new ZipError(
        path,
        `${entry.name}: expected CRC-32 ${entry.crc.toString(16)}, found ${
          (crc >>> 0).toString(16)
        }`,
      );
    }
  } finally {
    out.close();
  }
}
