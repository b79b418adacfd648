import assert from "node:assert/strict";
import { formatBytes, peakRssBytes, resetPeakRss } from "./resources.ts";

Deno.test("the peak follows a large allocation; a reset starts again from what is resident", () => {
  // Start from what is resident: an earlier test in this process may have
  // left a peak above it that a 200 MB block would not pass.
  resetPeakRss();
  const before = peakRssBytes();
  const block = new Uint8Array(200_000_000).fill(1);
  const during = peakRssBytes();
  assert.ok(during >= before + 150_000_000, `${before} → ${during}`);
  assert.equal(resetPeakRss(), Deno.build.os === "linux");
  const rss = Deno.memoryUsage().rss;
  assert.ok(
    peakRssBytes() >= 0.9 * rss,
    "the peak is never below the resident set",
  );
  assert.equal(block[block.length - 1], 1);
});

Deno.test("byte counts read as people write them", () => {
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(1_240_000_000), "1.24 GB");
  assert.equal(formatBytes(35_600_000), "35.6 MB");
  assert.equal(formatBytes(999_000), "999 kB");
});
