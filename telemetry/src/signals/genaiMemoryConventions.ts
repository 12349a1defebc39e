/**
 * The OpenTelemetry GenAI memory conventions as this SDK follows them, recorded once: the memory
 * span's attributes with their requirement levels, the well-known memory operation names, and the
 * attributes of our own that memory spans carry where the conventions have none. Memory spans are
 * checked against this list (telemetry/src/genaiMemorySpans.test.ts and the mem0 integration test).
 *
 * Browser-safe and import-free, like the catalog. To move to a newer version of the conventions,
 * read the files below at the new commit, update this module and `GEN_AI_MEMORY_SOURCE`.
 */

/** Where the list below was read, and at which commit. */
export const GEN_AI_MEMORY_SOURCE = {
  repository: 'open-telemetry/semantic-conventions-genai',
  commit: '002c8a6ea1c8a42b14a4527db83b3cabcded610a',
  /** Memory attributes and `gen_ai.operation.name` members. */
  registry: 'model/gen-ai/registry.yaml',
  /** The `gen_ai.memory.client` span: its kind and each attribute's requirement level. */
  spans: 'model/gen-ai/spans.yaml',
  /** The same registry rendered. */
  docs: 'docs/registry/attributes/gen-ai.md',
  url: 'https://github.com/open-telemetry/semantic-conventions-genai/blob/002c8a6ea1c8a42b14a4527db83b3cabcded610a/model/gen-ai/spans.yaml',
  /** Its CHANGELOG lists the memory span under "Unreleased" (PR #140): no released version yet. */
  version: 'Unreleased (semantic-conventions-genai#140)',
  stability: 'development',
} as const;

/** `gen_ai.system` was renamed; the deprecation is recorded in the main conventions repository. */
export const GEN_AI_DEPRECATED_ATTRIBUTES = {
  'gen_ai.system': {
    renamedTo: 'gen_ai.provider.name',
    source:
      'open-telemetry/semantic-conventions model/gen-ai/deprecated/registry-deprecated.yaml @ 055b333b02569c9fc03c102a9581a1bb618b8a69',
  },
} as const;

export type RequirementLevel = 'required' | 'conditionally_required' | 'recommended' | 'opt_in';

/** The span kind the conventions ask of memory spans (`gen_ai.memory.client`: `CLIENT`). */
export const GEN_AI_MEMORY_SPAN_KIND = 'client';

/**
 * Every attribute of the `gen_ai.memory.client` span, with its requirement level and the
 * condition the conventions give, as in spans.yaml at the commit above.
 */
export const GEN_AI_MEMORY_ATTRIBUTES = {
  'gen_ai.operation.name': { level: 'required' },
  'gen_ai.provider.name': {
    level: 'conditionally_required',
    when: 'if the operation is handled by a named external GenAI provider or service',
  },
  'gen_ai.memory.store.id': { level: 'conditionally_required', when: 'if applicable' },
  'gen_ai.memory.record.id': {
    level: 'conditionally_required',
    when: 'when the operation applies to a specific memory record',
  },
  'gen_ai.memory.record.count': {
    level: 'recommended',
    when: 'if the operation involves memory records and the count is available',
  },
  'gen_ai.memory.query.text': { level: 'opt_in' },
  'gen_ai.memory.records': { level: 'opt_in' },
  'error.type': { level: 'conditionally_required', when: 'if the operation ended in an error' },
  'server.address': { level: 'recommended' },
  'server.port': { level: 'conditionally_required', when: 'if `server.address` is set' },
} as const satisfies Record<string, { level: RequirementLevel; when?: string }>;

export type GenAiMemoryAttribute = keyof typeof GEN_AI_MEMORY_ATTRIBUTES;

/** Attributes captured only on the host's explicit opt-in: they hold user text and memories. */
export const GEN_AI_MEMORY_OPT_IN_ATTRIBUTES = (Object.keys(GEN_AI_MEMORY_ATTRIBUTES) as GenAiMemoryAttribute[]).filter(
  (name) => GEN_AI_MEMORY_ATTRIBUTES[name].level === 'opt_in'
);

/** The well-known memory values of `gen_ai.operation.name` (registry.yaml, members of development stability). */
export const GEN_AI_MEMORY_OPERATION_NAMES = [
  'create_memory_store',
  'delete_memory_store',
  'create_memory',
  'update_memory',
  'upsert_memory',
  'search_memory',
  'delete_memory',
] as const;

export type GenAiMemoryOperationName = (typeof GEN_AI_MEMORY_OPERATION_NAMES)[number];

/**
 * Our own attributes on memory spans, for what the conventions lack. They are the names of the
 * guide this product follows, which users' trace searches, the correlate query and the demo
 * already rely on; each says something no `gen_ai.memory.*` attribute says.
 */
export const MEMORY_SPAN_OWN_ATTRIBUTES = {
  'operation.type': 'always `ai_memory`: tells memory spans from the host’s other spans',
  duration_ms: 'the operation’s duration in milliseconds, searchable as a tag in Jaeger',
  'ai.operation': 'the SDK method (`search`, `add`, `getAll`…); finer than `gen_ai.operation.name`',
  'ai.agent_id': 'the calling agent (user part hashed by default); the conventions have no caller id',
  'ai.agent_type': 'the agent type label shared with the metrics',
  'ai.user_id': 'the end user (hashed by default)',
  'ai.context_size': 'bytes of message text an `add` sent',
  'ai.result_count': 'memories the host got back (for `add`, what mem0 answered); the guide’s name',
  'ai.cache_hit': 'whether a cache in front of the memory answered',
  'ai.trace_id': 'the trace id as a tag, for Elasticsearch events and exemplars to join on',
} as const;

export type MemorySpanOwnAttribute = keyof typeof MEMORY_SPAN_OWN_ATTRIBUTES;
