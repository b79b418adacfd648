/**
 * A movie's poster tile: TMDB's image when the movie has one, over the
 * coloured initials that stay as the placeholder. A broken or blocked
 * image shows the initials too (style.css draws them in the image's
 * ::after, which browsers render only for an image that failed).
 */
import {
  POSTER_WIDTHS,
  posterHeight,
  posterSrcset,
  posterUrl,
} from "../../core/poster.ts";

/** Initials for the placeholder: "The Matrix" → "TM". */
export function initials(title: string): string {
  const words = title.replace(/[^\p{L}\p{N} ]/gu, "").split(/\s+/).filter(
    Boolean,
  );
  return words.slice(0, 2).map((w) => w[0]).join("").toUpperCase() || "?";
}

/** Props of `PosterImage`. */
export interface PosterImageProps {
  posterPath: string;
  /** The display title, for the alt text and the fallback initials. */
  title: string;
  /** Width in CSS pixels it is laid out at (picks `src`; `srcset` covers density). */
  width: typeof POSTER_WIDTHS[number];
  /** The `sizes` attribute: how wide it shows at each viewport. */
  sizes: string;
  /** Load at once (the movie page's own poster) instead of lazily. */
  eager?: boolean;
}

/** The `<img>` of a TMDB poster, sized so that nothing shifts when it loads. */
export function PosterImage(props: PosterImageProps) {
  return (
    <img
      src={posterUrl(props.posterPath, props.width)}
      srcset={posterSrcset(props.posterPath)}
      sizes={props.sizes}
      width={props.width}
      height={posterHeight(props.width)}
      loading={props.eager ? "eager" : "lazy"}
      decoding="async"
      alt={`Poster of ${props.title}`}
      data-initials={initials(props.title)}
    />
  );
}

/** Props of `PosterTile`. */
export interface PosterTileProps {
  movie: { id: number; posterPath?: string | null };
  /** The display title. */
  title: string;
  /** Width the image is laid out at (see `PosterImage`). */
  width: typeof POSTER_WIDTHS[number];
  sizes: string;
  /** Extra class names beside `poster`. */
  class?: string;
}

/**
 * The poster tile that links to the movie page: coloured initials, covered
 * by the TMDB poster when there is one. Hidden from assistive technology
 * and the tab order, since the title beside it is the same link.
 */
export function PosterTile(props: PosterTileProps) {
  const { movie, title } = props;
  return (
    <a
      href={`/movies/${movie.id}`}
      class={props.class ? `poster ${props.class}` : "poster"}
      style={`--hue:${(movie.id * 47) % 360}`}
      tabIndex={-1}
      aria-hidden="true"
    >
      <span>{initials(title)}</span>
      {movie.posterPath && (
        <PosterImage
          posterPath={movie.posterPath}
          title={title}
          width={props.width}
          sizes={props.sizes}
        />
      )}
    </a>
  );
}
