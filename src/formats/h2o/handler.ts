import { readHead } from "../../core/byte-source.js";
import type { FormatHandler } from "../../core/handler.js";
import { searchCarrier } from "../java/handler.js";
import { readRange } from "../java/source-reads.js";
import { parseIcedHeader } from "./iced-header.js";
import { looksLikeModelIni, parseModelIni, type MojoIni } from "./model-ini.js";
import { h2oBinarySniffer, h2oMojoSniffer, MOJO_MAX_INI_BYTES } from "./sniff.js";

/** Bytes read for the Iced header and type map (CWE-770): H2O's type map is tens of kilobytes. */
export const H2O_MAX_HEADER_BYTES = 4 * 1024 * 1024;

export { MOJO_MAX_INI_BYTES };

/** Type-map prefixes of H2O's own classes and the JDK types it registers. */
const H2O_TYPE_PREFIXES = ["water.", "hex.", "ai.h2o.", "java.", "[", " "];

/** What an H2O binary (Iced) model holds, as far as it can be read without H2O's generated serializers. */
export interface H2oBinaryDocument {
  version: string;
  typeMapSize: number;
  typeMapComplete: boolean;
  /** Type-map class names outside H2O's own packages (custom extensions, or a crafted file). */
  foreignTypes: string[];
  /** Offsets of Java serialization streams found in the model (scanned as members `java@<offset>`). */
  javaStreams: number[];
  searchedBytes: number;
}

/** A MOJO's `model.ini`. The MOJO itself is a zip scanned by the zip handler. */
export interface H2oMojoDocument {
  ini: MojoIni;
}

/**
 * H2O binary models written by `h2o.save_model` / `Model.exportBinaryModel` (Iced, magic 0x1CED).
 * Their fields are not self-describing, so the handler reads the header and type map, then
 * searches the whole file for embedded Java serialization streams (CVE-2024-6960), which become
 * members.
 *
 * @example
 * const analysis = await h2oBinaryHandler.analyze(source, ctx); // format "h2o-binary"
 */
export const h2oBinaryHandler: FormatHandler = {
  ...h2oBinarySniffer,
  async analyze(source, ctx) {
    const head = await readRange(source, 0, Math.min(source.size, H2O_MAX_HEADER_BYTES));
    const header = parseIcedHeader(head);
    if (!header) return undefined;
    const found = await searchCarrier(source, ctx, { label: "H2O binary model", from: header.end });
    const foreignTypes = header.typeMap.filter((n): n is string => n !== null && !H2O_TYPE_PREFIXES.some((p) => n.startsWith(p)));
    const document: H2oBinaryDocument = {
      version: header.version,
      typeMapSize: header.typeMap.length,
      typeMapComplete: header.typeMapComplete,
      foreignTypes: foreignTypes.slice(0, 100),
      javaStreams: found.offsets,
      searchedBytes: found.searched,
    };
    const notes = [
      `H2O binary (Iced) model written by H2O ${header.version}; type map of ${header.typeMap.length} class names${header.typeMapComplete ? "" : " (cut short)"}; ${found.searched} bytes searched for Java serialization streams.`,
      ...found.notes,
    ];
    if (foreignTypes.length > 0) notes.push(`Type map names ${foreignTypes.length} class(es) outside H2O's packages: ${foreignTypes.slice(0, 10).join(", ")}.`);
    return { format: "h2o-binary", document, defects: found.defects, members: found.members, notes };
  },
};

/**
 * The `model.ini` of an H2O MOJO (a zip with `model.ini`, `domains/` and algorithm blobs). Named
 * in the report as `h2o-mojo`; the zip handler hands every other member to the engine, and blobs
 * are searched for Java streams by the Java handler.
 *
 * @example
 * const analysis = await h2oMojoHandler.analyze(source, ctx); // format "h2o-mojo"
 */
export const h2oMojoHandler: FormatHandler = {
  ...h2oMojoSniffer,
  async analyze(source) {
    const text = new TextDecoder("utf-8", { fatal: false }).decode(await readHead(source, MOJO_MAX_INI_BYTES));
    if (!looksLikeModelIni(text)) return undefined;
    const ini = parseModelIni(text);
    const info = ini.info;
    const document: H2oMojoDocument = { ini };
    const algo = info["algorithm"] ?? info["algo"] ?? "unknown algorithm";
    const notes = [
      `H2O MOJO model.ini: ${algo}, mojo_version ${info["mojo_version"] ?? "?"}, written by H2O ${info["h2o_version"] ?? "?"}; ${ini.columns.length} column(s), ${ini.domains.length} domain file(s). The other members of the MOJO are scanned on their own.`,
    ];
    return { format: "h2o-mojo", document, defects: [], notes };
  },
};
