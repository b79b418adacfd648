/** Object keys shared by every `ObjectStorage`: relative, "/"-separated. */

/**
 * Checks an object key: non-empty "/"-separated segments, none of them "",
 * "." or "..", no backslash or NUL. Returns the key; throws a `TypeError`
 * saying what is wrong otherwise, so a key cannot escape its folder or prefix.
 *
 * @example
 * checkObjectKey("ml-latest-small/ratings.csv"); // returns the key
 */
export function checkObjectKey(key: string): string {
  const problem = key === ""
    ? "it is empty"
    : /[\\\0]/.test(key)
    ? "it contains a backslash or NUL"
    : key.split("/").some((s) => s === "" || s === "." || s === "..")
    ? 'a segment is empty, "." or ".." (or it starts or ends with "/")'
    : null;
  if (problem) {
    throw new TypeError(
      `Invalid object key "${key}": expected a relative path like "a/b.zip", but ${problem}`,
    );
  }
  return key;
}
