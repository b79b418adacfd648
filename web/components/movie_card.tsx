/** A movie in a grid or strip: poster tile, title, year, genres, rating. */
import type { ComponentChildren } from "preact";
import type { MovieWithStats } from "../../core/types.ts";
import { displayTitle } from "./title.ts";
import { initials, PosterImage } from "./poster.tsx";

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

/** A movie card linking to the movie page. */
export function MovieCard({ movie, children }: MovieCardProps) {
  const hue = (movie.id * 47) % 360;
  const title = displayTitle(movie.title);
  return (
    <article class="movie-card">
      <a
        href={`/movies/${movie.id}`}
        class="poster"
        style={`--hue:${hue}`}
        tabIndex={-1}
        aria-hidden="true"
      >
        <span>{initials(title)}</span>
        {movie.posterPath && (
          <PosterImage
            posterPath={movie.posterPath}
            title={title}
            width={185}
            sizes="(max-width: 600px) 40vw, 185px"
          />
        )}
      </a>
      <div class="movie-card-body">
        <h3 class="movie-title">
          <a href={`/movies/${movie.id}`}>{title}</a>
        </h3>
        <p class="movie-meta">
          {movie.year ?? "Year unknown"}
          {movie.genres.length > 0 &&
            ` · ${movie.genres.slice(0, 3).join(", ")}`}
        </p>
        <p class="movie-rating">
          <RatingSummary mean={movie.ratingMean} count={movie.ratingCount} />
        </p>
        {children}
      </div>
    </article>
  );
}

/** A responsive grid of cards. */
export function MovieGrid(
  { movies, label }: { movies: MovieSummary[]; label: string },
) {
  return (
    <ul class="movie-grid" aria-label={label}>
      {movies.map((movie) => (
        <li key={movie.id}>
          <MovieCard movie={movie} />
        </li>
      ))}
    </ul>
  );
}
