/**
 * Star rating with like and dislike, and (where asked) "Want to watch" and
 * "Not interested". Without JavaScript it is a plain POST form to /rate (the
 * server redirects back). Hydrated, a click or tap on a star saves at once;
 * arrow keys only move the choice, and Enter or "Save rating" keeps it, so
 * a keyboard user never saves a rating by passing over it. Controls are
 * never disabled while saving (focus would fall to the page): changes made
 * meanwhile are queued and sent in order.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { TargetedEvent } from "preact";
import { island } from "../island.tsx";
import {
  type ListButtons,
  type MovieState,
  nextAction,
  STAR_VALUES,
  starsLabel,
} from "../components/rating_form.ts";
import { StarIcon, Thumb } from "../components/icons.tsx";

/** Props of `RatingWidget`. */
export interface RatingWidgetProps extends MovieState {
  [key: string]: unknown;
  movieId: number;
  title: string;
  /** Where the no-JS form post returns to. */
  next: string;
  /**
   * "full": ten half-star targets, like and dislike (movie page, My
   * ratings); "card": five whole-star targets, each at least 24 px square
   * (WCAG 2.5.8), for movie cards.
   */
  variant?: "full" | "card";
  /** Which list buttons to show (none by default). */
  lists?: ListButtons;
}

const LIST_MESSAGES: Record<string, string> = {
  watch: "Added to your watchlist",
  unwatch: "Removed from your watchlist",
  hide: "You will not be recommended this movie",
  unhide: "This movie may be recommended again",
};

function starClass(value: number, rating: number | null, step: number) {
  if (rating === null) return "";
  if (rating >= value) return "on";
  return step === 1 && rating >= value - 0.5 ? "half" : "";
}

