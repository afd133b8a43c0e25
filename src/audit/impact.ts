import { normalizeName } from "./names.js";
import type { OsvAdvisory } from "./osv.js";
import type { Dependency } from "./types.js";

/**
 * What a flaw in each package means for someone who loads models with it. A curated advisory may
 * carry its own line (`database_specific.modelvet_impact`); otherwise the package's line applies.
 */
const PACKAGE_IMPACT: Readonly<Record<string, string>> = {
  torch: "torch.load and TorchScript loading of an untrusted checkpoint may run attacker code or crash the loader.",
  torchvision: "Loading untrusted weights or datasets through torchvision may run attacker code or write files.",
  tensorflow: "Loading an untrusted SavedModel or graph may crash the process, read memory or run ops the attacker chose.",
  keras: "keras.models.load_model on an untrusted .keras/.h5 file may run attacker code even with safe_mode=True.",
  "tf-keras": "tf_keras load_model on an untrusted file may run attacker code even with safe_mode=True.",
  mlflow: "Loading or serving an untrusted MLflow model, recipe or artifact may run attacker code or reach files.",
  h2o: "Importing an untrusted H2O model may deserialize Java objects and run attacker code.",
  "ai.h2o:h2o-core": "Importing an untrusted H2O (Iced) model deserializes Java objects: attacker code runs on the H2O node.",
  "ml.combust.mleap:mleap-tensorflow": "Loading an untrusted MLeap TensorFlow bundle may write files outside the extraction folder (zip slip).",
  transformers: "from_pretrained on an untrusted repo may run attacker code (pickle, remote code, config gadgets).",
  "huggingface-hub": "Downloading untrusted repos with huggingface_hub may write outside the cache or run code on load.",
  diffusers: "Loading untrusted pipelines with diffusers may run attacker code.",
  accelerate: "Loading untrusted checkpoints with accelerate may unpickle attacker data.",
  safetensors: "Parsing an untrusted .safetensors file may crash the loader or misread tensors.",
  onnx: "Loading an untrusted ONNX model may read or write files outside the model folder (external data paths).",
  onnxruntime: "Running an untrusted ONNX model may crash the runtime or corrupt memory.",
  gradio: "A Gradio app serving models may expose files or run code for a remote attacker.",
  ray: "Ray clusters serving models may run attacker jobs or expose files.",
  bentoml: "Loading or serving an untrusted Bento may unpickle attacker data and run code.",
  "llama-cpp-python": "Loading an untrusted GGUF (chat template, metadata) may run attacker code or crash the process.",
  vllm: "Serving untrusted models or requests with vLLM may run attacker code (pickle, remote code, templates).",
  langchain: "Loading untrusted chains, prompts or vector stores may unpickle data or run code.",
  "langchain-core": "Loading untrusted serialized LangChain objects may run attacker code.",
  "langchain-community": "Loading untrusted vector stores or tools may unpickle data or run code.",
  "langchain-experimental": "Untrusted input to experimental chains may run Python code.",
  joblib: "joblib.load of an untrusted file runs pickle: attacker code executes.",
  numpy: "numpy.load with allow_pickle, or crafted arrays, may run code or crash the loader.",
  "scikit-learn": "Loading untrusted scikit-learn models (pickle/joblib) may run attacker code.",
  pandas: "pandas.read_pickle and friends on untrusted files may run attacker code.",
  pyyaml: "yaml.load of untrusted model configs may construct Python objects and run code.",
  jinja2: "Rendering an untrusted template (chat templates, model cards) may escape the sandbox and run code.",
  xgboost: "Loading untrusted XGBoost models may unpickle data or corrupt memory.",
  lightgbm: "Loading untrusted LightGBM models may corrupt memory or run code.",
  ultralytics: "Loading untrusted YOLO weights runs torch.load: attacker code may execute.",
  modelscan: "The model scanner itself may miss or mis-handle malicious models.",
  picklescan: "The pickle scanner itself may miss malicious pickles (a bypass): do not trust its clean verdict.",
};

export function impactOf(advisory: OsvAdvisory, dependency: Pick<Dependency, "ecosystem" | "name">): string {
  const own = advisory.database_specific?.modelvet_impact;
  if (own) return own;
  const key = normalizeName(dependency.ecosystem, dependency.name);
  return PACKAGE_IMPACT[key] ?? "A framework that loads models has a known flaw: update it before loading untrusted models.";
}
