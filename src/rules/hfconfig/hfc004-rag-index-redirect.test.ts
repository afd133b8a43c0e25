import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("HFC004", () => {
  it("catches a legacy index from another repository", async () => {
    await expectSafeRule("{\"model_type\":\"rag\",\"index_name\":\"legacy\",\"index_path\":\"attacker/backend\",\"dataset\":\"wiki_dpr\"}", "HFC004", true, "config.json");
  });
  it("catches a dataset from another repository", async () => {
    await expectSafeRule("{\"model_type\":\"rag\",\"index_name\":\"compressed\",\"dataset\":\"attacker/evil_dpr\"}", "HFC004", true, "config.json");
  });
  it("does not fire on the default RAG retriever settings", async () => {
    await expectSafeRule("{\"model_type\":\"rag\",\"index_name\":\"compressed\",\"index_path\":null,\"passages_path\":null,\"dataset\":\"wiki_dpr\",\"retrieval_vector_size\":768}", "HFC004", false, "config.json");
  });
});
