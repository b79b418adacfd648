import assert from "node:assert/strict";
import { benchmarkDocument, describeMachine, markdownTable } from "./report.ts";
import type { BenchRow } from "./stats.ts";

const rows: BenchRow[] = [
  {
    phase: "kernel",
    measure: "N=10k: ours / numpy",
    value: "0.59×",
    target: "≤ 3×",
    met: true,
  },
  {
    phase: "memory",
    measure: "peak RSS",
    value: "249 MB",
    target: "< 200 MB",
    met: false,
    note: "a | b",
  },
];

Deno.test("the Markdown table escapes pipes and marks misses", () => {
  const table = markdownTable(rows).split("\n");
  assert.equal(table.length, 4);
  assert.equal(
    table[3],
    "| memory | peak RSS | 249 MB | < 200 MB | **no** | a \\| b |",
  );
});

Deno.test("the document names the machine, the command and each miss", async () => {
  const machine = await describeMachine(new Date("2026-01-02T03:04:05Z"));
  assert.ok(machine.cores >= 1);
  const text = benchmarkDocument({
    machine,
    command: "deno task bench",
    seconds: 75,
    rows,
    notes: ["How."],
  });
  assert.match(text, /Written by `deno task bench`.* on 2026-01-02T03:04:05Z/);
  assert.match(text, new RegExp(`\\| ${machine.deno} \\|`));
  assert.match(text, /- \*\*peak RSS\*\*: 249 MB \(target < 200 MB\)/);
  assert.doesNotMatch(text, /- \*\*N=10k/);
});

Deno.test("a rerun keeps sections it does not write, and replaces its own", async () => {
  const machine = await describeMachine(new Date("2026-01-02T03:04:05Z"));
  const previous = [
    "# Benchmarks",
    "",
    "## Results",
    "",
    "old table",
    "",
    "## Shipped vs API alone",
    "",
    "old comparison",
    "",
    "## MiniLM",
    "",
    "Measured by hand: 12 ms.",
    "",
    "### Details",
    "",
    "more",
    "",
  ].join("\n");
  const text = benchmarkDocument({
    machine,
    command: "deno task bench",
    seconds: 1,
    rows,
    notes: [],
    sections: [{ title: "Shipped vs API alone", body: "new comparison" }],
    previous,
  });
  assert.doesNotMatch(text, /old table|old comparison/);
  assert.match(text, /## Shipped vs API alone\n\nnew comparison/);
  assert.match(
    text,
    /## MiniLM\n\nMeasured by hand: 12 ms.\n\n### Details\n\nmore\n/,
  );
  assert.equal(text.match(/## MiniLM/g)?.length, 1);
});
