/**
 * Title search as people type it, shared by every store adapter: an index
 * built once from (id, title, year) rows, pure and in memory.
 *
 * - Articles are optional, wherever MovieLens files them: "the matrix" finds
 *   "Matrix, The" and "les miserables" finds "Misérables, Les"; the
 *   articles of several languages count (`ARTICLES`).
 * - Words match in any order, as whole words or the start of one ("star
 *   wars empire", "godf"); case, accents, punctuation and hyphens fold away
 *   ("spiderman", "spider man" and "Spider-Man" are one); a four-digit word
 *   may be the year.
 * - The best title match ranks first: the whole title, then its start, then
 *   the words in order, then the share of the title the query covers, then
 *   the movie's weight (how many people rated it).
 * - When nothing matches, words one or two edits away from a known word
 *   (found through their trigrams) are tried instead, and the corrected
 *   query is returned for "Did you mean …".
 *
 * Folding is in `title_fold.ts`, phrase scores in `title_phrase.ts`, typo
 * helpers in `title_typo.ts`; `TitleCatalog` (`title_catalog.ts`) keeps an
 * index current for a store.
 */
import { ARTICLES, foldedTitle, foldTitle, queryWords } from "./title_fold.ts";
import { type Doc, phraseScore, type Reading, SCORE } from "./title_phrase.ts";
import { editDistance, trigrams, typoAllowance } from "./title_typo.ts";

/** One movie as the index needs it. */
export interface TitleRow {
  id: number;
  title: string;
  year: number | null;
  /** Breaks ties between equally good matches (e.g. the rating count). */
  weight?: number;
}

/** A movie that matches, with how well. */
export interface TitleMatch {
  id: number;
  score: number;
}

/** What a search finds. */
export interface TitleSearchResult {
  /** Best first; ties by weight (descending), then id. */
  matches: TitleMatch[];
  /** The query as corrected, when the matches are for a corrected query. */
  correctedQuery: string | null;
}

/**
 * A match's `score` on 0–1, for blending title matches with other signals
 * (search by description): 1 for the whole title, else 0.5–0.9, more for
 * the title's start, the words in order and the share of the title covered.
 *
 * @example
 * titleMatchStrength(index.search("the matrix").matches[0].score); // 1
 */
export function titleMatchStrength(score: number): number {
  if (score >= SCORE.wholeTitle) return 1;
  return 0.5 + 0.4 * Math.max(0, score) / SCORE.wholeTitle;
}

const EMPTY = new Int32Array(0);

/** Binary search in an ascending list. */
function sortedHas(list: Int32Array, value: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] === value) return true;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

const plain = (list: TitleMatch[]): TitleMatch[] =>
  list.map(({ id, score }) => ({ id, score }));

/** Best first; ties by weight, then id. */
function sortMatches<T extends TitleMatch & { weight: number }>(
  list: T[],
): T[] {
  return list.sort((a, b) =>
    b.score - a.score || b.weight - a.weight || a.id - b.id
  );
}

/**
 * An in-memory index of titles.
 *
 * @example
 * const index = new TitleIndex([{ id: 2571, title: "Matrix, The", year: 1999 }]);
 * index.search("the matrix").matches; // [{ id: 2571, score: … }]
 */
export class TitleIndex {
  readonly size: number;
  readonly #docs: Doc[] = [];
  /** word → its number, for `#postings`. */
  readonly #wordIds = new Map<string, number>();
  /**
   * The docs of word number w are `#docsOf[#starts[w] .. #starts[w + 1]]`,
   * ascending: two typed arrays rather than one array per word (a large
   * catalogue has tens of thousands of words, and the garbage collector
   * would walk each).
   */
  readonly #starts: Int32Array;
  readonly #docsOf: Int32Array;
  /** Every indexed word, sorted, for prefix ranges. */
  readonly #vocabulary: string[];
  /** trigram → indices into #vocabulary, for typo candidates (built on first use). */
  #trigramIndex?: Map<number, number[]>;
  /** How many docs each vocabulary word is in (ranks corrections). */
  readonly #frequency: number[];
  /** year → indices of the docs of that year. */
  readonly #years = new Map<number, number[]>();

