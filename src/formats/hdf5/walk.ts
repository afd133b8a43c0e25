import { defect, type Defect } from "../../core/defect.js";
import { H5View } from "./bytes.js";
import { guard, openObject, type JsfiveDataObjects, type JsfiveMessage } from "./jsfive-bridge.js";
import { MAX_HDF5_BTREE2_DEPTH, MAX_HDF5_DEPTH, MAX_HDF5_OBJECTS } from "./limits.js";
import { decodeLink, type DecodedLink } from "./links.js";
import { decodeExternalFiles, decodeLinkInfo, decodeVirtualLayout, denseAttributeHeap } from "./messages.js";
import { continuationProblem } from "./continuations.js";
import { shapeProblem } from "./shape.js";
import { readSuperblock } from "./superblock.js";
import { readSymbolTable, type NodeBudget, type SymbolEntry } from "./symbol-table.js";
import {
  MSG_ATTRIBUTE,
  MSG_ATTRIBUTE_INFO,
  MSG_DATASPACE,
  MSG_EXTERNAL_FILES,
  MSG_LAYOUT,
  MSG_LINK,
  MSG_LINK_INFO,
  MSG_SYMBOL_TABLE,
  type Hdf5Facts,
} from "./types.js";

export interface Hdf5Walk {
  facts: Hdf5Facts;
  /** Root attributes as jsfive decoded them (strings, numbers, arrays). */
  attributes: Map<string, unknown>;
  defects: Defect[];
}

interface Pending {
  address: number;
  path: string;
  depth: number;
}

/**
 * Walks every group and dataset of an HDF5 file reachable from the root (hard links, once
 * each) and records what reaches outside the file: external links, soft links, user-defined
 * links, external storage (External Data Files) and virtual datasets; plus the root's
 * attributes. `bytes` starts at the superblock; addresses are relative to it.
 *
 * @example
 * const { facts, attributes } = walkHdf5(bytes, 0);
 * facts.externalLinks; // [{ path: "/ext", file: "/etc/passwd", … }]
 */
export function walkHdf5(bytes: Uint8Array, superblockOffset: number): Hdf5Walk {
  return new Hdf5Walker(bytes, superblockOffset).run();
}

class Hdf5Walker {
  private readonly facts: Hdf5Facts;
  private readonly attributes = new Map<string, unknown>();
  private readonly defects: Defect[] = [];
  private readonly v: H5View;
  private readonly visited = new Set<number>();
  private readonly budget: NodeBudget = { nodes: 0 };
  private readonly queue: Pending[] = [];

  constructor(
    private readonly bytes: Uint8Array,
    private readonly base: number,
  ) {
    this.v = new H5View(bytes);
    this.facts = {
      superblockVersion: -1,
      superblockOffset: base,
      objects: 0,
      datasets: 0,
      externalLinks: [],
      softLinks: [],
      userLinks: [],
      externalStorage: [],
      virtualDatasets: [],
      rootAttributes: [],
      unread: [],
    };
  }

  run(): Hdf5Walk {
    const { facts, attributes, defects } = this;
    const sb = readSuperblock(this.v);
    if ("error" in sb) {
      defects.push(defect("hdf5-superblock", `Cannot read HDF5 superblock: ${sb.error}`, { offset: this.base }));
      return { facts, attributes, defects };
    }
    facts.superblockVersion = sb.version;
    const fh = ownArrayBuffer(this.bytes);
    this.queue.push({ address: sb.rootAddress, path: "/", depth: 0 });
    while (this.queue.length > 0) {
      const item = this.queue.shift() as Pending;
      if (this.visited.has(item.address)) continue;
      this.visited.add(item.address);
      if (++facts.objects > MAX_HDF5_OBJECTS) {
        defects.push(defect("limit-exceeded", `HDF5 file has more than ${MAX_HDF5_OBJECTS} objects; the rest were not checked`, { limit: "MAX_HDF5_OBJECTS" }));
        break;
      }
      const cycle = continuationProblem(this.v, item.address);
      if (cycle) defects.push(defect("hdf5-object-header", `HDF5 object header of ${JSON.stringify(item.path)} at ${this.at(item.address)} is malformed: ${cycle}`, { offset: this.at(item.address) }));
      const opened = openObject(fh, item.address);
      if (!opened.ok) {
        defects.push(defect("hdf5-object-header", `Cannot read HDF5 object header of ${JSON.stringify(item.path)} at ${this.at(item.address)}: ${opened.error}`, { offset: this.at(item.address) }));
        continue;
      }
      for (const msg of opened.value.msgs) this.message(opened.value, msg, { item, isRoot: item.address === sb.rootAddress });
      const bomb = shapeProblem(this.v, opened.value.msgs);
      if (bomb) defects.push(defect("hdf5-shape-bomb", `HDF5 dataset ${JSON.stringify(item.path)} ${bomb}: no file of this size holds it, and a loader reading it allocates it whole`, { offset: this.at(item.address), limit: "MAX_HDF5_DECLARED_RATIO" }));
    }
    return { facts, attributes, defects };
  }

