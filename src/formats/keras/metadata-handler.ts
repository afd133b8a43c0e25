import { readHead } from "../../core/byte-source.js";
import type { Defect } from "../../core/defect.js";
import type { FormatAnalysis, FormatHandler } from "../../core/handler.js";
import { ProtoReader, isLen } from "../protobuf/index.js";
import { analyzeKerasConfig } from "./analyze-config.js";
import { blobMembers } from "./config-handler.js";
import type { KerasBlob } from "./config-walk.js";
import { MAX_KERAS_CONFIG_BYTES } from "./limits.js";
import { KERAS_METADATA_FILE as FILE_NAME, kerasMetadataSniffer, sniffKerasMetadata } from "./sniff.js";
import type { KerasDocument } from "./types.js";


export { sniffKerasMetadata };

/**
 * TF-Keras SavedModel layer metadata: each node's JSON is analysed like a Keras config (Lambda
 * bytecode, references, …), the way ModelScan checks SavedModels for Lambda layers.
 *
 * @example
 * const analysis = await kerasMetadataHandler.analyze(source, ctx); // format "keras-metadata"
 */
export const kerasMetadataHandler: FormatHandler = {
  ...kerasMetadataSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    const strength = sniffKerasMetadata(await readHead(source, 4096), { name: ctx.name, size: source.size, parents: ctx.parents });
    const r = new ProtoReader(source, { now: ctx.now, deadline: ctx.deadline });
    const document: KerasDocument = { format: "keras-metadata", configs: [] };
    const defects: Defect[] = [];
    const blobs: KerasBlob[] = [];
    let nodes = 0;
    for await (const node of r.fields(r.all, { depth: 0, what: "SavedMetadata" })) {
      if (node.no !== 1 || !isLen(node)) continue;
      nodes++;
      let path = "";
      let metadata: string | undefined;
      for await (const f of r.fields(node, { depth: 1, what: "SavedObject" })) {
        if (f.no === 3 && isLen(f)) path = await r.text(f);
        else if (f.no === 5 && isLen(f)) metadata = await r.text(f, MAX_KERAS_CONFIG_BYTES);
      }
      if (metadata === undefined || metadata.length === 0) continue;
      const analysis = analyzeKerasConfig(metadata, `${FILE_NAME} ${path || `node ${nodes - 1}`}`);
      document.configs.push(analysis.facts);
      defects.push(...analysis.defects);
      blobs.push(...analysis.blobs);
    }
    defects.push(...r.defects);
    if (strength !== "strong" && document.configs.length === 0) return undefined;
    const embedded = blobMembers(blobs, ctx);
    return { format: "keras-metadata", document, defects: [...defects, ...embedded.defects], members: embedded.members, notes: [`${nodes} TF-Keras layer metadata record(s) checked.`] };
  },
};
