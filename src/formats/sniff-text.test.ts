import { describe, expect, it } from "vitest";
import { latin1MayStartWith, utf8MayStartWith } from "./sniff-text.js";
import { numeric } from "./tar/header.js";

// Bytes that matter to the pre-checks: ASCII whitespace, BOM and multi-byte space pieces, the
// characters sniffers look for, pickle opcodes, and bytes that decode to replacement characters.
const ALPHABET = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0xc2, 0xe1, 0x9a, 0xe2, 0x80, 0x81, 0x8a, 0xa8, 0xaf, 0x9f, 0xe3, 0xef, 0xbb, 0xbf, 0x7b, 0x3c, 0x5b, 0x23, 0x00, 0x02, 0x30, 0x37, 0x38, 0x61, 0xff, 0xfe];

/** A deterministic pseudo-random generator: the same cases on every run. */
function* heads(count: number): Generator<Uint8Array> {
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  for (let n = 0; n < count; n++) {
    const length = next() % 12;
    yield Uint8Array.from({ length }, () => ALPHABET[next() % ALPHABET.length] as number);
  }
  for (let b = 0; b < 256; b++) yield Uint8Array.of(b, 0x7b);
}

describe("text pre-checks agree with decoding", () => {
  it("latin1MayStartWith is false only when the decoded text does not start with the character", () => {
    const latin1 = new TextDecoder("latin1");
    for (const head of heads(6_000)) {
      const text = latin1.decode(head).replace(/^\xef\xbb\xbf/, "");
      for (const [code, re] of [[0x7b, /^\s*\{/], [0x3c, /^\s*</]] as const) {
        if (!latin1MayStartWith(head, code)) expect(re.test(text), `${Array.from(head)}`).toBe(false);
        else expect(re.test(text), `${Array.from(head)}`).toBe(true);
      }
    }
  });

  it("utf8MayStartWith is false only when the decoded text does not start with the character", () => {
    const utf8 = new TextDecoder("utf-8", { fatal: false });
    for (const head of heads(6_000)) {
      const text = utf8.decode(head).replace(/^\ufeff/, "");
      if (!utf8MayStartWith(head, 0x7b)) expect(/^\s*\{/.test(text), `${Array.from(head)}`).toBe(false);
      if (!utf8MayStartWith(head, 0x5b, 0x23)) expect(/^\s*[[#]/.test(text), `${Array.from(head)}`).toBe(false);
    }
  });

  it("the tar number pre-check keeps every field the decoding accepts", () => {
    const latin1 = new TextDecoder("latin1");
    const reference = (raw: Uint8Array): number | undefined => {
      if (raw[0] === 0x80 || raw[0] === 0xff) return numeric(raw);
      const text = latin1.decode(raw).replace(/\0.*$/s, "").trim();
      if (text === "") return 0;
      return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined;
    };
    for (const head of heads(6_000)) expect(numeric(head), `${Array.from(head)}`).toBe(reference(head));
  });
});
