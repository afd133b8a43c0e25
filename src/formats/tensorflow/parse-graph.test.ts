import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { RULES } from "../../rules/index.js";
import { TF_RULES } from "../../rules/tensorflow/index.js";
import { proto, tfGraph as graph, tfNode as node, tfSavedModel as savedModel, tfStringConst as stringConst } from "../../test-support/protobuf-builder.js";
import { scanBytes } from "../../test-support/scan.js";
import { everySource } from "../../test-support/stingy-source.js";
import { FORMAT_HANDLERS } from "../index.js";
import { graphDefHandler, savedModelHandler } from "./handler.js";
import { MAX_TF_NESTED_GRAPH_DEPTH } from "./limits.js";
import { parseGraphDef, parseSavedModel } from "./parse-graph.js";
import { tfliteHandler } from "./tflite-handler.js";

const handlers = [...new Set([...FORMAT_HANDLERS, savedModelHandler, graphDefHandler, tfliteHandler])];
const rules = [...new Set([...RULES, ...TF_RULES])];
const PEERS = new URL("../../../../shared/conformance/peers/modelaudit/samples/tensorflow/", import.meta.url).pathname;

const peersPresent = existsSync(PEERS);
if (!peersPresent) console.warn(`modelaudit TensorFlow samples skipped: ${PEERS} not found (../shared is absent)`);

const scan = (bytes: Uint8Array, path: string) => scanBytes(bytes, { path, handlers, rules });
const ids = (r: Awaited<ReturnType<typeof scan>>) => r.findings.map((f) => f.ruleId);

