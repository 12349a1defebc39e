import type { AgentMemoryOptions } from '../types';

/** A change of one jsonData key: a key the settings do not have, or a value of another type, fails to compile. */
export function jsonPatch<K extends keyof AgentMemoryOptions>(
  key: K,
  value: AgentMemoryOptions[K]
): Partial<AgentMemoryOptions> {
  const patch: Partial<AgentMemoryOptions> = {};
  patch[key] = value;
  return patch;
}
