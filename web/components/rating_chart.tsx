/** The rating distribution as a server-rendered SVG bar chart. */

/** Props of `RatingChart`. */
export interface RatingChartProps {
  /** Counts by half star: index 0 is 0.5, index 9 is 5.0. */
  histogram: number[];
}

const WIDTH = 320;
const HEIGHT = 140;
const BAR_GAP = 4;
const LABEL_SPACE = 20;

/** A bar per half star with labels, plus a text summary for screen readers. */
export function RatingChart({ histogram }: RatingChartProps) {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return <p class="muted">No ratings yet.</p>;
  const max = Math.max(...histogram);
  const barWidth = WIDTH / histogram.length - BAR_GAP;
  const chartHeight = HEIGHT - LABEL_SPACE;
  const summary = histogram.map((count, i) => `${(i + 1) / 2} stars: ${count}`)
    .join(", ");
  return (
    <figure class="rating-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Rating distribution of ${total} ratings. ${summary}`}
      >
        {histogram.map((count, i) => {
          const h = max === 0
            ? 0
            : Math.max(count ? 2 : 0, (count / max) * (chartHeight - 14));
          const x = i * (barWidth + BAR_GAP) + BAR_GAP / 2;
          const y = chartHeight - h;
          const value = (i + 1) / 2;
          return (
            <g key={i}>
              <rect
                x={x}
                y={y}
                width={barWidth}
                height={h}
                rx="3"
                class={value >= 4
                  ? "bar high"
                  : value >= 2.5
                  ? "bar mid"
                  : "bar low"}
              >
                <title>{`${value} stars: ${count} ratings`}</title>
              </rect>
              {count > 0 && (
                <text x={x + barWidth / 2} y={y - 3} class="bar-count">
                  {count}
                </text>
              )}
              {Number.isInteger(value) && (
                <text x={x + barWidth / 2} y={HEIGHT - 5} class="bar-label">
                  {`${value}★`}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption class="muted">Ratings by half star</figcaption>
    </figure>
  );
}
