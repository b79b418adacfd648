/**
 * A day as people read it ("3 Mar 2024"), machine-readable in `dateTime`.
 * @module
 */

/** `<time>` for a moment given in milliseconds since the epoch. */
export function Day({ ms }: { ms: number }) {
  const date = new Date(ms);
  return (
    <time dateTime={date.toISOString()}>
      {date.toLocaleDateString("en-GB", {
        day: "numeric",
        month: "short",
        year: "numeric",
      })}
    </time>
  );
}
