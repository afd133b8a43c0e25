/**
 * The peer scanners' samples of the kinds the PyTorch family covers (.pt/.pth/.bin/.ckpt, .zip,
 * .npy, .npz, .7z, .joblib, .tar) scanned with this family's handlers and rules added to the
 * registered ones: each must reach its label, except the listed disagreements, and the gaps
 * test/conformance-gaps.ts lists for these kinds must be fixed by the family or explained here.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../src/core/byte-source.js";
import { scanSource } from "../src/engine/scan.js";
import { lzmaAloneHandler } from "../src/formats/compress/index.js";
import { FORMAT_HANDLERS } from "../src/formats/index.js";
import { joblibHandler, zfileHandler } from "../src/formats/joblib/index.js";
import { npyHandler } from "../src/formats/numpy/index.js";
import { torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, zipModelHandler } from "../src/formats/torch/index.js";
import { RULES } from "../src/rules/index.js";
import { npy001 } from "../src/rules/numpy/npy001-object-array.js";
import { npy002 } from "../src/rules/numpy/npy002-bad-header.js";
import { npy003 } from "../src/rules/numpy/npy003-data-size.js";
import { pt001 } from "../src/rules/torch/pt001-storage-short.js";
import { pt002 } from "../src/rules/torch/pt002-storage-records.js";
import { pt003 } from "../src/rules/torch/pt003-tensor-mutation.js";
import { pt004 } from "../src/rules/torch/pt004-odd-persistent-id.js";
import { pt005 } from "../src/rules/torch/pt005-legacy-magic-call.js";
import { pt006 } from "../src/rules/torch/pt006-legacy-layout.js";
import { DISAGREEMENTS, EXPECTED_GAPS } from "./conformance-gaps.js";

const ROOT = new URL("../../shared/conformance/peers", import.meta.url).pathname;
const KINDS = /\.(pt|pth|bin|ckpt|zip|npy|npz|7z|joblib|tar)$/;
const unique = <T>(list: T[], id: (x: T) => string): T[] => list.filter((x, i) => list.findIndex((y) => id(y) === id(x)) === i);
const handlers = unique(
  [zipModelHandler, torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, npyHandler, joblibHandler, zfileHandler, lzmaAloneHandler, ...FORMAT_HANDLERS],
  (h) => h.id,
);
const rules = unique([...RULES, pt001, pt002, pt003, pt004, pt005, pt006, npy001, npy002, npy003], (r) => r.meta.id);

/** Gaps of these kinds that are not the family's to close. */
const NOT_THIS_FAMILY: Record<string, string> = {};

function samples(): { key: string; file: string; wanted: string | undefined }[] {
  if (!existsSync(ROOT)) return [];
  const out: { key: string; file: string; wanted: string | undefined }[] = [];
  for (const suite of readdirSync(ROOT).sort()) {
    const labels = join(ROOT, suite, "labels.tsv");
    if (!existsSync(labels)) continue;
    for (const line of readFileSync(labels, "utf8").split("\n").slice(1)) {
      const [file, expected] = line.split("\t");
      if (!file || !expected || !KINDS.test(file)) continue;
      const wanted = expected === "malicious" ? "unsafe" : expected.startsWith("clean") ? "clean" : undefined;
      out.push({ key: `${suite}/${file}`, file, wanted });
    }
  }
  return out;
}

const all = samples();
const scan = (key: string, file: string) => scanSource(new MemorySource(readFileSync(join(ROOT, key))), { path: file, handlers, rules });

describe.skipIf(all.length === 0)("peer samples of the PyTorch-family kinds, with the family's handlers", () => {
  for (const { key, file, wanted } of all) {
    const disagreement = DISAGREEMENTS[key];
    const notOurs = NOT_THIS_FAMILY[key] ?? (EXPECTED_GAPS[key]?.match(/7z/) ? EXPECTED_GAPS[key] : undefined);
    if (disagreement) {
      it(`${key} is ${disagreement.verdicts.join(" or ")} (disagreement: ${disagreement.reason})`, async () => {
        expect(disagreement.verdicts).toContain((await scan(key, file)).verdict);
      });
    } else if (wanted !== undefined) {
      it.skipIf(notOurs !== undefined)(`${key} is ${wanted}${notOurs ? ` (gap: ${notOurs})` : ""}`, async () => {
        const report = await scan(key, file);
        expect(report.verdict, JSON.stringify({ findings: report.findings.map((f) => `${f.ruleId} ${f.message}`), errors: report.errors, formats: report.formats }, null, 1)).toBe(wanted);
      });
    }
  }
});
