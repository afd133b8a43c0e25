import { pt001 } from "./torch/pt001-storage-short.js";
import { pt002 } from "./torch/pt002-storage-records.js";
import { pt003 } from "./torch/pt003-tensor-mutation.js";
import { pt004 } from "./torch/pt004-odd-persistent-id.js";
import { pt005 } from "./torch/pt005-legacy-magic-call.js";
import { pt006 } from "./torch/pt006-legacy-layout.js";
import { pt007 } from "./torch/pt007-torchscript-code.js";
import { pt008 } from "./torch/pt008-torchscript-gadget.js";
import { pt009 } from "./torch/pt009-torchscript-custom-op.js";
import { npy001 } from "./numpy/npy001-object-array.js";
import { npy002 } from "./numpy/npy002-bad-header.js";
import { npy003 } from "./numpy/npy003-data-size.js";
import { jbl001 } from "./joblib/jbl001-side-file.js";
import { jbl002 } from "./joblib/jbl002-side-file-escape.js";
import { hdf001 } from "./keras/hdf001-external-reference.js";
import { hdf002 } from "./keras/hdf002-external-escape.js";
import { keras001 } from "./keras/keras001-lambda-code.js";
import { keras002 } from "./keras/keras002-module-outside-allowlist.js";
import { keras003 } from "./keras/keras003-dangerous-reference.js";
import { keras004 } from "./keras/keras004-safe-mode-off.js";
import { keras005 } from "./keras/keras005-torch-module-wrapper.js";
import { keras006 } from "./keras/keras006-external-path-argument.js";
import { onnx001 } from "./onnx/onnx001-external-data-path.js";
import { onnx002 } from "./onnx/onnx002-external-data-keys.js";
import { onnx003 } from "./onnx/onnx003-custom-op-domain.js";
import { onnx004 } from "./onnx/onnx004-external-data-file.js";
import { tf001 } from "./tensorflow/tf001-host-access-op.js";
import { tf002 } from "./tensorflow/tf002-checkpoint-op.js";
import { tf003 } from "./tensorflow/tf003-nested-graph.js";
import { tf004 } from "./tensorflow/tf004-tflite-custom-op.js";
import { gguf001 } from "./gguf/gguf001-header-structure.js";
import { gguf002 } from "./gguf/gguf002-invalid-type.js";
import { gguf003 } from "./gguf/gguf003-array-nesting.js";
import { gguf004 } from "./gguf/gguf004-duplicate-key.js";
import { gguf005 } from "./gguf/gguf005-alignment-invalid.js";
import { gguf006 } from "./gguf/gguf006-tensor-info-invalid.js";
import { hfc001 } from "./hfconfig/hfc001-auto-map-remote-code.js";
import { hfc002 } from "./hfconfig/hfc002-auto-map-cross-repo.js";
import { hfc003 } from "./hfconfig/hfc003-attn-implementation-hub.js";
import { hfc004 } from "./hfconfig/hfc004-rag-index-redirect.js";
import { hfc005 } from "./hfconfig/hfc005-path-traversal.js";
import { hfc006 } from "./hfconfig/hfc006-absolute-path.js";
import { hfc007 } from "./hfconfig/hfc007-hydra-target.js";
import { hfc008 } from "./hfconfig/hfc008-hydra-framework-target.js";
import { hfc009 } from "./hfconfig/hfc009-config-code.js";
import { hfc010 } from "./hfconfig/hfc010-config-shell-command.js";
import { hfc011 } from "./hfconfig/hfc011-stray-template.js";
import { hfc012 } from "./hfconfig/hfc012-duplicate-key.js";
import { hfc013 } from "./hfconfig/hfc013-python-source.js";
import { st001 } from "./safetensors/st001-header-invalid.js";
import { st002 } from "./safetensors/st002-header-length.js";
import { st003 } from "./safetensors/st003-duplicate-key.js";
import { st004 } from "./safetensors/st004-unknown-dtype.js";
import { st005 } from "./safetensors/st005-tensor-size-mismatch.js";
import { st006 } from "./safetensors/st006-offsets-invalid.js";
import { st007 } from "./safetensors/st007-trailing-data.js";
import { st008 } from "./safetensors/st008-truncated-data.js";
import { st009 } from "./safetensors/st009-metadata-not-string.js";
import { st010 } from "./safetensors/st010-metadata-code.js";
import { st011 } from "./safetensors/st011-metadata-shell-command.js";
import { st012 } from "./safetensors/st012-metadata-remote-url.js";
import { st013 } from "./safetensors/st013-metadata-script.js";
import { st014 } from "./safetensors/st014-metadata-hydra-target.js";
import { st015 } from "./safetensors/st015-index-path-escape.js";
import { tpl001 } from "./template/tpl001-template-dunder-access.js";
import { tpl002 } from "./template/tpl002-template-global-object.js";
import { tpl003 } from "./template/tpl003-template-code-execution.js";
import { tpl004 } from "./template/tpl004-template-dynamic-attribute.js";
import { tpl005 } from "./template/tpl005-template-built-name.js";
import { tpl006 } from "./template/tpl006-template-unparsed.js";
import { tpl007 } from "./template/tpl007-template-format-field.js";
import { py001 } from "./python/py001-import-time-effect.js";
import { py002 } from "./python/py002-deferred-effect.js";
import { py003 } from "./python/py003-model-code.js";
import { yml001 } from "./yaml/yml001-python-tag.js";
import { yml002 } from "./yaml/yml002-foreign-object-tag.js";
import { yml003 } from "./yaml/yml003-alias-bomb.js";
import { yml004 } from "./yaml/yml004-yaml-malformed.js";
import { arc001 } from "./archive/arc001-member-path-traversal.js";
import { arc002 } from "./archive/arc002-link-escape.js";
import { arc003 } from "./archive/arc003-decompression-bomb.js";
import { arc004 } from "./archive/arc004-reader-disagreement.js";
import { arc005 } from "./archive/arc005-crc-mismatch.js";
import { arc006 } from "./archive/arc006-polyglot-data.js";
import { aud001 } from "./audit/aud001-vulnerable-framework-version.js";
import { aud002 } from "./audit/aud002-vulnerable-version-moderate.js";
import { aud003 } from "./audit/aud003-may-resolve-vulnerable.js";
import { aud004 } from "./audit/aud004-version-not-checked.js";
import { arc007 } from "./archive/arc007-encrypted-member.js";
import { arc008 } from "./archive/arc008-special-member.js";
import { arc009 } from "./archive/arc009-fifo-member.js";
import { fs001 } from "./filesystem/fs001-symlink-escape.js";
import { html001 } from "./html/html001-kernel-execute.js";
import { html002 } from "./html/html002-script.js";
import { html003 } from "./html/html003-event-handler.js";
import { html004 } from "./html/html004-javascript-url.js";
import { html005 } from "./html/html005-embedded-document.js";
import { java001 } from "./java/java001-gadget-class.js";
import { java002 } from "./java/java002-serialized-object.js";
import { java003 } from "./java/java003-embedded-bytecode.js";
import { java004 } from "./java/java004-h2o-binary-model.js";
import { mlf001 } from "./mlflow/mlf001-custom-loader.js";
import { mlf002 } from "./mlflow/mlf002-bundled-code.js";
import { mlf003 } from "./mlflow/mlf003-path-escape.js";
import { nb001 } from "./notebook/nb001-shell-command.js";
import { nb002 } from "./notebook/nb002-package-install.js";
import { pkl001 } from "./pickle/pkl001-dangerous-global.js";
import { pkl002 } from "./pickle/pkl002-unknown-global-called.js";
import { pkl003 } from "./pickle/pkl003-unknown-global-imported.js";
import { pkl004 } from "./pickle/pkl004-ml-class.js";
import { pkl005 } from "./pickle/pkl005-unresolved-import.js";
import { pkl006 } from "./pickle/pkl006-nested-deserializer.js";
import { pkl007 } from "./pickle/pkl007-code-object.js";
import { pkl008 } from "./pickle/pkl008-encoded-payload.js";
import { pkl009 } from "./pickle/pkl009-expansion-bomb.js";
import { pkl010 } from "./pickle/pkl010-frame-violation.js";
import { pkl011 } from "./pickle/pkl011-malformed-stream.js";
import { pkl012 } from "./pickle/pkl012-dunder-traversal.js";
import { pkl013 } from "./pickle/pkl013-build-on-global.js";
import { pkl014 } from "./pickle/pkl014-dynamic-callable.js";
import { pkl015 } from "./pickle/pkl015-embedded-pickle.js";
import { pkl016 } from "./pickle/pkl016-deferred-callable.js";
import { sig001 } from "./signing/sig001-signature.js";
import type { Rule } from "./types.js";