describe("TensorFlow SavedModel and GraphDef", () => {
  it.skipIf(!peersPresent)("reports the modelaudit PyFunc SavedModel as unsafe and its safe sibling as clean (../shared/conformance)", async () => {
    const bad = await scan(readFileSync(`${PEERS}malicious_pyfunc/saved_model.pb`), "saved_model.pb");
    expect(bad.verdict).toBe("unsafe");
    expect(ids(bad)).toEqual(["TF001"]);
    expect(bad.formats).toEqual(["tf-savedmodel"]);
    const good = await scan(readFileSync(`${PEERS}safe_savedmodel/saved_model.pb`), "saved_model.pb");
    expect(good.verdict).toBe("clean");
    expect(good.formats).toEqual(["tf-savedmodel"]);
  });

  it("recognises a SavedModel by content when renamed", async () => {
    const bytes = savedModel(graph([node("x", "Placeholder"), node("w", "WriteFile")]));
    const report = await scan(bytes, "weights.bin");
    expect(report.formats).toEqual(["tf-savedmodel"]);
    expect(ids(report)).toContain("TF001");
  });

  it("lists ops inside library functions", async () => {
    const bytes = savedModel(graph([node("call", "StatefulPartitionedCall")], [["__inference_serve_12", [node("r", "ReadFile"), node("m", "MatchingFiles")]]]));
    const { document } = await parseSavedModel(new MemorySource(bytes));
    expect(document.ops.map((o) => o.op)).toEqual(["StatefulPartitionedCall", "ReadFile", "MatchingFiles"]);
    expect(document.functions).toEqual(["__inference_serve_12"]);
    expect(document.ops[1]?.sites[0]?.where).toBe('function "__inference_serve_12"');
  });

  it("finds WriteFile in a GraphDef hidden in a string Const fed to DatasetFromGraph (ModelScan 0.8.8 bypass)", async () => {
    const inner = graph([node("path", "Const"), node("payload", "Const"), node("write", "WriteFile")]);
    const bytes = savedModel(graph([stringConst("graph_def", inner), node("ds", "DatasetFromGraph")]));
    const report = await scan(bytes, "saved_model.pb");
    expect(report.verdict).toBe("unsafe");
    expect(ids(report)).toEqual(expect.arrayContaining(["TF001", "TF003"]));
    const tf001 = report.findings.find((f) => f.ruleId === "TF001");
    expect(tf001?.evidence).toContain("nested graph in node 0");
  });

  it("follows graphs nested in graphs up to the limit and reports one past it", async () => {
    let inner = graph([node("w", "WriteFile")]);
    for (let i = 0; i < MAX_TF_NESTED_GRAPH_DEPTH - 1; i++) inner = graph([stringConst(`level${i}`, inner)]);
    const atLimit = await parseGraphDef(new MemorySource(graph([stringConst("top", inner)])));
    expect(atLimit.document.ops.map((o) => o.op)).toContain("WriteFile");
    expect(atLimit.defects).toEqual([]);
    const past = await parseGraphDef(new MemorySource(graph([stringConst("top", graph([stringConst("more", inner)]))])));
    expect(past.document.ops.map((o) => o.op)).not.toContain("WriteFile");
    expect(past.defects.map((d) => d.limit)).toEqual(["MAX_TF_NESTED_GRAPH_DEPTH"]);
  });

  it("flags PrintV2 only when it prints to a file", async () => {
    const printTo = (target: string) => node("p", "PrintV2", [["output_stream", (v) => v.string(2, target)]]);
    const toFile = await scan(savedModel(graph([printTo("file:///tmp/exfil.txt")])), "saved_model.pb");
    expect(ids(toFile)).toEqual(["TF001"]);
    const toStderr = await scan(savedModel(graph([printTo("stderr")])), "saved_model.pb");
    expect(ids(toStderr)).toEqual([]);
  });

  it("walks serialized graphs in bytes_list collections", async () => {
    const hidden = graph([node("py", "EagerPyFunc")]);
    const bytes = savedModel(graph([node("c", "Const")]), (m) => m.message(4, (e) => e.string(1, "extra").message(2, (c) => c.message(2, (b) => b.bytes(1, hidden)))));
    const report = await scan(bytes, "saved_model.pb");
    expect(ids(report)).toEqual(expect.arrayContaining(["TF001", "TF003"]));
  });

  it("reports checkpoint ops low (every SavedModel has them) and keeps the verdict clean", async () => {
    const report = await scan(savedModel(graph([node("save", "SaveV2"), node("restore", "RestoreV2"), node("merge", "MergeV2Checkpoints")])), "saved_model.pb");
    expect([...new Set(ids(report))]).toEqual(["TF002"]);
    expect(report.verdict).toBe("clean");
  });

  it("scans a frozen GraphDef by content", async () => {
    const report = await scan(graph([node("input", "Placeholder"), node("read", "ReadFile")]), "frozen.pb");
    expect(report.formats).toEqual(["tf-graphdef"]);
    expect(ids(report)).toEqual(["TF001"]);
  });

  it("does not take text or other protobufs for a GraphDef", async () => {
    const text = await scan(new TextEncoder().encode("hello world, not a graph\n"), "notes.pb");
    expect(text.formats).toEqual([]);
    const other = await scan(proto((w) => w.varint(1, 42).varint(2, 7)), "fingerprint.pb");
    expect(other.formats).toEqual([]);
  });

  it("reports a truncated SavedModel as an error with what was parsed before the cut", async () => {
    const full = savedModel(graph([node("py", "PyFunc"), node("c", "Const")]));
    const cut = full.subarray(0, full.length - 3);
    const { document, defects } = await parseSavedModel(new MemorySource(cut));
    expect(document.ops.map((o) => o.op)).toContain("PyFunc");
    expect(defects.some((d) => d.fatal && d.code === "truncated")).toBe(true);
    const report = await scan(cut, "saved_model.pb");
    expect(report.verdict).toBe("unsafe");
    expect(report.errors.length).toBeGreaterThan(0);
  });

  it("parses identically through every source", async () => {
    const bytes = savedModel(graph([stringConst("g", graph([node("w", "WriteFile")])), node("ds", "DatasetFromGraph")], [["f", [node("r", "ReadFile")]]]));
    const docs = new Set<string>();
    for (const { make } of everySource(bytes)) docs.add(JSON.stringify(await parseSavedModel(make())));
    expect(docs.size).toBe(1);
  });
});
