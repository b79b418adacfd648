/** Object storage in a local folder (development, tests, single machine). */
import { checkObjectKey } from "./key.ts";
import type { ObjectStorage } from "../types.ts";

/**
 * Stores each object as a file under `dir`; keys with "/" become subfolders.
 * Writes go to a temporary file renamed into place, so a reader never sees
 * half a file and a crash leaves the old object intact.
 *
 * @example
 * const storage = new FolderObjectStorage(config.objectDir);
 * await storage.write("ml-latest-small.zip", bytes);
 */
export class FolderObjectStorage implements ObjectStorage {
  readonly description: string;

  constructor(readonly dir: string) {
    this.description = `folder ${dir}`;
  }

  #path(key: string): string {
    return `${this.dir}/${checkObjectKey(key)}`;
  }

  /** True when an object is stored under `key`. */
  async exists(key: string): Promise<boolean> {
    try {
      return (await Deno.stat(this.#path(key))).isFile;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  }

  /** The object's bytes, or null when there is none. */
  async read(key: string): Promise<Uint8Array | null> {
    try {
      return await Deno.readFile(this.#path(key));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    }
  }

  /** Writes the object atomically, creating folders as needed. */
  async write(key: string, data: Uint8Array): Promise<void> {
    const path = this.#path(key);
    const folder = path.slice(0, path.lastIndexOf("/"));
    await Deno.mkdir(folder, { recursive: true });
    // Same folder as the target, so the rename stays on one file system.
    const temp = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      await Deno.writeFile(temp, data);
      await Deno.rename(temp, path);
    } catch (error) {
      // Best effort: the write's own error is the one worth reporting.
      await Deno.remove(temp).catch(() => {});
      throw error;
    }
  }
}
