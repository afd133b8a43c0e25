import type { FormatHandler } from "../../core/handler.js";
import { analyzeLegacy } from "./legacy-stream.js";
import { analyzeLegacyTar } from "./legacy-tar.js";
import { torchLegacySniffer, torchLegacyTarSniffer } from "./sniff.js";

/**
 * Legacy (pre-1.6, non-zip) `torch.save` files: five pickles and raw storages. Ranked above the
 * pickle handler, which would search the raw storage bytes for hidden streams.
 *
 * @example
 * const analysis = await torchLegacyHandler.analyze(source, ctx); // formats pytorch-legacy, pytorch-legacy-layout
 */
export const torchLegacyHandler: FormatHandler = {
  ...torchLegacySniffer,
  analyze: (source, ctx) => analyzeLegacy(source, ctx),
};

/**
 * The pre-0.1.10 tar checkpoint (members sys_info, pickle, storages, tensors), which torch.load
 * still tries first. Ranked above the plain tar handler; it reports the tar as the tar handler
 * would, plus the torch layout.
 *
 * @example
 * const analysis = await torchLegacyTarHandler.analyze(source, ctx); // formats tar, pytorch-legacy-tar
 */
export const torchLegacyTarHandler: FormatHandler = {
  ...torchLegacyTarSniffer,
  analyze: (source, ctx) => analyzeLegacyTar(source, ctx),
};
