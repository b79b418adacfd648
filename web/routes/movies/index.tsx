/** Browse: search, genre and year filters, sort and pages, all in the URL. */
import { defineRoute } from "../../define.ts";
import { renderPage } from "../../render.tsx";
import { ApiError, type MovieListQuery } from "../../web_api.ts";
import { Filters } from "../../components/filters.tsx";
import { MovieGrid } from "../../components/movie_card.tsx";
import { Pagination } from "../../components/pagination.tsx";

/** Movies per page. */
export const PAGE_SIZE = 24;
const SORTS = ["popular", "rating", "title", "year"] as const;

function int(value: string | null): number | undefined {
  if (!value || !/^\d{1,6}$/.test(value.trim())) return undefined;
  return Number(value);
}

/** Reads the browse state from the URL; unknown values fall back to defaults. */
export function parseBrowseQuery(params: URLSearchParams): MovieListQuery {
  const sort = params.get("sort");
  const order = params.get("order");
  return {
    q: params.get("q")?.trim() || undefined,
    genres: params.getAll("genre").filter(Boolean),
    yearFrom: int(params.get("yearFrom")),
    yearTo: int(params.get("yearTo")),
    sort: SORTS.find((s) => s === sort),
    order: order === "asc" || order === "desc" ? order : undefined,
    page: Math.max(1, int(params.get("page")) ?? 1),
    pageSize: PAGE_SIZE,
  };
}

export const handler = defineRoute({
  async GET(c) {
    const api = c.get("api");
    const url = new URL(c.req.url);
    const query = parseBrowseQuery(url.searchParams);
    const genres = await api.genres();
    let result;
    let problem: string | null = null;
    try {
      result = await api.movies(query);
    } catch (e) {
      // A filter the API refuses (e.g. years the wrong way round) is the
      // user's to fix: show it on the page rather than an error page.
      if (!(e instanceof ApiError) || e.status !== 400) throw e;
      problem = e.detail;
    }
    const heading = query.q ? `Results for “${query.q}”` : "Browse movies";
    return renderPage(c, {
      title: query.q ? `Search: ${query.q}` : "Browse",
      status: problem ? 400 : 200,
      body: (
        <div class="browse">
          <aside class="browse-filters" aria-label="Filters">
            <Filters query={query} genres={genres.genres} />
          </aside>
          <section class="browse-results" aria-labelledby="results-heading">
            <h1 id="results-heading">{heading}</h1>
            {problem && (
              <p class="alert error" role="alert">
                Please check the filters: {problem}
              </p>
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
                {result.items.length === 0
                  ? (
                    <div class="empty">
                      <p>No movies match these filters.</p>
                      <a class="button ghost" href="/movies">Clear filters</a>
                    </div>
                  )
                  : <MovieGrid movies={result.items} label="Movies" />}
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
