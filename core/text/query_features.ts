/**
 * A search query read as movie features: "feel-good 80s comedy" →
 * tag:feel-good, decade:1980, genre:comedy, tag:comedy. The same reading
 * finds what a query shares with one movie ("why it matched") and turns a
 * query into a TF-IDF vector over the stored vocabulary.
 */
import {
  decadeFeature,
  type FeatureKind,
  featureKind,
  words,
} from "./tfidf.ts";

/** Longest phrase (in words) looked up as one tag: "based on a true story". */
const MAX_PHRASE_WORDS = 4;

/** Everyday words for genres and a few common tags, as MovieLens spells them. */
const SYNONYMS: Record<string, string> = {
  "science fiction": "sci fi",
  scifi: "sci fi",
  "sci fi": "sci fi",
  animated: "animation",
  cartoon: "animation",
  cartoons: "animation",
  kids: "children",
  kid: "children",
  family: "children",
  scary: "horror",
  funny: "comedy",
  comedic: "comedy",
  comedies: "comedy",
  romantic: "romance",
  romcom: "romance comedy",
  noir: "film noir",
  documentaries: "documentary",
  musicals: "musical",
  westerns: "western",
  cowboy: "western",
  cowboys: "western",
  detective: "mystery",
  whodunit: "mystery",
  superheroes: "superhero",
  zombies: "zombie",
  vampires: "vampire",
  robot: "robots",
  alien: "aliens",
};

const DECADE_WORDS: Record<string, number> = {
  twenties: 1920,
  thirties: 1930,
  forties: 1940,
  fifties: 1950,
  sixties: 1960,
  seventies: 1970,
  eighties: 1980,
  nineties: 1990,
};

/** Phrase (words joined by spaces) → the features it names. */
export type PhraseIndex = Map<string, string[]>;

/** The lookup key of a feature's value: "tag:sci-fi" → "sci fi". */
function phraseKey(feature: string): string {
  return words(feature.slice(feature.indexOf(":") + 1)).join(" ");
}

/**
 * Indexes features by the phrase a query would use for them. Title words
 * are indexed one by one; decades are read from the query directly.
 *
 * @example
 * const index = phraseIndex(["genre:sci-fi", "tag:time travel"]);
 * index.get("sci fi"); // ["genre:sci-fi"]
 */
export function phraseIndex(features: Iterable<string>): PhraseIndex {
  const index: PhraseIndex = new Map();
  for (const feature of features) {
    const kind = featureKind(feature);
    if (kind === "decade") continue;
    const key = phraseKey(feature);
    if (key === "") continue;
    const known = index.get(key);
    if (known) known.push(feature);
    else index.set(key, [feature]);
  }
  return index;
}

/** The decade a query word names ("80s", "1980s", "eighties", "1994"), or null. */
function decadeOf(word: string): number | null {
  if (word in DECADE_WORDS) return DECADE_WORDS[word];
  const short = /^(\d)0s$/.exec(word);
  if (short) {
    const d = Number(short[1]);
    return d <= 1 ? 2000 + d * 10 : 1900 + d * 10;
  }
  const long = /^(1[89]\d0|20[0-2]0)s$/.exec(word);
  if (long) return Number(long[1]);
  const year = /^(1[89]\d\d|20[0-2]\d)$/.exec(word);
  return year ? Math.floor(Number(year[1]) / 10) * 10 : null;
}

/** Query words with synonyms spelled out ("scary scifi" → "horror sci fi"). */
export function queryWords(text: string): string[] {
  let phrase = ` ${words(text).join(" ")} `;
  // Longest synonyms first, so "science fiction" wins over its words.
  const synonyms = Object.keys(SYNONYMS).sort((a, b) => b.length - a.length);
  for (const synonym of synonyms) {
    phrase = phrase.replaceAll(` ${synonym} `, ` ${SYNONYMS[synonym]} `);
  }
  return phrase.trim().split(" ").filter(Boolean);
}

/** A phrase of the query and the features it matched. */
export interface QueryMatch {
  /** The query's words that matched, e.g. "time travel". */
  phrase: string;
  features: string[];
}

/** Lookups tried for a phrase: as typed, then with a plural's last word made singular. */
function spellings(phrase: string): string[] {
  const out = [phrase];
  if (phrase.endsWith("ies")) out.push(`${phrase.slice(0, -3)}y`);
  else if (phrase.endsWith("s") && !phrase.endsWith("ss")) {
    out.push(phrase.slice(0, -1));
  }
  return out;
}

/**
 * Every phrase of the query (up to four words) that names a feature in
 * `index`, plus the decades it names. Overlapping phrases all count: "dark
 * comedy" matches the tag "dark comedy", the tag "dark" and the genre.
 *
 * @example
 * matchQuery("space horror", phraseIndex(vocabulary.documentFrequency.keys()));
 * // [{ phrase: "space", features: ["title:space", "tag:space"] }, …]
 */
export function matchQuery(text: string, index: PhraseIndex): QueryMatch[] {
  const tokens = queryWords(text);
  const matches: QueryMatch[] = [];
  const seen = new Set<string>();
  for (let n = Math.min(MAX_PHRASE_WORDS, tokens.length); n >= 1; n--) {
    for (let start = 0; start + n <= tokens.length; start++) {
      const phrase = tokens.slice(start, start + n).join(" ");
      for (const spelling of spellings(phrase)) {
        const features = index.get(spelling)?.filter((f) => !seen.has(f));
        if (!features?.length) continue;
        for (const f of features) seen.add(f);
        matches.push({ phrase, features });
        break;
      }
    }
  }
  for (const token of tokens) {
    const decade = decadeOf(token);
    if (decade === null) continue;
    const feature = decadeFeature(decade);
    if (seen.has(feature)) continue;
    seen.add(feature);
    matches.push({ phrase: token, features: [feature] });
  }
  return matches;
}

/** The features of `matches` as a bag (each counted once). */
export function matchedFeatures(
  matches: readonly QueryMatch[],
): Map<string, number> {
  const bag = new Map<string, number>();
  for (const match of matches) {
    for (const feature of match.features) bag.set(feature, 1);
  }
  return bag;
}

/** Why one movie matched a query: the genres, tags, title words and decade it shares. */
export type MatchReasons = Partial<Record<FeatureKind, string[]>>;

/**
 * What `movieFeatureNames` (a movie's features) shares with the query,
 * grouped by kind, each value once.
 *
 * @example
 * matchReasons("pixar animation", movieFeatures(toyStory).keys());
 * // { tag: ["pixar"], genre: ["animation"] }
 */
export function matchReasons(
  query: string,
  movieFeatureNames: Iterable<string>,
): MatchReasons {
  const names = [...movieFeatureNames];
  const index = phraseIndex(names);
  const decades = new Set(
    names.filter((f) => featureKind(f) === "decade"),
  );
  const reasons: MatchReasons = {};
  for (const match of matchQuery(query, index)) {
    for (const feature of match.features) {
      const kind = featureKind(feature);
      if (kind === "decade" && !decades.has(feature)) continue;
      const value = feature.slice(feature.indexOf(":") + 1);
      const list = reasons[kind] ?? [];
      if (!list.includes(value)) list.push(value);
      reasons[kind] = list;
    }
  }
  return reasons;
}
