/** Page links that keep the rest of the query (filters live in the URL). */

/** Props of `Pagination`. */
export interface PaginationProps {
  page: number;
  pageSize: number;
  total: number;
  /** The current URL's search params (the page param is replaced). */
  params: URLSearchParams;
  path: string;
}

/** Pages to show: first, last, and two around the current one. */
export function pageWindow(page: number, pages: number): (number | null)[] {
  const wanted = new Set([
    1,
    pages,
    page - 2,
    page - 1,
    page,
    page + 1,
    page + 2,
  ]);
  const shown = [...wanted].filter((p) => p >= 1 && p <= pages).sort((a, b) =>
    a - b
  );
  const out: (number | null)[] = [];
  for (const p of shown) {
    if (out.length && p - (out.at(-1) as number) > 1) out.push(null);
    out.push(p);
  }
  return out;
}

/** Previous / numbered / next links; nothing when there is one page. */
export function Pagination(props: PaginationProps) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  if (pages <= 1) return null;
  const href = (p: number) => {
    const params = new URLSearchParams(props.params);
    if (p === 1) params.delete("page");
    else params.set("page", String(p));
    const query = params.toString();
    return query ? `${props.path}?${query}` : props.path;
  };
  return (
    <nav class="pagination" aria-label="Pages">
      {props.page > 1
        ? <a href={href(props.page - 1)} rel="prev">← Previous</a>
        : <span class="disabled" aria-hidden="true">← Previous</span>}
      <ol>
        {pageWindow(props.page, pages).map((p, i) =>
          p === null
            ? <li key={`gap-${i}`} aria-hidden="true">…</li>
            : (
              <li key={p}>
                <a
                  href={href(p)}
                  aria-current={p === props.page ? "page" : undefined}
                  aria-label={`Page ${p}`}
                >
                  {p}
                </a>
              </li>
            )
        )}
      </ol>
      {props.page < pages
        ? <a href={href(props.page + 1)} rel="next">Next →</a>
        : <span class="disabled" aria-hidden="true">Next →</span>}
    </nav>
  );
}
