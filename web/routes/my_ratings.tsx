/**
 * The signed-in user's ratings and likes: sort, filter, change or remove
 * them (with Undo).
 */
import { defineRoute } from "../define.ts";
import { renderPage } from "../render.tsx";
import { RatingWidget } from "../islands/rating_widget.tsx";
import { displayTitle, sortTitle } from "../components/title.ts";
import { Day } from "../components/day.tsx";
import { PosterTile } from "../components/poster_image.tsx";
import type { MyInteraction } from "../my_movies.ts";

/** One movie of the list, with everything the user said about it. */
export interface MovieRow {
  movie: { id: number; title: string; year: number | null };
  rating: number | null;
  reaction: "like" | "dislike" | null;
  /** Marked "not interested". */
  hidden: boolean;
  /** Latest change, ms since the epoch. */
  timestamp: number;
}

const SORTS = {
  recent: "Most recent",
  high: "Highest rating",
  low: "Lowest rating",
  title: "Title",
} as const;
const SHOWS = {
  all: "Everything",
  rated: "Rated",
  liked: "Liked",
  disliked: "Disliked",
  hidden: "Not interested",
} as const;

/** How the list is sorted. */
export type RatingsSort = keyof typeof SORTS;
/** Which rows the list shows. */
export type RatingsShow = keyof typeof SHOWS;

/** One row per movie, newest change first (items arrive newest first). */
export function ratingRows(items: MyInteraction[]): MovieRow[] {
  const rows = new Map<number, MovieRow>();
  for (const item of items) {
    // Views are implicit, "haven't seen it" is no rating to change here, and
    // the watchlist has its own page.
    if (
      item.type === "view" || item.type === "skip" || item.type === "watchlist"
    ) continue;
    const row = rows.get(item.movieId) ??
      {
        movie: item.movie,
        rating: null,
        reaction: null,
        hidden: false,
        timestamp: item.timestamp,
      };
    if (item.type === "rating") row.rating = item.value;
    else if (item.type === "hide") row.hidden = true;
    else row.reaction = item.type;
    rows.set(item.movieId, row);
  }
  return [...rows.values()];
}

/**
 * The rows to show, in order. Unrated rows sort after rated ones by rating;
 * ties keep the most recent first.
 */
export function arrangeRows(
  rows: MovieRow[],
  options: { sort: RatingsSort; show: RatingsShow },
): MovieRow[] {
  const shown = rows.filter((r) =>
    options.show === "all" ||
    (options.show === "rated" && r.rating !== null) ||
    (options.show === "liked" && r.reaction === "like") ||
    (options.show === "disliked" && r.reaction === "dislike") ||
    (options.show === "hidden" && r.hidden)
  );
  const byRating = (sign: 1 | -1) => (a: MovieRow, b: MovieRow) =>
    a.rating === null
      ? (b.rating === null ? 0 : 1)
      : b.rating === null
      ? -1
      : sign * (a.rating - b.rating);
  const compare = {
    recent: () => 0,
    high: byRating(-1),
    low: byRating(1),
    title: (a: MovieRow, b: MovieRow) =>
      sortTitle(a.movie.title).localeCompare(sortTitle(b.movie.title)),
  }[options.sort];
  // Array.prototype.sort is stable: equal rows keep the newest first.
  return options.sort === "recent" ? shown : shown.sort(compare);
}

/** A labelled select of `options` (value → label). */
function Choice(
  props: {
    id: string;
    label: string;
    name: string;
    options: Record<string, string>;
    value: string;
  },
) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name}>
        {Object.entries(props.options).map(([value, label]) => (
          <option key={value} value={value} selected={props.value === value}>
            {label}
          </option>
        ))}
      </select>
    </>
  );
}

function pick<T extends Record<string, string>>(
  options: T,
  value: string | undefined,
  fallback: keyof T,
): keyof T {
  return value !== undefined && value in options ? value : fallback;
}

export const handler = defineRoute({
  async GET(c) {
    const session = c.get("session");
    if (!session) return c.redirect("/login?next=/my-ratings", 303);
    const sort = pick(SORTS, c.req.query("sort"), "recent") as RatingsSort;
    const show = pick(SHOWS, c.req.query("show"), "all") as RatingsShow;
    const { items } = await c.get("api").interactions(session.accessToken);
    const all = ratingRows(items);
    const list = arrangeRows(all, { sort, show });
    const rated = all.filter((r) => r.rating !== null).length;
    const reactedOnly = all.filter((r) =>
      r.rating === null && r.reaction !== null
    ).length;
    const hidden = all.filter((r) => r.hidden).length;
    const url = new URL(c.req.url);
    const here = url.pathname + url.search;
    return renderPage(c, {
      title: "My ratings",
      body: (
        <>
          <div class="page-head">
            <h1>My ratings</h1>
            <p class="muted">
              {rated} rated · {reactedOnly} liked or disliked only
              {hidden > 0 && ` · ${hidden} not interested`}
            </p>
          </div>
          {all.length === 0
            ? (
              <div class="empty">
                <h2>You have not rated anything yet</h2>
                <p>Rate movies you have seen to get recommendations.</p>
                <a class="button" href="/for-you">Rate popular movies</a>{" "}
                <a class="button ghost" href="/movies">Browse</a>
              </div>
            )
            : (
              <>
                <form
                  method="get"
                  action="/my-ratings"
                  class="inline list-controls"
                >
                  <Choice
                    id="mr-show"
                    label="Show"
                    name="show"
                    options={SHOWS}
                    value={show}
                  />
                  <Choice
                    id="mr-sort"
                    label="Sort by"
                    name="sort"
                    options={SORTS}
                    value={sort}
                  />
                  <button type="submit" class="button small">Apply</button>
                </form>
                {list.length === 0
                  ? <p class="empty">Nothing here with this filter.</p>
                  : (
                    <ul class="ratings-list" aria-label="Your ratings">
                      {list.map((row) => (
                        <li key={row.movie.id} class="rating-row">
                          <PosterTile
                            movie={row.movie}
                            title={displayTitle(row.movie.title)}
                            width={92}
                            sizes="46px"
                            class="row-poster"
                          />
                          <div class="rating-row-title">
                            <a href={`/movies/${row.movie.id}`}>
                              {displayTitle(row.movie.title)}
                            </a>
                            {row.movie.year && (
                              <span class="muted">
                                {` (${row.movie.year})`}
                              </span>
                            )}
                            <p class="muted small">
                              <Day ms={row.timestamp} />
                            </p>
                          </div>
                          <RatingWidget
                            movieId={row.movie.id}
                            title={displayTitle(row.movie.title)}
                            rating={row.rating}
                            reaction={row.reaction}
                            watchlist={false}
                            hidden={row.hidden}
                            next={here}
                            lists={row.hidden ? { hide: true } : undefined}
                          />
                        </li>
                      ))}
                    </ul>
                  )}
              </>
            )}
        </>
      ),
    });
  },
});
