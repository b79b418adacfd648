/** What every pipeline step receives, and what it reports back. */
import type { Config } from "../config/mod.ts";
import type { ObjectStorage, Store } from "../store/types.ts";
import type { ProgressReporter } from "./progress.ts";

/** The dependencies of a step; tests build one with a temp store. */
export interface PipelineContext {
  config: Config;
  store: Store;
  objects: ObjectStorage;
  progress: ProgressReporter;
}

/** Options shared by every step. */
export interface StepOptions {
  /** Redo the step even when its fingerprint says it is done. */
  force?: boolean;
}

/** The outcome of one step, for the CLI summary and tests. */
export interface StepResult {
  step: string;
  /** True when the step found its work already done. */
  skipped: boolean;
  /** One line: what was done. */
  detail: string;
}
