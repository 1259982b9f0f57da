import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { FetchError, fetchConditional } from "../../src/feeds/fetch-feed.js";
import { startFeedServer } from "../fakes/feed-server.js";

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><item><title>EU adopts MiCA</title><link>https://example.org/a</link></item></channel></rss>`;

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

describe("fetching a feed", () => {
  it("names regbot in the User-Agent and returns the body with its validators", async () => {
    const server = await startFeedServer({ "/rss": { body: RSS, etag: '"v1"', lastModified: "Mon, 13 Mar 2023 10:00:00 GMT" } });
    const result = await fetchConditional(server.url("/rss"));
    expect(result.kind).toBe("ok");
    if (result.kind !== "ok") return;
    expect(new TextDecoder().decode(result.body)).toBe(RSS);
    expect(result.etag).toBe('"v1"');
    expect(result.lastModified).toBe("Mon, 13 Mar 2023 10:00:00 GMT");
    expect(server.hits("/rss")[0]!.headers["user-agent"]).toMatch(/^regbot\//);
  });

  it("sends If-None-Match and If-Modified-Since, and a 304 means not modified", async () => {
    const server = await startFeedServer({ "/rss": { body: RSS, etag: '"v1"', lastModified: "Mon, 13 Mar 2023 10:00:00 GMT" } });
    const result = await fetchConditional(server.url("/rss"), { etag: '"v1"', lastModified: "Mon, 13 Mar 2023 10:00:00 GMT" });
    expect(result).toEqual({ kind: "not-modified" });
    const headers = server.hits("/rss")[0]!.headers;
    expect(headers["if-none-match"]).toBe('"v1"');
    expect(headers["if-modified-since"]).toBe("Mon, 13 Mar 2023 10:00:00 GMT");
  });

  it("decodes a gzip-compressed answer", async () => {
    const server = await startFeedServer({ "/rss": { body: RSS, gzip: true } });
    const result = await fetchConditional(server.url("/rss"));
    expect(result.kind === "ok" && new TextDecoder().decode(result.body)).toBe(RSS);
    expect(server.hits("/rss")[0]!.headers["accept-encoding"]).toContain("gzip");
  });

  it("follows redirects and reports where the body came from", async () => {
    const server = await startFeedServer({ "/old": { redirectTo: "/new" }, "/new": { body: RSS } });
    const result = await fetchConditional(server.url("/old"));
    expect(result.kind === "ok" && result.url).toBe(server.url("/new"));
  });

  it("gives up after too many redirects", async () => {
    const server = await startFeedServer({ "/a": { redirectTo: "/b" }, "/b": { redirectTo: "/a" } });
    const error = await failure(fetchConditional(server.url("/a"), {}, { maxRedirects: 3 }));
    expect(error.message).toBe("more than 3 redirects");
    expect(server.requests).toHaveLength(4);
  });

  it("reports a server error with its status", async () => {
    const server = await startFeedServer({ "/rss": { status: 500, body: "boom" } });
    const error = await failure(fetchConditional(server.url("/rss")));
    expect(error.message).toBe("HTTP 500 Internal Server Error");
    expect(error.status).toBe(500);
  });

  it("stops waiting for a slow server after the timeout", async () => {
    const server = await startFeedServer({ "/slow": { body: RSS, delayMs: 2_000 } });
    const error = await failure(fetchConditional(server.url("/slow"), {}, { timeoutMs: 200 }));
    expect(error.message).toBe("no answer within 0.2 s");
  });

  it("refuses a body larger than the cap, declared or streamed", async () => {
    const server = await startFeedServer({ "/big": { body: "x".repeat(300_000) }, "/endless": { streamBytes: 50 * 1024 * 1024 } });
    expect((await failure(fetchConditional(server.url("/big"), {}, { maxBytes: 100_000 }))).message).toMatch(/^too large \(293 KB; the limit is 98 KB\)$/);
    expect((await failure(fetchConditional(server.url("/endless"), {}, { maxBytes: 1024 * 1024 }))).message).toBe("too large (more than 1.0 MB)");
  });

  it("refuses what is not an http(s) URL, and says so", async () => {
    expect((await failure(fetchConditional("file:///etc/passwd"))).message).toBe("only http and https URLs can be fetched, not file:");
    expect((await failure(fetchConditional("not a url"))).message).toBe("not a URL: not a url");
  });

  it("reports a refused connection in words", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(fetchConditional(`http://127.0.0.1:${port}/rss`, {}, { timeoutMs: 5_000 }));
    expect(error.message).toBe("cannot connect (ECONNREFUSED)");
  });

  it("decodes a brotli-compressed answer", async () => {
    const server = await startFeedServer({ "/rss": { body: RSS, brotli: true } });
    const result = await fetchConditional(server.url("/rss"));
    expect(result.kind === "ok" && new TextDecoder().decode(result.body)).toBe(RSS);
  });

  it("by default follows five redirects and not a sixth, and takes at most 5 MB", async () => {
    const hops = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`/hop${i}`, { redirectTo: `/hop${i + 1}` }]));
    const server = await startFeedServer({ ...hops, "/hop6": { body: RSS }, "/big": { streamBytes: 6 * 1024 * 1024 } });
    expect((await fetchConditional(server.url("/hop1"))).kind).toBe("ok");
    expect((await failure(fetchConditional(server.url("/hop0")))).message).toBe("more than 5 redirects");
    expect((await failure(fetchConditional(server.url("/big")))).message).toBe("too large (more than 5.0 MB)");
  });
});
