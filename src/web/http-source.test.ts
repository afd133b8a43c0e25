import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { scanSource } from "../engine/scan.js";
import { listen, sendBody, type TestServer } from "../test-support/http-files.js";
import { HttpSource, HttpSourceError, parseContentRange, type HttpSourceOptions } from "./http-source.js";

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = await listen(handler);
  servers.push(server);
  return server;
}

function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}

const noSleep: HttpSourceOptions["sleep"] = () => Promise.resolve();
const BLOCK = 4096;

describe("HttpSource over a ranged server", () => {
  it("reads exactly the bytes asked for, fetches only the blocks touched, and caches them", async () => {
    const bytes = pattern(1024 * 1024);
    const seen: string[] = [];
    const server = await serve((req, res) => {
      seen.push(req.headers.range ?? "");
      sendBody(req, res, { bytes }, { ETag: '"v1"' });
    });
    const source = await HttpSource.open(`${server.url}/model.bin`, { limits: { blockBytes: BLOCK } });
    expect(source.size).toBe(bytes.length);
    expect(source.info.ranged).toBe(true);
    expect(await source.read(10, 100)).toEqual(bytes.subarray(10, 110));
    expect(await source.read(BLOCK * 10 - 5, 10)).toEqual(bytes.subarray(BLOCK * 10 - 5, BLOCK * 10 + 5));
    expect(await source.slice(500_000, 1000).read(1, 3)).toEqual(bytes.subarray(500_001, 500_004));
    const requests = source.stats.requests;
    expect(await source.read(BLOCK * 10, 1)).toEqual(bytes.subarray(BLOCK * 10, BLOCK * 10 + 1));
    expect(source.stats.requests).toBe(requests);
    expect(source.stats.bytesFetched).toBe(4 * BLOCK);
    expect(seen).toEqual(["bytes=0-4095", `bytes=${BLOCK * 9}-${BLOCK * 11 - 1}`, `bytes=${Math.floor(500_001 / BLOCK) * BLOCK}-${Math.floor(500_001 / BLOCK) * BLOCK + BLOCK - 1}`]);
  });

  it("splits long reads into requests of at most maxRequestBytes and reads the tail block short", async () => {
    const bytes = pattern(10 * BLOCK + 7);
    const server = await serve((req, res) => sendBody(req, res, { bytes }, { ETag: '"v1"' }));
    const source = await HttpSource.open(server.url, { limits: { blockBytes: BLOCK, maxRequestBytes: 3 * BLOCK } });
    expect(await source.read(0, bytes.length)).toEqual(bytes);
    expect(source.stats.requests).toBe(1 + 4);
  });

  it("drops the least recently used blocks beyond maxCacheBytes", async () => {
    const bytes = pattern(8 * BLOCK);
    const server = await serve((req, res) => sendBody(req, res, { bytes }));
    const source = await HttpSource.open(server.url, { limits: { blockBytes: BLOCK, maxCacheBytes: 2 * BLOCK } });
    await source.read(BLOCK, 1);
    await source.read(2 * BLOCK, 1);
    const before = source.stats.requests;
    await source.read(0, 1);
    expect(source.stats.requests).toBe(before + 1);
  });

  it("shares one request between concurrent reads of the same block", async () => {
    const bytes = pattern(4 * BLOCK);
    const server = await serve((req, res) => sendBody(req, res, { bytes }));
    const source = await HttpSource.open(server.url, { limits: { blockBytes: BLOCK } });
    const before = source.stats.requests;
    const [a, b] = await Promise.all([source.read(BLOCK + 1, 10), source.read(BLOCK + 5, 10)]);
    expect(a).toEqual(bytes.subarray(BLOCK + 1, BLOCK + 11));
    expect(b).toEqual(bytes.subarray(BLOCK + 5, BLOCK + 15));
    expect(source.stats.requests).toBe(before + 1);
  });

  it("opens a zero-byte object", async () => {
    const server = await serve((req, res) => sendBody(req, res, { bytes: new Uint8Array(0) }));
    const source = await HttpSource.open(server.url);
    expect(source.size).toBe(0);
    expect(await source.read(0, 0)).toEqual(new Uint8Array(0));
  });
});