/** Every rule, in id order. Each has a test beside it and a page in docs/rules (tools/check-repo.mjs). */
export const RULES: readonly Rule[] = [
  arc001, arc002, arc003, arc004, arc005, arc006, arc007, arc008, arc009,
  aud001, aud002, aud003, aud004,
  fs001,
  html001, html002, html003, html004, html005,
  java001, java002, java003, java004,
  mlf001, mlf002, mlf003,
  nb001, nb002,
  gguf001, gguf002, gguf003, gguf004, gguf005, gguf006, hfc001, hfc002, hfc003, hfc004, hfc005, hfc006, hfc007, hfc008, hfc009, hfc010, hfc011, hfc012, hfc013, st001, st002, st003, st004, st005, st006, st007, st008, st009, st010, st011, st012, st013, st014, st015, tpl001, tpl002, tpl003, tpl004, tpl005, tpl006, tpl007, py001, py002, py003, yml001, yml002, yml003, yml004,
  hdf001, hdf002, keras001, keras002, keras003, keras004, keras005, keras006, onnx001, onnx002, onnx003, onnx004, tf001, tf002, tf003, tf004,
  pt001, pt002, pt003, pt004, pt005, pt006, pt007, pt008, pt009, npy001, npy002, npy003, jbl001, jbl002,
  pkl001, pkl002, pkl003, pkl004, pkl005, pkl006, pkl007, pkl008, pkl009, pkl010, pkl011, pkl012, pkl013, pkl014, pkl015, pkl016,
  sig001,
] as readonly Rule[];
