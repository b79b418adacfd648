/**
 * Test infrastructure for the Upstash path: start a real `redis-server`, and
 * a small HTTP server that speaks Upstash's REST protocol in front of it, so
 * `@upstash/redis` and `@upstash/ratelimit` run unmodified against a real
 * Redis. The bridge talks RESP to Redis over one TCP connection.
 *
 * Protocol (as Upstash documents it): `POST /` with a JSON array command →
 * `{result}` or `{error}` (HTTP 400); `POST /pipeline` and `POST /multi-exec`
 * with an array of commands → an array of `{result}` / `{error}`; a bearer
 * token is required; with `Upstash-Encoding: base64` every string in a
 * result is base64 (UTF-8) encoded.
 * @module
 */
import { listen } from "../api/listen.ts";

/** A RESP error reply (`-ERR …`). */
export class RespError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RespError";
  }
}

/** A decoded RESP2 reply. */
export type RespValue = string | number | null | RespError | RespValue[];

const CRLF = "\r\n";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: string[]): Uint8Array {
  let text = `*${args.length}${CRLF}`;
  for (const arg of args) {
    text += `$${encoder.encode(arg).length}${CRLF}${arg}${CRLF}`;
  }
  return encoder.encode(text);
}

function indexOfCrlf(buffer: Uint8Array, from: number): number {
  for (let i = from; i < buffer.length - 1; i++) {
    if (buffer[i] === 13 && buffer[i + 1] === 10) return i;
  }
  return -1;
}

/**
 * Parses one reply starting at `offset`; returns the value and the offset
 * after it, or null when the buffer does not hold a whole reply yet.
 */
export function parseReply(
  buffer: Uint8Array,
  offset = 0,
): { value: RespValue; next: number } | null {
  const end = indexOfCrlf(buffer, offset);
  if (end < 0) return null;
  const kind = String.fromCharCode(buffer[offset]);
  const line = decoder.decode(buffer.subarray(offset + 1, end));
  const after = end + 2;
  switch (kind) {
    case "+":
      return { value: line, next: after };
    case "-":
      return { value: new RespError(line), next: after };
    case ":":
      return { value: Number(line), next: after };
    case "$": {
      const length = Number(line);
      if (length < 0) return { value: null, next: after };
      if (buffer.length < after + length + 2) return null;
      return {
        value: decoder.decode(buffer.subarray(after, after + length)),
        next: after + length + 2,
      };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { value: null, next: after };
      const items: RespValue[] = [];
      let next = after;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, next);
        if (!item) return null;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(
        `RESP: expected a type byte (+ - : $ *), found ${JSON.stringify(kind)}`,
      );
  }
}

/**
 * A minimal RESP2 client over one TCP connection. Replies come back in
 * command order, so a FIFO of waiting callers is all the bookkeeping needed;
 * a batch is written in one piece so nothing interleaves with it (MULTI).
 */
export class RespClient {
  readonly #conn: Deno.TcpConn;
  readonly #waiting: {
    resolve: (v: RespValue) => void;
    reject: (e: Error) => void;
  }[] = [];
  #buffer: Uint8Array = new Uint8Array(0);
  #writing: Promise<void> = Promise.resolve();
  #closed = false;
  readonly done: Promise<void>;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
    this.done = this.#readLoop();
  }

  /** Connects to Redis on 127.0.0.1:`port`. */
  static async connect(port: number): Promise<RespClient> {
    return new RespClient(
      await Deno.connect({ hostname: "127.0.0.1", port }),
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one command and waits for its reply. */
  async command(args: string[]): Promise<RespValue> {
    return (await this.batch([args]))[0];
  }

  /** Sends several commands in one write; replies in the same order. */
  batch(commands: string[][]): Promise<RespValue[]> {
    if (this.#closed) {
      return Promise.reject(new Error("Redis connection is closed"));
    }
    const replies = commands.map(() =>
      new Promise<RespValue>((resolve, reject) =>
        this.#waiting.push({ resolve, reject })
      )
    );
    const bytes = concat(commands.map(encodeCommand));
    this.#writing = this.#writing.then(() => writeAll(this.#conn, bytes));
    // A failed write also fails the read loop, which rejects the replies.
    this.#writing.catch(() => this.close());
    return Promise.all(replies);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  }

  async #readLoop(): Promise<void> {
    const chunk = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await this.#conn.read(chunk);
        if (n === null) break;
        this.#buffer = concat([this.#buffer, chunk.subarray(0, n)]);
        let offset = 0;
        while (offset < this.#buffer.length) {
          const reply = parseReply(this.#buffer, offset);
          if (!reply) break;
          offset = reply.next;
          this.#waiting.shift()?.resolve(reply.value);
        }
        this.#buffer = this.#buffer.slice(offset);
      }
      this.#fail(new Error("Redis closed the connection"));
    } catch (error) {
      // Whatever broke the connection is what every waiting caller gets.
      this.#fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #fail(reason: Error): void {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(reason);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    written += await conn.write(bytes.subarray(written));
  }
}

