/**
 * Renders evaluation results as Markdown: tables, summaries, the random
 * protocol's spread over seeds, the protocols and the command (the chart is
 * in chart.ts).
 */
import { SHORT_HISTORY } from "../../core/recommenders/history_router.ts";
import type { Interval } from "../../core/metrics.ts";
import type { ShortHistorySettings } from "../../core/training/serving_models.ts";
import {
  methodsSection,
  ONBOARDING_NOTE,
  protocolSection,
} from "./report_text.ts";
import {
  type MethodResult,
  NON_PERSONALISED,
  type ProtocolResult,
} from "./run.ts";

const f = (x: number, digits = 4) => x.toFixed(digits);
const ci = (i: Interval, digits = 4) =>
  `${f(i.mean, digits)} [${f(i.low, digits)}, ${f(i.high, digits)}]`;

/** The strongest non-personalised baseline at k (most-liked, most-rated or recent-popular). */
export function strongestBaseline(
  result: ProtocolResult,
  k: number,
): MethodResult | undefined {
  const baselines = result.methods.filter((m) =>
    (NON_PERSONALISED as readonly string[]).includes(m.name)
  );
  return baselines.reduce<MethodResult | undefined>(
    (a, b) =>
      !a || b.byK[k].metrics.ndcg.mean > a.byK[k].metrics.ndcg.mean ? b : a,
    undefined,
  );
}

/** One Markdown table per protocol and k. */
export function resultTables(result: ProtocolResult, k: number): string {
  const baseline = strongestBaseline(result, k);
  const base = baseline?.byK[k].metrics.ndcg.mean ?? 0;
  const effort = result.methods.some((m) => m.effort);
  const lines = [
    `| method | NDCG@${k} | × ${baseline?.name ?? "baseline"} |${
      effort ? " movies shown | ratings given |" : ""
    } precision@${k} | recall@${k} | MAP@${k} | hit rate@${k} | coverage | novelty (mean pop. rank) | hybrid − method, NDCG (paired 95% CI) | train s | rank ms/user |`,
    `|---|---|---|${
      effort ? "---|---|" : ""
    }---|---|---|---|---|---|---|---|---|`,
  ];
  for (const m of result.methods) {
    const at = m.byK[k];
    const x = at.metrics;
    const diff = at.hybridMinusThis
      ? `${ci(at.hybridMinusThis)}${at.hybridMinusThis.low > 0 ? " ✓" : ""}`
      : "—";
    const spent = m.effort
      ? ` ${f(m.effort.shown, 1)} | ${f(m.effort.rated, 1)} |`
      : " — | — |";
    lines.push(
      `| ${m.name} | ${ci(x.ndcg)} | ${
        base > 0 ? f(x.ndcg.mean / base, 2) : "—"
      } |${effort ? spent : ""} ${ci(x.precision)} | ${ci(x.recall)} | ${
        ci(x.map)
      } | ${ci(x.hitRate, 3)} | ${f(at.coverage, 3)} | ${
        Math.round(at.novelty)
      } | ${diff} | ${f(m.trainMs / 1000, 1)} | ${
        f(m.recommendMs / result.users, 2)
      } |`,
    );
  }
  return lines.join("\n");
}

/** The random protocol over several seeds: NDCG per seed, mean and spread. */
export function repeatsTable(result: ProtocolResult): string {
  const r = result.repeats;
  if (!r) return "";
  const lines = [
    `| method | ${
      r.seeds.map((s) => `NDCG@${r.k}, seed ${s}`).join(" | ")
    } | mean | spread (max − min) | sd |`,
    `|---|${r.seeds.map(() => "---|").join("")}---|---|---|`,
  ];
  for (const [name, values] of Object.entries(r.ndcg)) {
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const sd = Math.sqrt(
      values.reduce((a, v) => a + (v - mean) ** 2, 0) /
        Math.max(1, values.length - 1),
    );
    lines.push(
      `| ${name} | ${values.map((v) => f(v)).join(" | ")} | ${f(mean)} | ${
        f(Math.max(...values) - Math.min(...values))
      } | ${f(sd)} |`,
    );
  }
  return lines.join("\n");
}

/** Whether the hybrid's NDCG@k interval lies above every other method's. */
export function hybridVerdict(result: ProtocolResult, k: number): string {
  const hybrid = result.methods.find((m) => m.name === "hybrid");
  if (!hybrid) return "no hybrid in this run";
  const h = hybrid.byK[k].metrics.ndcg;
  const parts: string[] = [];
  for (const m of result.methods) {
    if (m === hybrid) continue;
    const o = m.byK[k].metrics.ndcg;
    const d = m.byK[k].hybridMinusThis;
    const separate = h.low > o.high;
    const paired = d ? d.low > 0 : false;
    parts.push(
      `${m.name}: ${
        separate
          ? "intervals do not overlap"
          : paired
          ? "intervals overlap, paired difference > 0"
          : "not separated"
      } (${f(h.mean / (o.mean || Infinity), 2)}×)`,
    );
  }
  return parts.join("; ");
}

