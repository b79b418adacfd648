/** Object storage in a Google Cloud Storage bucket (Cloud Run deployments). */
import type { Storage } from "@google-cloud/storage";
import { checkObjectKey } from "./key.ts";
import type { ObjectStorage } from "../types.ts";

/** Options of `GcsObjectStorage`. */
export interface GcsObjectStorageOptions {
  /** A configured client; by default one with Application Default Credentials. */
  storage?: Storage;
}

/**
 * Stores objects as `gs://<bucket>/<prefix><key>`. A GCS upload is atomic:
 * readers see the old object or the new one. The client library is loaded
 * on first use, so deployments without GCS never load it.
 *
 * @example
 * const storage = new GcsObjectStorage("my-bucket", "movielens/");
 * await storage.exists("ml-latest-small.zip");
 */
export class GcsObjectStorage implements ObjectStorage {
  readonly description: string;
  readonly #prefix: string;
  #storage: Promise<Storage> | null;

  constructor(
    readonly bucket: string,
    prefix = "",
    options: GcsObjectStorageOptions = {},
  ) {
    if (bucket.trim() === "" || bucket.includes("/")) {
      throw new TypeError(
        `Invalid GCS bucket "${bucket}": expected a bucket name without "gs://" or "/"`,
      );
    }
    this.#prefix = prefix === "" || prefix.endsWith("/")
      ? prefix
      : `${prefix}/`;
    this.description = `gs://${bucket}/${this.#prefix}`;
    this.#storage = options.storage ? Promise.resolve(options.storage) : null;
  }

  async #file(key: string) {
    this.#storage ??= import("@google-cloud/storage").then((gcs) =>
      new gcs.Storage()
    );
    const storage = await this.#storage;
    return storage.bucket(this.bucket).file(
      `${this.#prefix}${checkObjectKey(key)}`,
    );
  }

  /** True when an object is stored under `key`. */
  async exists(key: string): Promise<boolean> {
    const file = await this.#file(key);
    try {
      const [found] = await file.exists();
      return found;
    } catch (error) {
      throw this.#failed("check", key, error);
    }
  }

  /** The object's bytes, or null when there is none. */
  async read(key: string): Promise<Uint8Array | null> {
    const file = await this.#file(key);
    try {
      const [contents] = await file.download();
      return new Uint8Array(
        contents.buffer,
        contents.byteOffset,
        contents.byteLength,
      );
    } catch (error) {
      if (isNotFound(error)) return null;
      throw this.#failed("read", key, error);
    }
  }

  /**
   * Uploads the object in one multipart request. The bytes are already in
   * memory, so a resumable session (two round trips, session state) buys
   * nothing; the client still checks the stored CRC32C against ours.
   */
  async write(key: string, data: Uint8Array): Promise<void> {
    const file = await this.#file(key);
    try {
      await file.save(data, {
        resumable: false,
        contentType: "application/octet-stream",
      });
    } catch (error) {
      throw this.#failed("write", key, error);
    }
  }

  /** The client's error with the object it was about (its own messages omit it). */
  #failed(action: string, key: string, error: unknown): Error {
    const detail = error instanceof Error ? error.message : String(error);
    return new Error(
      `Cannot ${action} ${this.description}${key}: ${detail}`,
      { cause: error },
    );
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null &&
    "code" in error && error.code === 404;
}
