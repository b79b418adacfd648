/**
 * Reading MovieLens CSV files: records streamed in batches with their line
 * numbers, header and column-count checks, ids, and the one error type that
 * names file and line (`<file> line <n>: expected …, found …`).
 */
import { parse as csvParser } from "csv-parse";

/** A malformed CSV row; the message names the file and line. */
export class DatasetError extends Error {
  readonly file: string;
  readonly line: number;

  constructor(at: DatasetPosition, detail: string) {
    super(`${at.file} line ${at.line}: ${detail}`);
    this.name = "DatasetError";
    this.file = at.file;
    this.line = at.line;
  }
}

/** Where in a dataset a value was read: the file's name and the line. */
export interface DatasetPosition {
  file: string;
  line: number;
}

/** One CSV record with the line it ends on (1 is the header). */
interface CsvRecord {
  fields: string[];
  line: number;
}

/** Options for `csvRecords`. */
export interface CsvReadOptions {
  /** Records per yielded batch (default 10 000). */
  batchSize?: number;
}

/** The file name of a path, for error messages. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * Streams the records of a CSV file in batches, after checking that the
 * header is exactly `header` and that every row has that many columns.
 * Accepts a UTF-8 BOM, quoted fields with commas and CRLF or LF endings.
 */
export async function* csvRecords(
  path: string,
  header: readonly string[],
  options: CsvReadOptions = {},
): AsyncGenerator<CsvRecord[]> {
  const file = baseName(path);
  const batchSize = options.batchSize ?? 10_000;
  let batch: CsvRecord[] = [];
  const ready: CsvRecord[][] = [];
  let failure: Error | undefined;
  let sawHeader = false;
  const parser = csvParser({
    bom: true,
    relax_column_count: true,
    // Both endings, even mixed in one file: copies in the wild differ.
    record_delimiter: ["\r\n", "\n"],
    skip_empty_lines: true,
    on_record: (fields: string[], context: { lines: number }) => {
      if (failure) return null;
      if (!sawHeader) {
        sawHeader = true;
        const found = fields.map((f) => f.trim());
        if (found.join(",") !== header.join(",")) {
          failure = new DatasetError(
            { file, line: context.lines },
            `expected header "${header.join(",")}", found "${
              fields.join(",")
            }"`,
          );
        }
        return null;
      }
      if (fields.length !== header.length) {
        failure = new DatasetError(
          { file, line: context.lines },
          `expected ${header.length} columns (${
            header.join(",")
          }), found ${fields.length}`,
        );
        return null;
      }
      batch.push({ fields, line: context.lines });
      if (batch.length >= batchSize) {
        ready.push(batch);
        batch = [];
      }
      // Records are consumed here; nothing is queued in the stream.
      return null;
    },
  });
  parser.on("error", (error: Error) => {
    failure ??= new Error(`${file}: cannot parse CSV: ${error.message}`, {
      cause: error,
    });
  });
  const ended = new Promise<void>((resolve) => {
    parser.on("end", () => resolve());
    parser.on("error", () => resolve());
  });
  parser.resume();

  const handle = await openDatasetFile(path);
  // Leaving the loop early (an error) cancels the stream, which closes the file.
  for await (const chunk of handle.readable) {
    // on_record runs synchronously inside write().
    parser.write(chunk);
    if (failure) throw failure;
    while (ready.length) yield ready.shift()!;
  }
  parser.end();
  await ended;
  if (failure) throw failure;
  if (!sawHeader) {
    throw new DatasetError(
      { file, line: 1 },
      `expected header "${header.join(",")}", found an empty file`,
    );
  }
  // end() may flush the last records, filling one more batch.
  yield* ready;
  if (batch.length) yield batch;
}

/** Opens a dataset file for reading; a missing one is an error naming it. */
export async function openDatasetFile(path: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `${baseName(path)}: expected a file at ${path}, found none`,
      );
    }
    throw error;
  }
}

/** Digits only: what ids and timestamps look like. */
export const INTEGER = /^\d+$/;

/** A positive 32-bit id, or a `DatasetError` naming the column. */
export function parseId(
  text: string,
  at: DatasetPosition & { column: string },
): number {
  const { file, line, column } = at;
  const value = Number(text);
  if (!INTEGER.test(text) || value < 1 || value > 2_147_483_647) {
    throw new DatasetError(
      { file, line },
      `expected ${column} to be a positive integer, found "${text}"`,
    );
  }
  return value;
}

/** True when `path` is a file; false when nothing is there. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
