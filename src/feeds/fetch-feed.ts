import { formatBytes } from "../units.js";

/** How regbot fetches feeds and pages: politely, and never without limits. */
export interface FetchLimits {
  /** Whole request, headers and body. Default 20 s. */
  readonly timeoutMs?: number;
  /** Largest body accepted, after decompression. Default 5 MB. */
  readonly maxBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  readonly maxRedirects?: number;
  readonly userAgent?: string;
}

/** What a conditional GET found. */
export type FetchOutcome =
  | { readonly kind: "not-modified" }
  | {
      readonly kind: "ok";
      readonly body: Uint8Array;
      readonly contentType: string | null;
      readonly etag: string | null;
      readonly lastModified: string | null;
      /** Where the body came from, after redirects. */
      readonly url: string;
    };

/** A fetch that failed, with a message fit to show a user (no stack, no secrets). */
export class FetchError extends Error {
  override readonly name = "FetchError";
  constructor(
    message: string,
    /** HTTP status, when the server answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export const DEFAULT_USER_AGENT = "regbot/0.1 (crypto regulation news bot; +https://github.com/regbot/regbot)";

/**
 * GETs a URL with the validators of the last poll (`If-None-Match`, `If-Modified-Since`), following at most a few
 * redirects, with a timeout and a size cap; compressed responses are decoded by fetch. Throws {@link FetchError}
 * with a plain message for every failure.
 */
export async function fetchConditional(
  url: string,
  validators: { etag?: string | null; lastModified?: string | null } = {},
  limits: FetchLimits = {},
): Promise<FetchOutcome> {
  const timeoutMs = limits.timeoutMs ?? 20_000;
  const maxBytes = limits.maxBytes ?? 5 * 1024 * 1024;
  const maxRedirects = limits.maxRedirects ?? 5;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let current = checkedUrl(url);
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = {
        "user-agent": limits.userAgent ?? DEFAULT_USER_AGENT,
        accept: "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5",
        "accept-encoding": "gzip, deflate, br",
      };
      if (validators.etag) headers["if-none-match"] = validators.etag;
      if (validators.lastModified) headers["if-modified-since"] = validators.lastModified;
      let response: Response;
      try {
        response = await fetch(current, { headers, redirect: "manual", signal: controller.signal });
      } catch (error) {
        throw new FetchError(controller.signal.aborted ? `no answer within ${timeoutMs / 1000} s` : `cannot connect (${describe(error)})`);
      }
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        await response.body?.cancel();
        const location = response.headers.get("location");
        if (!location) throw new FetchError(`HTTP ${response.status} redirect without a Location header`, response.status);
        if (hop >= maxRedirects) throw new FetchError(`more than ${maxRedirects} redirects`, response.status);
        current = checkedUrl(new URL(location, current).toString());
        continue;
      }
      if (response.status === 304) {
        await response.body?.cancel();
        return { kind: "not-modified" };
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new FetchError(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`, response.status);
      }
      const declared = Number(response.headers.get("content-length") ?? NaN);
      if (declared > maxBytes) {
        await response.body?.cancel();
        throw new FetchError(`too large (${formatBytes(declared)}; the limit is ${formatBytes(maxBytes)})`);
      }
      const body = await readCapped(response, maxBytes, controller.signal, timeoutMs);
      return {
        kind: "ok",
        body,
        contentType: response.headers.get("content-type"),
        etag: response.headers.get("etag"),
        lastModified: response.headers.get("last-modified"),
        url: current,
      };
    }
  } finally {
    clearTimeout(timer);
  }
}

function checkedUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchError(`not a URL: ${raw.slice(0, 200)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new FetchError(`only http and https URLs can be fetched, not ${url.protocol}`);
  return url.toString();
}

async function readCapped(response: Response, maxBytes: number, signal: AbortSignal, timeoutMs: number): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new FetchError(`too large (more than ${formatBytes(maxBytes)})`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof FetchError) throw error;
    throw new FetchError(signal.aborted ? `no complete answer within ${timeoutMs / 1000} s` : `the connection broke (${describe(error)})`);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return body;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
