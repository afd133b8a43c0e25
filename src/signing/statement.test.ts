import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { utf8 } from "./base64.js";
import { SigningError } from "./errors.js";
import type { Manifest } from "./manifest.js";
import { buildStatement, encodeStatement, manifestFromPayload, MAX_RESOURCES, PREDICATE_TYPE_V02 } from "./statement.js";

const sha256 = (d: Uint8Array) => new Uint8Array(createHash("sha256").update(d).digest());
const hex = (s: string) => createHash("sha256").update(s).digest("hex");

const manifest: Manifest = {
  modelName: "model",
  serialization: { method: "files", hashType: "sha256", allowSymlinks: false, ignorePaths: ["model.sig", ".git"] },
  items: [
    { name: "b/w.bin", algorithm: "sha256", digest: hex("w") },
    { name: "a.json", algorithm: "sha256", digest: hex("a") },
  ],
};

function failure(fn: () => unknown): SigningError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SigningError) return error;
    throw error;
  }
  throw new Error("did not fail");
}

describe("in-toto statement", () => {
  it("writes the reference layout: sorted resources, root digest over them, serialization first", () => {
    const text = new TextDecoder().decode(encodeStatement(buildStatement(manifest, sha256)));
    const root = createHash("sha256").update(Buffer.from(hex("a") + hex("w"), "hex")).digest("hex");
    expect(text).toBe(
      `{\n  "_type": "https://in-toto.io/Statement/v1",\n  "subject": [\n    {\n      "name": "model",\n      "digest": {\n        "sha256": "${root}"\n      }\n    }\n  ],\n` +
        `  "predicateType": "https://model_signing/signature/v1.0",\n  "predicate": {\n    "serialization": {\n      "method": "files",\n      "hash_type": "sha256",\n      "allow_symlinks": false,\n` +
        `      "ignore_paths": [\n        "model.sig",\n        ".git"\n      ]\n    },\n    "resources": [\n      {\n        "name": "a.json",\n        "algorithm": "sha256",\n        "digest": "${hex("a")}"\n      },\n` +
        `      {\n        "name": "b/w.bin",\n        "algorithm": "sha256",\n        "digest": "${hex("w")}"\n      }\n    ]\n  }\n}`,
    );
  });

  it("reads back what it writes", () => {
    const read = manifestFromPayload(encodeStatement(buildStatement(manifest, sha256)), sha256);
    expect(read.items.map((i) => i.name)).toEqual(["a.json", "b/w.bin"]);
    expect(read.serialization).toEqual(manifest.serialization);
  });

  it("rejects a statement whose resources do not hash to its subject digest", () => {
    const statement = buildStatement(manifest, sha256) as { predicate: { resources: { digest: string }[] } };
    (statement.predicate.resources[0] as { digest: string }).digest = hex("tampered");
    const error = failure(() => manifestFromPayload(encodeStatement(statement), sha256));
    expect(error.code).toBe("payload-invalid");
    expect(error.message).toMatch(/^Cannot verify signature: the signed statement is inconsistent: its subject digest is [0-9a-f]{64} but its resources hash to/);
  });

  it("rejects other predicates, unsafe names, duplicates and too many resources", () => {
    const base = buildStatement(manifest, sha256) as Record<string, unknown> & { predicate: { resources: { name: string }[] } };
    expect(failure(() => manifestFromPayload(utf8(JSON.stringify({ ...base, predicateType: "https://slsa.dev/provenance/v1" })), sha256)).message).toContain('predicateType "https://slsa.dev/provenance/v1"');
    const unsafe = structuredClone(base);
    (unsafe.predicate.resources[0] as { name: string }).name = "../../etc/passwd";
    expect(failure(() => manifestFromPayload(utf8(JSON.stringify(unsafe)), sha256)).message).toContain("outside the model");
    const twice = structuredClone(base);
    (twice.predicate.resources[1] as { name: string }).name = "a.json";
    expect(failure(() => manifestFromPayload(utf8(JSON.stringify(twice)), sha256)).message).toMatch(/lists resource "a.json" twice|inconsistent/);
    const many = structuredClone(base);
    many.predicate.resources = Array.from({ length: MAX_RESOURCES + 1 }, () => ({ name: "x" }));
    expect(failure(() => manifestFromPayload(utf8(JSON.stringify(many)), sha256)).message).toContain(`the limit is ${MAX_RESOURCES}`);
  });

  it("accepts exactly the resource limit and refuses one past it (limit injected small; the default is MAX_RESOURCES)", () => {
    const limit = 2_000;
    const statement = (n: number): Uint8Array => {
      const items = Array.from({ length: n }, (_, i) => ({ name: `f${i}`, algorithm: "sha256" as const, digest: "00" }));
      return encodeStatement(buildStatement({ ...manifest, items }, sha256));
    };
    expect(manifestFromPayload(statement(limit), sha256, { maxResources: limit }).items).toHaveLength(limit);
    expect(failure(() => manifestFromPayload(statement(limit + 1), sha256, { maxResources: limit })).message).toContain(`the limit is ${limit}`);
  });

  it("reads the v0.2 predicate: one subject per file, sha256", () => {
    const v02 = { _type: "https://in-toto.io/Statement/v1", predicateType: PREDICATE_TYPE_V02, subject: [{ name: "w.bin", digest: { sha256: hex("w") }, annotations: { actual_hash_algorithm: "file-sha256" } }], predicate: {} };
    const read = manifestFromPayload(utf8(JSON.stringify(v02)), sha256);
    expect(read.items).toEqual([{ name: "w.bin", algorithm: "sha256", digest: hex("w") }]);
    expect(read.serialization.method).toBe("files");
  });

  it("refuses blake3 with a message saying so", () => {
    const statement = buildStatement(manifest, sha256) as { predicate: { serialization: Record<string, unknown> } };
    statement.predicate.serialization.hash_type = "blake3";
    expect(failure(() => manifestFromPayload(encodeStatement(statement as never), sha256)).message).toContain('uses "blake3", which modelvet cannot compute yet');
  });
});
