/**
 * How well a query, read as a phrase, matches a title: the whole title,
 * its start, or its words in order.
 * @module
 */

/** A title as the index keeps it. */
export interface Doc {
  id: number;
  weight: number;
  /** Comparable forms (see titleForms). */
  forms: string[];
  /** Letters and digits of the main form, for coverage. */
  length: number;
}

/** What each kind of match adds to a title's score. */
export const SCORE = {
  wholeTitle: 1000,
  titleStart: 500,
  phrase: 200,
  coverage: 100,
  exactWord: 10,
  prefixWord: 4,
  article: 2,
};

/** The best of whole title, title start or phrase, over forms and readings. */
export function phraseScore(doc: Doc, versions: Reading[]): number {
  // Called for every candidate of a broad query: no allocation in here.
  let best = 0;
  for (const { phrase, startWith, compact, factor } of versions) {
    for (const form of doc.forms) {
      const score = sameWithoutSpaces(form, compact)
        ? SCORE.wholeTitle
        : form.startsWith(startWith)
        ? SCORE.titleStart
        : containsWords(form, phrase)
        ? SCORE.phrase
        : 0;
      if (score * factor > best) best = score * factor;
    }
  }
  return best;
}

/** `form` with its spaces removed equals `compact` ("spider man", "spiderman"). */
function sameWithoutSpaces(form: string, compact: string): boolean {
  if (form.length < compact.length) return false;
  let j = 0;
  for (let i = 0; i < form.length; i++) {
    const ch = form.charCodeAt(i);
    if (ch === 32) continue;
    if (j >= compact.length || ch !== compact.charCodeAt(j)) return false;
    j++;
  }
  return j === compact.length;
}

/** `phrase` occurs in `form` as whole words. */
function containsWords(form: string, phrase: string): boolean {
  for (
    let at = form.indexOf(phrase);
    at !== -1;
    at = form.indexOf(phrase, at + 1)
  ) {
    const end = at + phrase.length;
    if (
      (at === 0 || form.charCodeAt(at - 1) === 32) &&
      (end === form.length || form.charCodeAt(end) === 32)
    ) return true;
  }
  return false;
}

/** One reading of the query as a phrase, and how much it counts. */
export interface Reading {
  phrase: string;
  /** The phrase and a space: a title that starts with it. */
  startWith: string;
  compact: string;
  factor: number;
}
