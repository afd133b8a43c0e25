import { describe, expect, it } from "vitest";
import { MAX_DTYPE_DEPTH, readDescr, readTypestr } from "./dtype.js";
import { parsePyLiteral, type PyLiteral } from "./literal.js";

const lit = (text: string): PyLiteral => {
  const r = parsePyLiteral(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe("readDescr (numpy descr_to_dtype without numpy)", () => {
  it("sizes the type strings numpy writes", () => {
    const cases: [string, number][] = [["<f8", 8], ["|b1", 1], ["<i2", 2], [">u4", 4], ["<c16", 16], ["<U5", 20], ["|S3", 3], ["|V16", 16], ["<M8[ns]", 8], ["<m8[D]", 8], ["<f2", 2], ["|O", 8], ["?", 1], ["d", 8]];
    for (const [text, size] of cases) expect(readTypestr(text).itemsize, text).toBe(size);
  });

  it("marks object dtypes, also inside structs and sub-arrays", () => {
    expect(readTypestr("|O").hasObject).toBe(true);
    expect(readDescr(lit("[('a', '<i4'), ('b', [('c', '|O')])]")).hasObject).toBe(true);
    expect(readDescr(lit("[('a', '<i4'), ('b', '<f8')]")).hasObject).toBe(false);
  });

  it("adds field sizes, sub-array shapes and padding fields", () => {
    const info = readDescr(lit("[('a', '<i4'), ('', '|V4'), ('b', '<f8', (2, 3)), (('title', 'c'), '|S3')]"));
    expect(info).toMatchObject({ itemsize: 4 + 4 + 48 + 3, fields: 3 });
    expect(info.problem).toBeUndefined();
  });

  it("accepts dtype names numpy takes but never writes, as unusual", () => {
    expect(readTypestr("float64")).toMatchObject({ itemsize: 8, unusual: expect.stringMatching(/dtype name/) });
  });

  it("reports what it cannot size instead of guessing", () => {
    expect(readTypestr("<x8").problem).toMatch(/unknown kind/);
    expect(readTypestr("i4,f8").problem).toMatch(/not a numpy type string/);
    expect(readDescr(lit("[('a',)]")).problem).toMatch(/not \(name, format\)/);
    expect(readDescr(lit("[('a', '<i4'), ('a', '<i4')]")).problem).toMatch(/repeats/);
    expect(readDescr(lit("42")).problem).toMatch(/neither/);
  });

  it("bounds nesting", () => {
    let text = "'<i4'";
    for (let i = 0; i <= MAX_DTYPE_DEPTH; i++) text = `(${text}, (1,))`;
    expect(readDescr(lit(text)).problem).toMatch(/deeper/);
  });
});
