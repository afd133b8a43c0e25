import type { FormatSniffer } from "../../core/handler.js";
import { findSuperblock, hasSignatureAt } from "./superblock.js";

/** Strong on the HDF5 signature at offset 0; weak on a superblock at a later power-of-two offset. */
export const hdf5Sniffer: FormatSniffer = {
  id: "hdf5",
  priority: 20,
  sniff(head) {
    if (hasSignatureAt(head, 0)) return "strong";
    return findSuperblock(head) !== undefined ? "weak" : "no";
  },
};
