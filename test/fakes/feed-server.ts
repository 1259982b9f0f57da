import http from "node:http";
import zlib from "node:zlib";
import type { AddressInfo } from "node:net";
import { onTestFinished } from "vitest";

/** How the fake answers one path. */
export interface FeedRoute {
  /** The body (a string is sent as UTF-8). */
  body?: string | Uint8Array;
  contentType?: string;
  status?: number;
  /** Sent as ETag; a request with a matching If-None-Match gets 304. */
  etag?: string;
  /** Sent as Last-Modified; a request with the same If-Modified-Since gets 304. */
  lastModified?: string;
  /** Redirects here (302) instead of answering. */
  redirectTo?: string;
  /** Waits this long before answering. */
  delayMs?: number;
  /** Sends the body gzip-compressed. */
  gzip?: boolean;
  /** Sends the body brotli-compressed. */
  brotli?: boolean;
  /** Sends this many bytes of filler instead of a body, without a Content-Length (a stream that will not end soon). */
  streamBytes?: number;
}

/** One request the fake received. */
export interface FeedRequest {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
}

/**
 * A loopback HTTP server for feed tests: each path answers as its route says (ETag and Last-Modified with 304s,
 * redirects, slow answers, errors, compressed and oversized bodies), and every request is recorded. Closed when
 * the test finishes.
 */
export async function startFeedServer(routes: Record<string, FeedRoute> = {}): Promise<{
  url: (path: string) => string;
  routes: Record<string, FeedRoute>;
  requests: FeedRequest[];
  hits: (path: string) => FeedRequest[];
}> {
  const requests: FeedRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    requests.push({ path: req.url ?? "/", headers: req.headers });
    const route = routes[path];
    const answer = () => {
      if (!route) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      if (route.redirectTo) {
        res.writeHead(302, { location: route.redirectTo }).end();
        return;
      }
      if ((route.etag && req.headers["if-none-match"] === route.etag) || (route.lastModified && req.headers["if-modified-since"] === route.lastModified)) {
        res.writeHead(304).end();
        return;
      }
      const headers: http.OutgoingHttpHeaders = { "content-type": route.contentType ?? "application/rss+xml; charset=utf-8" };
      if (route.etag) headers.etag = route.etag;
      if (route.lastModified) headers["last-modified"] = route.lastModified;
      if (route.streamBytes !== undefined) {
        res.writeHead(route.status ?? 200, headers);
        const chunk = Buffer.alloc(64 * 1024, "a");
        let sent = 0;
        const pump = () => {
          while (sent < route.streamBytes!) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        res.on("error", () => undefined);
        pump();
        return;
      }
      let body: Uint8Array = typeof route.body === "string" ? Buffer.from(route.body, "utf8") : (route.body ?? new Uint8Array());
      if (route.gzip) {
        body = zlib.gzipSync(body);
        headers["content-encoding"] = "gzip";
      } else if (route.brotli) {
        body = zlib.brotliCompressSync(body);
        headers["content-encoding"] = "br";
      }
      headers["content-length"] = body.byteLength;
      res.writeHead(route.status ?? 200, headers).end(body);
    };
    if (route?.delayMs) setTimeout(answer, route.delayMs);
    else answer();
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  onTestFinished(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    routes,
    requests,
    hits: (path) => requests.filter((r) => r.path.split("?")[0] === path),
  };
}
