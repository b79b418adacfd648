/**
 * The browse form: a GET form, so the URL holds every filter (shareable,
 * works without JavaScript); the title field is the SearchBox island. The
 * twenty genres fold into a disclosure, closed unless one is chosen, so a
 * keyboard reaches the results without tabbing through them.
 */
import { SearchBox } from "../islands/search_box.tsx";
import type { MovieListQuery } from "../web_api.ts";

/** A filter the user has to fix, by field. */
export type FilterProblems = Partial<Record<"yearFrom" | "yearTo", string>>;

/** Props of `Filters`. */
export interface FiltersProps {
  query: MovieListQuery;
  genres: { genre: string; count: number }[];
  /** Messages for fields the user has to fix. */
  problems?: FilterProblems;
  /** The URL's parameters, to show back what could not be used. */
  raw?: URLSearchParams;
}

const SORTS = [
  { value: "relevance", label: "Best match" },
  { value: "popular", label: "Most popular" },
  { value: "rating", label: "Highest rated" },
  { value: "title", label: "Title" },
  { value: "year", label: "Year" },
];

function YearField(
  props: {
    name: "yearFrom" | "yearTo";
    label: string;
    value?: number;
    raw: string | null;
    problem?: string;
    placeholder: string;
  },
) {
  const errorId = `${props.name}-error`;
  return (
    <div class="field">
      <label for={props.name}>{props.label}</label>
      <input
        id={props.name}
        name={props.name}
        type="number"
        inputMode="numeric"
        min="1800"
        max="2200"
        placeholder={props.placeholder}
        value={props.value ?? props.raw ?? ""}
        aria-invalid={props.problem ? "true" : undefined}
        aria-describedby={props.problem ? errorId : undefined}
      />
      {props.problem && <p class="field-error" id={errorId}>{props.problem}</p>}
    </div>
  );
}

/** Search, genre, year and sort controls. */
export function Filters(
  { query, genres, problems = {}, raw }: FiltersProps,
) {
  const selected = new Set(query.genres ?? []);
  return (
    <form
      class="filters"
      method="get"
      action="/movies"
      role="search"
      aria-label="Movie filters"
    >
      <SearchBox q={query.q ?? ""} />
      <div class="filter-row">
        <YearField
          name="yearFrom"
          label="From year"
          value={query.yearFrom}
          raw={raw?.get("yearFrom") ?? null}
          problem={problems.yearFrom}
          placeholder="1900"
        />
        <YearField
          name="yearTo"
          label="To year"
          value={query.yearTo}
          raw={raw?.get("yearTo") ?? null}
          problem={problems.yearTo}
          placeholder="2030"
        />
      </div>
      <div class="filter-row sort-row">
        <div class="field">
          <label for="sort">Sort by</label>
          <select id="sort" name="sort">
            {SORTS.filter((s) => query.q || s.value !== "relevance").map((
              s,
            ) => (
              <option
                key={s.value}
                value={s.value}
                selected={(query.sort ??
                  (query.q ? "relevance" : "popular")) ===
                  s.value}
              >
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="order">Order</label>
          <select id="order" name="order">
            <option value="" selected={!query.order}>Default</option>
            <option value="desc" selected={query.order === "desc"}>
              Descending
            </option>
            <option value="asc" selected={query.order === "asc"}>
              Ascending
            </option>
          </select>
        </div>
      </div>
      <details class="genres" open={selected.size > 0}>
        <summary>
          Genres
          <span class="muted">
            {selected.size > 0 ? ` · ${selected.size} chosen` : " · any"}
          </span>
        </summary>
        <fieldset>
          <legend class="hint">A movie must have every chosen genre.</legend>
          <div class="chips">
            {genres.map(({ genre, count }) => {
              const id = `genre-${genre.replace(/\W+/g, "-")}`;
              return (
                <span class="chip" key={genre}>
                  <input
                    type="checkbox"
                    id={id}
                    name="genre"
                    value={genre}
                    checked={selected.has(genre)}
                  />
                  <label for={id}>
                    {genre} <span class="count">{count}</span>
                  </label>
                </span>
              );
            })}
          </div>
        </fieldset>
      </details>
      <div class="form-actions">
        <button type="submit" class="button">Apply filters</button>
        <a href="/movies" class="button ghost">Clear</a>
      </div>
    </form>
  );
}
