export { planConversion, type ConversionPlan, type PlannedTensor, type PlanOptions, type PlanResult, type CheckpointKind } from "./checkpoint.js";
export { safetensorsLayout, type SafetensorsLayout } from "./safetensors-layout.js";
export { contiguousBytes, type StridedTensor } from "./tensor-bytes.js";
export { unpickleRestricted, importAllowed, callAllowed, type Refusal, type RefusalCode } from "./restricted-unpickler.js";
export { DEFAULT_STATE_DICT_KEYS } from "./state-dict.js";
export { shardIndexPlan, type ShardIndexPlan } from "./shard-index.js";
