/**
 * Title search with suggestions as you type. Without JavaScript it is the
 * plain input of the browse form; hydrated, it asks /suggest (debounced) and
 * lists matching movies as links (Arrow Down moves into them, Escape closes).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { island } from "../island.tsx";

/** Props of `SearchBox`. */
export interface SearchBoxProps {
  [key: string]: unknown;
  /** The current query, from the URL. */
  q: string;
}

/** One suggestion, as GET /suggest returns it. */
export interface Suggestion {
  id: number;
  title: string;
  year: number | null;
}

const DEBOUNCE_MS = 250;

function SearchBoxView(props: SearchBoxProps) {
  const [q, setQ] = useState(props.q);
  const [items, setItems] = useState<Suggestion[]>([]);
  const [state, setState] = useState<"idle" | "loading" | "error">("idle");
  const [open, setOpen] = useState(false);
  const list = useRef<HTMLUListElement>(null);

  useEffect(() => {
    const query = q.trim();
    if (query.length < 2 || query === props.q) {
      setItems([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      setState("loading");
      try {
        const response = await fetch(
          `/suggest?q=${encodeURIComponent(query)}`,
          { signal: controller.signal },
        );
        if (!response.ok) throw new Error(`status ${response.status}`);
        setItems(await response.json() as Suggestion[]);
        setState("idle");
        setOpen(true);
      } catch (e) {
        if ((e as Error).name !== "AbortError") setState("error");
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q]);

  const shown = open && items.length > 0;
  return (
    <div
      class="search-box"
      onKeyDown={(e) => {
        if (e.key === "Escape") setOpen(false);
      }}
    >
      <label for="search-q">Title</label>
      <input
        id="search-q"
        type="search"
        name="q"
        value={q}
        placeholder="e.g. Toy Story"
        autocomplete="off"
        aria-describedby="search-hint"
        aria-controls="search-suggestions"
        aria-expanded={shown ? "true" : "false"}
        onInput={(e) => setQ(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" && shown) {
            e.preventDefault();
            list.current?.querySelector("a")?.focus();
          }
        }}
      />
      <p id="search-hint" class="hint" aria-live="polite">
        {state === "loading"
          ? "Searching…"
          : state === "error"
          ? "Suggestions are unavailable; press Enter to search."
          : shown
          ? `${items.length} quick matches below`
          : ""}
      </p>
      <ul
        id="search-suggestions"
        class="suggestions"
        ref={list}
        hidden={!shown}
        onKeyDown={(e) => {
          const links = [...(list.current?.querySelectorAll("a") ?? [])];
          const at = links.indexOf(document.activeElement as HTMLAnchorElement);
          if (e.key === "ArrowDown") links[at + 1]?.focus();
          else if (e.key === "ArrowUp") {
            (links[at - 1] ?? document.getElementById("search-q"))?.focus();
          } else return;
          e.preventDefault();
        }}
      >
        {items.map((item) => (
          <li key={item.id}>
            <a href={`/movies/${item.id}`}>
              {item.title}
              {item.year !== null && <span class="muted">({item.year})</span>}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The search box island. */
export const SearchBox = island("search_box", SearchBoxView);