/** What the onboarding protocol aims at: this many times most-liked's NDCG@10. */
export const ONBOARDING_TARGET = 2.0;

/**
 * One sentence per protocol, led by the hybrid's ratio to the strongest
 * non-personalised baseline, then the strongest other method.
 */
export function summaryLine(r: ProtocolResult, k = 10): string {
  const get = (name: string) => r.methods.find((m) => m.name === name);
  const hybrid = get("hybrid");
  const baseline = strongestBaseline(r, k);
  const others = r.methods.filter((m) => m.name !== "hybrid");
  if (!hybrid || !baseline || others.length === 0) {
    return `${r.protocol}: incomplete run`;
  }
  const best = others.reduce((a, b) =>
    b.byK[k].metrics.ndcg.mean > a.byK[k].metrics.ndcg.mean ? b : a
  );
  const h = hybrid.byK[k].metrics.ndcg;
  const base = baseline.byK[k].metrics.ndcg;
  const b = best.byK[k].metrics.ndcg;
  const d = best.byK[k].hybridMinusThis;
  const popular = get("popular")?.byK[k].metrics.ndcg.mean;
  const lead = `**${r.protocol}**: hybrid **${
    f(h.mean / base.mean, 2)
  }× ${baseline.name}** (the strongest non-personalised baseline, ${
    f(base.mean)
  }): NDCG@${k} ${ci(h)}${
    popular ? `, ${f(h.mean / popular, 2)}× the Bayesian average` : ""
  }`;
  const effort = hybrid.effort
    ? ` with ${f(hybrid.effort.shown, 1)} movies shown and ${
      f(hybrid.effort.rated, 1)
    } ratings given per user${onboardingTarget(r, k)}`
    : "";
  return `${lead}${effort}; strongest other method **${best.name}** ${
    ci(b)
  } (hybrid ${f(h.mean / b.mean, 2)}×); paired hybrid − ${best.name} ${
    d ? ci(d) : "—"
  } (${pairedVerdict(d)}); separate 95% intervals ${
    h.low > b.high || h.high < b.low ? "do not overlap" : "overlap"
  }.`;
}

/** What a paired interval of hybrid − other says: which side wins, if either. */
function pairedVerdict(d: Interval | undefined): string {
  if (d && d.low > 0) return "significant: the hybrid is better";
  if (d && d.high < 0) return "significant: the hybrid is worse";
  return "not significant";
}

/** The onboarding target against most-liked: met, or missed by how much. */
function onboardingTarget(r: ProtocolResult, k: number): string {
  const hybrid = r.methods.find((m) => m.name === "hybrid");
  const liked = r.methods.find((m) => m.name === "most-liked");
  if (r.protocol !== "onboarding" || !hybrid || !liked) return "";
  const ratio = hybrid.byK[k].metrics.ndcg.mean /
    liked.byK[k].metrics.ndcg.mean;
  const shown = hybrid.effort?.shown ?? 0;
  const met = ratio >= ONBOARDING_TARGET && shown <= 100;
  return ` (target ≥ ${
    f(ONBOARDING_TARGET, 1)
  }× most-liked with ≤ 100 movies shown: ${
    met
      ? "met"
      : `missed, ${f(ratio, 2)}× is ${
        f((1 - ratio / ONBOARDING_TARGET) * 100, 0)
      }% short; what was tried: tools/probes/README.md, \`deno run -A tools/probes/onboarding_variants.ts\``
  })`;
}

/** Inputs of `evaluationMarkdown`. */
export interface ReportContext {
  command: string;
  dataDir: string;
  seed: number;
  ks: number[];
  embedders: string[];
  runtimeSeconds: number;
  easeBuild: string;
}

/** One sentence on the learned blend's validation (a research row). */
function learnedLine(r: ProtocolResult): string {
  const v = r.learnedValidation;
  if (!v) return "";
  return ` Learned blend (${v.loss} loss, L2 ${v.l2}): cross-validated NDCG@10 ${
    f(v.learnedNdcg)
  } vs the re-tuned formula's ${
    f(v.baseNdcg)
  } on the validation users, so validation would ${
    v.kept ? "keep" : "not keep"
  } it.`;
}

/** One sentence on the short-history settings a hybrid routes to. */
function shortLine(
  short:
    | {
      params: object;
      validationNdcg: number;
      longValidationNdcg: number;
      onboarded?: ShortHistorySettings["onboarded"];
    }
    | null
    | undefined,
): string {
  if (!short) {
    return "Short histories: no settings of their own (no user could play a new one).";
  }
  return `Short histories (≤ ${SHORT_HISTORY} movies) get their own settings, tuned on simulated new users (validation NDCG@10 ${
    f(short.validationNdcg)
  }; the long-history settings score ${
    f(short.longValidationNdcg)
  } on them): \`${JSON.stringify(short.params)}\`.${
    onboardedLine(short.onboarded)
  }`;
}

