import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pemBlocks } from "./pem.js";
import { basicConstraints, extKeyUsageOids, KEY_USAGE, keyUsageHas, OID_BASIC_CONSTRAINTS, OID_CODE_SIGNING, OID_EXT_KEY_USAGE, OID_KEY_USAGE, readExtensions } from "./x509-extensions.js";

const der = (name: string) => pemBlocks(readFileSync(new URL(`./testdata/${name}`, import.meta.url), "utf8"), "CERTIFICATE")[0] as Uint8Array;
const ext = (name: string, oid: string) => readExtensions(der(name))?.find((e) => e.oid === oid);

describe("X.509 extensions", () => {
  it("reads KeyUsage, ExtendedKeyUsage and BasicConstraints", () => {
    expect(keyUsageHas(ext("signer.pem", OID_KEY_USAGE)!.value, KEY_USAGE.digitalSignature)).toBe(true);
    expect(keyUsageHas(ext("signer.pem", OID_KEY_USAGE)!.value, KEY_USAGE.keyCertSign)).toBe(false);
    expect(ext("signer.pem", OID_KEY_USAGE)!.critical).toBe(true);
    expect(extKeyUsageOids(ext("signer-eku.pem", OID_EXT_KEY_USAGE)!.value)).toEqual([OID_CODE_SIGNING]);
    expect(basicConstraints(ext("int-ca.pem", OID_BASIC_CONSTRAINTS)!.value)).toEqual({ ca: true, pathLength: undefined });
    expect(basicConstraints(ext("signer.pem", OID_BASIC_CONSTRAINTS)!.value)).toEqual({ ca: false, pathLength: undefined });
    expect(keyUsageHas(ext("root-ca.pem", OID_KEY_USAGE)!.value, KEY_USAGE.keyCertSign)).toBe(true);
  });
  it("agrees with node:crypto on the certificates it parses", () => {
    expect(new X509Certificate(der("int-ca.pem")).ca).toBe(true);
    expect(new X509Certificate(der("signer-eku.pem")).keyUsage).toEqual([OID_CODE_SIGNING]);
  });
  it("gives undefined, not an exception, for malformed DER", () => {
    const bytes = der("signer.pem");
    expect(readExtensions(bytes.subarray(0, 100))).toBeUndefined();
    expect(readExtensions(new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]))).toBeUndefined();
    expect(readExtensions(new Uint8Array())).toBeUndefined();
  });
});
