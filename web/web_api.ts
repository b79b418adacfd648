/**
 * What the web needs from the API, as small typed calls over the RPC client.
 * Failures become `ApiError` (from the API's problem+json), so that pages
 * show one friendly error state.
 */
import type { ClientResponse } from "hono/client";
import type { ApiClient } from "./api_client.ts";
import {
  CLIENT_ADDRESS_HEADER,
  UNKNOWN_CLIENT,
} from "../api/client_address.ts";
import type { InteractionType } from "../core/types.ts";
import type { Steer } from "../core/recommenders/steer.ts";

/** An API answer other than success, from its problem+json body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`API answered ${status} ${title}: ${detail}`);
    this.name = "ApiError";
  }

  /** Reads a failed response's problem+json (or its text when it has none). */
  static async from(response: Response): Promise<ApiError> {
    const text = await response.text();
    try {
      const problem = JSON.parse(text) as { title?: string; detail?: string };
      return new ApiError(
        response.status,
        problem.title ?? response.statusText,
        problem.detail ?? text,
      );
    } catch {
      // Not JSON (a proxy's error page, say): keep the start of the text.
      return new ApiError(
        response.status,
        response.statusText,
        text.slice(0, 200),
      );
    }
  }
}

// The body type of a response's success variants (2xx).
type Success<R> = R extends ClientResponse<infer T, infer S, "json">
  ? S extends 200 | 201 | 202 ? T : never
  : never;

async function data<R extends ClientResponse<unknown, number, string>>(
  pending: Promise<R>,
): Promise<Success<R>> {
  const response = await pending;
  if (!response.ok) throw await ApiError.from(response as unknown as Response);
  return await response.json() as Success<R>;
}

/** Filters and paging of the browse page. */
export interface MovieListQuery {
  q?: string;
  genres?: string[];
  yearFrom?: number;
  yearTo?: number;
  sort?: "relevance" | "popular" | "rating" | "title" | "year";
  order?: "asc" | "desc";
  page?: number;
  pageSize?: number;
}

/** A search by description, with the filters the search page offers. */
export interface SearchQuery {
  q: string;
  genre?: string;
  yearFrom?: number;
  yearTo?: number;
  page?: number;
  pageSize?: number;
}

/** "More like this, but…" on a movie's similar movies. */
export interface SimilarSteering {
  steer?: Steer;
  genre?: string;
}

/** Typed calls to the API, on behalf of one browser when `clientAddress` is set. */
export class WebApi {
  constructor(readonly client: ApiClient, readonly clientAddress?: string) {}

  /**
   * The same calls, telling the API whose they are: its per-client limits
   * then count the browser, not this server (web/api_client.ts vouches).
   */
  forClient(address: string): WebApi {
    return address === UNKNOWN_CLIENT ? this : new WebApi(this.client, address);
  }

  #init(token?: string): { headers: Record<string, string> } {
    const headers: Record<string, string> = {};
    if (this.clientAddress) headers[CLIENT_ADDRESS_HEADER] = this.clientAddress;
    if (token) headers.authorization = `Bearer ${token}`;
    return { headers };
  }

  /** A page of movies. */
  movies(query: MovieListQuery) {
    return data(this.client.api.movies.$get({
      query: {
        q: query.q || undefined,
        genre: query.genres?.length ? query.genres : undefined,
        yearFrom: query.yearFrom?.toString(),
        yearTo: query.yearTo?.toString(),
        sort: query.sort,
        order: query.order,
        page: query.page?.toString(),
        pageSize: query.pageSize?.toString(),
      },
    }, this.#init()));
  }

  /** Movies by what they are about (and by title), each with why it matched. */
  search(query: SearchQuery) {
    return data(this.client.api.search.$get({
      query: {
        q: query.q,
        genre: query.genre,
        yearFrom: query.yearFrom?.toString(),
        yearTo: query.yearTo?.toString(),
        page: query.page?.toString(),
        pageSize: query.pageSize?.toString(),
      },
    }, this.#init()));
  }

  /** One movie with its links, or null when there is no such movie. */
  async movie(id: number) {
    const response = await this.client.api.movies[":id"].$get({
      param: { id: String(id) },
    }, this.#init());
    if (response.status === 404) return null;
    return await data(Promise.resolve(response));
  }

  /** Every genre with its movie count. */
  genres() {
    return data(this.client.api.genres.$get({}, this.#init()));
  }

  /** Movies similar to one movie, steered ("newer", …) or narrowed to a genre. */
  similar(id: number, limit: number, steering: SimilarSteering = {}) {
    return data(this.client.api.recommendations.item[":id"].$get({
      param: { id: String(id) },
      query: {
        limit: String(limit),
        steer: steering.steer,
        genre: steering.genre,
      },
    }, this.#init()));
  }

  /** Recommendations for the signed-in user. */
  recommendations(token: string, limit: number, genre?: string) {
    return data(this.client.api.recommendations.user.me.$get({
      query: { limit: String(limit), genre },
    }, this.#init(token)));
  }

  /** The movies to ask the signed-in user about next (onboarding). */
  onboarding(token: string, limit: number) {
    return data(this.client.api.onboarding.$get({
      query: { limit: String(limit) },
    }, this.#init(token)));
  }

  /** The signed-in user's interactions, newest first. */
  interactions(token: string) {
    return data(
      this.client.api.users.me.interactions.$get({}, this.#init(token)),
    );
  }

  /** Records a rating, like, dislike, view or skip ("haven't seen it"). */
  interact(
    token: string,
    movieId: number,
    type: InteractionType,
    value?: number,
  ) {
    return data(this.client.api.interactions.$post({
      json: { movieId, type, value: value ?? null },
    }, this.#init(token)));
  }

  /** Removes one type of interaction with a movie (204 even when absent). */
  async removeInteraction(
    token: string,
    movieId: number,
    type: InteractionType,
  ): Promise<void> {
    const response = await this.client.api.interactions[":movieId"].$delete({
      param: { movieId: String(movieId) },
      query: { type },
    }, this.#init(token));
    if (!response.ok) {
      throw await ApiError.from(response as unknown as Response);
    }
  }

  /**
   * Local sign up (when Supabase is not configured): accepted whether or
   * not the email was free (no session: log in next).
   */
  signup(email: string, password: string) {
    return data(this.client.api.auth.signup.$post({
      json: { email, password },
    }, this.#init()));
  }

  /** Local log in (when Supabase is not configured). */
  login(email: string, password: string) {
    return data(this.client.api.auth.login.$post({
      json: { email, password },
    }, this.#init()));
  }

  /** Trades a local refresh token for a new session (the token rotates). */
  refresh(refreshToken: string) {
    return data(this.client.api.auth.refresh.$post({
      json: { refreshToken },
    }, this.#init()));
  }

  /** Ends a local session (its refresh and access tokens stop working). */
  async logout(token: string): Promise<void> {
    const response = await this.client.api.auth.logout.$post(
      {},
      this.#init(token),
    );
    if (!response.ok) {
      throw await ApiError.from(response as unknown as Response);
    }
  }
}
