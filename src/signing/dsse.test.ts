import { describe, expect, it } from "vitest";
import { utf8 } from "./base64.js";
import { pae, paeCompat, pythonBytesRepr } from "./dsse.js";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("DSSE pre-authentication encoding", () => {
  it("matches the DSSE v1 specification's example", () => {
    // https://github.com/secure-systems-lab/dsse/blob/v1.0.0/protocol.md#signature-definition
    expect(text(pae("http://example.com/HelloWorld", utf8("hello world")))).toBe("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  });
  it("counts bytes, not characters", () => {
    expect(text(pae("t", utf8("é")))).toBe("DSSEv1 1 t 2 é");
  });
  it("reproduces model_signing v0.2's encoding (DSSEV1 and Python's bytes repr)", () => {
    expect(text(paeCompat("application/vnd.in-toto+json", utf8('{\n  "a": 1\n}')))).toBe(`DSSEV1 28 application/vnd.in-toto+json 12 b'{\\n  "a": 1\\n}'`);
  });
});

describe("pythonBytesRepr", () => {
  it("uses single quotes and escapes like Python", () => {
    expect(pythonBytesRepr(new Uint8Array([0x61, 0x27, 0x22, 0x5c, 0x09, 0x0d, 0x00, 0xff]))).toBe("b'a\\'\"\\\\\\t\\r\\x00\\xff'");
  });
  it("switches to double quotes when only single quotes occur", () => {
    expect(pythonBytesRepr(utf8("it's"))).toBe(`b"it's"`);
  });
});
