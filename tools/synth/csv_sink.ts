/**
 * A CSV file written line by line through a buffer of about a megabyte, so
 * that 25 million lines cost a few thousand writes and never sit in memory.
 */

/** Quotes a field when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const FLUSH_CHARS = 1 << 20;
const encoder = new TextEncoder();

/** Lines appended to one file; `close` flushes what is left. */
export class CsvSink {
  #parts: string[] = [];
  #chars = 0;

  private constructor(readonly path: string, readonly file: Deno.FsFile) {}

  /** Creates (or truncates) `path` and writes the header line. */
  static async create(path: string, header: string): Promise<CsvSink> {
    const file = await Deno.open(path, {
      write: true,
      create: true,
      truncate: true,
    });
    const sink = new CsvSink(path, file);
    sink.line(header);
    return sink;
  }

  /** Appends one line (without its newline); call `flushIfFull` now and then. */
  line(text: string): void {
    this.#parts.push(text, "\n");
    this.#chars += text.length + 1;
  }

  /** Writes the buffer out when it has grown past a megabyte. */
  async flushIfFull(): Promise<void> {
    if (this.#chars >= FLUSH_CHARS) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#parts.length === 0) return;
    const bytes = encoder.encode(this.#parts.join(""));
    this.#parts = [];
    this.#chars = 0;
    let written = 0;
    while (written < bytes.length) {
      written += await this.file.write(bytes.subarray(written));
    }
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    try {
      await this.#flush();
    } finally {
      this.file.close();
    }
  }
}
