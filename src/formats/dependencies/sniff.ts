import type { FormatSniffer } from "../../core/handler.js";
import { looksLikeText } from "../hf-config/read-bytes.js";

/** The format id of `AUDIT_FORMAT` (audit/document.ts), spelled here so that sniffing loads no advisory code. */
export const DEPENDENCY_AUDIT_FORMAT = "dependency-audit";

/** The files a model folder uses to declare its environment (MLflow models, Hugging Face repos). */
const MODEL_ENVIRONMENT_FILE = /^(?:[\w.-]*requirements[\w.-]*\.txt|python_env\.ya?ml|conda\.ya?ml)$/i;

/** `requirements*.txt`, `python_env.yaml`, `conda.yaml` holding text. */
export const dependencyFileSniffer: FormatSniffer = {
  id: DEPENDENCY_AUDIT_FORMAT,
  // Above yaml-config (4) so conda.yaml gets both views; below pickle (10) so a strong pickle sniff wins.
  priority: 9,
  sniff(head, hint) {
    if (!MODEL_ENVIRONMENT_FILE.test(hint.name) || !looksLikeText(head)) return "no";
    return "strong";
  },
};
