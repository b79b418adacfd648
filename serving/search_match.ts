/** Why a search result matched, in the words users read under it. */
import type { DescriptionSearchHit } from "./description_search.ts";

/** A search result's reasons, as the API serves them. */
export interface SearchMatch {
  /** The query matches the title. */
  title: boolean;
  /** The movie's genres the query names, as the catalogue spells them. */
  genres: string[];
  /** The movie's tags the query names (multi-word tags before their words). */
  tags: string[];
  /** The decade the query names, when the movie is from it. */
  decade: number | null;
  /** One line: "Title match · tagged heist, twist · Crime". */
  text: string;
}

/**
 * The reasons of one hit. Tags that are single words of a longer matched
 * tag are left out ("dark comedy", not also "dark" and "comedy").
 *
 * @example
 * describeMatch(hit).text; // "Tagged pixar · Animation"
 */
export function describeMatch(hit: DescriptionSearchHit): SearchMatch {
  const { reasons, movie } = hit;
  const genres = movie.genres.filter((g) =>
    reasons.genre?.includes(g.toLowerCase())
  );
  const matchedTags = reasons.tag ?? [];
  const tags = matchedTags.filter((tag) =>
    !matchedTags.some((other) =>
      other !== tag && other.split(/[^\p{L}\p{N}]+/u).includes(tag)
    )
  );
  const decade = reasons.decade?.length ? Number(reasons.decade[0]) : null;
  const title = hit.title > 0;
  const parts = [
    ...(title ? ["Title match"] : []),
    ...(tags.length ? [`tagged ${tags.join(", ")}`] : []),
    ...genres,
    ...(decade !== null ? [`${decade}s`] : []),
  ];
  const text = parts.length
    ? parts.join(" · ")
    : hit.description > 0
    ? "Close in meaning to your words"
    : "";
  return {
    title,
    genres,
    tags,
    decade,
    text: text.charAt(0).toUpperCase() + text.slice(1),
  };
}