  /** File offset (from the start of the file) of an address relative to the superblock. */
  private at(address: number): number {
    return this.base + address;
  }

  private message(obj: JsfiveDataObjects, msg: JsfiveMessage, { item, isRoot }: { item: Pending; isRoot: boolean }): void {
    const { v, facts, defects } = this;
    const offset = msg.get("offset_to_message");
    switch (msg.get("type")) {
      case MSG_DATASPACE:
        facts.datasets++;
        break;
      case MSG_LINK: {
        const link = decodeLink(v, offset);
        if (link) this.link(link, item);
        else defects.push(defect("hdf5-link", `Cannot decode HDF5 link message in ${JSON.stringify(item.path)} at ${this.at(offset)}`, { offset: this.at(offset) }));
        break;
      }
      case MSG_SYMBOL_TABLE:
        this.symbolTable(offset, item);
        break;
      case MSG_LINK_INFO:
        this.denseLinks(obj, msg, item);
        break;
      case MSG_EXTERNAL_FILES: {
        const efl = decodeExternalFiles(v, offset);
        facts.externalStorage.push({ path: item.path, files: efl.files, offset: this.at(offset) });
        for (const problem of efl.problems) facts.unread.push(`${item.path}: ${problem}`);
        break;
      }
      case MSG_LAYOUT: {
        const vds = decodeVirtualLayout(v, offset);
        if (vds) facts.virtualDatasets.push({ path: item.path, entries: vds.entries, sources: vds.sources, offset: this.at(offset) });
        break;
      }
      case MSG_ATTRIBUTE:
        if (isRoot) this.rootAttribute(obj, offset);
        break;
      case MSG_ATTRIBUTE_INFO:
        if (denseAttributeHeap(v, offset) !== undefined) {
          const where = `attributes of ${JSON.stringify(item.path)} in dense storage (fractal heap) were not read: jsfive does not support them`;
          if (isRoot) defects.push(defect("unsupported", `HDF5 root ${where}; a Keras model_config there would be unscanned`, { offset: this.at(offset) }));
          else facts.unread.push(where);
        }
        break;
      default:
        break;
    }
  }

  /** Hard links are queued (once per object); the others are the facts this walk is for. */
  private link(link: DecodedLink | SymbolEntry, parent: Pending): void {
    const path = parent.path === "/" ? `/${link.name}` : `${parent.path}/${link.name}`;
    const offset = this.at(link.offset);
    if (link.kind === "hard") {
      if (this.visited.has(link.address)) return;
      if (parent.depth + 1 > MAX_HDF5_DEPTH) {
        this.defects.push(defect("limit-exceeded", `HDF5 group ${JSON.stringify(path)} is nested deeper than ${MAX_HDF5_DEPTH}; not walked`, { offset, limit: "MAX_HDF5_DEPTH" }));
        return;
      }
      this.queue.push({ address: link.address, path, depth: parent.depth + 1 });
    } else if (link.kind === "soft") {
      this.facts.softLinks.push({ path, kind: "soft", target: link.target, linkType: 1, offset });
    } else if (link.kind === "external") {
      this.facts.externalLinks.push({ path, kind: "external", file: link.file, target: link.target, linkType: 64, offset });
    } else {
      this.facts.userLinks.push({ path, kind: "user-defined", target: `link type ${link.linkType}`, linkType: link.linkType, offset });
    }
  }

