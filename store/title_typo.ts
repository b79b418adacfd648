/**
 * What typo correction in title search needs: a capped edit distance, word
 * trigrams, and how many edits a word of some length may be away.
 * @module
 */

/** Damerau–Levenshtein distance with a cap (returns cap + 1 beyond it). */
export function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(new Array(b.length + 1).fill(0));
    rows[i][0] = i;
  }
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let best = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        rows[i - 1][j] + 1,
        rows[i][j - 1] + 1,
        rows[i - 1][j - 1] + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2][j - 2] + 1);
      }
      rows[i][j] = d;
      best = Math.min(best, d);
    }
    if (best > cap) return cap + 1;
  }
  return rows[a.length][b.length];
}

/** A word's trigrams (padded), each as a number: faster Map keys than strings. */
export function trigrams(word: string): number[] {
  const padded = `  ${word} `;
  const out: number[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) {
    out.push(
      padded.charCodeAt(i) * 4294967296 + padded.charCodeAt(i + 1) * 65536 +
        padded.charCodeAt(i + 2),
    );
  }
  return out;
}

/** Edits a query word of this length may be away from a known word. */
export function typoAllowance(length: number): number {
  return length < 4 ? 0 : length < 8 ? 1 : 2;
}

/** Score parts; see `TitleIndex.search`. */
