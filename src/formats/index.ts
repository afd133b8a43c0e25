import type { FormatHandler } from "../engine/types.js";
import { pickleHandler } from "./pickle/handler.js";

/** Every format the engine can sniff, in no particular order (priority decides). */
export const FORMAT_HANDLERS: readonly FormatHandler[] = [pickleHandler];
