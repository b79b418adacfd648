/** A movie in a grid or strip: poster tile, title, year, genres, rating. */
import type { ComponentChildren } from "preact";
import type { MovieWithStats } from "../../core/types.ts";
import type { MovieState } from "./rating_form.ts";
import { displayTitle } from "./title.ts";
import { PosterTile } from "./poster_image.tsx";

/** The fields a card shows. */
export type MovieSummary =
  & Pick<
    MovieWithStats,
    "id" | "title" | "year" | "genres" | "ratingCount" | "ratingMean"
  >
  & { posterPath?: string | null };

/** Props of `MovieCard`. */
export interface MovieCardProps {
  movie: MovieSummary;
  /** The title's heading level: one below the section's heading. */
  headingLevel?: 2 | 3;
  /** The signed-in user's state for this movie, shown as "Your rating". */
  mine?: MovieState | null;
  /** Shown under the movie (an explanation, a rating widget). */
  children?: ComponentChildren;
}

/** Average rating and count, e.g. "★ 4.2 · 1,203 ratings". */
export function RatingSummary(
  { mean, count }: { mean: number; count: number },
) {
  if (count === 0) return <span class="muted">No ratings yet</span>;
  return (
    <span class="rating-summary">
      <span class="star" aria-hidden="true">★</span>
      <span class="sr-only">Average rating</span> {mean.toFixed(1)}
      <span class="muted">
        {` · ${count.toLocaleString("en-US")} rating${count === 1 ? "" : "s"}`}
      </span>
    </span>
  );
}

/** "Your rating ★ 4.5" (or "You liked it"), when the user said something. */
export function YourRating({ mine }: { mine: MovieState }) {
  if (mine.rating === null && mine.reaction === null) return null;
  return (
    <p class="your-rating">
      {mine.rating !== null
        ? (
          <>
            Your rating <span class="star" aria-hidden="true">★</span>{" "}
            {mine.rating}
          </>
        )
        : mine.reaction === "like"
        ? "You liked it"
        : "You disliked it"}
    </p>
  );
}

/** A movie card linking to the movie page. */
export function MovieCard(
  { movie, headingLevel = 3, mine, children }: MovieCardProps,
) {
  const title = displayTitle(movie.title);
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <article class="movie-card">
      <PosterTile
        movie={movie}
        title={title}
        width={185}
        sizes="(max-width: 600px) 40vw, 185px"
      />
      <div class="movie-card-body">
        <Heading class="movie-title">
          <a href={`/movies/${movie.id}`}>{title}</a>
        </Heading>
        <p class="movie-meta">
          {movie.year ?? "Year unknown"}
          {movie.genres.length > 0 &&
            ` · ${movie.genres.slice(0, 3).join(", ")}`}
        </p>
        <p class="movie-rating">
          <RatingSummary mean={movie.ratingMean} count={movie.ratingCount} />
        </p>
        {mine && <YourRating mine={mine} />}
        {children}
      </div>
    </article>
  );
}

/** Props of `MovieGrid`. */
export interface MovieGridProps {
  movies: MovieSummary[];
  /** Names the list for screen readers. */
  label: string;
  headingLevel?: 2 | 3;
  /** The signed-in user's states, to show "Your rating" on cards. */
  mine?: Map<number, MovieState>;
  /** "strip": one row that scrolls sideways on phones. */
  layout?: "grid" | "strip";
}

/** A responsive grid (or strip) of cards. */
export function MovieGrid(props: MovieGridProps) {
  return (
    <ul
      class={props.layout === "strip" ? "movie-grid strip" : "movie-grid"}
      aria-label={props.label}
    >
      {props.movies.map((movie) => (
        <li key={movie.id}>
          <MovieCard
            movie={movie}
            headingLevel={props.headingLevel}
            mine={props.mine?.get(movie.id)}
          />
        </li>
      ))}
    </ul>
  );
}
