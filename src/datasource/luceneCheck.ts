import { parse } from 'lucene';
import { namePlaceholder, replaceReferences } from './queryTemplates';

/** Where a Lucene query cannot be read, as offsets into it, and why. */
export interface LuceneProblem {
  from: number;
  to: number;
  message: string;
}

/**
 * The first place a Lucene query (Elasticsearch's query_string syntax) cannot be read, read with
 * the `lucene` grammar, variables standing in as terms of their length; undefined when it reads.
 */
export function luceneProblem(query: string): LuceneProblem | undefined {
  if (!query.trim()) {
    return undefined;
  }
  try {
    parse(replaceReferences(query, ({ token }) => namePlaceholder(token)));
    return undefined;
  } catch (error) {
    const offset = (error as { location?: { start?: { offset?: number } } }).location?.start?.offset;
    const at = typeof offset === 'number' ? Math.min(offset, query.length) : 0;
    if (at >= query.trimEnd().length) {
      const from = Math.max(0, query.trimEnd().length - 1);
      return {
        from,
        to: Math.max(from + 1, query.length),
        message: 'the query ends too early: a closing bracket, quote or term is missing',
      };
    }
    return { from: at, to: at + 1, message: `Lucene cannot read "${query[at]}" here` };
  }
}
