import { describe, expect, it } from "vitest";
import { readKeyList } from "./legacy-keys.js";

const hex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

/** pickle.dumps(['94201680', '94201888', '1'], protocol=p) from CPython 3.11. */
const LISTS: Record<number, string> = {
  0: "286c70300a5639343230313638300a70310a615639343230313838380a70320a6156310a70330a612e",
  1: "5d7100285808000000393432303136383071015808000000393432303138383871025801000000317103652e",
  2: "80025d7100285808000000393432303136383071015808000000393432303138383871025801000000317103652e",
  4: "8004951f000000000000005d94288c083934323031363830948c083934323031383838948c013194652e",
  5: "8005951f000000000000005d94288c083934323031363830948c083934323031383838948c013194652e",
};

describe("readKeyList (the storage keys of a legacy checkpoint)", () => {
  for (const [proto, bytes] of Object.entries(LISTS)) {
    it(`reads every key of a protocol ${proto} list in order`, () => {
      expect(readKeyList(hex(bytes))).toEqual({ ok: true, keys: ["94201680", "94201888", "1"] });
    });
  }

  it("reads an empty list and memo GETs of keys", () => {
    expect(readKeyList(hex("80025d71002e"))).toEqual({ ok: true, keys: [] });
    expect(readKeyList(hex("80025d7100285801000000617101680165" + "2e"))).toEqual({ ok: true, keys: ["a", "a"] });
  });

  it("refuses anything that is not a plain list of strings, with the offset", () => {
    // ['a', print('x')]: a GLOBAL has no place in a key list
    const r = readKeyList(hex("80025d71002858010000006171016362756974696e730a7072696e740a71022e"), 100);
    expect(r).toMatchObject({ ok: false, offset: 100 + 14 });
    expect(!r.ok && r.error).toMatch(/opcode 0x63/);
    expect(readKeyList(hex("80024b012e")).ok).toBe(false);
    expect(readKeyList(hex("80025d7100"))).toMatchObject({ ok: false, error: "key list ends without STOP" });
  });
});
