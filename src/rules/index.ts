import { arc001 } from "./archive/arc001-member-path-traversal.js";
import { arc002 } from "./archive/arc002-link-escape.js";
import { arc003 } from "./archive/arc003-decompression-bomb.js";
import { arc004 } from "./archive/arc004-reader-disagreement.js";
import { arc005 } from "./archive/arc005-crc-mismatch.js";
import { arc006 } from "./archive/arc006-polyglot-data.js";
import { arc007 } from "./archive/arc007-encrypted-member.js";
import { arc008 } from "./archive/arc008-special-member.js";
import { fs001 } from "./filesystem/fs001-symlink-escape.js";
import { html001 } from "./html/html001-kernel-execute.js";
import { html002 } from "./html/html002-script.js";
import { html003 } from "./html/html003-event-handler.js";
import { html004 } from "./html/html004-javascript-url.js";
import { html005 } from "./html/html005-embedded-document.js";
import { java001 } from "./java/java001-gadget-class.js";
import { java002 } from "./java/java002-serialized-object.js";
import { java003 } from "./java/java003-embedded-bytecode.js";
import { java004 } from "./java/java004-h2o-binary-model.js";
import { mlf001 } from "./mlflow/mlf001-custom-loader.js";
import { mlf002 } from "./mlflow/mlf002-bundled-code.js";
import { mlf003 } from "./mlflow/mlf003-path-escape.js";
import { nb001 } from "./notebook/nb001-shell-command.js";
import { nb002 } from "./notebook/nb002-package-install.js";
import { pkl001 } from "./pickle/pkl001-dangerous-global.js";
import { pkl002 } from "./pickle/pkl002-unknown-global-called.js";
import { pkl003 } from "./pickle/pkl003-unknown-global-imported.js";
import { pkl004 } from "./pickle/pkl004-ml-class.js";
import { pkl005 } from "./pickle/pkl005-unresolved-import.js";
import { pkl006 } from "./pickle/pkl006-nested-deserializer.js";
import { pkl007 } from "./pickle/pkl007-code-object.js";
import { pkl008 } from "./pickle/pkl008-encoded-payload.js";
import { pkl009 } from "./pickle/pkl009-expansion-bomb.js";
import { pkl010 } from "./pickle/pkl010-frame-violation.js";
import { pkl011 } from "./pickle/pkl011-malformed-stream.js";
import { pkl012 } from "./pickle/pkl012-dunder-traversal.js";
import { pkl013 } from "./pickle/pkl013-build-on-global.js";
import { pkl014 } from "./pickle/pkl014-dynamic-callable.js";
import { pkl015 } from "./pickle/pkl015-embedded-pickle.js";
import type { Rule } from "./types.js";

/** Every rule, in id order. Each has a test beside it and a page in docs/rules (tools/check-repo.mjs). */
export const RULES: readonly Rule[] = [
  arc001, arc002, arc003, arc004, arc005, arc006, arc007, arc008,
  fs001,
  html001, html002, html003, html004, html005,
  java001, java002, java003, java004,
  mlf001, mlf002, mlf003,
  nb001, nb002,
  pkl001, pkl002, pkl003, pkl004, pkl005, pkl006, pkl007, pkl008, pkl009, pkl010, pkl011, pkl012, pkl013, pkl014, pkl015,
] as readonly Rule[];
