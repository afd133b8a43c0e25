import { defect, type Defect } from "../../core/defect.js";
import { BASE_WIRE_HANDLE, CLASS_FILE_MAGIC, JAVA_STREAM_MAGIC, PRIMITIVE_SIZE, SC, TC, isTypeCode, startsWith } from "./grammar.js";
import {
  JAVA_MAX_CLASSES_KEPT,
  JAVA_MAX_DEPTH,
  JAVA_MAX_HANDLES,
  JAVA_MAX_ITEMS,
  JAVA_MAX_PROXY_INTERFACES,
  JAVA_MAX_STRING_CHARS,
  JAVA_MAX_STRINGS_KEPT,
} from "./limits.js";
import type { JavaClassDesc, JavaField, JavaStreamDocument } from "./types.js";
import { decodeModifiedUtf8 } from "./utf.js";

export interface JavaParseOptions {
  /** Offset of `bytes[0]` in the source, for reported offsets. */
  base?: number;
  /**
   * Why the bytes end where they do: `end` (the source ends), `window` (more bytes exist; the
   * caller may retry with a bigger window), `limit` (JAVA_MAX_STREAM_BYTES was reached).
   */
  endsAt?: "end" | "window" | "limit";
  /** Bytes the source holds from `bytes[0]` on (defaults to `bytes.length`): a read past it is truncation, not a window to grow. */
  available?: number;
}

export interface JavaParseResult {
  document: JavaStreamDocument;
  /** The parse ran out of bytes where more exist: retry with a larger window. */
  needsMore: boolean;
}

/** Marks a failed read; the reason is already recorded as a defect. */
const FAIL = Symbol("fail");
type Fail = typeof FAIL;

/** A class descriptor as the parser uses it to read class data. */
interface DescNode {
  name: string;
  flags: number;
  fields: JavaField[];
  superDesc: DescNode | null;
  proxy: boolean;
  record: JavaClassDesc | undefined;
}

type Handle = { kind: "desc"; desc: DescNode } | { kind: "string"; value: string } | { kind: "value"; what: string };

/** Longest chain of superclass descriptors followed before calling it a cycle. */
const MAX_HIERARCHY = 4096;

/**
 * Parses a Java serialization stream that starts at `bytes[0]` (the magic) without loading or
 * instantiating anything: lists class descriptors, counts objects, samples strings and finds
 * byte arrays that hold class files or nested streams.
 *
 * @example
 * const { document } = parseJavaStream(bytes);
 * document.classes.map((c) => c.name); // ["java.util.PriorityQueue", "org.apache.commons.beanutils.BeanComparator", ...]
 */
export function parseJavaStream(bytes: Uint8Array, options: JavaParseOptions = {}): JavaParseResult {
  return new StreamParser(bytes, options.base ?? 0, options.endsAt ?? "end", options.available ?? bytes.length).run();
}

