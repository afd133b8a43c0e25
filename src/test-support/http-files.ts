import { createReadStream } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Bytes in memory or a file on disk (sparse bench files are served without reading them into memory). */
export type Body = { bytes: Uint8Array } | { path: string; size: number };

/**
 * Answers GET/HEAD for one object with single-range support (RFC 9110 §14), the way S3 and the
 * hub's CDN do: 206 + Content-Range for a satisfiable range, 416 + `bytes * /size` otherwise.
 */
export function sendBody(req: IncomingMessage, res: ServerResponse, body: Body, headers: Record<string, string> = {}, options: { ranges?: boolean; /** false: no Content-Length (a chunked body). */ length?: boolean } = {}): void {
  const size = "bytes" in body ? body.bytes.length : body.size;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader("Accept-Ranges", options.ranges === false ? "none" : "bytes");
  const ifMatch = req.headers["if-match"];
  if (ifMatch !== undefined && headers.ETag !== undefined && ifMatch !== headers.ETag && ifMatch !== "*") {
    res.writeHead(412).end();
    return;
  }
  let start = 0;
  let end = size - 1;
  const range = options.ranges === false ? undefined : req.headers.range;
  if (range !== undefined) {
    const match = /^bytes=(\d*)-(\d*)$/.exec(range);
    if (!match || (match[1] === "" && match[2] === "")) {
      res.writeHead(416, { "Content-Range": `bytes */${size}` }).end();
      return;
    }
    if (match[1] === "") {
      start = Math.max(0, size - Number(match[2]));
    } else {
      start = Number(match[1]);
      end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
    }
    if (start >= size || end < start) {
      res.writeHead(416, { "Content-Range": `bytes */${size}` }).end();
      return;
    }
    res.statusCode = 206;
    res.setHeader("Content-Range", `bytes ${start}-${end}/${size}`);
  } else {
    res.statusCode = 200;
  }
  const length = size === 0 ? 0 : end - start + 1;
  if (options.length !== false) res.setHeader("Content-Length", String(length));
  if (req.method === "HEAD" || length === 0) {
    res.end();
    return;
  }
  if ("bytes" in body) {
    res.end(body.bytes.subarray(start, end + 1));
    return;
  }
  const stream = createReadStream(body.path, { start, end, highWaterMark: 1024 * 1024 });
  stream.on("error", () => res.destroy());
  res.on("close", () => stream.destroy());
  stream.pipe(res);
}

export interface TestServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 and an ephemeral port. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = createServer(handler);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
