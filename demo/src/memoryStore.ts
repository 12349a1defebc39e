/**
 * A small in-process memory store: enough for the foundation's demo to perform real add, search,
 * update and delete work with a relevance score. The telemetry issue replaces it with mem0ai.
 */
export interface MemoryRecord {
  id: string;
  userId: string;
  text: string;
  tokens: Set<string>;
}

export interface SearchHit {
  id: string;
  text: string;
  score: number;
}

function tokenize(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((t) => t.length > 2)
  );
}

export class InMemoryStore {
  private readonly records = new Map<string, MemoryRecord>();
  private nextId = 1;

  add(userId: string, text: string): MemoryRecord {
    const record = { id: `mem-${this.nextId++}`, userId, text, tokens: tokenize(text) };
    this.records.set(record.id, record);
    return record;
  }

  /** Jaccard similarity of query and memory tokens, best first. */
  search(userId: string, query: string, limit = 5): SearchHit[] {
    const q = tokenize(query);
    const hits: SearchHit[] = [];
    for (const record of this.records.values()) {
      if (record.userId !== userId) {
        continue;
      }
      let shared = 0;
      for (const t of q) {
        if (record.tokens.has(t)) {
          shared++;
        }
      }
      const union = q.size + record.tokens.size - shared;
      if (union > 0 && shared > 0) {
        hits.push({ id: record.id, text: record.text, score: shared / union });
      }
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  update(id: string, text: string): boolean {
    const record = this.records.get(id);
    if (!record) {
      return false;
    }
    record.text = text;
    record.tokens = tokenize(text);
    return true;
  }

  delete(id: string): boolean {
    return this.records.delete(id);
  }

  anyId(userId: string): string | undefined {
    for (const record of this.records.values()) {
      if (record.userId === userId) {
        return record.id;
      }
    }
    return undefined;
  }

  get size(): number {
    return this.records.size;
  }
}
