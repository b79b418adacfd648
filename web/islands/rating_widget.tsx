/**
 * Half-step star rating with like/dislike. Without JavaScript it is a plain
 * POST form to /rate (the server redirects back); hydrated, it saves on click
 * with fetch and reports progress in a live region.
 */
import { useEffect, useState } from "preact/hooks";
import type { TargetedEvent } from "preact";
import { island } from "../island.tsx";

/** Props of `RatingWidget`. */
export interface RatingWidgetProps {
  [key: string]: unknown;
  movieId: number;
  title: string;
  /** The user's rating, 0.5 to 5, or null. */
  rating: number | null;
  reaction: "like" | "dislike" | null;
  /** Where the no-JS form post returns to. */
  next: string;
  /** Smaller layout for lists. */
  compact?: boolean;
}

/** What POST /rate answers to `Accept: application/json`. */
export interface RateResult {
  rating: number | null;
  reaction: "like" | "dislike" | null;
}

const VALUES = [5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1, 0.5];
const STAR =
  "M12 1.5l3.2 6.6 7.3 1-5.3 5.1 1.3 7.2L12 18l-6.5 3.4 1.3-7.2L1.5 9.1l7.3-1z";

function HalfStar({ left }: { left: boolean }) {
  return (
    <svg
      viewBox={left ? "0 0 12 24" : "12 0 12 24"}
      width="14"
      height="28"
      aria-hidden="true"
      focusable="false"
    >
      <path d={STAR} fill="currentColor" />
    </svg>
  );
}

const THUMB =
  "M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.4 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z";

function Thumb({ down }: { down?: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
      style={down ? "transform: rotate(180deg)" : undefined}
    >
      <path d={THUMB} fill="currentColor" />
    </svg>
  );
}

function RatingWidgetView(props: RatingWidgetProps) {
  const [rating, setRating] = useState(props.rating);
  const [reaction, setReaction] = useState(props.reaction);
  const [status, setStatus] = useState("");
  const [error, setError] = useState(false);
  const [busy, setBusy] = useState(false);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  async function onSubmit(event: TargetedEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const form = event.currentTarget;
    const body = new FormData(form, event.submitter);
    setBusy(true);
    setError(false);
    setStatus("Saving…");
    try {
      // Not form.action: the buttons named "action" shadow that property.
      const response = await fetch("/rate", {
        method: "POST",
        body,
        headers: { accept: "application/json" },
      });
      if (response.status === 401) {
        throw new Error("your session has expired, please log in again");
      }
      if (!response.ok) {
        const problem = await response.json().catch(() => null);
        throw new Error(
          problem?.detail ?? `the server said ${response.status}`,
        );
      }
      const result = await response.json() as RateResult;
      setRating(result.rating);
      setReaction(result.reaction);
      setStatus(
        result.rating === null ? "Rating removed" : `Saved: ${result.rating} ★`,
      );
    } catch (e) {
      setError(true);
      setStatus(`Could not save: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  const id = `rate-${props.movieId}`;
  const next = reaction === "like" ? "unlike" : "like";
  return (
    <form
      method="post"
      action="/rate"
      class={`rating-widget${props.compact ? " compact" : ""}${
        busy ? " busy" : ""
      }`}
      onSubmit={onSubmit}
      aria-busy={busy ? "true" : "false"}
      data-hydrated={hydrated ? "true" : undefined}
    >
      <input type="hidden" name="movieId" value={props.movieId} />
      <input type="hidden" name="next" value={props.next} />
      <fieldset class="stars">
        <legend class={props.compact ? "sr-only" : undefined}>
          Your rating<span class="sr-only">for {props.title}</span>
        </legend>
        <div class="stars-row">
          {VALUES.map((value) => (
            <>
              <input
                type="radio"
                class="sr-only"
                id={`${id}-${value}`}
                name="value"
                value={value}
                checked={rating === value}
                disabled={busy}
                onChange={(e) => {
                  if (hydrated) {
                    e.currentTarget.form?.requestSubmit(
                      e.currentTarget.form.querySelector<HTMLButtonElement>(
                        "button[value=rate]",
                      ),
                    );
                  }
                }}
              />
              <label
                for={`${id}-${value}`}
                title={`${value} stars`}
              >
                <span class="sr-only">{value} stars</span>
                <HalfStar left={value % 1 !== 0} />
              </label>
            </>
          ))}
        </div>
      </fieldset>
      <div class="rating-actions">
        <button
          type="submit"
          name="action"
          value="rate"
          class={hydrated ? "sr-only" : "button small"}
          tabIndex={hydrated ? -1 : undefined}
        >
          Save rating
        </button>
        <button
          type="submit"
          name="action"
          value={next}
          class="button small ghost"
          aria-pressed={reaction === "like" ? "true" : "false"}
          disabled={busy}
        >
          <Thumb /> Like
        </button>
        <button
          type="submit"
          name="action"
          value={reaction === "dislike" ? "undislike" : "dislike"}
          class="button small ghost"
          aria-pressed={reaction === "dislike" ? "true" : "false"}
          disabled={busy}
        >
          <Thumb down /> Dislike
        </button>
        {rating !== null && (
          <button
            type="submit"
            name="action"
            value="remove"
            class="button small ghost danger"
            disabled={busy}
          >
            Remove rating
          </button>
        )}
      </div>
      <p
        class={`rating-status${error ? " error" : ""}`}
        role="status"
        aria-live="polite"
      >
        {status}
      </p>
    </form>
  );
}

/** The rating widget island. */
export const RatingWidget = island("rating_widget", RatingWidgetView);