class StreamParser {
  private pos = 0;
  private handles: Handle[] = [];
  private depth = 0;
  private items = 0;
  private needsMore = false;
  /** Off while reading field type names, which are descriptors, not data worth sampling. */
  private sampling = true;
  private readonly byKey = new Map<string, JavaClassDesc>();
  private readonly doc: JavaStreamDocument;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly base: number,
    private readonly endsAt: "end" | "window" | "limit",
    private readonly available: number,
  ) {
    this.doc = {
      offset: base,
      length: 0,
      contents: 0,
      classes: [],
      classesDropped: 0,
      objects: 0,
      arrays: 0,
      enums: 0,
      strings: [],
      byteArrays: [],
      blockDataBytes: 0,
      complete: false,
      defects: [],
    };
  }

  run(): JavaParseResult {
    const { doc, bytes } = this;
    if (!startsWith(bytes, 0, JAVA_STREAM_MAGIC)) {
      this.fail("java-bad-magic", `Cannot parse Java serialization stream: expected magic AC ED 00 05 at offset ${this.base}`, 0);
      return { document: doc, needsMore: false };
    }
    this.pos = 4;
    while (this.pos < bytes.length) {
      const start = this.pos;
      if (!isTypeCode(bytes[start] as number)) break;
      const defectsBefore = doc.defects.length;
      if (this.readContent() === FAIL) {
        if (this.needsMore || doc.contents === 0) return this.finish();
        // A later item that does not parse is data after the stream (H2O writes its own fields
        // right after an embedded stream), not a broken stream: keep what came before.
        doc.defects.length = defectsBefore;
        this.pos = start;
        break;
      }
      doc.contents++;
    }
    if (doc.contents === 0 && doc.defects.length === 0) {
      this.fail("java-empty-stream", `Java serialization stream at offset ${this.base} has no content after the magic`, 4);
    }
    if (this.pos < bytes.length && doc.defects.length === 0) {
      doc.trailing = { offset: this.base + this.pos, length: bytes.length - this.pos };
    }
    return this.finish();
  }

  private finish(): JavaParseResult {
    this.doc.length = this.pos;
    this.doc.complete = this.doc.defects.length === 0;
    return { document: this.doc, needsMore: this.needsMore };
  }

  // ---- defects -------------------------------------------------------------------------------

  private fail(code: string, message: string, at: number, extra: Partial<Defect> = {}): Fail {
    this.doc.defects.push(defect(code, message, { offset: this.base + at, ...extra }));
    return FAIL;
  }

  /** Checks that `n` more bytes exist; records why not. */
  private need(n: number, what: string): boolean {
    if (n >= 0 && this.pos + n <= this.bytes.length) return true;
    const at = this.base + this.pos;
    if (this.pos + n > this.available || n < 0) {
      this.fail("truncated", `Cannot parse Java stream: ${what} at offset ${at} needs ${n} bytes but ${this.available - this.pos} remain`, this.pos);
    } else if (this.endsAt === "window") {
      this.needsMore = true;
      this.fail("truncated", `Java stream window ended while reading ${what} at offset ${at}`, this.pos, { fatal: false });
    } else if (this.endsAt === "limit") {
      this.fail("limit-exceeded", `Cannot parse Java stream: ${what} at offset ${at} runs past the ${this.bytes.length}-byte parse window`, this.pos, { limit: "JAVA_MAX_STREAM_BYTES" });
    }
    return false;
  }

  // ---- primitive reads (spec 6.4.1: big-endian, as DataOutputStream writes them) ------------

  private u8(): number {
    return this.bytes[this.pos++] as number;
  }
  private u16(): number {
    const v = ((this.bytes[this.pos] as number) << 8) | (this.bytes[this.pos + 1] as number);
    this.pos += 2;
    return v;
  }
  private i32(): number {
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return ((b[p] as number) << 24) | ((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number);
  }
  private hex8(): string {
    let s = "";
    for (let i = 0; i < 8; i++) s += (this.bytes[this.pos + i] as number).toString(16).padStart(2, "0");
    this.pos += 8;
    return s;
  }

  /** `(utf)`: u16 length then modified UTF-8 (spec 6.4.2, DataInput.readUTF). */
  private readUtf(what: string): string | Fail {
    if (!this.need(2, `${what} length`)) return FAIL;
    const length = this.u16();
    if (!this.need(length, what)) return FAIL;
    const text = decodeModifiedUtf8(this.bytes, this.pos, length);
    this.pos += length;
    return text;
  }

  // ---- grammar --------------------------------------------------------------------------------

  /** content: object | blockdata (spec 6.4.2). */
  private readContent(): true | Fail {
    if (!this.need(1, "content type code")) return FAIL;
    const tc = this.bytes[this.pos] as number;
    if (tc === TC.BLOCKDATA || tc === TC.BLOCKDATALONG) return this.readBlockData();
    return this.readObject() === FAIL ? FAIL : true;
  }

  /** blockdatashort: TC_BLOCKDATA (unsigned byte)size; blockdatalong: TC_BLOCKDATALONG (int)size. */
  private readBlockData(): true | Fail {
    const at = this.pos;
    const long = this.u8() === TC.BLOCKDATALONG;
    if (!this.need(long ? 4 : 1, "block data size")) return FAIL;
    const size = long ? this.i32() : this.u8();
    if (size < 0) return this.fail("java-bad-length", `Cannot parse Java stream: block data at offset ${this.base + at} has negative size ${size}`, at);
    if (!this.need(size, "block data")) return FAIL;
    this.noteNestedStreams(this.pos, size);
    this.doc.blockDataBytes += size;
    this.pos += size;
    return true;
  }

  /** object (spec 6.4.2), with the depth and item budgets. */
  private readObject(): Handle | null | Fail {
    if (++this.items > JAVA_MAX_ITEMS) {
      return this.fail("limit-exceeded", `Java stream has more than ${JAVA_MAX_ITEMS} items`, this.pos, { limit: "JAVA_MAX_ITEMS" });
    }
    if (this.depth >= JAVA_MAX_DEPTH) {
      return this.fail("limit-exceeded", `Java stream nests objects deeper than ${JAVA_MAX_DEPTH} at offset ${this.base + this.pos}`, this.pos, { limit: "JAVA_MAX_DEPTH" });
    }
    this.depth++;
    const value = this.readObjectBody();
    this.depth--;
    return value;
  }

  private readObjectBody(): Handle | null | Fail {
    for (;;) {
      if (!this.need(1, "object type code")) return FAIL;
      const at = this.pos;
      const tc = this.u8();
      switch (tc) {
        case TC.NULL:
          return null;
        case TC.REFERENCE:
          return this.readReference(at);
        case TC.CLASSDESC:
        case TC.PROXYCLASSDESC: {
          this.pos = at;
          const desc = this.readClassDesc();
          return desc === FAIL ? FAIL : desc === null ? null : { kind: "desc", desc };
        }
        case TC.OBJECT:
          return this.readNewObject(at);
        case TC.CLASS:
          return this.readNewClass();
        case TC.ARRAY:
          return this.readNewArray(at);
        case TC.STRING:
        case TC.LONGSTRING:
          return this.readNewString(at, tc === TC.LONGSTRING);
        case TC.ENUM:
          return this.readNewEnum(at);
        case TC.EXCEPTION: {
          // exception: TC_EXCEPTION reset (Throwable)object reset
          this.handles = [];
          const thrown = this.readObject();
          this.handles = [];
          return thrown;
        }
        case TC.RESET:
          this.handles = [];
          continue;
        default:
          return this.fail("java-bad-typecode", `Cannot parse Java stream: unexpected type code 0x${tc.toString(16)} at offset ${this.base + at}`, at);
      }
    }
  }

  private assign(handle: Handle): number | Fail {
    if (this.handles.length >= JAVA_MAX_HANDLES) {
      return this.fail("limit-exceeded", `Java stream assigns more than ${JAVA_MAX_HANDLES} handles`, this.pos, { limit: "JAVA_MAX_HANDLES" });
    }
    this.handles.push(handle);
    return this.handles.length - 1;
  }

  /** prevObject: TC_REFERENCE (int)handle. */
  private readReference(at: number): Handle | Fail {
    if (!this.need(4, "handle")) return FAIL;
    const wire = this.i32();
    const handle = this.handles[wire - BASE_WIRE_HANDLE];
    if (handle === undefined) {
      return this.fail("java-bad-handle", `Cannot parse Java stream: reference to unknown handle 0x${(wire >>> 0).toString(16)} at offset ${this.base + at}`, at);
    }
    return handle;
  }

  /** classDesc: newClassDesc | nullReference | (ClassDesc)prevObject. */
  private readClassDesc(): DescNode | null | Fail {
    if (!this.need(1, "class descriptor")) return FAIL;
    const at = this.pos;
    const tc = this.u8();
    if (tc === TC.NULL) return null;
    if (tc === TC.CLASSDESC) return this.readNewClassDesc(at);
    if (tc === TC.PROXYCLASSDESC) return this.readProxyClassDesc(at);
    if (tc === TC.REFERENCE) {
      const handle = this.readReference(at);
      if (handle === FAIL) return FAIL;
      if (handle.kind !== "desc") return this.fail("java-bad-handle", `Cannot parse Java stream: handle at offset ${this.base + at} is a ${handle.kind}, expected a class descriptor`, at);
      return handle.desc;
    }
    return this.fail("java-bad-typecode", `Cannot parse Java stream: expected a class descriptor at offset ${this.base + at}, found type code 0x${tc.toString(16)}`, at);
  }

  /** newClassDesc: TC_CLASSDESC className serialVersionUID newHandle classDescInfo. */
  private readNewClassDesc(at: number): DescNode | Fail {
    const node: DescNode = { name: "", flags: 0, fields: [], superDesc: null, proxy: false, record: undefined };
    // ObjectInputStream.readNonProxyDesc assigns the handle before reading the descriptor.
    if (this.assign({ kind: "desc", desc: node }) === FAIL) return FAIL;
    const name = this.readUtf("class name");
    if (name === FAIL) return FAIL;
    node.name = name;
    if (!this.need(8 + 1 + 2, "serialVersionUID, flags and field count")) return FAIL;
    const suid = this.hex8();
    node.flags = this.u8();
    node.record = this.record(name, name, at, { serialVersionUid: suid, flags: node.flags });
    const count = this.u16();
    for (let i = 0; i < count; i++) {
      const field = this.readFieldDesc();
      if (field === FAIL) return FAIL;
      node.fields.push(field);
    }
    if (node.record) node.record.fields = node.fields;
    if (this.readAnnotation() === FAIL) return FAIL;
    const superDesc = this.readClassDesc();
    if (superDesc === FAIL) return FAIL;
    node.superDesc = superDesc;
    if (node.record && superDesc && node.record.superName === undefined) node.record.superName = superDesc.name;
    return node;
  }

  /** fieldDesc: prim_typecode fieldName | obj_typecode fieldName className1. */
  private readFieldDesc(): JavaField | Fail {
    if (!this.need(1, "field type code")) return FAIL;
    const at = this.pos;
    const type = String.fromCharCode(this.u8());
    const name = this.readUtf("field name");
    if (name === FAIL) return FAIL;
    if (PRIMITIVE_SIZE[type] !== undefined) return { type, name };
    if (type !== "L" && type !== "[") {
      return this.fail("java-bad-descriptor", `Cannot parse Java stream: field ${JSON.stringify(name)} at offset ${this.base + at} has type code ${JSON.stringify(type)}`, at);
    }
    this.sampling = false;
    const className = this.readObject();
    this.sampling = true;
    if (className === FAIL) return FAIL;
    if (className !== null && className.kind !== "string") {
      return this.fail("java-bad-descriptor", `Cannot parse Java stream: type of field ${JSON.stringify(name)} at offset ${this.base + at} is a ${className.kind}, expected a string`, at);
    }
    return className === null ? { type, name } : { type, name, className: className.value };
  }

  /** proxyClassDescInfo: (int)count proxyInterfaceName[count] classAnnotation superClassDesc. */
  private readProxyClassDesc(at: number): DescNode | Fail {
    const node: DescNode = { name: "$Proxy", flags: SC.SERIALIZABLE, fields: [], superDesc: null, proxy: true, record: undefined };
    if (this.assign({ kind: "desc", desc: node }) === FAIL) return FAIL;
    if (!this.need(4, "proxy interface count")) return FAIL;
    const count = this.i32();
    if (count < 0 || count > JAVA_MAX_PROXY_INTERFACES || count * 2 > this.available - this.pos) {
      return this.fail("java-bad-length", `Cannot parse Java stream: proxy descriptor at offset ${this.base + at} declares ${count} interfaces`, at);
    }
    const interfaces: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = this.readUtf("proxy interface name");
      if (name === FAIL) return FAIL;
      interfaces.push(name);
    }
    node.record = this.record(`$Proxy:${interfaces.join(",")}`, "$Proxy", at, { serialVersionUid: "0000000000000000", flags: SC.SERIALIZABLE, interfaces });
    if (this.readAnnotation() === FAIL) return FAIL;
    const superDesc = this.readClassDesc();
    if (superDesc === FAIL) return FAIL;
    node.superDesc = superDesc;
    if (node.record && superDesc && node.record.superName === undefined) node.record.superName = superDesc.name;
    return node;
  }

  /** classAnnotation / objectAnnotation: endBlockData | contents endBlockData. */
  private readAnnotation(): true | Fail {
    for (;;) {
      if (!this.need(1, "annotation")) return FAIL;
      if (this.bytes[this.pos] === TC.ENDBLOCKDATA) {
        this.pos++;
        return true;
      }
      if (this.readContent() === FAIL) return FAIL;
    }
  }

  /** newObject: TC_OBJECT classDesc newHandle classdata[]. */
  private readNewObject(at: number): Handle | Fail {
    const desc = this.readClassDesc();
    if (desc === FAIL) return FAIL;
    if (desc === null) return this.fail("java-bad-descriptor", `Cannot parse Java stream: object at offset ${this.base + at} has a null class descriptor`, at);
    const handle: Handle = { kind: "value", what: "object" };
    if (this.assign(handle) === FAIL) return FAIL;
    this.doc.objects++;
    if (desc.record) desc.record.instances++;
    return this.readClassData(desc, at) === FAIL ? FAIL : handle;
  }

  /** classdata for each class of the hierarchy, superclass first (spec 6.4.2 classdata). */
  private readClassData(desc: DescNode, at: number): true | Fail {
    const chain: DescNode[] = [];
    for (let d: DescNode | null = desc; d; d = d.superDesc) {
      if (chain.length >= MAX_HIERARCHY || chain.includes(d)) {
        return this.fail("java-bad-descriptor", `Cannot parse Java stream: class hierarchy of ${JSON.stringify(desc.name)} at offset ${this.base + at} loops or is deeper than ${MAX_HIERARCHY}`, at);
      }
      chain.push(d);
    }
    if (desc.flags & SC.EXTERNALIZABLE) {
      if (desc.flags & SC.BLOCK_DATA) return this.readAnnotation();
      // Protocol-1 externalizable data has no framing: only the class's own readExternal knows its length.
      return this.fail("unsupported", `Cannot parse Java stream: ${JSON.stringify(desc.name)} at offset ${this.base + at} uses protocol-1 externalizable data`, at);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const slot = chain[i] as DescNode;
      if (!(slot.flags & SC.SERIALIZABLE)) continue;
      if (this.readFieldValues(slot) === FAIL) return FAIL;
      if (slot.flags & SC.WRITE_METHOD && this.readAnnotation() === FAIL) return FAIL;
    }
    return true;
  }

  /** values: primitive values as one block, then each object field (ObjectInputStream.defaultReadFields). */
  private readFieldValues(slot: DescNode): true | Fail {
    let primitiveBytes = 0;
    for (const field of slot.fields) primitiveBytes += PRIMITIVE_SIZE[field.type] ?? 0;
    if (!this.need(primitiveBytes, `primitive fields of ${slot.name}`)) return FAIL;
    this.pos += primitiveBytes;
    for (const field of slot.fields) {
      if (PRIMITIVE_SIZE[field.type] !== undefined) continue;
      if (this.readObject() === FAIL) return FAIL;
    }
    return true;
  }

  /** newClass: TC_CLASS classDesc newHandle. */
  private readNewClass(): Handle | Fail {
    const desc = this.readClassDesc();
    if (desc === FAIL) return FAIL;
    if (desc?.record) desc.record.asClassObject = true;
    const handle: Handle = { kind: "value", what: "class" };
    return this.assign(handle) === FAIL ? FAIL : handle;
  }

  /** newArray: TC_ARRAY classDesc newHandle (int)size values[size]. */
  private readNewArray(at: number): Handle | Fail {
    const desc = this.readClassDesc();
    if (desc === FAIL) return FAIL;
    if (desc === null) return this.fail("java-bad-descriptor", `Cannot parse Java stream: array at offset ${this.base + at} has a null class descriptor`, at);
    const handle: Handle = { kind: "value", what: "array" };
    if (this.assign(handle) === FAIL) return FAIL;
    this.doc.arrays++;
    if (desc.record) desc.record.instances++;
    if (!this.need(4, "array size")) return FAIL;
    const size = this.i32();
    const element = desc.name.charAt(1);
    const width = PRIMITIVE_SIZE[element];
    if (size < 0) return this.fail("java-bad-length", `Cannot parse Java stream: array at offset ${this.base + at} has negative size ${size}`, at);
    if (width !== undefined) {
      if (!this.need(size * width, `${size}-element ${desc.name} array`)) return FAIL;
      if (element === "B") this.noteByteArray(this.pos, size);
      this.pos += size * width;
      return handle;
    }
    if (element !== "L" && element !== "[") {
      return this.fail("java-bad-descriptor", `Cannot parse Java stream: array class ${JSON.stringify(desc.name)} at offset ${this.base + at} is not an array type`, at);
    }
    // Each element takes at least one byte: a size beyond the bytes left is a lie, not a loop to run.
    if (size > this.available - this.pos) {
      return this.fail("java-bad-length", `Cannot parse Java stream: array at offset ${this.base + at} declares ${size} elements but ${this.available - this.pos} bytes remain`, at);
    }
    for (let i = 0; i < size; i++) if (this.readObject() === FAIL) return FAIL;
    return handle;
  }

  /** newString: TC_STRING newHandle (utf) | TC_LONGSTRING newHandle (long-utf). */
  private readNewString(at: number, long: boolean): Handle | Fail {
    const handle: Handle = { kind: "string", value: "" };
    if (this.assign(handle) === FAIL) return FAIL;
    if (!long) {
      const text = this.readUtf("string");
      if (text === FAIL) return FAIL;
      handle.value = text;
      this.sample(at, text, text.length);
      return handle;
    }
    if (!this.need(8, "long string length")) return FAIL;
    const high = this.i32();
    const low = this.i32() >>> 0;
    if (high !== 0) return this.fail("java-bad-length", `Cannot parse Java stream: long string at offset ${this.base + at} declares ${high}*2^32+${low} bytes`, at);
    if (!this.need(low, "long string")) return FAIL;
    const prefix = decodeModifiedUtf8(this.bytes, this.pos, Math.min(low, JAVA_MAX_STRING_CHARS * 3));
    handle.value = prefix;
    this.sample(at, prefix, low);
    this.pos += low;
    return handle;
  }

  /** newEnum: TC_ENUM classDesc newHandle enumConstantName. */
  private readNewEnum(at: number): Handle | Fail {
    const desc = this.readClassDesc();
    if (desc === FAIL) return FAIL;
    const handle: Handle = { kind: "value", what: "enum" };
    if (this.assign(handle) === FAIL) return FAIL;
    this.doc.enums++;
    if (desc?.record) desc.record.instances++;
    const constant = this.readObject();
    if (constant === FAIL) return FAIL;
    if (constant !== null && constant.kind !== "string") {
      return this.fail("java-bad-descriptor", `Cannot parse Java stream: enum constant at offset ${this.base + at} is a ${constant.kind}, expected a string`, at);
    }
    return handle;
  }

  // ---- what the document keeps ----------------------------------------------------------------

  private record(key: string, name: string, at: number, extra: Pick<JavaClassDesc, "serialVersionUid" | "flags"> & { interfaces?: string[] }): JavaClassDesc | undefined {
    const known = this.byKey.get(key);
    if (known) return known;
    if (this.doc.classes.length >= JAVA_MAX_CLASSES_KEPT) {
      this.doc.classesDropped++;
      return undefined;
    }
    const desc: JavaClassDesc = { name, serialVersionUid: extra.serialVersionUid, flags: extra.flags, fields: [], offset: this.base + at, instances: 0, asClassObject: false };
    if (extra.interfaces) desc.interfaces = extra.interfaces;
    this.byKey.set(key, desc);
    this.doc.classes.push(desc);
    return desc;
  }

  private sample(at: number, text: string, fullLength: number): void {
    if (!this.sampling || this.doc.strings.length >= JAVA_MAX_STRINGS_KEPT) return;
    const kept = text.slice(0, JAVA_MAX_STRING_CHARS);
    this.doc.strings.push({ offset: this.base + at, text: kept, truncated: fullLength > kept.length });
  }

  private noteByteArray(start: number, length: number): void {
    if (startsWith(this.bytes, start, CLASS_FILE_MAGIC) && length >= 8) {
      this.doc.byteArrays.push({ offset: this.base + start, length, kind: "class-file" });
    } else if (startsWith(this.bytes, start, JAVA_STREAM_MAGIC) && length > 4) {
      this.doc.byteArrays.push({ offset: this.base + start, length, kind: "java-stream" });
    }
  }

  /** Raw bytes written by a custom writeObject may carry a whole second stream. */
  private noteNestedStreams(start: number, length: number): void {
    const end = start + length - JAVA_STREAM_MAGIC.length;
    for (let i = start; i <= end; i++) {
      if (this.bytes[i] === 0xac && startsWith(this.bytes, i, JAVA_STREAM_MAGIC)) {
        this.doc.byteArrays.push({ offset: this.base + i, length: start + length - i, kind: "java-stream" });
      }
    }
  }
}
