/** Runs pipeline steps in order; the CLI and the end-to-end test call this. */
import type { PipelineContext, StepOptions, StepResult } from "./context.ts";
import { downloadStep } from "./download.ts";
import { embedStep } from "./embed.ts";
import { loadStep } from "./load.ts";
import { postersStep } from "./posters.ts";
import { precomputeStep } from "./precompute.ts";
import { formatBytes, peakRssBytes, resetPeakRss } from "./resources.ts";

/** Names of the steps, in the order `all` runs them. */
export const STEP_NAMES = [
  "download",
  "embed",
  "load",
  "precompute",
  "posters",
] as const;
export type StepName = typeof STEP_NAMES[number];

/** Steps that split their work across Cloud Run tasks. */
const SHARDABLE = new Set<StepName>(["download", "embed"]);

const STEPS: Record<
  StepName,
  (ctx: PipelineContext, options: StepOptions) => Promise<StepResult>
> = {
  download: (ctx) => downloadStep(ctx),
  embed: embedStep,
  load: loadStep,
  precompute: precomputeStep,
  posters: postersStep,
};

/**
 * Runs `steps` (default: all, in order), logging one line per step: what it
 * did, how long it took and its peak resident memory.
 *
 * @example
 * const results = await runPipeline(ctx, ["load", "precompute"]);
 */
export async function runPipeline(
  ctx: PipelineContext,
  steps: readonly StepName[] = STEP_NAMES,
  options: StepOptions = {},
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const name of steps) {
    const started = performance.now();
    resetPeakRss();
    const { CLOUD_RUN_TASK_COUNT: count, CLOUD_RUN_TASK_INDEX: index } =
      ctx.config;
    const result = count > 1 && !SHARDABLE.has(name)
      ? {
        step: name,
        skipped: true,
        // Every shard writing the same rows would race, and precompute needs
        // every shard's embeddings.
        detail:
          `not run by shard ${index} of ${count}: run \`deno task pipeline load precompute posters\` once with CLOUD_RUN_TASK_COUNT=1 after every shard finished`,
      }
      : await STEPS[name](ctx, options);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    ctx.progress.log(
      `${name}: ${
        result.skipped ? "skipped, " : ""
      }${result.detail} (${seconds}s, peak RSS ${formatBytes(peakRssBytes())})`,
    );
    results.push(result);
  }
  return results;
}
