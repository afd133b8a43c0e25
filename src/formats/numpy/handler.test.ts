import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { scanBytes } from "../../test-support/scan.js";
import { FORMAT_HANDLERS } from "../index.js";
import { npyHandler } from "./handler.js";

const handlers = [npyHandler, ...FORMAT_HANDLERS];
const enc = new TextEncoder();

function npy(header: string, body: Uint8Array): Uint8Array {
  const text = enc.encode(`${header}${" ".repeat(64 - ((10 + header.length + 1) % 64))}\n`);
  const out = new Uint8Array(10 + text.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8]);
  out.set(text, 10);
  out.set(body, 10 + text.length);
  return out;
}

describe("npyHandler", () => {
  it("scans an object array's data as a pickle (format numpy-object)", async () => {
    const report = await scanBytes(npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", P.call("os", "system", "id", 3)), { handlers });
    expect(report.formats).toEqual(["numpy-object", "numpy"]);
    expect(report.verdict).toBe("unsafe");
    expect(report.notes.join(" ")).toMatch(/allow_pickle=True/);
  });

  it("scans a pickle hidden after a plain array as trailing data", async () => {
    const body = new Uint8Array([...new Uint8Array(8), ...P.call("os", "system", "id", 2)]);
    const report = await scanBytes(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", body), { handlers });
    expect(report.findings.find((f) => f.ruleId === "PKL001")?.location.member).toMatch(/^trailing@\d+$/);
  });

  it("treats data behind an unreadable dtype as a pickle only when it parses like one", async () => {
    const hidden = await scanBytes(npy("{'descr': 'O,i4', 'fortran_order': False, 'shape': (1,), }", P.call("os", "system", "id", 2)), { handlers });
    expect(hidden.formats).toContain("numpy-object");
    expect(hidden.verdict).toBe("unsafe");
    const plain = await scanBytes(npy("{'descr': 'i4,f8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(12)), { handlers });
    expect(plain.formats).toEqual(["numpy"]);
  });
});