  constructor(rows: Iterable<TitleRow>) {
    const pairWords: number[] = [];
    const pairDocs: number[] = [];
    const lastDoc: number[] = [];
    for (const row of rows) {
      const index = this.#docs.length;
      const { forms, words, letters } = foldedTitle(row.title);
      this.#docs.push({
        id: row.id,
        weight: row.weight ?? 0,
        forms,
        length: letters,
      });
      if (row.year !== null) {
        const list = this.#years.get(row.year);
        if (list) list.push(index);
        else this.#years.set(row.year, [index]);
      }
      for (const word of words) {
        let id = this.#wordIds.get(word);
        if (id === undefined) {
          id = this.#wordIds.size;
          this.#wordIds.set(word, id);
          lastDoc.push(-1);
        }
        // A word twice in one title is posted once.
        if (lastDoc[id] === index) continue;
        lastDoc[id] = index;
        pairWords.push(id);
        pairDocs.push(index);
      }
    }
    this.size = this.#docs.length;
    // Counting sort of the (word, doc) pairs into one array per field.
    const starts = new Int32Array(this.#wordIds.size + 1);
    for (const w of pairWords) starts[w + 1]++;
    for (let w = 0; w < this.#wordIds.size; w++) starts[w + 1] += starts[w];
    const fill = starts.slice(0, -1);
    const docsOf = new Int32Array(pairDocs.length);
    // Docs were read in order, so each word's list comes out ascending.
    for (let i = 0; i < pairWords.length; i++) {
      docsOf[fill[pairWords[i]]++] = pairDocs[i];
    }
    this.#starts = starts;
    this.#docsOf = docsOf;
    this.#vocabulary = [...this.#wordIds.keys()].sort();
    this.#frequency = this.#vocabulary.map((w) => this.#postings(w).length);
  }

  /** The docs a word is in, ascending (empty for an unknown word). */
  #postings(word: string): Int32Array {
    const id = this.#wordIds.get(word);
    return id === undefined
      ? EMPTY
      : this.#docsOf.subarray(this.#starts[id], this.#starts[id + 1]);
  }

  /** Vocabulary words by trigram: only a query with a typo needs them. */
  #trigrams(): Map<number, number[]> {
    if (this.#trigramIndex) return this.#trigramIndex;
    const index = new Map<number, number[]>();
    this.#vocabulary.forEach((word, i) => {
      if (word.length < 4 || /^\d+$/.test(word)) return;
      for (const gram of trigrams(word)) {
        const list = index.get(gram);
        if (list) list.push(i);
        else index.set(gram, [i]);
      }
    });
    return this.#trigramIndex = index;
  }

  /**
   * The titles that match `query`, best first. Every word that is not an
   * article must match a word of the title (exactly, or as its start when
   * it has two letters or more) or be the movie's year; articles only add
   * to the score. Without any match, one- and two-edit corrections of the
   * unknown words are tried.
   */
  search(query: string): TitleSearchResult {
    const tokens = queryWords(foldTitle(query));
    if (tokens.length === 0) return { matches: [], correctedQuery: null };
    const matches = this.#matchJoined(tokens);
    if (matches.length > 0) {
      return { matches: plain(matches), correctedQuery: null };
    }
    const corrected = this.#correct(tokens);
    if (!corrected) return { matches: [], correctedQuery: null };
    const text = corrected.join(" ");
    return {
      matches: plain(this.#matchJoined(corrected)),
      correctedQuery: text,
    };
  }

  /**
   * Matches of the words, merged with those of each pair of neighbours
   * joined ("spider man" also finds a title written "Spiderman").
   */
  #matchJoined(tokens: string[]): (TitleMatch & { weight: number })[] {
    const lists = [this.#match(tokens)];
    for (let i = 0; i + 1 < tokens.length; i++) {
      lists.push(this.#match([
        ...tokens.slice(0, i),
        tokens[i] + tokens[i + 1],
        ...tokens.slice(i + 2),
      ]));
    }
    if (lists.length === 1 || lists.slice(1).every((l) => l.length === 0)) {
      return lists[0];
    }
    const best = new Map<number, TitleMatch & { weight: number }>();
    for (const list of lists) {
      for (const m of list) {
        if ((best.get(m.id)?.score ?? -1) < m.score) best.set(m.id, m);
      }
    }
    return sortMatches([...best.values()]);
  }

  #match(tokens: string[]): (TitleMatch & { weight: number })[] {
    // A query of articles only ("the", "a") searches for them as words.
    const onlyArticles = tokens.every((t) => ARTICLES.has(t));
    const required = onlyArticles
      ? tokens
      : tokens.filter((t) => !ARTICLES.has(t));
    const optional = tokens.filter((t) => !required.includes(t));
    // Articles are whole words, except the last of a query of articles
    // only: someone typing "lo" may be on their way to "love".
    const sets = required.map((t, i) =>
      this.#docsFor(t, onlyArticles && i === required.length - 1)
    );
    if (sets.some((s) => s.size === 0)) return [];
    // Start from the rarest word: the fewest docs to check the others in.
    sets.sort((a, b) => a.size - b.size);
    const [first, ...rest] = sets;
    // The query as a phrase, and without a leading article: the weaker
    // reading, since the title may not have that article at all.
    const reading = (words: string[], factor: number): Reading => ({
      phrase: words.join(" "),
      startWith: `${words.join(" ")} `,
      compact: words.join(""),
      factor,
    });
    const versions = [reading(tokens, 1)];
    if (ARTICLES.has(tokens[0]) && tokens.length > 1) {
      versions.push(reading(tokens.slice(1), 0.4));
    }
    // Sorted doc lists, searched per candidate (a Set of "the" would cost
    // more than the whole search).
    const optionalLists = optional.map((t) => this.#postings(t));
    // How much of a title the query covers, in letters: "godfather" is all
    // of "Godfather, The" and a third of "The Godfather Trilogy: 1972-1990".
    const letters = required.reduce((n, t) => n + t.length, 0);
    const out: (TitleMatch & { weight: number })[] = [];
    for (const [doc, firstScore] of first) {
      let score = firstScore;
      let matched = true;
      for (const set of rest) {
        const s = set.get(doc);
        if (s === undefined) {
          matched = false;
          break;
        }
        score += s;
      }
      if (!matched) continue;
      const d = this.#docs[doc];
      for (const list of optionalLists) {
        if (sortedHas(list, doc)) score += SCORE.article;
      }
      score += phraseScore(d, versions);
      score += SCORE.coverage * Math.min(1, letters / d.length);
      out.push({ id: d.id, score, weight: d.weight });
    }
    return sortMatches(out);
  }

  /** Docs matching one query word, with the word's score in each. */
  #docsFor(token: string, typing = false): Map<number, number> {
    const found = new Map<number, number>();
    for (const doc of this.#postings(token)) {
      found.set(doc, SCORE.exactWord);
    }
    // Articles are whole words; others match the start of a word too.
    if (token.length >= 2 && (typing || !ARTICLES.has(token))) {
      for (const word of this.#prefixed(token)) {
        if (word === token) continue;
        for (const doc of this.#postings(word)) {
          if (!found.has(doc)) found.set(doc, SCORE.prefixWord);
        }
      }
    }
    if (/^\d{4}$/.test(token)) {
      for (const doc of this.#years.get(Number(token)) ?? []) {
        if (!found.has(doc)) found.set(doc, SCORE.exactWord);
      }
    }
    return found;
  }

  /** Vocabulary words starting with `prefix` (binary search, then a walk). */
  #prefixed(prefix: string): string[] {
    const vocabulary = this.#vocabulary;
    let lo = 0;
    let hi = vocabulary.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (vocabulary[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < vocabulary.length; i++) {
      if (!vocabulary[i].startsWith(prefix)) break;
      out.push(vocabulary[i]);
    }
    return out;
  }

  /**
   * The query with each word that matches nothing replaced by its closest
   * known word (fewest edits, then most titles), or null when some word
   * has no close match or nothing changed.
   */
  #correct(tokens: string[]): string[] | null {
    let changed = false;
    const out: string[] = [];
    for (const token of tokens) {
      if (ARTICLES.has(token) || this.#docsFor(token).size > 0) {
        out.push(token);
        continue;
      }
      const fix = this.#closest(token);
      if (!fix) return null;
      out.push(fix);
      changed = true;
    }
    return changed ? out : null;
  }

  #closest(token: string): string | null {
    const allowance = typoAllowance(token.length);
    if (allowance === 0) return null;
    const shared = new Map<number, number>();
    const index = this.#trigrams();
    for (const gram of trigrams(token)) {
      for (const i of index.get(gram) ?? []) {
        shared.set(i, (shared.get(i) ?? 0) + 1);
      }
    }
    // A word within `allowance` edits shares most trigrams; check the likely ones.
    const least = Math.max(1, trigrams(token).length - 3 * allowance);
    let best: { word: string; distance: number; frequency: number } | null =
      null;
    for (const [i, count] of shared) {
      if (count < least) continue;
      const word = this.#vocabulary[i];
      const distance = editDistance(token, word, allowance);
      if (distance > allowance) continue;
      const frequency = this.#frequency[i];
      if (
        !best || distance < best.distance ||
        (distance === best.distance && frequency > best.frequency)
      ) {
        best = { word, distance, frequency };
      }
    }
    return best?.word ?? null;
  }
}
