import assert from "node:assert/strict";
import { consoleProgress } from "./progress.ts";

Deno.test("without a terminal, progress logs a line every 25% with rate and ETA", () => {
  const lines: string[] = [];
  let clock = 0;
  const progress = consoleProgress({
    live: false,
    everyPercent: 25,
    now: () => clock,
    write: (text) => lines.push(text),
  });
  const task = progress.task("embed", 1000, "movies");
  for (let i = 0; i < 10; i++) {
    clock += 1000;
    task.advance(100);
  }
  task.done();
  assert.deepEqual(lines, [
    "embed: 300/1,000 movies (30%), 100 movies/s, ETA 7s\n",
    "embed: 500/1,000 movies (50%), 100 movies/s, ETA 5s\n",
    "embed: 800/1,000 movies (80%), 100 movies/s, ETA 2s\n",
    "embed: 1,000 movies in 10s (100 movies/s)\n",
  ]);
});

Deno.test("on a terminal, progress redraws one bar line", () => {
  const lines: string[] = [];
  let clock = 0;
  const progress = consoleProgress({
    live: true,
    now: () => clock,
    write: (text) => lines.push(text),
  });
  const task = progress.task("load", 200, "ratings");
  clock = 500;
  task.advance(50);
  task.done();
  assert.equal(
    lines[0],
    "\r\x1b[2Kload: [######------------------] 50/200 ratings (25%), 100 ratings/s, ETA 2s",
  );
  assert.equal(lines[1], "\r\x1b[2Kload: 50 ratings in 1s (100 ratings/s)\n");
});

Deno.test("without a terminal, slow or unsized work still logs a line every 10 s", () => {
  const lines: string[] = [];
  let clock = 0;
  const progress = consoleProgress({
    live: false,
    now: () => clock,
    write: (text) => lines.push(text),
  });
  const unsized = progress.task("validate", 0, "ratings");
  for (let i = 0; i < 25; i++) {
    clock += 1000;
    unsized.advance(1000);
  }
  unsized.done();
  assert.deepEqual(lines, [
    "validate: 10,000 ratings, 1,000 ratings/s\n",
    "validate: 20,000 ratings, 1,000 ratings/s\n",
    "validate: 25,000 ratings in 25s (1,000 ratings/s)\n",
  ]);
  lines.length = 0;
  // 1% a minute: a line every 10 s with its ETA, not one every 10 minutes
  const slow = progress.task("EASE", 100, "steps");
  clock += 60_000;
  slow.advance(1);
  clock += 5_000;
  slow.advance(0);
  assert.deepEqual(lines, [
    "EASE: 1/100 steps (1%), 0.017 steps/s, ETA 1h39m\n",
  ]);
});
