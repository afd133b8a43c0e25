import { render } from "../../formats/pickle/render.js";
import type { PickleDocument } from "../../formats/pickle/types.js";
import { K, isObj, walkValues, type PyValue } from "../../formats/pickle/values.js";
import type { Policy } from "../../policy/policy.js";
import { defineRule } from "../types.js";
import { PICKLE_FORMATS } from "./shared.js";

/** Calls that turn an opaque string into code or bytes. */
const DECODERS = [/^base64\./, /^binascii\./, /^codecs\.decode$/, /^(zlib|bz2|lzma|gzip)\.decompress$/, /^(builtins\.)?bytes\.fromhex$/, /^builtins\.bytes$/];
/** What decoded code tends to contain. */
const CODE_MARKERS = /(import |__import__|exec\(|eval\(|os\.system|subprocess|socket|popen|\/bin\/sh|powershell|base64|getattr\(|compile\()/i;
const MIN_ENCODED = 24;

function isDecoderName(name: string): boolean {
  return DECODERS.some((re) => re.test(name));
}

/** Base64 or hex text that decodes to something that reads like code. */
export function decodesToCode(text: string): string | undefined {
  const compact = text.replace(/\s+/g, "");
  if (compact.length < MIN_ENCODED) return undefined;
  let decoded: string | undefined;
  if (/^[0-9a-fA-F]+$/.test(compact) && compact.length % 2 === 0) {
    decoded = compact.replace(/../g, (h) => String.fromCharCode(parseInt(h, 16)));
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) {
    try {
      decoded = atob(compact.replace(/-/g, "+").replace(/_/g, "/"));
    } catch {
      decoded = undefined;
    }
  }
  if (decoded === undefined) return undefined;
  const match = CODE_MARKERS.exec(decoded);
  return match ? decoded.slice(0, 120) : undefined;
}

function decoderCall(value: PyValue, policy: Policy): string | undefined {
  if (!isObj(value) || value.k !== K.Call) return undefined;
  const callee = value.call.callee;
  if (!isObj(callee) || callee.k !== K.Global || !callee.imp.resolved) return undefined;
  const name = policy.classifyGlobal(callee.imp.module, callee.imp.name).normalized;
  return isDecoderName(name) ? name : undefined;
}

export const pkl008 = defineRule<PickleDocument>({
  meta: {
    id: "PKL008",
    slug: "pickle-encoded-payload",
    formats: PICKLE_FORMATS,
    title: "Pickle feeds an encoded payload to a dangerous call",
    description: "A dangerous call receives base64/hex/compressed data or the output of a decoder: the payload is hidden from text search and unpacked at load time.",
    defaultSeverity: "critical",
    confidence: "medium",
    cwe: [502, 506],
    references: ["https://github.com/promptfoo/modelaudit-comparisons"],
  },
  check(doc, { report, policy }) {
    for (const group of doc.calls.values()) {
      const imp = group.imp;
      if (!imp?.resolved) continue;
      const c = policy.classifyGlobal(imp.module, imp.name);
      if (c.cls !== "dangerous") continue;
      for (const sample of group.samples) {
        let reason: string | undefined;
        walkValues(sample.site.args, (v) => {
          if (reason) return;
          const decoder = decoderCall(v, policy);
          if (decoder) reason = `its argument is decoded at load time by ${decoder}`;
          else if (typeof v === "string") {
            const decoded = decodesToCode(v);
            if (decoded) reason = `its argument decodes to code: ${render(decoded, 100)}`;
          }
        });
        if (reason) {
          report({ message: `Pickle calls ${c.normalized} with an encoded payload; ${reason}`, evidence: sample.text, offset: sample.offset });
          break;
        }
      }
    }
  },
});
