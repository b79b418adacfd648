/**
 * Test infrastructure for the GCS path: a small HTTP server that speaks the
 * subset of the Cloud Storage JSON API that `@google-cloud/storage` uses for
 * `file.exists()`, `file.download()` and `file.save(data, {resumable: false})`,
 * so the real client runs unmodified and offline. Objects live in memory.
 *
 * Implemented (as GCS documents it):
 * - `GET /storage/v1/b/{bucket}/o/{object}` → the object resource (JSON);
 * - `GET /storage/v1/b/{bucket}/o/{object}?alt=media` (and the same under
 *   `/download`) → the bytes, with `x-goog-hash: crc32c=…,md5=…` so the
 *   client's integrity check runs;
 * - `POST /upload/storage/v1/b/{bucket}/o?uploadType=multipart&name=…` with a
 *   `multipart/related` body (JSON metadata, then the media) → the resource;
 *   `ifGenerationMatch` is honoured (412 when it does not match);
 * - errors as `{error: {code, message, errors: [{reason, …}]}}` (404
 *   `notFound` for a missing object or bucket). Resumable uploads are refused
 *   with 501 so a client that starts one fails loudly instead of hanging.
 * @module
 */
import { createHash } from "node:crypto";
import { Storage } from "@google-cloud/storage";
import { listen } from "../api/listen.ts";

/** One request the bridge answered. */
export interface GcsBridgeRequest {
  method: string;
  /** Path as sent (object names still percent-encoded). */
  path: string;
  query: Record<string, string>;
  /** The Authorization header, or null: the offline client sends none. */
  authorization: string | null;
}

/** A stored object as the bridge keeps it. */
export interface GcsBridgeObject {
  /** Change it in place to simulate corruption: the hashes stay as uploaded. */
  data: Uint8Array;
  /** Base64 hashes computed at upload, as GCS keeps them. */
  md5Hash: string;
  crc32c: string;
  contentType: string;
  generation: number;
  updated: string;
}

/** A running bridge. */
export interface GcsBridge {
  /** The `apiEndpoint` to give the client, e.g. `http://127.0.0.1:1234`. */
  url: string;
  /** Every request answered so far, oldest first. */
  requests: GcsBridgeRequest[];
  /** The object `name` in `bucket`, or undefined. */
  object(bucket: string, name: string): GcsBridgeObject | undefined;
  /** Names of the objects in `bucket`, sorted. */
  names(bucket: string): string[];
  close(): Promise<void>;
}

/** Options of `startGcsBridge`. */
export interface GcsBridgeOptions {
  /** Buckets that exist; any other bucket answers 404. Default ["test-bucket"]. */
  buckets?: string[];
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    // Castagnoli polynomial, reflected.
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32C of `data`, base64 of its 4 big-endian bytes (GCS's `crc32c` field). */
export function crc32cBase64(data: Uint8Array): string {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc = CRC32C_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  }
  crc = (crc ^ 0xffffffff) >>> 0;
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, crc);
  return btoa(String.fromCharCode(...bytes));
}

const md5Base64 = (data: Uint8Array) =>
  createHash("md5").update(data).digest("base64");

function gcsError(code: number, reason: string, message: string): Response {
  return Response.json(
    {
      error: {
        code,
        message,
        errors: [{ message, domain: "global", reason }],
      },
    },
    { status: code },
  );
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number) {
  const first = needle[0];
  const last = haystack.length - needle.length;
  outer: for (let i = haystack.indexOf(first, from); i >= 0 && i <= last;) {
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) {
        i = haystack.indexOf(first, i + 1);
        continue outer;
      }
    }
    return i;
  }
  return -1;
}

/** One part of a `multipart/related` body. */
interface Part {
  headers: Headers;
  body: Uint8Array;
}

/**
 * Splits a `multipart/related` body on its boundary (RFC 2046): parts start
 * after `--boundary` and a blank line and end before `\r\n--boundary`.
 */
