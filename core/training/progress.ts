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

/**
 * A task of 1000 steps driven by a share-of-work callback (0–1], as
 * `trainEase` reports it: progress with ETA for one long computation.
 *
 * @example
 * ```ts
 * const task = shareTask(progress, "EASE λ=500");
 * trainEase(matrix, { onProgress: task.onProgress });
 * task.done();
 * ```
 */
export function shareTask(
  progress: TrainingProgress,
  label: string,
): { onProgress: (done: number) => void; done: () => void } {
  const steps = 1000;
  const task = progress.task(label, steps, "steps");
  let reported = 0;
  return {
    onProgress(done) {
      const now = Math.min(steps, Math.round(done * steps));
      if (now > reported) task.advance(now - reported);
      reported = Math.max(reported, now);
    },
    done: () => task.done(),
  };
}

/**
 * Runs one stage of training that has no count of its own and logs what it
 * took, so that the log says where the minutes went.
 *
 * @example
 * ```ts
 * const knn = timedStage(progress, "item-kNN", () => trainItemKnn(matrix));
 * ```
 */
export function timedStage<T>(
  progress: TrainingProgress,
  label: string,
  work: () => T,
): T {
  const started = performance.now();
  const result = work();
  progress.log(
    `${label} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return result;
}

/** Reports nothing. */
export const silentTraining: TrainingProgress = {
  log() {},
  task: () => ({ advance() {}, done() {} }),
};