/** One sentence on the settings of short histories that came through the onboarding. */
function onboardedLine(o: ShortHistorySettings["onboarded"]): string {
  if (!o) return "";
  return ` Short histories that came through the onboarding (they hold skips) get settings tuned on simulated answers to the questionnaire (validation NDCG@10 ${
    f(o.validationNdcg)
  }; the short-history settings score ${f(o.shortValidationNdcg)} on them): \`${
    JSON.stringify(o.params)
  }\`.`;
}

/** The served hybrid's validation figures: per task when tuned on two. */
function servedValidation(s: ProtocolResult["served"]["settings"]): string {
  if (s.validationNdcg == null) return "validation NDCG@10 —";
  if (!s.validationTasks) return `validation NDCG@10 ${f(s.validationNdcg)}`;
  return `validation NDCG@10 ${
    f(s.validationTasks.next)
  } on the next movies and ${
    f(s.validationTasks.anyTime)
  } on movies from any time (tuned on their weighted geometric mean, the next movies twice, ${
    f(s.validationNdcg)
  })`;
}

/** What the served hybrid and the research re-tuning chose on one protocol's training split. */
function settingsLines(r: ProtocolResult): string[] {
  const s = r.served.settings;
  const lines = [
    `**Served hybrid** (trained as the pipeline trains it, in ${
      (r.served.trainMs / 1000).toFixed(0)
    } s): EASE λ = ${s.lambda} over ${r.served.easeItems} movies, content ${
      s.embeddingModel ?? "none"
    }, ${servedValidation(s)}: \`${JSON.stringify(s.params)}\`. ${
      shortLine(s.short)
    }`,
  ];
  const t = r.retuned;
  if (t) {
    lines.push(
      "",
      `**Research: hybrid-retuned** (λ and the full grid chosen on a validation split carved with this protocol): EASE λ = ${t.lambda}, validation NDCG@10 ${
        f(t.validationNdcg)
      }: \`${JSON.stringify(t.params)}\`. ${shortLine(t.short)}${
        learnedLine(r)
      }`,
    );
  }
  return lines;
}

/** The whole docs/EVALUATION.md. */
export function evaluationMarkdown(
  results: ProtocolResult[],
  context: ReportContext,
): string {
  const s: string[] = [];
  s.push(
    "# Offline evaluation",
    "",
    "Generated by `deno task eval`; do not edit by hand. Reproduce with:",
    "",
    "```sh",
    context.command,
    "```",
    "",
    `Dataset: \`${context.dataDir}\`. Seed ${context.seed}. Content embedders: ${
      context.embedders.join(", ")
    }. Whole run: ${context.runtimeSeconds.toFixed(0)} s on this machine.`,
    "",
    "![NDCG per method](ndcg.svg)",
    "",
    "## Summary",
    "",
    ...results.map((r) =>
      `- ${summaryLine(r, context.ks.includes(10) ? 10 : context.ks[0])}`
    ),
    "",
    "Reading guide: each summary leads with the hybrid's ratio to the strongest non-personalised",
    "baseline of its protocol: *most-liked* (the count of ratings ≥ 4, what the API recommends to a user",
    "with no history), *most-rated* (the raw rating count) or *recent-popular* (ratings in the training",
    "data's last year). *popular*, the Bayesian average (the API's browse order), is a weaker baseline on",
    "MovieLens and only shown beside them. Each table's ratio column is against that strongest baseline.",
    "",
    "The served hybrid is tuned the way the pipeline tunes it, for both needs at once: on each",
    "user's next movies (a time-ordered validation task) and on movies from any time (a random one),",
    "by the geometric mean of the two NDCGs, the next movies weighted twice. *hybrid-retuned* is the",
    "same hybrid tuned on each protocol's own validation split alone",
    "([tools/probes/README.md](../tools/probes/README.md) on how far past EASE a blend gets).",
    "",
    ...protocolSection(context.ks),
    ...methodsSection(context.easeBuild),
    "",
  );
  for (const r of results) {
    s.push(
      `## ${r.protocol} protocol`,
      "",
      `${r.users} users evaluated (${r.excludedUsers} excluded: no relevant held-out rating), ` +
        `${r.trainRatings} training / ${r.testRatings} held-out ratings, ${r.relevantItems} relevant.`,
      "",
      ...settingsLines(r),
      "",
      ...(r.onboarding
        ? [
          `${r.onboarding.heldOutUsers} users held out of training; each answers from a random half of ${
            f(r.onboarding.meanAnswers, 1)
          } ratings on average. ${ONBOARDING_NOTE}`,
          "",
        ]
        : []),
      ...(r.repeats
        ? [
          `### Over ${r.repeats.seeds.length} seeds`,
          "",
          `The random protocol run with seeds ${
            r.repeats.seeds.join(", ")
          } (each a new split and newly trained served models; research rows on the first seed only):`,
          "",
          repeatsTable(r),
          "",
        ]
        : []),
    );
    for (const k of context.ks) {
      s.push(`### k = ${k}`, "", resultTables(r, k), "");
    }
    const k = context.ks.includes(10) ? 10 : context.ks[0];
    s.push(`Hybrid vs others at NDCG@${k}: ${hybridVerdict(r, k)}.`, "");
  }
  return s.join("\n");
}
