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

/** Every format the engine can sniff, in no particular order (priority decides). */
export const FORMAT_HANDLERS: readonly FormatHandler[] = [
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
