import type { TemplateSignal } from "../jinja/types.js";
import type { ConfigNode } from "./config-tree.js";

/** What a config file is for, from its name and keys (for messages; rules read the tree). */
export type ConfigRole =
  | "model-config"
  | "tokenizer-config"
  | "processor-config"
  | "generation-config"
  | "adapter-config"
  | "chat-template"
  | "sharded-index"
  | "config"
  | "yaml";

export interface ConfigDuplicate {
  /** Path of the map holding the key. */
  path: string;
  key: string;
  offset?: number;
}

/** A template-shaped string in a key no loader renders, with what the template scan found in it. */
export interface StrayTemplate {
  path: string;
  parsed: boolean;
  signals: TemplateSignal[];
}

/**
 * A parsed configuration file: Hugging Face JSON (`config.json`, `tokenizer_config.json`,
 * `*.index.json`, ...) or YAML (Hydra, NeMo, torchtune). Chat templates found in it are scanned
 * as members of format `chat-template`.
 */
export interface ConfigDocument {
  /** File (or member) name. */
  name: string;
  role: ConfigRole;
  /** One root for JSON; one per document for multi-document YAML. */
  roots: ConfigNode[];
  duplicates: ConfigDuplicate[];
  /** Paths of the chat templates handed down as members. */
  templates: string[];
  strayTemplates: StrayTemplate[];
}
