/**
 * "More like this, but…" on a movie page: plain links that steer the
 * similar movies (newer, lighter, …) or narrow them to one of the movie's
 * genres, so they work without JavaScript. The choice lives in the URL.
 */
import { type Steer, STEERS } from "../../core/recommenders/steer.ts";
import type { SimilarSteering } from "../web_api.ts";

const LABELS: Record<Steer, string> = {
  newer: "Newer",
  older: "Older",
  lighter: "Lighter",
  darker: "Darker",
  popular: "More popular",
};

/**
 * The steering a movie page's URL asks for: `more` one of `STEERS`, `genre`
 * one of the movie's genres; anything else is ignored.
 */
export function parseSteering(
  params: URLSearchParams,
  genres: readonly string[],
): SimilarSteering {
  const more = params.get("more");
  const genre = params.get("genre");
  return {
    steer: STEERS.find((s) => s === more),
    genre: genre && genres.includes(genre) ? genre : undefined,
  };
}

/** "Similar movies", "Similar movies, but darker", "Similar Comedy movies, but newer". */
export function steeredHeading(steering: SimilarSteering): string {
  const kind = steering.genre
    ? `Similar ${steering.genre} movies`
    : "Similar movies";
  return steering.steer
    ? `${kind}, but ${LABELS[steering.steer].toLowerCase()}`
    : kind;
}

function href(path: string, steering: SimilarSteering): string {
  const query = new URLSearchParams();
  if (steering.steer) query.set("more", steering.steer);
  if (steering.genre) query.set("genre", steering.genre);
  const text = query.toString();
  return `${path}${text ? `?${text}` : ""}#similar`;
}

/** Props of `SteerControls`. */
export interface SteerControlsProps {
  /** The movie page's path, e.g. "/movies/1". */
  path: string;
  genres: readonly string[];
  current: SimilarSteering;
}

/** Links that steer (a second click on the current one clears it). */
export function SteerControls({ path, genres, current }: SteerControlsProps) {
  return (
    <nav class="steer" aria-label="More like this, but">
      <p class="steer-label">More like this, but</p>
      <ul class="chips">
        {STEERS.map((steer) => (
          <li key={steer}>
            <a
              class="chip-link"
              href={href(path, {
                ...current,
                steer: current.steer === steer ? undefined : steer,
              })}
              aria-current={current.steer === steer ? "true" : undefined}
            >
              {LABELS[steer]}
            </a>
          </li>
        ))}
      </ul>
      {genres.length > 1 && (
        <>
          <p class="steer-label">Only</p>
          <ul class="chips">
            {genres.map((genre) => (
              <li key={genre}>
                <a
                  class="chip-link"
                  href={href(path, {
                    ...current,
                    genre: current.genre === genre ? undefined : genre,
                  })}
                  aria-current={current.genre === genre ? "true" : undefined}
                >
                  {genre}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
      {(current.steer || current.genre) && (
        <p>
          <a href={href(path, {})}>Show all similar movies</a>
        </p>
      )}
    </nav>
  );
}
