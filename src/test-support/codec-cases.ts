import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { MemorySource, type ByteSource } from "../core/byte-source.js";
import type { DecodeControl, DecodeResult } from "../formats/codecs/types.js";
import { StingySource } from "./stingy-source.js";

/** Shared by the codec tests: fixtures/archives/ files and the payload gen_archives.sh compresses. */
const dir = new URL("../../fixtures/archives/", import.meta.url).pathname;

export const enc = new TextEncoder();

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(dir + name));
}

/** The generator's payload: "<i> modelvet fixture line <i*7919 mod 10007>\n" for i = 1..n. */
export function payload(n: number): Uint8Array {
  let s = "";
  for (let i = 1; i <= n; i++) s += `${i} modelvet fixture line ${(i * 7919) % 10007}\n`;
  return enc.encode(s);
}

/** fixtures/generate/gen_archives.sh's evil.pkl, byte for byte (an os.system pickle, never run). */
export const EVIL = Uint8Array.from("\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.", (c) => c.charCodeAt(0));

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(b);

export type Decoder = (source: ByteSource, control: DecodeControl) => Promise<DecodeResult>;

/** Decodes through a memory source and a stingy one and asserts both give the same result. */
export async function decodeBoth(decode: Decoder, bytes: Uint8Array, maxOutput = 2 ** 30): Promise<{ result: DecodeResult; output: Uint8Array }> {
  const runs: { result: DecodeResult; output: Uint8Array }[] = [];
  for (const source of [new MemorySource(bytes), new StingySource(bytes)]) {
    const chunks: Uint8Array[] = [];
    const result = await decode(source, { onOutput: (c) => (chunks.push(c.slice()), true), maxOutput });
    runs.push({ result, output: concat(chunks) });
  }
  expect(runs[1]!.result).toEqual(runs[0]!.result);
  expect(same(runs[1]!.output, runs[0]!.output)).toBe(true);
  return runs[0]!;
}
