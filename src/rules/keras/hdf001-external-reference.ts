import { escapesModelFolder } from "../../formats/hdf5/paths.js";
import type { Hdf5Facts } from "../../formats/hdf5/types.js";
import { defineRule } from "../types.js";

export const hdf001 = defineRule<{ hdf5: Hdf5Facts }>({
  meta: {
    id: "HDF001",
    slug: "hdf5-external-reference",
    formats: ["hdf5", "keras-h5"],
    title: "HDF5 file reads data from other files in the model folder",
    description:
      "The HDF5 file has external links, datasets stored in external files or virtual datasets mapped onto other files named relative to the model folder, or user-defined links: opening the weights makes the HDF5 library read files the author named. References that leave the folder are HDF002.",
    // Medium: the files read stay next to the model (what the author shipped), unless a plugin (user-defined link) decides otherwise.
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [73, 610],
    references: ["CVE-2026-1669", "https://docs.hdfgroup.org/hdf5/develop/group___h5_l.html"],
  },
  check(doc, { report }) {
    const h = doc.hdf5;
    for (const link of h.externalLinks) {
      if (escapesModelFolder(link.file ?? "")) continue;
      report({ message: `HDF5 external link ${JSON.stringify(link.path)} opens ${JSON.stringify(link.file)} (object ${JSON.stringify(link.target)}) when followed`, evidence: `${link.path} -> ${link.file}:${link.target}`, offset: link.offset });
    }
    for (const link of h.userLinks) {
      report({ message: `HDF5 link ${JSON.stringify(link.path)} has user-defined type ${link.linkType}, resolved by a plugin the author chose`, evidence: link.target, offset: link.offset });
    }
    for (const s of h.externalStorage) {
      if (s.files.some((f) => escapesModelFolder(f.name))) continue;
      const files = s.files.slice(0, 5).map((f) => `${JSON.stringify(f.name)}@${f.offset}`).join(", ");
      report({ message: `HDF5 dataset ${JSON.stringify(s.path)} stores its data in external file(s) ${files}; reading it reads those host files`, evidence: files, offset: s.offset });
    }
    for (const vds of h.virtualDatasets) {
      if (vds.sources.some((s) => escapesModelFolder(s.file))) continue;
      const sources = vds.sources.map((s) => `${JSON.stringify(s.file)}:${s.dataset}`).join(", ") || "sources not decoded";
      report({ message: `HDF5 dataset ${JSON.stringify(vds.path)} is a virtual dataset mapped onto ${vds.entries} source(s) (${sources}); reading it reads those files`, evidence: sources, offset: vds.offset });
    }
  },
});
