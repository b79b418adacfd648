/** Browse: search, genre and year filters, sort and pages, all in the URL. */
import { defineRoute } from "../../define.ts";
import { renderPage } from "../../render.tsx";
import { ApiError, type MovieListQuery } from "../../web_api.ts";
import { type FilterProblems, Filters } from "../../components/filters.tsx";
import { MovieGrid } from "../../components/movie_card.tsx";
import { Pagination } from "../../components/pagination.tsx";
import { myMovies } from "../../my_movies.ts";

/** Movies per page. */
export const PAGE_SIZE = 24;
const SORTS = ["relevance", "popular", "rating", "title", "year"] as const;
/** Years the API accepts. */
const YEARS = { min: 1800, max: 2200 };

/** The browse state from the URL, and what is wrong with it. */
export interface BrowseQuery {
  query: MovieListQuery;
  problems: FilterProblems;
}

function year(
  raw: string | null,
  label: string,
  problems: FilterProblems,
  field: keyof FilterProblems,
): number | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  const value = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(value >= YEARS.min && value <= YEARS.max)) {
    problems[field] =
      `“${label}” must be a year from ${YEARS.min} to ${YEARS.max}.`;
    return undefined;
  }
  return value;
}

/**
 * Reads the browse state from the URL. Unknown sorts fall back to defaults;
 * years that cannot be used are reported, in words, by field.
 */
export function parseBrowseQuery(params: URLSearchParams): BrowseQuery {
  const sort = params.get("sort");
  const order = params.get("order");
  const problems: FilterProblems = {};
  const yearFrom = year(
    params.get("yearFrom"),
    "From year",
    problems,
    "yearFrom",
  );
  const yearTo = year(params.get("yearTo"), "To year", problems, "yearTo");
  if (yearFrom !== undefined && yearTo !== undefined && yearTo < yearFrom) {
    problems.yearTo =
      `“To year” (${yearTo}) must not be before “From year” (${yearFrom}).`;
  }
  const page = Number(params.get("page"));
  return {
    query: {
      q: params.get("q")?.trim() || undefined,
      genres: params.getAll("genre").filter(Boolean),
      yearFrom,
      yearTo,
      sort: SORTS.find((s) => s === sort),
      order: order === "asc" || order === "desc" ? order : undefined,
      page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
      pageSize: PAGE_SIZE,
    },
    problems,
  };
}

/** True when any filter other than the title is set. */
function hasFilters(query: MovieListQuery): boolean {
  return (query.genres?.length ?? 0) > 0 || query.yearFrom !== undefined ||
    query.yearTo !== undefined;
}

export const handler = defineRoute({
  async GET(c) {
    const api = c.get("api");
    const url = new URL(c.req.url);
    const { query, problems } = parseBrowseQuery(url.searchParams);
    const invalid = Object.keys(problems).length > 0;
    const [genres, mine] = await Promise.all([api.genres(), myMovies(c)]);
    let result;
    let problem: string | null = null;
    try {
      if (!invalid) result = await api.movies(query);
    } catch (e) {
      // A filter the API refuses is the user's to fix: show it on the page
      // rather than an error page.
      if (!(e instanceof ApiError) || e.status !== 400) throw e;
      problem = e.detail;
    }
    const heading = query.q ? `Results for “${query.q}”` : "Browse movies";
    const messages = [
      ...Object.values(problems),
      ...(problem ? [problem] : []),
    ];
    return renderPage(c, {
      title: query.q ? `Search: ${query.q}` : "Browse",
      status: messages.length ? 400 : 200,
      skipTo: { href: "#results", label: "Skip to results" },
      body: (
        <div class="browse">
          <aside class="browse-filters" aria-label="Filters">
            <Filters
              query={query}
              genres={genres.genres}
              problems={problems}
              raw={url.searchParams}
            />
          </aside>
          <section
            class="browse-results"
            id="results"
            tabIndex={-1}
            aria-labelledby="results-heading"
          >
            <h1 id="results-heading">{heading}</h1>
            {messages.length > 0 && (
              <div class="alert error" role="alert">
                <p>Please check the filters:</p>
                <ul>
                  {messages.map((m) => <li key={m}>{m}</li>)}
                </ul>
              </div>
            )}
            {result && (
              <>
                <p class="muted results-count" role="status">
                  {result.total.toLocaleString("en-US")}{" "}
                  movie{result.total === 1 ? "" : "s"}
                  {result.total > 0 &&
                    ` · page ${result.page} of ${
                      Math.ceil(result.total / result.pageSize)
                    }`}
                </p>
                {result.correctedQuery && (
                  <p class="did-you-mean">
                    No titles match “{query.q}”. Showing results for{" "}
                    <a
                      href={`/movies?${new URLSearchParams({
                        q: result.correctedQuery,
                      })}`}
                    >
                      <strong>{result.correctedQuery}</strong>
                    </a>
                    .
                  </p>
                )}
                {result.items.length === 0
                  ? (
                    <div class="empty">
                      <p>
                        {hasFilters(query)
                          ? "No movies match these filters."
                          : query.q
                          ? `No movie titles match “${query.q}”.`
                          : "There are no movies yet."}
                      </p>
                      {hasFilters(query) && (
                        <a
                          class="button ghost"
                          href={query.q
                            ? `/movies?q=${encodeURIComponent(query.q)}`
                            : "/movies"}
                        >
                          Clear filters
                        </a>
                      )}
                    </div>
                  )
                  : (
                    <MovieGrid
                      movies={result.items}
                      label="Movies"
                      headingLevel={2}
                      mine={mine}
                    />
                  )}
                <Pagination
                  page={result.page}
                  pageSize={result.pageSize}
                  total={result.total}
                  params={url.searchParams}
                  path="/movies"
                />
              </>
            )}
          </section>
        </div>
      ),
    });
  },
});
