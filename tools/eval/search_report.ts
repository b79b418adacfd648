/** The "Search" section of docs/EVALUATION.md, from `runSearchEvaluation`. */
import { DEFAULT_SEARCH_WEIGHTS } from "../../core/search/rank.ts";
import { SEARCH_K, type SearchEvaluation } from "./search.ts";

const f = (x: number) => x.toFixed(4);

/**
 * Markdown for the search measurements: one table of methods, the weights
 * tried, and NDCG@10 per query.
 *
 * @example
 * const markdown = searchMarkdown(await runSearchEvaluation(options));
 */
export function searchMarkdown(evaluation: SearchEvaluation): string {
  const { runs, sweep, skipped } = evaluation;
  const k = SEARCH_K;
  const lines = [
    "## Search by description",
    "",
    `The judged query set (\`tools/eval/search_judged.ts\`): ${evaluation.descriptionQueries} descriptions people type`,
    '("pixar", "heist with a twist", "feel-good 80s comedy", …), each with the ml-latest-small movies a',
    "person would expect (written from what the films are, before looking at results; binary relevance),",
    `and ${evaluation.titleQueries} titles as people type them ("the godfather", "se7en", "wall-e"), each naming one movie.`,
    "**Search by description** is `GET /api/search` as served (`serving/description_search.ts` over a store",
    "the pipeline filled): the query embedded by the pipeline's embedder and blended with title matches",
    "and popularity. **Title search** is the browse page's `GET /api/movies?q=` (title substring, most",
    "popular first). `tools/eval/search_test.ts` asserts thresholds on the same numbers.",
    "",
    `| method | NDCG@${k} | hit rate@${k} | recall@${k} | titles first | title MRR |`,
    "| --- | --- | --- | --- | --- | --- |",
    ...runs.map((r) =>
      `| ${r.method} | ${f(r.ndcg)} | ${f(r.hitRate)} | ${f(r.recall)} | ${
        f(r.titleFirst)
      } | ${f(r.titleMrr)} |`
    ),
    "",
    ...(skipped.length ? [`Not measured: ${skipped.join("; ")}.`, ""] : []),
    `Served weights: \`${
      JSON.stringify(DEFAULT_SEARCH_WEIGHTS)
    }\` (\`core/search/rank.ts\`). Other weights on the`,
    "same queries (chosen on this set, so read them as sensitivity, not as a held-out result):",
    "",
    `| method | NDCG@${k} | hit rate@${k} | titles first |`,
    "| --- | --- | --- | --- |",
    ...sweep.map((r) =>
      `| ${r.method} | ${f(r.ndcg)} | ${f(r.hitRate)} | ${f(r.titleFirst)} |`
    ),
    "",
    `NDCG@${k} per description query:`,
    "",
    `| query | ${runs.map((r) => r.method).join(" | ")} |`,
    `| --- | ${runs.map(() => "---").join(" | ")} |`,
    ...runs[0].perQuery.map((q, i) =>
      `| ${q.query} | ${runs.map((r) => f(r.perQuery[i].ndcg)).join(" | ")} |`
    ),
    "",
    "Reading guide: TF-IDF can only meet a query on words the catalogue has — genres, title words and",
    "user tags (in ml-latest-small only 1,572 of 9,742 movies have a tag) — so a description of a movie",
    "nobody tagged finds it only through its genres. MiniLM reads meaning, but from the same text (title,",
    "year, genres, tags; no plot). Popularity lifts the movies people expect over obscure movies with",
    "the same words.",
    "",
  ];
  return lines.join("\n");
}

/**
 * `report` with its "## Search by description" section (to the end)
 * replaced by `section`, or `section` appended when it has none.
 *
 * @example
 * withSearchSection("# Evaluation\n", "## Search by description\n…"); // "# Evaluation\n\n## Search by description\n…"
 */
export function withSearchSection(report: string, section: string): string {
  const start = report.indexOf("## Search by description");
  const kept = start >= 0 ? report.slice(0, start) : report;
  return `${kept.trimEnd()}\n\n${section}`;
}
