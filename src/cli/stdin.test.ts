import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { stdinToTempFile } from "./stdin.js";

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

describe("stdinToTempFile", () => {
  it("writes standard input to a private temp file and removes it on dispose", async () => {
    const file = await stdinToTempFile(chunks("ab", "cd"));
    expect(readFileSync(file.path, "utf8")).toBe("abcd");
    await file.dispose();
    expect(existsSync(file.path)).toBe(false);
  });

  it("accepts input at the limit and refuses one byte past it", async () => {
    await (await stdinToTempFile(chunks("abcd"), 4)).dispose();
    await expect(stdinToTempFile(chunks("ab", "cde"), 4)).rejects.toThrow(/standard input is over 4 bytes \(limit MAX_STDIN_BYTES\)/);
  });
});