describe("HttpSource redirects and credentials", () => {
  it("follows the hub's redirect to another host and sends Authorization only to the first", async () => {
    const bytes = pattern(3 * BLOCK);
    const cdnAuth: (string | undefined)[] = [];
    const hubAuth: (string | undefined)[] = [];
    const cdn = await serve((req, res) => {
      cdnAuth.push(req.headers.authorization);
      sendBody(req, res, { bytes }, { ETag: '"cdn"' });
    });
    const hub = await serve((req, res) => {
      hubAuth.push(req.headers.authorization);
      res.writeHead(302, { Location: `${cdn.url}/blob?sig=1`, "X-Linked-Etag": '"abc"' }).end();
    });
    const source = await HttpSource.open(`${hub.url}/org/repo/resolve/main/model.bin`, { authorization: "Bearer hf_secret", limits: { blockBytes: BLOCK } });
    expect(await source.read(2 * BLOCK, 10)).toEqual(bytes.subarray(2 * BLOCK, 2 * BLOCK + 10));
    expect(hubAuth).toEqual(["Bearer hf_secret"]);
    expect(cdnAuth).toEqual([undefined, undefined]);
    expect(source.info.hops[0]?.headers.get("x-linked-etag")).toBe('"abc"');
    expect(source.info.url).toBe(`${cdn.url}/blob?sig=1`);
  });

  it("stops a redirect loop at maxRedirects", async () => {
    const server = await serve((_req, res) => res.writeHead(302, { Location: "/again" }).end());
    await expect(HttpSource.open(server.url, { limits: { maxRedirects: 3 } })).rejects.toThrow(/more than 3 redirects \(limit maxRedirects\)/);
  });

  it("refuses a redirect to a non-HTTP scheme", async () => {
    const server = await serve((_req, res) => res.writeHead(302, { Location: "file:///etc/passwd" }).end());
    await expect(HttpSource.open(server.url)).rejects.toThrow(/unsupported scheme "file:"/);
  });
});

