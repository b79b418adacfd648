import assert from "node:assert/strict";
import { foreignSections } from "../bench/report.ts";
import { minilmSection, SECTION_TITLE, withMinilmSection } from "./bench.ts";

const section = (value: string) =>
  minilmSection([{ phase: "embed", measure: "fp32", value }], {
    date: "2026-01-01T00:00:00Z",
    seconds: 1,
    model: "m",
  });

Deno.test("the MiniLM section is appended once, then replaced in place, and deno task bench keeps it", () => {
  const document = "# Benchmarks\n\n## Results\n\nresults\n";
  const first = withMinilmSection(document, section("10 s"));
  assert.ok(first.startsWith(document.trimEnd()));
  assert.ok(first.includes("| embed | fp32 | 10 s |"));

  const later = `${first}\n## Another tool\n\nits text\n`;
  const second = withMinilmSection(later, section("20 s"));
  assert.equal(second.split(`## ${SECTION_TITLE}`).length, 2, "one section");
  assert.ok(second.includes("20 s") && !second.includes("10 s"));
  assert.ok(second.includes("## Another tool\n\nits text"), "others kept");

  // deno task bench rewrites its own sections and keeps the others verbatim.
  const kept = foreignSections(second, ["Results"]);
  assert.equal(kept.length, 2);
  assert.ok(
    kept[0].startsWith(`## ${SECTION_TITLE}`) && kept[0].includes("20 s"),
  );
});
