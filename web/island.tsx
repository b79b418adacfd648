/**
 * Islands: the only components that ship JavaScript. On the server an island
 * renders its view inside a marker element that carries its props as JSON;
 * in the browser `hydrateIslands` (web/island_client.ts) finds the markers
 * and hydrates them. Works the same as Fresh's islands, without Fresh.
 */
import type { ComponentType, JSX } from "preact";

/** Props an island accepts: they cross the network, so JSON only. */
export type IslandProps = Record<string, unknown>;

/** A component wrapped by `island`, with what the browser needs to hydrate it. */
export interface IslandComponent<P extends IslandProps> {
  (props: P): JSX.Element;
  /** File name in web/islands/ without extension; names the bundle too. */
  islandName: string;
  /** The unwrapped component, hydrated in the browser. */
  view: ComponentType<P>;
}

// SSR is synchronous, so one page renders at a time: a module-level set is safe.
let used: Set<string> | null = null;

/**
 * Renders `render()` and returns which islands it used, so that the page
 * loads only their scripts.
 *
 * @example
 * const { result, islands } = collectIslands(() => renderToString(<Page />));
 */
export function collectIslands<T>(
  render: () => T,
): { result: T; islands: string[] } {
  const previous = used;
  used = new Set();
  try {
    const result = render();
    return { result, islands: [...used] };
  } finally {
    used = previous;
  }
}

/**
 * Wraps a component as an island named after its file in web/islands/.
 *
 * @example
 * export const Counter = island("counter", CounterView);
 */
export function island<P extends IslandProps>(
  name: string,
  view: ComponentType<P>,
): IslandComponent<P> {
  const View = view;
  const wrapper = (props: P) => {
    used?.add(name);
    return (
      <div class="island" data-island={name} data-props={JSON.stringify(props)}>
        <View {...props} />
      </div>
    );
  };
  return Object.assign(wrapper, { islandName: name, view });
}
