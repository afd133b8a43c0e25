import { gzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { withArchiveHandlers } from "../../test-support/archive-rule-cases.js";
import { scanBytes } from "../../test-support/scan.js";
import { buildTar } from "../../test-support/tar-builder.js";
import { buildZip, type ZipBuildEntry } from "../../test-support/zip-builder.js";

/** Protocol-0 pickle calling os.system('id'). */
const EVIL = new TextEncoder().encode("cos\nsystem\n(S'id'\ntR.");

async function pickleFindings(bytes: Uint8Array, path = "model.pt") {
  const report = await scanBytes(bytes, { handlers: withArchiveHandlers(), path });
  return { report, members: report.findings.filter((f) => f.ruleId === "PKL001").map((f) => f.location.member) };
}

/** The picklescan bypasses (threats.md 4.1): each hides the payload from a strict zip reader; each must still reach PKL001. */
describe("payloads behind zip tricks reach the pickle rules", () => {
  it.each<[string, ZipBuildEntry[], Parameters<typeof buildZip>[1]?]>([
    ["a plain torch zip", [{ name: "archive/data.pkl", data: EVIL }]],
    ["a non-.pkl member name (CVE-2025-1889)", [{ name: "archive/data.txt", data: EVIL }]],
    ["a local/central name mismatch (CVE-2025-1944)", [{ name: "archive/data.pkl", localName: "archive/datap.kl", data: EVIL }]],
    ["flag 0x1 on plaintext (CVE-2025-1945)", [{ name: "archive/data.pkl", data: EVIL, flags: 0x1 }]],
    ["flag 0x20 (CVE-2025-1945)", [{ name: "archive/data.pkl", data: EVIL, flags: 0x20 }]],
    ["a bad CRC (CVE-2025-10156)", [{ name: "archive/data.pkl", data: EVIL, crc: 0xbad }]],
    ["the second of two duplicate names", [{ name: "archive/data.pkl", data: "benign" }, { name: "archive/data.pkl", data: EVIL }]],
    ["an entry missing from the central directory", [{ name: "archive/version", data: "3" }, { name: "archive/x.pkl", data: EVIL, inCentral: false }]],
    ["a deflated member with a data descriptor", [{ name: "archive/data.pkl", data: EVIL, method: 8, dataDescriptor: true }]],
    ["ZIP64 records", [{ name: "archive/data.pkl", data: EVIL }], { zip64: true }],
    ["prepended data with shifted offsets", [{ name: "archive/data.pkl", data: EVIL }], { prepend: "junk", absoluteOffsets: false }],
  ])("%s", async (_label, entries, options) => {
    const { members } = await pickleFindings(buildZip(entries, options));
    expect(members.length).toBeGreaterThan(0);
  });

  it("finds the payload in a zip inside a tar inside gzip", async () => {
    const zip = buildZip([{ name: "archive/data.pkl", data: EVIL }]);
    const { members } = await pickleFindings(gzipSync(buildTar([{ name: "model.pt", data: zip }])), "model.tar.gz");
    expect(members).toEqual(["model.tar!model.pt!archive/data.pkl"]);
  });

  it("finds a pickle in a gzip member of a zip", async () => {
    const { members } = await pickleFindings(buildZip([{ name: "w.pkl.gz", data: gzipSync(EVIL) }]));
    expect(members).toEqual(["w.pkl.gz!w.pkl"]);
  });
});
