/**
 * One onboarding question: a movie card with a half-star radio group and
 * "Haven't seen it", part of the page's one plain form (no JavaScript).
 * "Haven't seen it" starts checked, so that a person only touches the
 * movies they know; the values ascend, so the arrow keys move the way the
 * stars fill.
 */
import type { MovieSummary } from "./movie_card.tsx";
import { MovieCard } from "./movie_card.tsx";
import { StarIcon } from "./icons.tsx";
import { STAR_VALUES, starsLabel } from "./rating_form.ts";
import { displayTitle } from "./title.ts";

/** The form field that carries the answer about one movie. */
export const answerField = (movieId: number): string => `answer-${movieId}`;

/** A movie to answer about, inside the onboarding form. */
export function OnboardingQuestion({ movie }: { movie: MovieSummary }) {
  const name = answerField(movie.id);
  const id = (value: string | number) => `q-${movie.id}-${value}`;
  return (
    <MovieCard movie={movie} headingLevel={2}>
      <input type="hidden" name="movieId" value={movie.id} />
      <fieldset class="onboarding-answer">
        <legend class="sr-only">
          Your rating of {displayTitle(movie.title)}
        </legend>
        <input
          type="radio"
          class="sr-only"
          id={id("skip")}
          name={name}
          value="skip"
          checked
        />
        <label for={id("skip")} class="unseen">Haven't seen it</label>
        <span class="onboarding-stars">
          {STAR_VALUES.map((value) => (
            <>
              <input
                type="radio"
                class="sr-only"
                id={id(value)}
                name={name}
                value={value}
              />
              <label for={id(value)} class="star" title={starsLabel(value)}>
                <span class="sr-only">{starsLabel(value)}</span>
                <StarIcon part={value % 1 !== 0 ? "left" : "right"} />
              </label>
            </>
          ))}
        </span>
      </fieldset>
    </MovieCard>
  );
}
