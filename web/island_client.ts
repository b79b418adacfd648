/** Browser side of islands: hydrates every marker of one island. */
import { h, hydrate } from "preact";
import type { IslandComponent, IslandProps } from "./island.tsx";

/** Hydrates each `[data-island=name]` element with its serialized props. */
export function hydrateIslands<P extends IslandProps>(
  component: IslandComponent<P>,
): void {
  const selector = `[data-island="${component.islandName}"]`;
  for (const element of document.querySelectorAll<HTMLElement>(selector)) {
    const props = JSON.parse(element.dataset.props ?? "{}") as P;
    hydrate(h(component.view, props), element);
  }
}
