/**
 * Structured JSON logs, one object per line, in the shape Cloud Logging reads
 * from stdout (`severity`, `message`, `httpRequest`, trace fields). Values
 * under secret-looking keys are redacted so tokens never reach the logs.
 * Lines go to stdout through one process-wide buffer: a write per batch of
 * lines instead of one per line, flushed at once for warnings and errors.
 * @module
 */

/** Cloud Logging severities used by the API. */
export type Severity = "DEBUG" | "INFO" | "WARNING" | "ERROR";

/** Extra structured fields of one log entry. */
export type LogFields = Record<string, unknown>;

/** A structured logger. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warning(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every entry. */
  child(fields: LogFields): Logger;
  /**
   * False when entries of `severity` are dropped, so that a caller can skip
   * building them (absent: assume they are written).
   */
  enabled?(severity: Severity): boolean;
  /**
   * Writes an entry whose fields the caller serialised itself: `members` is
   * trusted JSON object members (`"a":1,"b":"x"`), written as given, not
   * redacted. For per-request lines, where the rest costs more than the
   * line (absent: callers use the methods above).
   */
  raw?(severity: Severity, message: string, members: string): void;
}

/** Where finished lines go; `severity` lets a sink flush urgent lines at once. */
export type LineWriter = (line: string, severity: Severity) => void;

/** Options for `jsonLogger`. */
export interface JsonLoggerOptions {
  /** The lowest level written (config `LOG_LEVEL`). */
  level?: "debug" | "info" | "warning" | "error";
  /** Where lines go (default: the buffered stdout sink); tests collect them. */
  write?: LineWriter;
  /** Fields on every entry. */
  base?: LogFields;
}

const RANK: Record<Severity, number> = {
  DEBUG: 0,
  INFO: 1,
  WARNING: 2,
  ERROR: 3,
};

/** A line buffer in front of a byte writer. */
export interface BufferedSink {
  write: LineWriter;
  /** Writes every buffered line now. */
  flush(): void;
  /** Flushes and stops the timer and the exit hooks. */
  close(): void;
}

/** Options for `bufferedSink`. */
export interface BufferedSinkOptions {
  /**
   * Writes all of `bytes` before returning (the buffer is reused); default:
   * stdout, dropping lines on a broken pipe.
   */
  writeBytes?: (bytes: Uint8Array) => void;
  /** A buffered line waits at most this long (default 50 ms). */
  flushMs?: number;
  /** Flush once this many bytes wait (default 16 KiB). */
  maxBytes?: number;
}

const encoder = new TextEncoder();

/** Like `console.log`, drops what nobody reads any more. */
function writeStdout(bytes: Uint8Array): void {
  try {
    let written = 0;
    while (written < bytes.length) {
      written += Deno.stdout.writeSync(bytes.subarray(written));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

/**
 * Buffers lines and writes them in batches: after `flushMs`, when the
 * next line does not fit the buffer (`maxBytes`), at once for WARNING and ERROR (with
 * every line before them, in order), and when the process exits or dies
 * of an uncaught error. The timer is unref'd, so a quiet buffer never keeps
 * a process alive. A `writeSync` per line took about a third of the request
 * log's CPU profile before (docs/BENCHMARKS.md has the cost now).
 *
 * @example
 * const sink = bufferedSink({ writeBytes: (b) => chunks.push(b) });
 * const logger = jsonLogger({ write: sink.write });
 * logger.info("queued");
 * sink.flush();
 */
export function bufferedSink(options: BufferedSinkOptions = {}): BufferedSink {
  const writeBytes = options.writeBytes ?? writeStdout;
  const flushMs = options.flushMs ?? 50;
  // Each line is encoded into this buffer as it comes, so its string dies
  // young: lines held as strings until a flush outlived young-generation
  // collections and cost old-generation ones on a heap holding the models.
  const buffer = new Uint8Array(options.maxBytes ?? 16 * 1024);
  let used = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (used === 0) return;
    const full = used;
    used = 0;
    writeBytes(buffer.subarray(0, full));
  };
  /** Encodes `text` after what waits; false when it does not fit. */
  const append = (text: string): boolean => {
    const { read, written } = encoder.encodeInto(text, buffer.subarray(used));
    if (read < text.length) return false;
    used += written;
    return true;
  };
  const hooks = ["unload", "error", "unhandledrejection"] as const;
  for (const hook of hooks) addEventListener(hook, flush);
  return {
    write(line, severity) {
      const text = line + "\n";
      if (!append(text)) {
        flush();
        // a line longer than the buffer goes out alone
        if (!append(text)) writeBytes(encoder.encode(text));
      }
      if (RANK[severity] >= RANK.WARNING) {
        flush();
      } else if (timer === undefined && used > 0) {
        timer = setTimeout(flush, flushMs);
        Deno.unrefTimer(timer);
      }
    },
    flush,
    close() {
      flush();
      for (const hook of hooks) removeEventListener(hook, flush);
    },
  };
}

let stdoutSink: BufferedSink | undefined;

/** The process-wide stdout buffer every default logger shares, so lines stay in order. */
export function stdoutLines(): BufferedSink {
  stdoutSink ??= bufferedSink();
  return stdoutSink;
}

const SECRET_KEY = /authorization|cookie|password|secret|token|api[-_]?key/i;
/** Keys repeat from line to line: each is tested against SECRET_KEY once. */
const secretKeys = new Map<string, boolean>();

function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY.test(key);
    if (secretKeys.size < 1000) secretKeys.set(key, secret);
  }
  return secret;
}