describe("HttpSource retries", () => {
  it("retries 429 and 503 with backoff, honouring Retry-After up to the cap", async () => {
    const bytes = pattern(100);
    let calls = 0;
    const server = await serve((req, res) => {
      calls += 1;
      if (calls === 1) return void res.writeHead(429, { "Retry-After": "2" }).end();
      if (calls === 2) return void res.writeHead(503).end();
      sendBody(req, res, { bytes });
    });
    const waits: number[] = [];
    const source = await HttpSource.open(server.url, { sleep: async (ms) => void waits.push(ms), limits: { maxBackoffMillis: 1500 } });
    expect(source.size).toBe(100);
    expect(waits).toEqual([1500, 500]);
    expect(source.stats.retries).toBe(2);
  });

  it("gives up after maxAttempts and says why", async () => {
    const server = await serve((_req, res) => res.writeHead(502).end());
    await expect(HttpSource.open(server.url, { sleep: noSleep, limits: { maxAttempts: 3 } })).rejects.toThrow(/HTTP 502 after 3 attempts \(limit maxAttempts\)/);
  });

  it("reports 404 and 401 with their status, without retrying", async () => {
    let calls = 0;
    const server = await serve((req, res) => {
      calls += 1;
      res.writeHead(req.url === "/gated" ? 401 : 404).end();
    });
    const missing = await HttpSource.open(`${server.url}/missing`, { sleep: noSleep }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(HttpSourceError);
    expect((missing as HttpSourceError).status).toBe(404);
    await expect(HttpSource.open(`${server.url}/gated`, { sleep: noSleep })).rejects.toThrow(/401 unauthorized/);
    expect(calls).toBe(2);
  });
});

describe("HttpSource pins the object", () => {
  it("fails a read with 'changed during scan' when the ETag changes", async () => {
    let version = 1;
    const bytes = pattern(4 * BLOCK);
    const server = await serve((req, res) => sendBody(req, res, { bytes }, { ETag: `W/"v${version}"` }));
    const source = await HttpSource.open(server.url, { limits: { blockBytes: BLOCK } });
    version = 2;
    await expect(source.read(2 * BLOCK, 10)).rejects.toThrow(/changed during scan \(ETag "W\/\\"v1\\"" became "W\/\\"v2\\""\)/);
  });

  it("sends If-Match with a strong ETag, and a 412 means the object changed", async () => {
    let etag = '"v1"';
    const ifMatch: (string | undefined)[] = [];
    const bytes = pattern(4 * BLOCK);
    const server = await serve((req, res) => {
      ifMatch.push(req.headers["if-match"]);
      sendBody(req, res, { bytes }, { ETag: etag });
    });
    const source = await HttpSource.open(server.url, { limits: { blockBytes: BLOCK } });
    await source.read(BLOCK, 1);
    etag = '"v2"';
    await expect(source.read(2 * BLOCK, 1)).rejects.toThrow(/changed during scan/);
    expect(ifMatch).toEqual([undefined, '"v1"', '"v1"']);
  });

  it("fails when the total size changes", async () => {
    let bytes = pattern(4 * BLOCK);
    const server = await serve((req, res) => sendBody(req, res, { bytes }));
    const source = await HttpSource.open(server.url, { limits: { blockBytes: BLOCK } });
    bytes = pattern(5 * BLOCK);
    await expect(source.read(2 * BLOCK, 1)).rejects.toThrow(/changed during scan \(size 16384 became 20480\)/);
  });

  it("a change mid-scan makes the engine's verdict an error, not clean", async () => {
    const bytes = new Uint8Array(readFileSync(new URL("../../samples/classifier.pkl", import.meta.url)));
    let etag = '"a"';
    const server = await serve((req, res) => {
      const served = { bytes };
      sendBody(req, res, served, { ETag: etag });
      etag = '"b"';
    });
    const source = await HttpSource.open(server.url, { limits: { blockBytes: 64 } });
    const report = await scanSource(source, { path: "classifier.pkl" });
    expect(report.verdict).toBe("error");
    expect(report.errors[0]?.message).toMatch(/changed during scan/);
  });

  it("rejects a response whose Content-Range is not the range asked for", async () => {
    const bytes = pattern(4 * BLOCK);
    let calls = 0;
    const server = await serve((req, res) => {
      calls += 1;
      if (calls === 1) return sendBody(req, res, { bytes });
      res.writeHead(206, { "Content-Range": `bytes 0-9/${bytes.length}`, "Content-Length": "10" }).end(bytes.subarray(0, 10));
    });
    const source = await HttpSource.open(server.url, { limits: { blockBytes: BLOCK } });
    await expect(source.read(3 * BLOCK, 10)).rejects.toThrow(/asked for bytes 12288-16383, server sent bytes 0-9\/16384/);
  });
});

describe("HttpSource without range support", () => {
  it("reads a small object whole and counts it as fetched", async () => {
    const bytes = pattern(5000);
    const server = await serve((req, res) => sendBody(req, res, { bytes }, {}, { ranges: false }));
    const source = await HttpSource.open(server.url, { limits: { blockBytes: BLOCK } });
    expect(source.info.ranged).toBe(false);
    expect(await source.read(4990, 10)).toEqual(bytes.subarray(4990));
    expect(source.stats.bytesFetched).toBe(5000);
  });

  it("refuses an object over maxWholeBodyBytes, from Content-Length or from the bytes that arrive", async () => {
    const bytes = pattern(5000);
    const server = await serve((req, res) => {
      if (req.url === "/chunked") {
        res.writeHead(200);
        res.end(bytes);
        return;
      }
      sendBody(req, res, { bytes }, {}, { ranges: false });
    });
    await expect(HttpSource.open(server.url, { limits: { maxWholeBodyBytes: 4096 } })).rejects.toThrow(
      /does not support Range requests and the file \(5000 bytes\) exceeds the 4096-byte limit for whole downloads \(limit maxWholeBodyBytes\)/,
    );
    await expect(HttpSource.open(`${server.url}/chunked`, { limits: { maxWholeBodyBytes: 4096 } })).rejects.toThrow(/limit maxWholeBodyBytes/);
  });
});

describe("parseContentRange", () => {
  it("parses well-formed values and rejects the rest", () => {
    expect(parseContentRange("bytes 0-9/100")).toEqual({ start: 0, end: 9, total: 100 });
    expect(parseContentRange("bytes 0-9/*")).toEqual({ start: 0, end: 9, total: undefined });
    expect(parseContentRange("bytes 9-0/100")).toBeUndefined();
    expect(parseContentRange("bytes 0-100/100")).toBeUndefined();
    expect(parseContentRange("items 0-9/100")).toBeUndefined();
    expect(parseContentRange(null)).toBeUndefined();
  });
});
