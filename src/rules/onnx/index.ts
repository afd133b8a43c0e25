import type { Rule } from "../types.js";
import { onnx001 } from "./onnx001-external-data-path.js";
import { onnx002 } from "./onnx002-external-data-keys.js";
import { onnx003 } from "./onnx003-custom-op-domain.js";
import { onnx004 } from "./onnx004-external-data-file.js";

/** The ONNX rules, in id order (also listed one by one in src/rules/index.ts). */
export const ONNX_RULES: readonly Rule[] = [onnx001, onnx002, onnx003, onnx004] as readonly Rule[];