export function parseMultipart(body: Uint8Array, boundary: string): Part[] {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const delimiter = encoder.encode(`--${boundary}`);
  const headerEnd = encoder.encode("\r\n\r\n");
  const parts: Part[] = [];
  let start = indexOf(body, delimiter, 0);
  if (start < 0) {
    throw new TypeError(`multipart body: expected --${boundary}, found none`);
  }
  while (true) {
    const afterDelimiter = start + delimiter.length;
    // "--" after the delimiter closes the body.
    if (body[afterDelimiter] === 45 && body[afterDelimiter + 1] === 45) break;
    const headersAt = afterDelimiter + 2; // skip CRLF
    const blank = indexOf(body, headerEnd, headersAt);
    if (blank < 0) {
      throw new TypeError("multipart body: expected part headers, found none");
    }
    const headers = new Headers();
    for (
      const line of decoder.decode(body.subarray(headersAt, blank)).split(
        "\r\n",
      )
    ) {
      const colon = line.indexOf(":");
      if (colon > 0) {
        headers.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
    }
    const next = indexOf(body, delimiter, blank + 4);
    if (next < 0) {
      throw new TypeError(
        `multipart body: expected a closing --${boundary}--, found none`,
      );
    }
    // The CRLF before the next delimiter belongs to the delimiter.
    const end = body[next - 2] === 13 && body[next - 1] === 10
      ? next - 2
      : next;
    parts.push({ headers, body: body.slice(blank + 4, end) });
    start = next;
  }
  return parts;
}

/**
 * Starts the bridge on a free port of 127.0.0.1.
 *
 * @example
 * const bridge = await startGcsBridge();
 * const storage = bridgeClient(bridge);
 * await storage.bucket("test-bucket").file("a.txt").save("hi", { resumable: false });
 */
export async function startGcsBridge(
  options: GcsBridgeOptions = {},
): Promise<GcsBridge> {
  const buckets = new Set(options.buckets ?? ["test-bucket"]);
  const objects = new Map<string, GcsBridgeObject>();
  const requests: GcsBridgeRequest[] = [];
  let generation = 1_700_000_000_000_000;
  const keyOf = (bucket: string, name: string) => `${bucket}\0${name}`;

  const resource = (bucket: string, name: string, o: GcsBridgeObject) => ({
    kind: "storage#object",
    id: `${bucket}/${name}/${o.generation}`,
    selfLink: `/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}`,
    name,
    bucket,
    generation: String(o.generation),
    metageneration: "1",
    contentType: o.contentType,
    storageClass: "STANDARD",
    size: String(o.data.length),
    md5Hash: o.md5Hash,
    crc32c: o.crc32c,
    etag: btoa(String(o.generation)),
    timeCreated: o.updated,
    updated: o.updated,
  });

  const notFound = (bucket: string, name?: string) =>
    buckets.has(bucket)
      ? gcsError(404, "notFound", `No such object: ${bucket}/${name}`)
      : gcsError(404, "notFound", "The specified bucket does not exist.");

  const upload = async (
    request: Request,
    bucket: string,
    query: URLSearchParams,
  ): Promise<Response> => {
    const uploadType = query.get("uploadType");
    if (uploadType !== "multipart") {
      return gcsError(
        501,
        "notImplemented",
        `This bridge implements uploadType=multipart only, found ${uploadType}`,
      );
    }
    if (!buckets.has(bucket)) return notFound(bucket);
    const type = request.headers.get("content-type") ?? "";
    const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
    if (!type.startsWith("multipart/related") || !boundary) {
      return gcsError(
        400,
        "invalid",
        `Expected Content-Type multipart/related with a boundary, found "${type}"`,
      );
    }
    const parts = parseMultipart(
      new Uint8Array(await request.arrayBuffer()),
      boundary,
    );
    if (parts.length !== 2) {
      return gcsError(
        400,
        "invalid",
        `Expected 2 parts (metadata, media), found ${parts.length}`,
      );
    }
    const metadata = JSON.parse(new TextDecoder().decode(parts[0].body)) as {
      name?: string;
      contentType?: string;
    };
    const name = query.get("name") ?? metadata.name;
    if (!name) return gcsError(400, "required", "Required: object name");
    const existing = objects.get(keyOf(bucket, name));
    const match = query.get("ifGenerationMatch");
    if (match !== null && Number(match) !== (existing?.generation ?? 0)) {
      return gcsError(
        412,
        "conditionNotMet",
        "At least one of the pre-conditions you specified did not hold.",
      );
    }
    const data = parts[1].body;
    const stored: GcsBridgeObject = {
      data,
      md5Hash: md5Base64(data),
      crc32c: crc32cBase64(data),
      contentType: metadata.contentType ??
        parts[1].headers.get("content-type") ?? "application/octet-stream",
      generation: ++generation,
      updated: new Date().toISOString(),
    };
    objects.set(keyOf(bucket, name), stored);
    return Response.json(resource(bucket, name, stored));
  };

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    requests.push({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.get("authorization"),
    });
    const uploadPath = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(
      url.pathname,
    );
    if (uploadPath && request.method === "POST") {
      return await upload(
        request,
        decodeURIComponent(uploadPath[1]),
        url.searchParams,
      );
    }
    const objectPath = /^(\/download)?\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/
      .exec(url.pathname);
    if (objectPath && request.method === "GET") {
      const bucket = decodeURIComponent(objectPath[2]);
      const name = decodeURIComponent(objectPath[3]);
      const stored = objects.get(keyOf(bucket, name));
      const media = url.searchParams.get("alt") === "media";
      if (!stored) {
        // GCS answers a media download of a missing object in plain text.
        return media
          ? new Response(`No such object: ${bucket}/${name}`, { status: 404 })
          : notFound(bucket, name);
      }
      if (!media) return Response.json(resource(bucket, name, stored));
      return new Response(stored.data.slice(), {
        headers: {
          "content-type": stored.contentType,
          // Keeps Deno.serve from compressing: the hashes are of the raw bytes.
          "cache-control": "no-store, no-transform",
          "x-goog-hash": `crc32c=${stored.crc32c},md5=${stored.md5Hash}`,
          "x-goog-stored-content-encoding": "identity",
          "x-goog-generation": String(stored.generation),
        },
      });
    }
    return gcsError(
      404,
      "notFound",
      `This bridge does not implement ${request.method} ${url.pathname}`,
    );
  };

  const { server, url } = await listen(handle, {
    hostname: "127.0.0.1",
    port: 0,
  });
  return {
    url: url.origin,
    requests,
    object: (bucket, name) => objects.get(keyOf(bucket, name)),
    names: (bucket) =>
      [...objects.keys()].filter((k) => k.startsWith(`${bucket}\0`)).map((k) =>
        k.slice(bucket.length + 1)
      ).sort(),
    close: () => server.shutdown(),
  };
}

/**
 * A real `@google-cloud/storage` client aimed at the bridge. With a custom
 * `apiEndpoint` the client skips authentication (`useAuthWithCustomEndpoint`
 * defaults to false), so no credentials are looked up and nothing leaves the
 * machine; retries are off so a failing request fails the test at once.
 */
export function bridgeClient(bridge: GcsBridge): Storage {
  return new Storage({
    apiEndpoint: bridge.url,
    projectId: "test-project",
    retryOptions: { autoRetry: false },
  });
}
