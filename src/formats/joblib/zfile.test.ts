import { zlibSync } from "fflate";
import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { scanBytes } from "../../test-support/scan.js";
import { FORMAT_HANDLERS } from "../index.js";
import { readZFileHeader, zfileHandler } from "./zfile.js";

const enc = new TextEncoder();

/** numpy_pickle_compat.write_zfile: "ZF" + hex(len).ljust(19) + zlib stream. */
function zfile(data: Uint8Array, extraSpace = false, declared = data.length): Uint8Array {
  const header = enc.encode(`ZF${`0x${declared.toString(16)}`.padEnd(19, " ")}${extraSpace ? " " : ""}`);
  const body = zlibSync(data);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

const handlers = [zfileHandler, ...FORMAT_HANDLERS];

describe("joblib Z-files", () => {
  it("reads the header with and without the Python 2 extra space", () => {
    expect(readZFileHeader(zfile(new Uint8Array(300)))).toEqual({ declaredLength: 300, dataOffset: 21 });
    expect(readZFileHeader(zfile(new Uint8Array(300), true))).toEqual({ declaredLength: 300, dataOffset: 22 });
    expect(readZFileHeader(enc.encode("ZF0xZZ                  xx"))).toBeUndefined();
    expect(readZFileHeader(enc.encode("ZIP file, not a Z-file....."))).toBeUndefined();
  });

  it("scans the pickle inside", async () => {
    const report = await scanBytes(zfile(P.call("os", "system", "id", 2)), { path: "model.pkl", handlers });
    expect(report.formats).toEqual(["joblib-zfile", "pickle"]);
    expect(report.verdict).toBe("unsafe");
    expect(report.findings.find((f) => f.ruleId === "PKL001")?.location.member).toBe("model.pkl");
  });

  it("notes a declared length that does not match, and still scans everything", async () => {
    const report = await scanBytes(zfile(P.call("os", "system", "id", 2), false, 3), { handlers });
    expect(report.notes.join(" ")).toMatch(/declares 3 bytes/);
    expect(report.verdict).toBe("unsafe");
  });

  it("reports a stream that does not inflate", async () => {
    const bytes = zfile(P.call("os", "system", "id", 2));
    bytes[25] = (bytes[25] ?? 0) ^ 0xff;
    const report = await scanBytes(bytes, { handlers });
    expect(report.verdict === "error" || report.verdict === "unsafe").toBe(true);
  });
});
