import { File } from "jsfive";

/** One header message as jsfive's DataObjects lists it (a Map in jsfive). */
export interface JsfiveMessage {
  get(key: "type" | "size" | "offset_to_message"): number;
}

/** The jsfive DataObjects members used here (jsfive 0.4.2, esm/dataobjects.js). */
export interface JsfiveDataObjects {
  msgs: JsfiveMessage[];
  unpack_attribute(offset: number): [string, unknown];
  _iter_link_from_link_info_msg(msg: JsfiveMessage): Iterable<[string, unknown]>;
  _decode_link_msg(data: ArrayBuffer, offset: number): [number | null, [string, unknown]];
}

type DataObjectsClass = new (fh: ArrayBuffer, offset: number) => JsfiveDataObjects;

/**
 * An empty HDF5 file (h5py 3.7, `libver="latest"`): opening it is the only way to reach jsfive's
 * DataObjects class, which the package does not export. jsfive's `File` lists the root group's
 * links on construction and throws on external links, so modelvet opens object headers itself.
 */
const BOOTSTRAP_HEX =
  "894844460d0a1a0a030808000000000000000000ffffffffffffffffc3000000000000003000000000000000061a6137" +
  "4f4844520220baca076bbaca076bbaca076bbaca076b78021200000000ffffffffffffffffffffffffffffffff0a0200" +
  "010000005800000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
  "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000069" +
  "0464d9";

let dataObjectsClass: DataObjectsClass | undefined;

function dataObjects(): DataObjectsClass {
  if (!dataObjectsClass) {
    const bytes = new Uint8Array(BOOTSTRAP_HEX.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(BOOTSTRAP_HEX.slice(2 * i, 2 * i + 2), 16);
    const file = new File(bytes.buffer);
    dataObjectsClass = (Object.getPrototypeOf(file._dataobjects) as { constructor: DataObjectsClass }).constructor;
  }
  return dataObjectsClass;
}

export type Guarded<T> = { ok: true; value: T; warnings: string[] } | { ok: false; error: string };

/**
 * Runs one call into jsfive. jsfive reports malformed input only by throwing (strings, failed
 * asserts as TypeErrors, RangeErrors from DataView reads past the end), so every call into it
 * goes through here and comes back as a value. What it would print instead of failing ("Attribute
 * x type not implemented, set to null") is captured, not printed: a value jsfive could not read is
 * a gap the caller must report, and scanned bytes never reach the user's terminal.
 */
export function guard<T>(fn: () => T): Guarded<T> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (warnings.length < 16) warnings.push(args.map(String).join(" ").slice(0, 200));
  };
  try {
    return { ok: true, value: fn(), warnings };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    console.warn = warn;
  }
}

/**
 * Parses the object header at `address` (relative to the superblock) with jsfive: v1 and v2
 * headers with their continuation blocks.
 *
 * @example
 * const obj = openObject(fh, rootAddress); // { ok: true, value: { msgs: [...] } }
 */
export function openObject(fh: ArrayBuffer, address: number): Guarded<JsfiveDataObjects> {
  const Ctor = dataObjects();
  return guard(() => new Ctor(fh, address));
}
