/**
 * ratings.csv read straight from bytes: a canonical line ("1,31,2.5,1260759144")
 * is parsed without making a string, so ml-25m's 25 million lines take
 * seconds rather than minutes (csv-parse spent ~3 µs a line here). Any other
 * line (spaces, quotes, a bad value, a missing column) goes through the
 * general path, field splitting then `setRatingRow`, which accepts what the
 * CSV parser accepted and names the file and line of what it refuses.
 */
import {
  baseName,
  type CsvReadOptions,
  DatasetError,
  type DatasetPosition,
  openDatasetFile,
} from "./csv.ts";
import {
  HALF_STARS,
  type RatingBatch,
  ratingBatch,
  type RatingScale,
  setRatingRow,
} from "./parse_ratings.ts";

const NEWLINE = 0x0a;
const RETURN = 0x0d;
const COMMA = 0x2c;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const READ_BYTES = 1 << 20;

const decoder = new TextDecoder();

/**
 * Splits one CSV line into fields (RFC 4180 quotes, doubled quotes inside),
 * for the lines the byte path leaves alone.
 */
export function splitCsvLine(text: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** The values of a canonical line, filled by `parseCanonical`. */
const scratch = { userId: 0, movieId: 0, rating: 0, seconds: 0 };
/** What `digitsAt` read: the value, how many digits, and where it stopped. */
const number = { value: 0, digits: 0, end: 0 };

/** Reads the digits of bytes[p, end) into `number`. */
function digitsAt(bytes: Uint8Array, p: number, end: number): void {
  let value = 0;
  let digits = 0;
  while (p < end && bytes[p] >= ZERO && bytes[p] <= NINE) {
    value = value * 10 + bytes[p++] - ZERO;
    digits++;
  }
  number.value = value;
  number.digits = digits;
  number.end = p;
}

/** Reads a positive 32-bit id followed by a comma; false when it is not one. */
function idAt(bytes: Uint8Array, p: number, end: number): boolean {
  digitsAt(bytes, p, end);
  const { value, digits } = number;
  return digits > 0 && digits <= 10 && bytes[number.end] === COMMA &&
    number.end < end && value >= 1 && value <= 2_147_483_647;
}

/**
 * Parses bytes[start, end) as `id,id,d[.d],digits`, values in range; fills
 * `scratch` and returns true, or returns false to send the line the slow way.
 */
function parseCanonical(
  bytes: Uint8Array,
  start: number,
  end: number,
  scale: RatingScale,
): boolean {
  if (!idAt(bytes, start, end)) return false;
  scratch.userId = number.value;
  if (!idAt(bytes, number.end + 1, end)) return false;
  scratch.movieId = number.value;
  // rating: whole digits, then at most one decimal (what Number() reads exactly)
  digitsAt(bytes, number.end + 1, end);
  if (number.digits === 0 || number.digits > 3) return false;
  let rating = number.value;
  let p = number.end;
  if (bytes[p] === DOT) {
    const tenth = bytes[p + 1] - ZERO;
    if (p + 1 >= end || tenth < 0 || tenth > 9) return false;
    rating += tenth / 10;
    p += 2;
  }
  if (p >= end || bytes[p] !== COMMA) return false;
  if (rating < scale.min || rating > scale.max) return false;
  if (scale.whole && rating % 1 !== 0) return false;
  scratch.rating = rating;
  // timestamp: digits to the end of the line
  digitsAt(bytes, p + 1, end);
  if (number.digits === 0 || number.digits > 15 || number.end !== end) {
    return false;
  }
  scratch.seconds = number.value;
  return true;
}

/** Options of `scanRatings`. */
export interface ScanOptions {
  /** Rows per yielded batch (default 10 000). */
  batchSize?: number;
  scale: RatingScale;
  header: readonly string[];
}

/**
 * Streams a ratings file of `header`'s four columns in batches of typed
 * arrays. Empty lines are skipped (but counted); a UTF-8 BOM and CRLF
 * endings are accepted.
 *
 * @example
 * ```ts
 * for await (const batch of scanRatings(path, { scale: HALF_STARS, header })) total += batch.size;
 * ```
 */
export async function* scanRatings(
  path: string,
  options: ScanOptions,
): AsyncGenerator<RatingBatch> {
  const file = baseName(path);
  const { scale, header } = options;
  const batchSize = options.batchSize ?? 10_000;
  const handle = await openDatasetFile(path);
  let buffer = new Uint8Array(READ_BYTES);
  let filled = 0;
  let line = 0;
  let sawHeader = false;
  let batch = ratingBatch(batchSize);
  let size = 0;
  let eof = false;
  try {
    while (!eof) {
      if (filled === buffer.length) {
        // A line longer than the buffer: make room.
        const bigger = new Uint8Array(buffer.length * 2);
        bigger.set(buffer);
        buffer = bigger;
      }
      const read = await handle.read(buffer.subarray(filled));
      if (read !== null) filled += read;
      else {
        eof = true;
        // The last line may lack its newline (there is room: the buffer was not full).
        if (filled > 0 && buffer[filled - 1] !== NEWLINE) {
          buffer[filled++] = NEWLINE;
        }
      }
      let start = 0;
      for (let p = 0; p < filled; p++) {
        if (buffer[p] !== NEWLINE) continue;
        line++;
        let end = p;
        if (end > start && buffer[end - 1] === RETURN) end--;
        const lineStart = start;
        start = p + 1;
        if (end === lineStart) continue; // empty line
        if (!sawHeader) {
          checkHeader(buffer.subarray(lineStart, end), header, { file, line });
          sawHeader = true;
          continue;
        }
        if (parseCanonical(buffer, lineStart, end, scale)) {
          batch.userIds[size] = scratch.userId;
          batch.movieIds[size] = scratch.movieId;
          batch.ratings[size] = scratch.rating;
          batch.timestamps[size] = scratch.seconds * 1000;
          batch.lines[size] = line;
        } else {
          const fields = splitCsvLine(
            decoder.decode(buffer.subarray(lineStart, end)),
          );
          checkColumns(fields, header, { file, line });
          setRatingRow(batch, { row: size, file, line, fields, scale });
        }
        if (++size === batchSize) {
          yield batch;
          batch = ratingBatch(batchSize);
          size = 0;
        }
      }
      buffer.copyWithin(0, start, filled);
      filled -= start;
    }
  } finally {
    handle.close();
  }
  if (!sawHeader) {
    throw new DatasetError(
      { file, line: 1 },
      `expected header "${header.join(",")}", found an empty file`,
    );
  }
  if (size > 0) yield trimmed(batch, size);
}

function checkHeader(
  bytes: Uint8Array,
  header: readonly string[],
  at: DatasetPosition,
): void {
  const text = decoder.decode(bytes); // drops a UTF-8 BOM
  const fields = splitCsvLine(text);
  if (fields.map((f) => f.trim()).join(",") !== header.join(",")) {
    throw new DatasetError(
      at,
      `expected header "${header.join(",")}", found "${fields.join(",")}"`,
    );
  }
}

function checkColumns(
  fields: string[],
  header: readonly string[],
  at: DatasetPosition,
): void {
  if (fields.length !== header.length) {
    throw new DatasetError(
      at,
      `expected ${header.length} columns (${
        header.join(",")
      }), found ${fields.length}`,
    );
  }
}

function trimmed(batch: RatingBatch, size: number): RatingBatch {
  return {
    size,
    userIds: batch.userIds.slice(0, size),
    movieIds: batch.movieIds.slice(0, size),
    ratings: batch.ratings.slice(0, size),
    timestamps: batch.timestamps.slice(0, size),
    lines: batch.lines.slice(0, size),
  };
}

/**
 * Streams ratings.csv (userId,movieId,rating,timestamp; 0.5 to 5 stars) in
 * batches of typed arrays, so ml-32m's 32 million rows never exist as one
 * object per row.
 *
 * @example
 * for await (const batch of ratingBatches("data/ratings.csv")) total += batch.size;
 */
export function ratingBatches(
  path: string,
  options: CsvReadOptions = {},
): AsyncGenerator<RatingBatch> {
  return scanRatings(path, {
    batchSize: options.batchSize,
    scale: HALF_STARS,
    header: ["userId", "movieId", "rating", "timestamp"],
  });
}