  /** Symbol Table message (spec IV.A.2.r): v1 B-tree address, then local heap address. */
  private symbolTable(offset: number, item: Pending): void {
    const btreeAddress = this.v.u64(offset);
    const heapAddress = this.v.u64(offset + 8);
    if (btreeAddress === undefined || heapAddress === undefined) {
      this.defects.push(defect("hdf5-symbol-table", `HDF5 group ${JSON.stringify(item.path)} has a symbol table message pointing outside the file`, { offset: this.at(offset) }));
      return;
    }
    const table = readSymbolTable(this.v, { btreeAddress, heapAddress, budget: this.budget });
    for (const entry of table.entries) this.link(entry, item);
    for (const problem of table.problems) this.defects.push(defect("hdf5-symbol-table", `HDF5 group ${JSON.stringify(item.path)}: ${problem}`, { offset: this.at(btreeAddress) }));
  }

  private rootAttribute(obj: JsfiveDataObjects, offset: number): void {
    const decoded = guard(() => obj.unpack_attribute(offset));
    if (!decoded.ok) {
      this.defects.push(defect("hdf5-attribute", `Cannot decode HDF5 root attribute at ${this.at(offset)}: ${decoded.error}`, { offset: this.at(offset) }));
      return;
    }
    const [name, value] = decoded.value;
    if (decoded.warnings.length > 0) {
      // Keras reads its model config from root attributes with h5py, which reads every type: one
      // jsfive cannot read is a config the rules never saw.
      this.defects.push(defect("hdf5-attribute", `HDF5 root attribute ${JSON.stringify(name)} at ${this.at(offset)} is of a type that was not read (${decoded.warnings[0] ?? ""}); a loader reading it with h5py sees a value that was not scanned`, { offset: this.at(offset) }));
    }
    this.facts.rootAttributes.push(name);
    this.attributes.set(name, value);
  }

  /**
   * A new-style group's links beyond the compact limit live in a fractal heap indexed by a v2
   * B-tree. jsfive walks those; its link decoder is swapped for ours (which knows external
   * links, where jsfive's asserts), after checking the B-tree header so that a zero record size
   * or an absurd depth cannot make it loop.
   */
  private denseLinks(obj: JsfiveDataObjects, msg: JsfiveMessage, item: Pending): void {
    const { v } = this;
    const offset = msg.get("offset_to_message");
    const info = decodeLinkInfo(v, offset);
    if (!info || info.heapAddress === undefined) return;
    const btree = info.nameIndexAddress;
    // v2 B-tree header (spec III.A.2): "BTHD", version, type, node size (4), record size (2) at +10, depth (2) at +12.
    const recordSize = btree === undefined ? undefined : v.u16(btree + 10);
    const depth = btree === undefined ? undefined : v.u16(btree + 12);
    if (btree === undefined || v.ascii(btree, 4) !== "BTHD" || !recordSize || depth === undefined || depth > MAX_HDF5_BTREE2_DEPTH || v.ascii(info.heapAddress, 4) !== "FRHP") {
      this.defects.push(defect("hdf5-dense-links", `HDF5 group ${JSON.stringify(item.path)} keeps links in dense storage with a malformed index; its links were not read`, { offset: this.at(offset) }));
      return;
    }
    const found: DecodedLink[] = [];
    obj._decode_link_msg = (data: ArrayBuffer, start: number) => {
      const link = decodeLink(new H5View(new Uint8Array(data)), start);
      if (!link) throw new Error("malformed link message in fractal heap");
      found.push(link);
      return [link.creationOrder ?? null, [link.name, link]];
    };
    const listed = guard(() => [...obj._iter_link_from_link_info_msg(msg)]);
    if (!listed.ok) {
      this.defects.push(defect("hdf5-dense-links", `Cannot read dense links of HDF5 group ${JSON.stringify(item.path)}: ${listed.error}`, { offset: this.at(offset) }));
    }
    // Offsets inside a heap block are not file offsets: point at the Link Info message instead.
    for (const link of found) this.link({ ...link, offset }, item);
  }
}

/** jsfive reads an ArrayBuffer from offset 0: copy unless `bytes` already spans its whole buffer (Node's Buffer#slice is a view, so copy explicitly). */
function ownArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}
