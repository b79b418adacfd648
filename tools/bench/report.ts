/** The machine a run was on, and the table as text and as Markdown. */
import type { BenchRow } from "./stats.ts";

/** Where and when the benchmark ran. */
export interface Machine {
  cpu: string;
  cores: number;
  ramGb: number;
  deno: string;
  v8: string;
  os: string;
  /** 1-minute load average when the run started: other work skews figures. */
  load: string;
  date: string;
}

/** Reads the CPU model, cores and RAM from /proc, and the Deno version. */
export async function describeMachine(now = new Date()): Promise<Machine> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo");
  const meminfo = await Deno.readTextFile("/proc/meminfo");
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim();
  const cores = cpuinfo.match(/^processor\s*:/gm)?.length ??
    navigator.hardwareConcurrency;
  const memKb = Number(meminfo.match(/^MemTotal:\s+(\d+)/m)?.[1] ?? NaN);
  return {
    cpu: model ?? "unknown",
    cores,
    ramGb: memKb / 1024 / 1024,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    os: `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`,
    load: (await Deno.readTextFile("/proc/loadavg")).split(" ")[0],
    date: now.toISOString().replace(/\.\d+Z$/, "Z"),
  };
}

const cell = (text: string | undefined) =>
  (text ?? "").replaceAll("|", "\\|").replaceAll("\n", " ");

function metText(row: BenchRow): string {
  if (row.met === undefined) return "";
  return row.met ? "yes" : "**no**";
}

/** The rows as a Markdown table. */
export function markdownTable(rows: BenchRow[]): string {
  const lines = [
    "| Phase | Measure | Value | Target | Met | Notes |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    lines.push(
      `| ${cell(r.phase)} | ${cell(r.measure)} | ${cell(r.value)} | ${
        cell(r.target)
      } | ${metText(r)} | ${cell(r.note)} |`,
    );
  }
  return lines.join("\n");
}

/** The rows as aligned plain text, for the terminal. */
export function textTable(rows: BenchRow[]): string {
  const columns = rows.map((r) => [
    r.phase,
    r.measure,
    r.value,
    r.target ?? "",
    r.met === undefined ? "" : r.met ? "yes" : "NO",
  ]);
  const widths = [0, 1, 2, 3, 4].map((i) =>
    Math.max(...columns.map((c) => c[i].length), 0)
  );
  return columns.map((c) =>
    c.map((text, i) => text.padEnd(Math.min(widths[i], 90))).join("  ")
      .trimEnd()
  ).join("\n");
}

/** Options for `benchmarkDocument`. */
export interface DocumentOptions {
  machine: Machine;
  command: string;
  seconds: number;
  rows: BenchRow[];
  /** Markdown paragraphs on how it was measured and what the misses mean. */
  notes: string[];
  /** Sections of their own, after the machine (title without "## "). */
  sections?: { title: string; body: string }[];
  /**
   * The file as it was: sections this generator does not write (added by
   * hand or by another tool) are kept, at the end.
   */
  previous?: string;
}

/** Section titles `benchmarkDocument` writes itself. */
const OWN_TITLES = [
  "Machine",
  "Results",
  "Targets missed",
  "How it is measured",
];

/**
 * The `## ` sections of `document` whose titles are not in `own`, verbatim,
 * in their order.
 */
export function foreignSections(document: string, own: string[]): string[] {
  const kept: string[] = [];
  const parts = document.split(/^(?=## )/m).slice(1);
  for (const part of parts) {
    const title = part.slice(3, part.indexOf("\n")).trim();
    if (!own.includes(title)) kept.push(part.trimEnd());
  }
  return kept;
}

/** The whole of docs/BENCHMARKS.md. */
export function benchmarkDocument(options: DocumentOptions): string {
  const { machine: m, rows } = options;
  const missed = rows.filter((r) => r.met === false);
  const sections = options.sections ?? [];
  const kept = options.previous
    ? foreignSections(options.previous, [
      ...OWN_TITLES,
      ...sections.map((s) => s.title),
    ])
    : [];
  return [
    "# Benchmarks",
    "",
    `Written by \`${options.command}\` (tools/bench/main.ts) on ${m.date}; the run took ${
      options.seconds.toFixed(0)
    } s. Rerun it to refresh this file: every figure below comes from one run on one machine.`,
    "",
    "## Machine",
    "",
    "| CPU | Cores | RAM | Deno | V8 | OS | Load average at start |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    `| ${m.cpu} | ${m.cores} | ${
      m.ramGb.toFixed(1)
    } GB | ${m.deno} | ${m.v8} | ${m.os} | ${m.load} |`,
    "",
    ...sections.flatMap((s) => [`## ${s.title}`, "", s.body, ""]),
    "## Results",
    "",
    markdownTable(rows),
    "",
    "## Targets missed",
    "",
    missed.length === 0
      ? "None in this run."
      : missed.map((r) =>
        `- **${r.measure}**: ${r.value} (target ${r.target}). ${
          r.fix ?? "No remedy recorded."
        }`
      ).join("\n"),
    "",
    "## How it is measured",
    "",
    ...options.notes.flatMap((n) => [n, ""]),
    ...kept.flatMap((k) => [k, ""]),
  ].join("\n");
}