/**
 * Replaces values under secret-looking keys with "[redacted]" and turns
 * errors into plain objects, recursively.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[too deep]";
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = isSecretKey(key) ? "[redacted]" : redact(inner, depth + 1);
    }
    return out;
  }
  return value;
}

/** `,"a":1,"b":"x"` for `{a: 1, b: "x"}` (redacted), "" for no fields. */
function fieldsJson(fields: LogFields): string {
  const json = JSON.stringify(redact(fields));
  return json === "{}" ? "" : `,${json.slice(1, -1)}`;
}

let lastMs = 0;
let lastIso = "";

/** The current time as ISO 8601, formatted once per millisecond. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

function overlaps(fields: LogFields, base: LogFields): boolean {
  for (const key in fields) if (key in base) return true;
  return false;
}

class JsonLogger implements Logger {
  readonly #write: LineWriter;
  readonly #min: number;
  readonly #base: LogFields;
  /** The base fields serialised once, not per entry. */
  readonly #baseJson: string;

  constructor(write: LineWriter, min: number, base: LogFields) {
    this.#write = write;
    this.#min = min;
    this.#base = base;
    this.#baseJson = fieldsJson(base);
  }

  #entry(severity: Severity, message: string, fields?: LogFields): void {
    if (RANK[severity] < this.#min) return;
    let tail = this.#baseJson;
    if (fields) {
      tail = overlaps(fields, this.#base)
        ? fieldsJson({ ...this.#base, ...fields })
        : tail + fieldsJson(fields);
    }
    this.#line(severity, message, tail);
  }

  #line(severity: Severity, message: string, tail: string): void {
    this.#write(
      `{"severity":"${severity}","message":${
        JSON.stringify(message)
      },"time":"${isoNow()}"${tail}}`,
      severity,
    );
  }

  raw(severity: Severity, message: string, members: string): void {
    if (RANK[severity] < this.#min) return;
    this.#line(
      severity,
      message,
      members ? `${this.#baseJson},${members}` : this.#baseJson,
    );
  }

  debug(message: string, fields?: LogFields): void {
    this.#entry("DEBUG", message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.#entry("INFO", message, fields);
  }
  warning(message: string, fields?: LogFields): void {
    this.#entry("WARNING", message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.#entry("ERROR", message, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.#write, this.#min, { ...this.#base, ...fields });
  }
  enabled(severity: Severity): boolean {
    return RANK[severity] >= this.#min;
  }
}

/**
 * A logger writing one JSON object per line.
 *
 * @example
 * const logger = jsonLogger({ level: "info" });
 * logger.info("Serving", { port: 8000 });
 * // {"severity":"INFO","message":"Serving","time":"…","port":8000}
 */
export function jsonLogger(options: JsonLoggerOptions = {}): Logger {
  return new JsonLogger(
    options.write ?? stdoutLines().write,
    RANK[(options.level ?? "info").toUpperCase() as Severity],
    options.base ?? {},
  );
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warning() {},
  error() {},
  child: () => silentLogger,
  enabled: () => false,
};
