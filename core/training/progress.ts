/**
 * How training reports progress without doing I/O itself: the pipeline passes
 * its console reporter, the evaluation its own, tests nothing.
 */

/** One counted task (e.g. tuning trials). */
export interface TrainingTask {
  advance(n: number): void;
  done(): void;
}

/** A sink for training's log lines and counted tasks. */
export interface TrainingProgress {
  log(message: string): void;
  task(label: string, total: number, unit?: string): TrainingTask;
}

/** Reports nothing. */
export const silentTraining: TrainingProgress = {
  log() {},
  task: () => ({ advance() {}, done() {} }),
};
