import assert from "node:assert/strict";
import type { EmbeddingMatrix, Interaction } from "../../core/types.ts";
import { parseEvalArgs } from "./main.ts";
import { withSearchSection } from "./search_report.ts";
import { ndcgChart } from "./chart.ts";
import { evaluationMarkdown } from "./report.ts";
import { evaluateProtocol } from "./run.ts";
import { evaluateOnboarding } from "./onboarding_protocol.ts";
import { silentProgress } from "../../pipeline/progress.ts";

Deno.test("parseEvalArgs: defaults, flags and errors", () => {
  const d = parseEvalArgs([]);
  assert.equal(d.data, "../shared/data/ml-latest-small");
  assert.deepEqual(d.protocols, [
    "random",
    "temporal",
    "new-users",
    "onboarding",
  ]);
  assert.equal(d.repeats, 3);
  assert.equal(parseEvalArgs(["--repeats", "1"]).repeats, 1);
  assert.deepEqual(parseEvalArgs(["--protocol", "onboarding"]).protocols, [
    "onboarding",
  ]);
  assert.deepEqual(parseEvalArgs(["--protocol", "both"]).protocols, [
    "random",
    "temporal",
  ]);
  assert.deepEqual(parseEvalArgs(["--protocol", "new-users"]).protocols, [
    "new-users",
  ]);
  assert.deepEqual(d.ks, [10, 20]);
  const a = parseEvalArgs([
    "--protocol",
    "temporal",
    "--k",
    "5,10",
    "--seed",
    "7",
    "--no-write",
  ]);
  assert.deepEqual(a.protocols, ["temporal"]);
  assert.deepEqual(a.ks, [5, 10]);
  assert.equal(a.seed, 7);
  assert.equal(a.write, false);
  assert.equal(a.search, true);
  assert.equal(parseEvalArgs(["--no-search"]).search, false);
  assert.equal(d.onlySearch, false);
  assert.equal(parseEvalArgs(["--only-search"]).onlySearch, true);
  assert.throws(
    () => parseEvalArgs(["--protocol", "soon"]),
    /expected random, temporal, new-users, onboarding, both \(random and temporal\) or all, found "soon"/,
  );
  assert.throws(
    () => parseEvalArgs(["--bogus", "1"]),
    /Unknown flag "--bogus"/,
  );
});

/**
 * 40 users in two taste groups over 2 × `perGroup` movies: collaborative
 * structure to find. Each user rates about two thirds of their group's.
 */
function synthetic(perGroup = 20): {
  ratings: Interaction[];
  ids: number[];
  content: EmbeddingMatrix;
} {
  const ratings: Interaction[] = [];
  for (let u = 0; u < 40; u++) {
    const group = u % 2;
    for (let m = 0; m < perGroup; m++) {
      if ((u * 7 + m) % 3 === 0) continue;
      ratings.push({
        userId: `ml:${u}`,
        movieId: group * perGroup + m + 1,
        type: "rating",
        value: m % 4 === 0 ? 3 : 4.5,
        timestamp: (u * 100 + ((m * 13 + u * 7) % perGroup)) * 1000,
      });
    }
  }
  const ids = Array.from({ length: 2 * perGroup }, (_, i) => i + 1);
  const vectors = new Float32Array(4 * perGroup);
  ids.forEach((id, i) => vectors[i * 2 + (id <= perGroup ? 0 : 1)] = 1);
  return {
    ratings,
    ids,
    content: { ids: Int32Array.from(ids), dim: 2, vectors },
  };
}

