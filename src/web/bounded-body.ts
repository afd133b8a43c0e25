/**
 * Reads a response body up to `max` bytes. Returns the bytes, or `{ over: n }` as soon as more than
 * `max` arrive (the rest is cancelled, never buffered): every body a server sends is attacker-sized.
 *
 * @example
 * const body = await readBoundedBody(response, 1024 * 1024);
 * if ("over" in body) throw new Error("too large");
 */
export async function readBoundedBody(response: Response, max: number): Promise<Uint8Array | { over: number }> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return { over: total };
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
