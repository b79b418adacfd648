/**
 * How well a typed query matches movie titles, so that search by
 * description still puts the movie first when someone types its title.
 * An inverted index over title words: a query costs its words' postings,
 * not a pass over the catalogue.
 */

/** Articles and joining words that do not tell titles apart. */
const IGNORED = new Set(["a", "an", "the", "and", "of", "la", "le", "les"]);

/** Shortest unfinished last word that is completed ("termin" → "terminator"). */
const MIN_PREFIX = 2;

/**
 * Title words as matched: lower case, accents stripped, punctuation
 * dropped; articles ignored (MovieLens files "Godfather, The"), digits kept
 * ("Toy Story 2" is not "Toy Story").
 *
 * @example
 * titleTokens("Godfather: Part II, The"); // ["godfather", "part", "ii"]
 */
export function titleTokens(text: string): string[] {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && !IGNORED.has(w));
}

/**
 * Movies whose titles hold every word of a query, scored: 1 when the query
 * is the title (in any word order, articles aside); 0.5–0.9 when every
 * query word is in the title (more for a larger share of the title);
 * 0.9× that when the last word is only begun. Partial overlaps are left to
 * the description.
 *
 * @example
 * const titles = new TitleIndex([[858, "Godfather, The"], [3114, "Toy Story 2"]]);
 * titles.match("the godfather"); // Map { 858 => 1 }
 * titles.match("toy story"); // Map { 3114 => 0.7666… }
 */
export class TitleIndex {
  readonly #postings = new Map<string, number[]>();
  readonly #sizes = new Map<number, number>();

  constructor(titles: Iterable<readonly [number, string]>) {
    for (const [movieId, title] of titles) {
      const tokens = new Set(titleTokens(title));
      this.#sizes.set(movieId, tokens.size);
      for (const token of tokens) {
        const list = this.#postings.get(token);
        if (list) list.push(movieId);
        else this.#postings.set(token, [movieId]);
      }
    }
  }

  /** movieId → title match score (> 0) for `query`. */
  match(query: string): Map<number, number> {
    const tokens = titleTokens(query);
    const scores = new Map<number, number>();
    if (tokens.length === 0) return scores;
    const wanted = new Set(tokens);
    const last = tokens[tokens.length - 1];
    const whole = new Set(this.#postings.get(last) ?? []);
    const begun = new Set<number>();
    if (last.length >= MIN_PREFIX) {
      for (const [token, ids] of this.#postings) {
        if (token.length > last.length && token.startsWith(last)) {
          for (const id of ids) if (!whole.has(id)) begun.add(id);
        }
      }
    }
    // Every other word must be in the title as typed.
    let candidates: Iterable<number> = [...whole, ...begun];
    for (const word of wanted) {
      if (word === last) continue;
      const ids = new Set(this.#postings.get(word) ?? []);
      candidates = [...candidates].filter((id) => ids.has(id));
    }
    for (const id of candidates) {
      const size = this.#sizes.get(id)!;
      const share = 0.5 + 0.4 * Math.min(1, wanted.size / size);
      const complete = whole.has(id);
      scores.set(
        id,
        complete && wanted.size === size ? 1 : complete ? share : 0.9 * share,
      );
    }
    return scores;
  }
}
