/** Option objects merged with their defaults. */

/**
 * `defaults` overridden by every option that is set: unlike a spread, an
 * option passed as `undefined` keeps its default (a spread once let
 * `minCount: undefined` drop every movie from EASE).
 *
 * @example
 * ```ts
 * withDefaults({ lambda: 500, minCount: 10 }, { minCount: undefined }); // { lambda: 500, minCount: 10 }
 * ```
 */
export function withDefaults<T extends object>(
  defaults: Required<T>,
  options: Partial<T>,
): Required<T> {
  const out = { ...defaults };
  for (const key of Object.keys(options) as (keyof T)[]) {
    const value = options[key];
    if (value !== undefined) out[key] = value as Required<T>[keyof T];
  }
  return out;
}