function RatingWidgetView(props: RatingWidgetProps) {
  const [saved, setSavedState] = useState<MovieState>({
    rating: props.rating,
    reaction: props.reaction,
    watchlist: props.watchlist,
    hidden: props.hidden,
  });
  // Async code reads the latest saved state, not the one it closed over.
  const savedRef = useRef(saved);
  const setSaved = (state: MovieState) => {
    savedRef.current = state;
    setSavedState(state);
  };
  const removed = useRef<number | null>(null);
  // The value on screen: the saved one, or what the user just picked.
  const [shown, setShown] = useState(props.rating);
  const [status, setStatus] = useState("");
  const [error, setError] = useState(false);
  const [busy, setBusy] = useState(false);
  const [undo, setUndo] = useState<number | null>(null);
  const [hydrated, setHydrated] = useState(false);
  const pointer = useRef(false);
  const queue = useRef<FormData[]>([]);
  const sending = useRef(false);
  const form = useRef<HTMLFormElement>(null);
  const undoButton = useRef<HTMLButtonElement>(null);
  useEffect(() => setHydrated(true), []);

  const card = props.variant === "card";
  const step = card ? 1 : 0.5;
  const values = STAR_VALUES.filter((v) => Number.isInteger(v / step));
  const id = `rate-${props.movieId}${card ? "-c" : ""}`;

  async function post(body: FormData): Promise<MovieState> {
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
      throw new Error(problem?.detail ?? `the server said ${response.status}`);
    }
    return await response.json() as MovieState;
  }

  async function send(body: FormData) {
    queue.current.push(body);
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setError(false);
    setStatus("Saving…");
    let last: MovieState | null = null;
    let action = "";
    try {
      while (queue.current.length > 0) {
        const next = queue.current.shift()!;
        action = String(next.get("action"));
        last = await post(next);
        setSaved(last);
      }
      const result = last!;
      setShown(result.rating);
      if (action === "remove") {
        setUndo(removed.current);
        setStatus("Rating removed.");
      } else {
        setUndo(null);
        setStatus(
          action === "rate" && result.rating !== null
            ? `Saved: ${result.rating} ★`
            : LIST_MESSAGES[action] ?? "Saved",
        );
      }
    } catch (e) {
      queue.current = [];
      setError(true);
      setShown(savedRef.current.rating);
      setStatus(`Could not save: ${(e as Error).message}`);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }

  function submitAction(action: string, value?: number) {
    const body = new FormData(form.current!);
    body.set("action", action);
    if (value !== undefined) body.set("value", String(value));
    else body.delete("value");
    void send(body);
  }

  function onSubmit(event: TargetedEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    const submitter = event.submitter as HTMLButtonElement | null;
    const action = submitter?.value ?? "rate";
    if (action === "rate") {
      if (shown === null) {
        setError(true);
        setStatus("Pick a number of stars first.");
        return;
      }
      submitAction("rate", shown);
    } else {
      if (action === "remove") removed.current = savedRef.current.rating;
      submitAction(action);
    }
  }

  // Focus follows the control that replaced the one just used.
  useEffect(() => {
    if (undo !== null) undoButton.current?.focus();
  }, [undo]);

  const reaction = saved.reaction;
  const lists = props.lists ?? {};
  return (
    <form
      method="post"
      action="/rate"
      ref={form}
      class={`rating-widget ${card ? "card-widget" : "full-widget"}`}
      onSubmit={onSubmit}
      aria-busy={busy ? "true" : "false"}
      data-hydrated={hydrated ? "true" : undefined}
    >
      <input type="hidden" name="movieId" value={props.movieId} />
      <input type="hidden" name="next" value={props.next} />
      <input type="hidden" name="title" value={props.title} />
      <fieldset class="stars">
        <legend class={card ? "sr-only" : undefined}>
          Your rating <span class="sr-only">of {props.title}</span>
          {card && shown !== null && !Number.isInteger(shown) && (
            <span class="sr-only">: {shown} stars</span>
          )}
        </legend>
        <div
          class="stars-row"
          onPointerDown={() => (pointer.current = true)}
          onKeyDown={() => (pointer.current = false)}
        >
          {values.map((value) => (
            <>
              <input
                type="radio"
                class="star-input"
                id={`${id}-${value}`}
                name="value"
                value={value}
                checked={shown === value}
                onChange={() => {
                  setShown(value);
                  setError(false);
                  if (pointer.current) {
                    pointer.current = false;
                    submitAction("rate", value);
                  } else if (hydrated) {
                    setStatus("");
                  }
                }}
              />
              <label
                for={`${id}-${value}`}
                class={starClass(value, shown, step)}
                title={starsLabel(value)}
              >
                <span class="sr-only">{starsLabel(value)}</span>
                <StarIcon
                  part={card ? "whole" : value % 1 ? "left" : "right"}
                />
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
          class={`button small${
            hydrated && shown !== saved.rating ? "" : " ghost"
          }`}
        >
          Save <span class={card ? "sr-only" : undefined}>rating</span>
        </button>
        {!card && (["like", "dislike"] as const).map((kind) => (
          <button
            key={kind}
            type="submit"
            name="action"
            value={nextAction(kind, reaction === kind)}
            class="button small ghost"
            aria-pressed={reaction === kind ? "true" : "false"}
          >
            <Thumb down={kind === "dislike"} />{" "}
            {kind === "like" ? "Like" : "Dislike"}
          </button>
        ))}
        {lists.watchlist && (
          <button
            type="submit"
            name="action"
            value={nextAction("watch", saved.watchlist)}
            class="button small ghost"
            aria-pressed={saved.watchlist ? "true" : "false"}
          >
            Want to watch
          </button>
        )}
        {lists.hide && (
          <button
            type="submit"
            name="action"
            value={nextAction("hide", saved.hidden)}
            class="button small ghost"
            aria-pressed={saved.hidden ? "true" : "false"}
          >
            Not interested
          </button>
        )}
        {!card && saved.rating !== null && (
          <button
            type="submit"
            name="action"
            value="remove"
            class="button small ghost danger"
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
        {undo !== null && status === "Rating removed." && (
          <>
            {" "}
            <button
              type="button"
              ref={undoButton}
              class="link-button"
              onClick={() => {
                const value = undo;
                setUndo(null);
                setShown(value);
                submitAction("rate", value);
                form.current?.querySelector<HTMLInputElement>(
                  `input[value="${value}"]`,
                )?.focus();
              }}
            >
              Undo
            </button>
          </>
        )}
      </p>
    </form>
  );
}

/** The rating widget island. */
export const RatingWidget = island("rating_widget", RatingWidgetView);
