/**
 * The browse form: a GET form, so the URL holds every filter (shareable,
 * works without JavaScript); the title field is the SearchBox island.
 */
import { SearchBox } from "../islands/search_box.tsx";
import type { MovieListQuery } from "../web_api.ts";

/** Props of `Filters`. */
export interface FiltersProps {
  query: MovieListQuery;
  genres: { genre: string; count: number }[];
}

const SORTS = [
  { value: "popular", label: "Most popular" },
  { value: "rating", label: "Highest rated" },
  { value: "title", label: "Title" },
  { value: "year", label: "Year" },
];

/** Search, genre, year and sort controls. */
export function Filters({ query, genres }: FiltersProps) {
  const selected = new Set(query.genres ?? []);
  return (
    <form class="filters" method="get" action="/movies" role="search">
      <SearchBox q={query.q ?? ""} />
      <div class="filter-row">
        <div class="field">
          <label for="yearFrom">From year</label>
          <input
            id="yearFrom"
            name="yearFrom"
            type="number"
            inputMode="numeric"
            min="1900"
            max="2030"
            placeholder="1900"
            value={query.yearFrom ?? ""}
          />
        </div>
        <div class="field">
          <label for="yearTo">To year</label>
          <input
            id="yearTo"
            name="yearTo"
            type="number"
            inputMode="numeric"
            min="1900"
            max="2030"
            placeholder="2030"
            value={query.yearTo ?? ""}
          />
        </div>
        <div class="field">
          <label for="sort">Sort by</label>
          <select id="sort" name="sort">
            {SORTS.map((s) => (
              <option
                key={s.value}
                value={s.value}
                selected={(query.sort ?? "popular") === s.value}
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
      <fieldset class="genres">
        <legend>Genres (movies must have all selected)</legend>
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
                  {genre} <span class="muted">{count}</span>
                </label>
              </span>
            );
          })}
        </div>
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="button">Apply filters</button>
        <a href="/movies" class="button ghost">Clear</a>
      </div>
    </form>
  );
}
