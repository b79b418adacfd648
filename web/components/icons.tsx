/** Small inline SVG icons (decorative: their buttons carry the words). */

// A five-point star in a 24×24 box, split down the middle so that a label
// can colour one half (half-star ratings).
const LEFT_HALF = "M12 1.5L8.8 8.1 1.5 9.1l5.3 5.1-1.3 7.2L12 18z";
const RIGHT_HALF = "M12 1.5l3.2 6.6 7.3 1-5.3 5.1 1.3 7.2L12 18z";

/**
 * A star, or one half of it. Each half is its own path (`.star-l`,
 * `.star-r`) so that CSS can fill a whole star half way.
 */
export function StarIcon({ part }: { part: "whole" | "left" | "right" }) {
  const viewBox = part === "left"
    ? "0 0 12 24"
    : part === "right"
    ? "12 0 12 24"
    : "0 0 24 24";
  return (
    <svg
      viewBox={viewBox}
      class={`star-icon ${part}`}
      aria-hidden="true"
      focusable="false"
    >
      {part !== "right" && <path class="star-l" d={LEFT_HALF} />}
      {part !== "left" && <path class="star-r" d={RIGHT_HALF} />}
    </svg>
  );
}

const THUMB =
  "M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.4 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z";

/** A thumb up, or down. */
export function Thumb({ down }: { down?: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
      class={down ? "thumb down" : "thumb"}
    >
      <path d={THUMB} fill="currentColor" />
    </svg>
  );
}