Deno.test("evaluateProtocol ranks every method and collaborative beats random", () => {
  for (const protocol of ["random", "temporal", "new-users"] as const) {
    // new users keep 5 of at least 20 ratings: give them more to rate
    const { ratings, ids, content } = synthetic(
      protocol === "new-users" ? 40 : 20,
    );
    const result = evaluateProtocol(ratings, {
      protocol,
      catalogueIds: ids,
      ks: [5],
      seed: 1,
      embeddings: { tfidf: content },
      servedEmbedding: "tfidf",
      lambdas: [1],
      minCount: 2,
      bootstrapSamples: 50,
      progress: silentProgress,
    });
    const names = result.methods.map((m) => m.name);
    assert.deepEqual(names, [
      "random",
      "popular",
      "most-rated",
      "most-liked",
      "recent-popular",
      "content-tfidf",
      "itemknn",
      "ease",
      "ease-liked",
      "sequence",
      "hybrid-retuned",
      "hybrid-learned",
      "hybrid-at-user-time",
      "hybrid-short-up-to-10",
      "hybrid",
    ]);
    const ndcg = (name: string) =>
      result.methods.find((m) => m.name === name)!.byK[5].metrics.ndcg;
    assert.ok(ndcg("ease").mean > ndcg("random").mean, protocol);
    assert.ok(ndcg("hybrid").mean > ndcg("random").mean, protocol);
    assert.ok(result.users > 0);
    const md = evaluationMarkdown([result], {
      command: "deno task eval",
      dataDir: "synthetic",
      seed: 1,
      ks: [5],
      embedders: ["tfidf"],
      runtimeSeconds: 1,
      easeBuild: "",
    });
    assert.match(md, /\| hybrid \|/);
    const svg = ndcgChart([result], 5);
    assert.match(svg, /^<svg/);
    assert.match(svg, /hybrid/);
  }
});

Deno.test("evaluateOnboarding plays every held-out user and reports their effort", () => {
  const { ratings, ids, content } = synthetic(40);
  const result = evaluateOnboarding(ratings, {
    protocol: "onboarding",
    catalogueIds: ids,
    ks: [5],
    seed: 1,
    embeddings: { tfidf: content },
    servedEmbedding: "tfidf",
    minCount: 2,
    bootstrapSamples: 50,
    progress: silentProgress,
  });
  assert.deepEqual(result.methods.map((m) => m.name), [
    "most-liked",
    "most-rated",
    "recent-popular",
    "ease, first 10 ratings",
    "ease, most-rated questionnaire",
    "ease, adaptive questionnaire",
    "hybrid, first 10 ratings",
    "hybrid, most-rated questionnaire",
    "hybrid-short-up-to-10",
    "hybrid-skips-excluded",
    "hybrid",
  ]);
  assert.equal(result.onboarding?.heldOutUsers, 8);
  const hybrid = result.methods.find((m) => m.name === "hybrid")!;
  // whole pages of 10, at most 10 of them, and answers found on them
  const { shown, rated } = hybrid.effort!;
  assert.ok(shown > 0 && shown <= 100, JSON.stringify(hybrid.effort));
  assert.ok(rated > 0 && rated <= shown, JSON.stringify(hybrid.effort));
  // the taste groups are found: the hybrid beats one list for everybody
  const ndcg = (name: string) =>
    result.methods.find((m) => m.name === name)!.byK[5].metrics.ndcg.mean;
  assert.ok(ndcg("hybrid") > ndcg("most-liked"));
  const md = evaluationMarkdown([result], {
    command: "deno task eval --protocol onboarding",
    dataDir: "synthetic",
    seed: 1,
    ks: [5],
    embedders: ["tfidf"],
    runtimeSeconds: 1,
    easeBuild: "",
  });
  assert.match(md, /\*\*onboarding\*\*: hybrid \*\*[\d.]+× [a-z-]+\*\*/);
  assert.match(md, /\| movies shown \| ratings given \|/);
  assert.match(
    md,
    /target ≥ 2\.0× most-liked with ≤ 100 movies shown: (met|missed)/,
  );
});

Deno.test("the CLI reports a dataset too small to evaluate, without a stack", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./main.ts", import.meta.url).pathname,
      "--data",
      new URL("../../tests/fixtures/ml-1m", import.meta.url).pathname,
      "--no-write",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 1);
  assert.match(text, /\[temporal\] skipped: no test user has a liked/);
  assert.match(text, /eval failed: Nothing to evaluate in .*ml-1m/);
  assert.doesNotMatch(text, /^\s+at /m); // no stack frames
});

Deno.test("--only-search replaces the search section and keeps the rest", () => {
  const report = "# Evaluation\n\nrecommenders…\n";
  const first = withSearchSection(report, "## Search by description\n\nold\n");
  assert.equal(
    first,
    "# Evaluation\n\nrecommenders…\n\n## Search by description\n\nold\n",
  );
  assert.equal(
    withSearchSection(first, "## Search by description\n\nnew\n"),
    "# Evaluation\n\nrecommenders…\n\n## Search by description\n\nnew\n",
  );
});
