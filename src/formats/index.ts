import type { FormatHandler } from "../core/handler.js";
import { bzip2Sniffer, gzipSniffer, lz4Sniffer, lzmaAloneSniffer, sevenZipSniffer, xzSniffer, zlibSniffer, zstdSniffer } from "./compress/sniff.js";
import { dependencyFileSniffer } from "./dependencies/sniff.js";
import { ggufSniffer } from "./gguf/sniff.js";
import { h2oBinarySniffer, h2oMojoSniffer } from "./h2o/sniff.js";
import { hdf5Sniffer } from "./hdf5/sniff.js";
import { pythonSourceHandler } from "./hf-config/python-source.js";
import { hfConfigSniffer } from "./hf-config/sniff.js";
import { htmlSniffer } from "./html/sniff.js";
import { javaSniffer } from "./java/sniff.js";
import { chatTemplateSniffer } from "./jinja/sniff.js";
import { joblibSniffer, zfileSniffer } from "./joblib/sniff.js";
import { kerasConfigSniffer, kerasMetadataSniffer } from "./keras/sniff.js";
import { lazyHandler } from "./lazy-handler.js";
import { mlmodelSniffer } from "./mlflow/sniff.js";
import { notebookSniffer } from "./notebook/sniff.js";
import { npySniffer } from "./numpy/sniff.js";
import { onnxSniffer } from "./onnx/sniff.js";
import { pickleSniffer } from "./pickle/sniff.js";
import { safetensorsSniffer } from "./safetensors/sniff.js";
import { tarSniffer } from "./tar/sniff.js";
import { graphDefSniffer, savedModelSniffer, tfliteSniffer } from "./tensorflow/sniff.js";
import { torchLegacySniffer, torchLegacyTarSniffer, torchPickleSniffer, torchScriptPickleSniffer, zipModelSniffer } from "./torch/sniff.js";
import { yamlConfigSniffer } from "./yaml-config/sniff.js";
import { zipSniffer } from "./zip/sniff.js";

/**
 * Every format the engine can sniff, in no particular order (priority decides). Each entry sniffs
 * with code loaded now and analyses with code loaded on first use (`lazyHandler`): scanning a
 * pickle loads the pickle VM, not the HDF5, HTML, YAML and Jinja parsers. Each full handler
 * spreads the same sniffer object, so the two cannot drift (formats/registry.test.ts).
 */
export const FORMAT_HANDLERS: readonly FormatHandler[] = [
  lazyHandler(pickleSniffer, async () => (await import("./pickle/handler.js")).pickleHandler),
  lazyHandler(zipSniffer, async () => (await import("./zip/handler.js")).zipHandler),
  lazyHandler(tarSniffer, async () => (await import("./tar/handler.js")).tarHandler),
  lazyHandler(gzipSniffer, async () => (await import("./compress/gzip.js")).gzipHandler),
  lazyHandler(zlibSniffer, async () => (await import("./compress/zlib.js")).zlibHandler),
  lazyHandler(zstdSniffer, async () => (await import("./compress/zstd.js")).zstdHandler),
  lazyHandler(lz4Sniffer, async () => (await import("./compress/lz4.js")).lz4Handler),
  lazyHandler(bzip2Sniffer, async () => (await import("./compress/bzip2.js")).bzip2Handler),
  lazyHandler(xzSniffer, async () => (await import("./compress/xz.js")).xzHandler),
  lazyHandler(sevenZipSniffer, async () => (await import("./compress/sevenzip.js")).sevenZipHandler),
  lazyHandler(lzmaAloneSniffer, async () => (await import("./compress/lzma-alone.js")).lzmaAloneHandler),
  lazyHandler(javaSniffer, async () => (await import("./java/handler.js")).javaHandler),
  lazyHandler(h2oBinarySniffer, async () => (await import("./h2o/handler.js")).h2oBinaryHandler),
  lazyHandler(h2oMojoSniffer, async () => (await import("./h2o/handler.js")).h2oMojoHandler),
  lazyHandler(htmlSniffer, async () => (await import("./html/handler.js")).htmlHandler),
  lazyHandler(notebookSniffer, async () => (await import("./notebook/handler.js")).notebookHandler),
  lazyHandler(mlmodelSniffer, async () => (await import("./mlflow/handler.js")).mlmodelHandler),
  lazyHandler(safetensorsSniffer, async () => (await import("./safetensors/handler.js")).safetensorsHandler),
  lazyHandler(ggufSniffer, async () => (await import("./gguf/handler.js")).ggufHandler),
  lazyHandler(hfConfigSniffer, async () => (await import("./hf-config/handler.js")).hfConfigHandler),
  // Small enough to load with the sniffers: it reads a few lines and parses nothing.
  pythonSourceHandler,
  lazyHandler(yamlConfigSniffer, async () => (await import("./yaml-config/handler.js")).yamlConfigHandler),
  lazyHandler(chatTemplateSniffer, async () => (await import("./jinja/handler.js")).chatTemplateHandler),
  lazyHandler(onnxSniffer, async () => (await import("./onnx/handler.js")).onnxHandler),
  lazyHandler(savedModelSniffer, async () => (await import("./tensorflow/handler.js")).savedModelHandler),
  lazyHandler(graphDefSniffer, async () => (await import("./tensorflow/handler.js")).graphDefHandler),
  lazyHandler(tfliteSniffer, async () => (await import("./tensorflow/tflite-handler.js")).tfliteHandler),
  lazyHandler(kerasConfigSniffer, async () => (await import("./keras/config-handler.js")).kerasConfigHandler),
  lazyHandler(kerasMetadataSniffer, async () => (await import("./keras/metadata-handler.js")).kerasMetadataHandler),
  lazyHandler(hdf5Sniffer, async () => (await import("./hdf5/handler.js")).hdf5Handler),
  lazyHandler(zipModelSniffer, async () => (await import("./torch/zip-handler.js")).zipModelHandler),
  lazyHandler(torchLegacySniffer, async () => (await import("./torch/handler.js")).torchLegacyHandler),
  lazyHandler(torchLegacyTarSniffer, async () => (await import("./torch/handler.js")).torchLegacyTarHandler),
  lazyHandler(torchPickleSniffer, async () => (await import("./torch/pickle-member.js")).torchPickleHandler),
  lazyHandler(torchScriptPickleSniffer, async () => (await import("./torch/pickle-member.js")).torchScriptPickleHandler),
  lazyHandler(npySniffer, async () => (await import("./numpy/handler.js")).npyHandler),
  lazyHandler(joblibSniffer, async () => (await import("./joblib/handler.js")).joblibHandler),
  lazyHandler(zfileSniffer, async () => (await import("./joblib/zfile.js")).zfileHandler),
  lazyHandler(dependencyFileSniffer, async () => (await import("./dependencies/handler.js")).dependencyFileHandler),
];
