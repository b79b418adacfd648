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
