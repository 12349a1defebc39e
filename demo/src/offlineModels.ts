import { Embeddings } from '@langchain/core/embeddings';
import { SimpleChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';

/**
 * Deterministic local models for mem0's `langchain` providers, so the demo and the tests run a
 * real mem0 `Memory` offline: nothing is downloaded and the same input gives the same output.
 */

export const EMBEDDING_DIMENSION = 256;

/** FNV-1a, 32 bit. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 1);
}

function unrelatedModel(text: string): number[] {
  const vector = Array.from(
    { length: EMBEDDING_DIMENSION },
    (_, i) => (hash(`drift ${i} ${text}`) / 0xffffffff) * 2 - 1
  );
  const norm = Math.sqrt(vector.reduce((a, v) => a + v * v, 0)) || 1;
  return vector.map((v) => v / norm);
}

/**
 * Hashed bag-of-words embeddings: each token (and each pair of neighbouring tokens) adds to one
 * of 256 dimensions; the vector is L2-normalised, so cosine similarity is word overlap.
 */
export class HashedEmbeddings extends Embeddings {
  /** `drifted()` true: embed as a different model would (the demo's `embedderDrift` fault). */
  constructor(private readonly drifted: () => boolean = () => false) {
    super({});
  }

  /**
   * Drifted, a text embeds as a model whose space has nothing in common with the stored vectors
   * would embed it: a dense vector seeded by the text (the same text, the same vector), whose
   * cosine with any stored memory is chance, about ±1/16 in 256 dimensions.
   */
  embed(text: string): number[] {
    return this.drifted() ? unrelatedModel(text) : this.bagOfWords(text);
  }

  private bagOfWords(text: string): number[] {
    const vector = new Array<number>(EMBEDDING_DIMENSION).fill(0);
    const words = tokens(text);
    words.forEach((word, i) => {
      vector[hash(word) % EMBEDDING_DIMENSION] += 1;
      if (i > 0) {
        vector[hash(`${words[i - 1]} ${word}`) % EMBEDDING_DIMENSION] += 0.5;
      }
    });
    const norm = Math.sqrt(vector.reduce((a, v) => a + v * v, 0)) || 1;
    return vector.map((v) => v / norm);
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => this.embed(d));
  }

  async embedQuery(document: string): Promise<number[]> {
    return this.embed(document);
  }
}

/**
 * A rule-based chat model for mem0's fact extraction: every message of the "New Messages"
 * section of mem0's prompt becomes one memory, attributed to its speaker. Other prompts get an
 * empty JSON object.
 */
export class RuleBasedMemoryModel extends SimpleChatModel {
  model = 'rule-based-memory-extractor';

  constructor() {
    super({});
  }

  _llmType(): string {
    return 'rule-based-memory-extractor';
  }

  // mem0 3.3 treats any reply with a `tool_calls` array, even an empty one, as a tool call and
  // then fails to parse it; a plain reply carries no tool calls, so the empty array is dropped.
  override async invoke(
    input: BaseLanguageModelInput,
    options?: Parameters<SimpleChatModel['invoke']>[1]
  ): Promise<AIMessageChunk> {
    const reply = await super.invoke(input, options);
    return Object.assign(reply, { tool_calls: undefined });
  }

  async _call(messages: BaseMessage[]): Promise<string> {
    // The user prompt carries the conversation; the system prompt only describes the format.
    const last = messages[messages.length - 1];
    const prompt = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
    const start = prompt.lastIndexOf('## New Messages');
    const section =
      start < 0 ? '' : (/## New Messages\s*\n([\s\S]*?)(?:\n## |\n# |$)/.exec(prompt.slice(start))?.[1] ?? '');
    const memory = section
      .split('\n')
      .map((line) => /^(user|assistant):\s*(.+)$/i.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m, i) => ({ id: String(i), text: m[2].trim(), attributed_to: m[1].toLowerCase() as 'user' | 'assistant' }));
    return JSON.stringify(memory.length > 0 ? { memory } : {});
  }
}

/**
 * mem0's self-hosted `Memory` configuration with the offline models: an in-process vector store
 * and history, nothing on disk unless `files` are given (the SQLite files a cluster's workers
 * share). Shared by the demo, the integration tests and the benchmarks.
 */
export function offlineMemoryConfig(
  collectionName: string,
  embeddings = new HashedEmbeddings(),
  files: { vectorDbPath: string; historyDbPath: string } = { vectorDbPath: ':memory:', historyDbPath: ':memory:' }
) {
  return {
    embedder: { provider: 'langchain', config: { model: embeddings } },
    llm: { provider: 'langchain', config: { model: new RuleBasedMemoryModel() } },
    vectorStore: {
      provider: 'memory',
      config: { collectionName, dimension: EMBEDDING_DIMENSION, dbPath: files.vectorDbPath },
    },
    historyStore: { provider: 'sqlite', config: { historyDbPath: files.historyDbPath } },
  };
}
