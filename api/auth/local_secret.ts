/**
 * The signing secret of local auth when LOCAL_AUTH_SECRET is unset: made
 * once and kept in an owner-only file beside the data (`$DATA_DIR/
 * local-auth.key`), not in the database, so that a copy of the database (a
 * dump, a backup, a shared MongoDB) cannot mint tokens. A secret an older
 * version kept in the store's meta table moves to the file and is blanked.
 * @module
 */
import type { MetaStore } from "../../store/types.ts";

/** Meta key where older versions kept the generated secret. */
export const LEGACY_SECRET_KEY = "auth:local-secret";

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The secret in `path`, created (mode 0600) when absent.
 *
 * @example
 * const secret = await localSecret(".data/local-auth.key", store.meta);
 */
export async function localSecret(
  path: string,
  meta: MetaStore,
): Promise<string> {
  const existing = await Deno.readTextFile(path).catch((error) => {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  });
  if (existing?.trim()) return existing.trim();
  const legacy = await meta.get(LEGACY_SECRET_KEY);
  const secret = legacy || randomSecret();
  const folder = path.slice(0, path.lastIndexOf("/"));
  if (folder) await Deno.mkdir(folder, { recursive: true });
  try {
    await Deno.writeTextFile(path, secret, { createNew: true, mode: 0o600 });
  } catch (error) {
    // another process wrote it first: use theirs
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    return (await Deno.readTextFile(path)).trim();
  }
  if (legacy) await meta.set(LEGACY_SECRET_KEY, "");
  return secret;
}
