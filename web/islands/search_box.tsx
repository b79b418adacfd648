/**
 * Title search with suggestions as you type. Without JavaScript it is the
 * plain input of the browse form. Hydrated, it is an ARIA combobox: it asks
 * /suggest (debounced) and lists matching movies; Arrow Up/Down highlight
 * one while focus stays in the field, Enter opens the highlighted movie (or
 * searches when none is), Escape closes the list.
 */
import { useEffect, useState } from "preact/hooks";
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

/**
 * The next highlighted option: down from the field goes to the first, past
 * the last back to the field (-1), and up the other way round.
 */
function cycle(active: number, step: 1 | -1, count: number): number {
  const at = active === -1 ? count : active;
  const next = (at + step + count + 1) % (count + 1);
  return next === count ? -1 : next;
}
const LIST_ID = "search-suggestions";

function SearchBoxView(props: SearchBoxProps) {
  const [q, setQ] = useState(props.q);
  const [items, setItems] = useState<Suggestion[]>([]);
  const [state, setState] = useState<"idle" | "loading" | "error">("idle");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  useEffect(() => {
    const query = q.trim();
    if (query.length < 2 || query === props.q) {
      setItems([]);
      setActive(-1);
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
        setActive(-1);
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
  const optionId = (i: number) => `suggestion-${items[i]?.id}`;
  const go = (item: Suggestion) => {
    location.href = `/movies/${item.id}`;
  };
  return (
    <div class="search-box">
      <label for="search-q">Title</label>
      <input
        id="search-q"
        type="search"
        name="q"
        value={q}
        placeholder="e.g. Toy Story"
        autocomplete="off"
        aria-describedby="search-hint"
        role={hydrated ? "combobox" : undefined}
        aria-autocomplete={hydrated ? "list" : undefined}
        aria-controls={hydrated ? LIST_ID : undefined}
        aria-expanded={hydrated ? (shown ? "true" : "false") : undefined}
        aria-activedescendant={shown && active >= 0
          ? optionId(active)
          : undefined}
        onInput={(e) => {
          setQ(e.currentTarget.value);
          setOpen(true);
        }}
        onBlur={() => setOpen(false)}
        onFocus={() => setOpen(true)}
        onKeyDown={(e) => {
          if (e.key === "Escape" && shown) {
            e.preventDefault();
            setOpen(false);
            setActive(-1);
          } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            if (!items.length) return;
            e.preventDefault();
            setOpen(true);
            const step = e.key === "ArrowDown" ? 1 : -1;
            setActive((at) => cycle(at, step, items.length));
          } else if (e.key === "Enter" && shown && active >= 0) {
            e.preventDefault();
            go(items[active]);
          }
        }}
      />
      <p id="search-hint" class="hint" aria-live="polite">
        {state === "loading"
          ? "Searching…"
          : state === "error"
          ? "Suggestions are unavailable; press Enter to search."
          : shown
          ? `${items.length} suggestion${
            items.length === 1 ? "" : "s"
          }: use the arrow keys, or press Enter to search.`
          : ""}
      </p>
      <ul
        id={LIST_ID}
        class="suggestions"
        role="listbox"
        aria-label="Title suggestions"
        hidden={!shown}
      >
        {items.map((item, i) => (
          <li
            key={item.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === active ? "true" : "false"}
            // mousedown, not click: the input's blur would close the list first
            onMouseDown={(e) => {
              e.preventDefault();
              go(item);
            }}
          >
            {item.title}
            {item.year !== null && <span class="muted">({item.year})</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The search box island. */
export const SearchBox = island("search_box", SearchBoxView);
