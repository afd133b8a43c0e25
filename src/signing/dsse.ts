import { concatBytes, utf8 } from "./base64.js";

/** The only DSSE payload type model signing uses. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/**
 * DSSE v1 pre-authentication encoding: `DSSEv1 SP len(type) SP type SP len(body) SP body`, the bytes
 * that are actually signed (https://github.com/secure-systems-lab/dsse/blob/v1.0.0/protocol.md).
 *
 * @example
 * pae("t", utf8("ab")); // bytes of "DSSEv1 1 t 2 ab"
 */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8(payloadType);
  return concatBytes([utf8(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `), payload]);
}

/**
 * The encoding model_signing v0.2 signed by mistake: an upper-case `DSSEV1` and the payload as
 * Python's `repr(bytes)` (`b'{\n  "_type"...'`) instead of the raw bytes. Signatures from those
 * releases verify only against these bytes; the reference tool falls back to them too.
 */
export function paeCompat(payloadType: string, payload: Uint8Array): Uint8Array {
  return utf8(`DSSEV1 ${utf8(payloadType).length} ${payloadType} ${payload.length} ${pythonBytesRepr(payload)}`);
}

/** Python's `repr()` of a bytes object: `b'...'`, or `b"..."` when only single quotes occur. */
export function pythonBytesRepr(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  const quoteByte = quote.charCodeAt(0);
  let out = `b${quote}`;
  for (const byte of bytes) {
    if (byte === 0x5c) out += "\\\\";
    else if (byte === quoteByte) out += `\\${quote}`;
    else if (byte === 0x09) out += "\\t";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, "0")}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}${quote}`;
}
