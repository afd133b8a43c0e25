import { createHash } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { Transform, type TransformCallback } from "node:stream";

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` on a file of `size` bytes, or undefined (the header is then ignored, RFC 9110 §14.2). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d{0,16})-(\d{0,16})$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== "" && Number(match[2]) < start) return undefined;
  }
  if (start >= size) return "unsatisfiable";
  return { start, end };
}

/** The upstream's bytes are not the vetted ones: a 502 when headers are not out yet, a cut connection otherwise. */
export class DigestMismatchError extends Error {
  readonly statusCode = 502;
  constructor(message: string) {
    super(message);
    this.name = "DigestMismatchError";
  }
}

/**
 * Passes bytes through while hashing them, and holds back the last chunk until the digest is
 * known: when the upstream sends other bytes than the sha256 that was vetted, the client gets a
 * broken download, never a complete unvetted file.
 */
export class VerifyingStream extends Transform {
  private readonly hash = createHash("sha256");
  private held: Buffer | undefined;
  private bytes = 0;

  constructor(
    private readonly expectedSha256: string,
    private readonly expectedSize: number,
    private readonly onBytes: (count: number) => void = () => undefined,
  ) {
    // Large buffers: fewer, bigger chunks through the pipe (the default 16 KiB costs throughput).
    super({ highWaterMark: 4 * 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.expectedSize) return callback(new DigestMismatchError(`Upstream sent more than the ${this.expectedSize} bytes vetted`));
    this.hash.update(chunk);
    this.onBytes(chunk.length);
    if (this.held) this.push(this.held);
    this.held = chunk;
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const digest = this.hash.digest("hex");
    if (this.bytes !== this.expectedSize || digest !== this.expectedSha256) {
      return callback(new DigestMismatchError(`Upstream bytes (sha256 ${digest}, ${this.bytes} bytes) differ from the vetted ${this.expectedSha256}; download cut`));
    }
    if (this.held) this.push(this.held);
    callback();
  }
}

/** A GET to `url` with node's http client (streaming, no buffering); resolves when headers arrive. */
export function getStream(url: string, headers: Record<string, string>, timeoutMillis: number): Promise<IncomingMessage> {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, { method: "GET", headers, timeout: timeoutMillis }, resolve);
    req.on("timeout", () => req.destroy(new Error(`Upstream did not answer within ${timeoutMillis} ms`)));
    req.on("error", reject);
    req.end();
  });
}
