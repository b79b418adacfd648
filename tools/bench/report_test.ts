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