/** True when `redis-server` is on PATH (tests needing it are ignored otherwise). */
export function redisServerInstalled(): boolean {
  try {
    const { success } = new Deno.Command("redis-server", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return success;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** A `redis-server` child process. */
export interface RedisServer {
  port: number;
  /** Kills the server (idempotent) and removes its temp dir. */
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` on a free port with persistence off, in a temp dir,
 * and waits until it answers PING.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = await Deno.makeTempDir({ prefix: "redis_test_" });
  const port = freePort();
  const child = new Deno.Command("redis-server", {
    args: [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const deadline = Date.now() + 10_000;
  while (true) {
    try {
      const client = await RespClient.connect(port);
      const pong = await client.command(["PING"]);
      client.close();
      await client.done;
      if (pong === "PONG") break;
    } catch (error) {
      if (!(error instanceof Deno.errors.ConnectionRefused)) throw error;
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await child.status;
      throw new Error(
        `redis-server did not answer on port ${port} within 10 s`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let stopped: Promise<void> | undefined;
  return {
    port,
    stop() {
      stopped ??= (async () => {
        child.kill("SIGKILL");
        await child.status;
        await Deno.remove(dir, { recursive: true });
      })();
      return stopped;
    },
  };
}

/** Flags redis 7.0 rejects in a script shebang but Upstash accepts. */
const KNOWN_SHEBANG_FLAGS = new Set([
  "no-writes",
  "allow-oom",
  "allow-stale",
  "no-cluster",
  "allow-cross-slot-keys",
]);

/**
 * Drops shebang flags this Redis does not know (`@upstash/ratelimit` marks
 * its scripts `allow-key-locking`, an Upstash extension).
 */
export function portableScript(script: string): string {
  return script.replace(/^#!lua flags=([^\n]*)/, (_line, flags: string) => {
    const kept = flags.split(",").map((f) => f.trim()).filter((f) =>
      KNOWN_SHEBANG_FLAGS.has(f)
    );
    return kept.length > 0 ? `#!lua flags=${kept.join(",")}` : "#!lua";
  });
}

async function sha1(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", encoder.encode(text));
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

const toBase64 = (text: string) =>
  btoa(String.fromCharCode(...encoder.encode(text)));

/** Upstash's JSON rendering of a reply. */
function render(value: RespValue, base64: boolean): unknown {
  if (value instanceof RespError) return { error: value.message };
  if (Array.isArray(value)) return value.map((v) => renderInner(v, base64));
  if (typeof value === "string" && base64) return toBase64(value);
  return value;
}

function renderInner(value: RespValue, base64: boolean): unknown {
  if (value instanceof RespError) return value.message;
  return render(value, base64);
}

/** A running bridge. */
export interface UpstashBridge {
  /** `UPSTASH_REDIS_REST_URL`. */
  url: string;
  /** `UPSTASH_REDIS_REST_TOKEN`. */
  token: string;
  /** Commands handled so far (each pipeline entry counts). */
  commands(): number;
  /** While true, requests wait without answering (a slow Redis). */
  setHanging(hanging: boolean): void;
  close(): Promise<void>;
}

/** Options for `startUpstashBridge`. */
export interface UpstashBridgeOptions {
  redisPort: number;
  token?: string;
}

/**
 * Starts the REST bridge on a free port in front of Redis on `redisPort`.
 *
 * @example
 * const redis = await startRedisServer();
 * const bridge = await startUpstashBridge({ redisPort: redis.port });
 * new Redis({ url: bridge.url, token: bridge.token });
 */
export async function startUpstashBridge(
  options: UpstashBridgeOptions,
): Promise<UpstashBridge> {
  const token = options.token ?? crypto.randomUUID();
  let client: RespClient | null = null;
  let hanging = false;
  let commandCount = 0;
  /** Script SHA as the client knows it → SHA of the portable script Redis holds. */
  const shaOf = new Map<string, string>();

  const connection = async (): Promise<RespClient> => {
    if (!client || client.closed) {
      client = await RespClient.connect(options.redisPort);
    }
    return client;
  };

  /** Rewrites script commands for this Redis; other commands pass as is. */
  const prepare = async (command: string[]): Promise<string[]> => {
    const name = command[0]?.toUpperCase();
    if (name === "EVAL" && command[1] !== undefined) {
      const portable = portableScript(command[1]);
      shaOf.set(await sha1(command[1]), await sha1(portable));
      return [command[0], portable, ...command.slice(2)];
    }
    if (name === "EVALSHA" && command[1] !== undefined) {
      return [
        command[0],
        shaOf.get(command[1]) ?? command[1],
        ...command.slice(2),
      ];
    }
    if (
      name === "SCRIPT" && command[1]?.toUpperCase() === "LOAD" &&
      command[2] !== undefined
    ) {
      const portable = portableScript(command[2]);
      shaOf.set(await sha1(command[2]), await sha1(portable));
      return [command[0], command[1], portable];
    }
    return command;
  };

  const asCommand = (value: unknown): string[] => {
    if (!Array.isArray(value) || value.length === 0) {
      throw new TypeError("expected a non-empty JSON array command");
    }
    return value.map((part) => {
      if (
        typeof part !== "string" && typeof part !== "number" &&
        typeof part !== "boolean"
      ) {
        throw new TypeError(
          `expected strings or numbers, found ${typeof part}`,
        );
      }
      return String(part);
    });
  };

  const handle = async (request: Request): Promise<Response> => {
    if (request.headers.get("authorization") !== `Bearer ${token}`) {
      return Response.json({ error: "Unauthorized" }, { status: 401 });
    }
    while (hanging) await new Promise((r) => setTimeout(r, 10));
    const base64 = request.headers.get("upstash-encoding") === "base64";
    const path = new URL(request.url).pathname;
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return Response.json({ error: "ERR body is not JSON" }, { status: 400 });
    }
    let redis: RespClient;
    try {
      redis = await connection();
    } catch (error) {
      return Response.json({ error: `ERR redis unreachable: ${error}` }, {
        status: 502,
      });
    }
    try {
      if (path === "/" || path === "") {
        const command = await prepare(asCommand(body));
        commandCount++;
        const reply = await redis.command(command);
        return reply instanceof RespError
          ? Response.json({ error: reply.message }, { status: 400 })
          : Response.json({ result: render(reply, base64) });
      }
      if (path === "/pipeline" || path === "/multi-exec") {
        if (!Array.isArray(body)) {
          throw new TypeError("expected an array of commands");
        }
        const commands = await Promise.all(
          body.map((c) => prepare(asCommand(c))),
        );
        commandCount += commands.length;
        if (path === "/pipeline") {
          const replies = await redis.batch(commands);
          return Response.json(
            replies.map((r) =>
              r instanceof RespError
                ? { error: r.message }
                : { result: render(r, base64) }
            ),
          );
        }
        const replies = await redis.batch([["MULTI"], ...commands, ["EXEC"]]);
        const exec = replies.at(-1) as RespValue;
        if (exec instanceof RespError || !Array.isArray(exec)) {
          const queued = replies.find((r) => r instanceof RespError);
          const message = exec instanceof RespError
            ? exec.message
            : queued instanceof RespError
            ? queued.message
            : "EXECABORT transaction discarded";
          return Response.json({ error: message }, { status: 400 });
        }
        return Response.json(
          exec.map((r) =>
            r instanceof RespError
              ? { error: r.message }
              : { result: render(r, base64) }
          ),
        );
      }
      return Response.json({ error: `ERR unknown path ${path}` }, {
        status: 404,
      });
    } catch (error) {
      if (error instanceof TypeError) {
        return Response.json({ error: `ERR ${error.message}` }, {
          status: 400,
        });
      }
      // The connection to Redis broke (e.g. the server was stopped).
      return Response.json({ error: `ERR ${error}` }, { status: 502 });
    }
  };

  const { server, url } = await listen(handle, {
    hostname: "127.0.0.1",
    port: 0,
  });
  return {
    url: url.origin,
    token,
    commands: () => commandCount,
    setHanging(value) {
      hanging = value;
    },
    async close() {
      hanging = false;
      await server.shutdown();
      const open = client as RespClient | null;
      if (open) {
        open.close();
        await open.done;
      }
    },
  };
}
