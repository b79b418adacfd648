/**
 * The evaluation's SVG bar chart: NDCG@k per method and protocol with 95%
 * confidence whiskers.
 */
import type { ProtocolResult } from "./run.ts";

/** The SVG chart: one group per method, one bar per protocol, 95% whiskers. */
export function ndcgChart(results: ProtocolResult[], k = 10): string {
  // every method of any protocol, in the order first met
  const methods = [
    ...new Set(results.flatMap((r) => r.methods.map((m) => m.name))),
  ];
  const colours = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"];
  let max = 0;
  for (const r of results) {
    for (const m of r.methods) max = Math.max(max, m.byK[k].metrics.ndcg.high);
  }
  max = max > 0 ? max * 1.1 : 1;
  const width = 760;
  const height = 340;
  const left = 60;
  const bottom = 70;
  const top = 40;
  const plotH = height - top - bottom;
  const groupW = (width - left - 20) / Math.max(1, methods.length);
  const barW = Math.min(28, (groupW - 12) / Math.max(1, results.length));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${
      width / 2
    }" y="20" text-anchor="middle" font-size="15">NDCG@${k} per method (95% bootstrap CI over users)</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    out.push(
      `<line x1="${left}" x2="${width - 20}" y1="${y(v)}" y2="${
        y(v)
      }" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${
        v.toFixed(3)
      }</text>`,
    );
  }
  methods.forEach((name, mi) => {
    const gx = left + mi * groupW + (groupW - barW * results.length) / 2;
    results.forEach((r, pi) => {
      const m = r.methods.find((x) => x.name === name);
      if (!m) return;
      const n = m.byK[k].metrics.ndcg;
      const x = gx + pi * barW;
      const cx = x + barW / 2 - 1;
      out.push(
        `<rect x="${x}" y="${y(n.mean)}" width="${barW - 2}" height="${
          y(0) - y(n.mean)
        }" fill="${
          colours[pi % colours.length]
        }"><title>${name} (${r.protocol}): ${n.mean.toFixed(4)} [${
          n.low.toFixed(4)
        }, ${n.high.toFixed(4)}]</title></rect>`,
        `<line x1="${cx}" x2="${cx}" y1="${y(n.high)}" y2="${
          y(n.low)
        }" stroke="black"/>`,
        `<line x1="${cx - 4}" x2="${cx + 4}" y1="${y(n.high)}" y2="${
          y(n.high)
        }" stroke="black"/>`,
        `<line x1="${cx - 4}" x2="${cx + 4}" y1="${y(n.low)}" y2="${
          y(n.low)
        }" stroke="black"/>`,
      );
    });
    out.push(
      `<text x="${left + mi * groupW + groupW / 2}" y="${
        height - bottom + 18
      }" text-anchor="middle">${name}</text>`,
    );
  });
  results.forEach((r, pi) => {
    const lx = left + pi * 130;
    out.push(
      `<rect x="${lx}" y="${height - 30}" width="12" height="12" fill="${
        colours[pi % colours.length]
      }"/>`,
      `<text x="${lx + 18}" y="${height - 20}">${r.protocol} protocol</text>`,
    );
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
