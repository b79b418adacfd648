/** A movie: facts, rating distribution, outside links, similar movies, rating. */
import { defineRoute, type WebContext } from "../../define.ts";
import { renderPage } from "../../render.tsx";
import { notFound } from "../_404.tsx";
import { MovieGrid, RatingSummary } from "../../components/movie_card.tsx";
import { RatingChart } from "../../components/rating_chart.tsx";
import { RatingWidget } from "../../islands/rating_widget.tsx";
import { displayTitle } from "../../components/title.ts";
import { PosterImage } from "../../components/poster_image.tsx";
import {
  parseSteering,
  SteerControls,
  steeredHeading,
} from "../../components/steer_controls.tsx";
import { myMovie, myMovies } from "../../my_movies.ts";

const SIMILAR = 12;

export const handler = defineRoute({
  async GET(c: WebContext) {
    const raw = c.req.param("id") ?? "";
    const id = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
    if (id < 1) return notFound(c);
    const api = c.get("api");
    const session = c.get("session");
    const [movie, mine, states] = await Promise.all([
      api.movie(id),
      session ? myMovie(c, id) : null,
      myMovies(c),
    ]);
    if (!movie) return notFound(c);
    const steering = parseSteering(
      new URL(c.req.url).searchParams,
      movie.genres,
    );
    const similar = await api.similar(id, SIMILAR, steering).catch(() => null);
    const path = `/movies/${id}`;
    const title = displayTitle(movie.title);
    return renderPage(c, {
      title: movie.year ? `${title} (${movie.year})` : title,
      description: `${title}: ${
        movie.genres.join(", ")
      }. Ratings, tags and similar movies.`,
      body: (
        <>
          <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href="/movies">Browse</a> <span aria-hidden="true">/</span>{" "}
            <span aria-current="page">{title}</span>
          </nav>
          <div class="movie-detail">
            <div class="movie-facts">
              {movie.posterPath && (
                <div
                  class="poster movie-poster"
                  style={`--hue:${(movie.id * 47) % 360}`}
                >
                  <PosterImage
                    posterPath={movie.posterPath}
                    title={title}
                    width={342}
                    sizes="(max-width: 600px) 40vw, 220px"
                    eager
                  />
                </div>
              )}
              <h1>
                {title}{" "}
                {movie.year && <span class="muted year">({movie.year})</span>}
              </h1>
              <ul class="chips" aria-label="Genres">
                {movie.genres.map((genre) => (
                  <li key={genre}>
                    <a
                      class="chip-link"
                      href={`/movies?genre=${encodeURIComponent(genre)}`}
                    >
                      {genre}
                    </a>
                  </li>
                ))}
              </ul>
              <p class="big-rating">
                <RatingSummary
                  mean={movie.ratingMean}
                  count={movie.ratingCount}
                />
              </p>
            </div>
            <div class="movie-side">
              <section class="card" aria-labelledby="your-rating-heading">
                <h2 id="your-rating-heading" class="small-heading">
                  Rate this movie
                </h2>
                {mine
                  ? (
                    <RatingWidget
                      movieId={movie.id}
                      title={title}
                      {...mine}
                      next={path}
                      lists={{ watchlist: true, hide: true }}
                    />
                  )
                  : (
                    <p>
                      <a href={`/login?next=${encodeURIComponent(path)}`}>
                        Log in
                      </a>{" "}
                      or{" "}
                      <a href={`/signup?next=${encodeURIComponent(path)}`}>
                        sign up
                      </a>{" "}
                      to rate it and get recommendations.
                    </p>
                  )}
              </section>
            </div>
            <div class="movie-more">
              <section class="card" aria-labelledby="chart-heading">
                <h2 id="chart-heading" class="small-heading">
                  How people rated it
                </h2>
                <RatingChart histogram={movie.ratingHistogram} />
              </section>
              {movie.tags.length > 0 && (
                <section aria-labelledby="tags-heading">
                  <h2 id="tags-heading" class="small-heading">Tags</h2>
                  <ul class="tags">
                    {movie.tags.slice(0, 20).map((tag) => (
                      <li key={tag}>{tag}</li>
                    ))}
                  </ul>
                </section>
              )}
              {(movie.links.imdb || movie.links.tmdb) && (
                <p class="outside-links">
                  {movie.links.imdb && (
                    <a href={movie.links.imdb} rel="noopener external">
                      IMDb <span class="sr-only">page of {title}</span>
                    </a>
                  )}
                  {movie.links.tmdb && (
                    <a href={movie.links.tmdb} rel="noopener external">
                      TMDB <span class="sr-only">page of {title}</span>
                    </a>
                  )}
                </p>
              )}
            </div>
          </div>
          <section id="similar" aria-labelledby="similar-heading">
            <h2 id="similar-heading">{steeredHeading(steering)}</h2>
            <SteerControls
              path={path}
              genres={movie.genres}
              current={steering}
            />
            {similar === null
              ? (
                <p class="alert" role="status">
                  Similar movies are unavailable right now.
                </p>
              )
              : similar.items.length === 0
              ? (
                <p class="muted">
                  {steering.steer || steering.genre
                    ? "No similar movies go that way."
                    : "No similar movies found."}
                </p>
              )
              : (
                <MovieGrid
                  movies={similar.items.map((item) => item.movie)}
                  label={`Movies similar to ${title}`}
                  mine={states}
                  layout="strip"
                />
              )}
          </section>
        </>
      ),
    });
  },
});
