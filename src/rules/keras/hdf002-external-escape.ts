import { escapesModelFolder } from "../../formats/hdf5/paths.js";
import type { Hdf5Facts } from "../../formats/hdf5/types.js";
import { defineRule } from "../types.js";

export const hdf002 = defineRule<{ hdf5: Hdf5Facts }>({
  meta: {
    id: "HDF002",
    slug: "hdf5-external-escape",
    formats: ["hdf5", "keras-h5"],
    title: "HDF5 file reads host files outside the model folder",
    description:
      "An external link, an External Data Files slot or a virtual dataset source names an absolute path or one with `..`: loading the weights reads an arbitrary host file (/etc/shadow, a private key) into the model, where it can be read back (CVE-2026-1669 for Keras weights files).",
    // High: loading reads arbitrary files into the model (issue 9 calibration, CVE-2026-1669).
    defaultSeverity: "high",
    confidence: "high",
    cwe: [22, 73, 200],
    references: ["CVE-2026-1669", "https://docs.hdfgroup.org/hdf5/develop/group___h5_l.html", "https://docs.hdfgroup.org/hdf5/develop/group___d_c_p_l.html"],
  },
  check(doc, { report }) {
    const h = doc.hdf5;
    for (const link of h.externalLinks) {
      if (!escapesModelFolder(link.file ?? "")) continue;
      report({ message: `HDF5 external link ${JSON.stringify(link.path)} opens ${JSON.stringify(link.file)} outside the model folder when followed`, evidence: `${link.path} -> ${link.file}:${link.target}`, offset: link.offset });
    }
    for (const s of h.externalStorage) {
      const outside = s.files.filter((f) => escapesModelFolder(f.name));
      if (outside.length === 0) continue;
      const files = outside.slice(0, 5).map((f) => `${JSON.stringify(f.name)}@${f.offset}`).join(", ");
      report({ message: `HDF5 dataset ${JSON.stringify(s.path)} stores its data in ${files}, outside the model folder: reading the weights reads those host files`, evidence: files, offset: s.offset });
    }
    for (const vds of h.virtualDatasets) {
      const outside = vds.sources.filter((s) => escapesModelFolder(s.file));
      if (outside.length === 0) continue;
      const sources = outside.map((s) => `${JSON.stringify(s.file)}:${s.dataset}`).join(", ");
      report({ message: `HDF5 dataset ${JSON.stringify(vds.path)} is a virtual dataset mapped onto ${sources}, outside the model folder`, evidence: sources, offset: vds.offset });
    }
  },
});
