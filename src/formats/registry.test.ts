import { describe, expect, it } from "vitest";
import { MemorySource } from "../core/byte-source.js";
import type { FormatHandler } from "../core/handler.js";
import { bzip2Handler, gzipHandler, lz4Handler, lzmaAloneHandler, sevenZipHandler, xzHandler, zlibHandler, zstdHandler } from "./compress/index.js";
import { dependencyFileHandler } from "./dependencies/handler.js";
import { ggufHandler } from "./gguf/handler.js";
import { h2oBinaryHandler, h2oMojoHandler } from "./h2o/index.js";
import { hdf5Handler } from "./hdf5/index.js";
import { hfConfigHandler } from "./hf-config/handler.js";
import { pythonSourceHandler } from "./hf-config/python-source.js";
import { chatTemplateHandler } from "./jinja/handler.js";
import { joblibHandler, zfileHandler } from "./joblib/index.js";
import { kerasConfigHandler, kerasMetadataHandler } from "./keras/index.js";
import { npyHandler } from "./numpy/index.js";
import { onnxHandler } from "./onnx/index.js";
import { safetensorsHandler } from "./safetensors/handler.js";
import { yamlConfigHandler } from "./yaml-config/handler.js";
import { htmlHandler } from "./html/index.js";
import { javaHandler } from "./java/index.js";
import { mlmodelHandler } from "./mlflow/index.js";
import { notebookHandler } from "./notebook/index.js";
import { pickleHandler } from "./pickle/handler.js";
import { tarHandler } from "./tar/index.js";
import { graphDefHandler, savedModelHandler, tfliteHandler } from "./tensorflow/index.js";
import { torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, zipModelHandler } from "./torch/index.js";
import { zipHandler } from "./zip/index.js";
import { FORMAT_HANDLERS } from "./index.js";
import { lazyHandler } from "./lazy-handler.js";
import { testScanContext as scanContext } from "../test-support/scan-context.js";

/** The handlers themselves, loaded eagerly: what the lazy registry must stand for, entry by entry. */
const FULL: readonly FormatHandler[] = [
  pickleHandler,
  zipHandler,
  tarHandler,
  gzipHandler,
  zlibHandler,
  zstdHandler,
  lz4Handler,
  bzip2Handler,
  xzHandler,
  sevenZipHandler,
  lzmaAloneHandler,
  javaHandler,
  h2oBinaryHandler,
  h2oMojoHandler,
  htmlHandler,
  notebookHandler,
  mlmodelHandler,
  safetensorsHandler,
  ggufHandler,
  hfConfigHandler,
  pythonSourceHandler,
  yamlConfigHandler,
  chatTemplateHandler,
  onnxHandler,
  savedModelHandler,
  graphDefHandler,
  tfliteHandler,
  kerasConfigHandler,
  kerasMetadataHandler,
  hdf5Handler,
  zipModelHandler,
  torchLegacyHandler,
  torchLegacyTarHandler,
  torchPickleHandler,
  torchScriptPickleHandler,
  npyHandler,
  joblibHandler,
  zfileHandler,
  dependencyFileHandler,
];

describe("format registry (lazy handlers)", () => {
  it("has one entry per handler, in the same order, with the same id, priority, supersedes and sniff function", async () => {
    expect(FORMAT_HANDLERS.map((h) => h.id)).toEqual(FULL.map((h) => h.id));
    for (const [i, lazy] of FORMAT_HANDLERS.entries()) {
      const full = FULL[i] as FormatHandler;
      expect({ id: lazy.id, priority: lazy.priority, supersedes: lazy.supersedes }).toEqual({ id: full.id, priority: full.priority, supersedes: full.supersedes });
      // The same function object: the handler spreads the sniffer the registry sniffs with.
      expect(lazy.sniff).toBe(full.sniff);
    }
  });

  it("analyses with the handler it loads", async () => {
    const pickle = FORMAT_HANDLERS.find((h) => h.id === "pickle") as FormatHandler;
    const bytes = new Uint8Array([0x80, 0x02, 0x4b, 0x01, 0x2e]); // PROTO 2, BININT1 1, STOP
    const analysis = await pickle.analyze(new MemorySource(bytes), scanContext());
    expect(analysis?.format).toBe("pickle");
  });

  it("fails loudly when an entry loads another format's handler", async () => {
    const wrong = lazyHandler({ id: "pickle", priority: 10, sniff: () => "no" }, async () => zipHandler);
    await expect(wrong.analyze(new MemorySource(new Uint8Array(4)), scanContext())).rejects.toThrow(/"pickle" loaded "zip"/);
  });
});
