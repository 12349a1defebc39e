import fs from 'fs';
import path from 'path';

/**
 * The backend's layers import one way: protocol → handlers → query → sources. A layer may import
 * the layers below it and the shared modules (runtime/, settings, text and
 * contract/), never one above it: the gRPC plumbing stays apart from what a query does, and a
 * source client knows nothing of frames or requests.
 */
const SRC = __dirname;
const LAYERS = ['protocol', 'handlers', 'query', 'sources'] as const;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : /\.ts$/.test(entry.name) ? [full] : [];
  });
}

const layerOf = (relative: string) => LAYERS.indexOf(relative.split(path.sep)[0] as (typeof LAYERS)[number]);

/** Relative imports and lazy requires of product code (tests may reach across layers). */
const edges = sourceFiles(SRC)
  .filter((file) => !file.endsWith('.test.ts'))
  .flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/(?:from|require\() ?'(\.[^']*)'/g)].map((m) => ({
      from: path.relative(SRC, file),
      to: path.relative(SRC, path.resolve(path.dirname(file), m[1])),
    }))
  );

describe('backend layers', () => {
  it('reads the imports of every layer', () => {
    for (const layer of LAYERS) {
      expect(edges.some((e) => e.from.startsWith(`${layer}/`))).toBe(true);
    }
    expect(edges).toContainEqual({ from: 'protocol/server.ts', to: 'handlers/queryData' });
  });

  it('no layer imports a layer above it', () => {
    const upward = edges.filter((e) => {
      const from = layerOf(e.from);
      const to = layerOf(e.to);
      return from >= 0 && to >= 0 && to < from;
    });
    expect(upward).toEqual([]);
  });
});

/**
 * Inside query/, each query type keeps its parse, run and frames in its own folder, which imports
 * only the shared query modules beside it; the correlated view alone reads another type's helpers.
 */
const QUERY_TYPE_FOLDERS = ['metrics', 'logs', 'traces', 'correlate'];
const queryTypeOf = (relative: string) => {
  const [layer, folder] = relative.split(path.sep);
  return layer === 'query' && QUERY_TYPE_FOLDERS.includes(folder) ? folder : undefined;
};

describe('query types', () => {
  it('has a folder with parse, run and frames for each query type', () => {
    for (const folder of QUERY_TYPE_FOLDERS) {
      for (const file of ['parse.ts', 'run.ts', 'frames.ts']) {
        expect(fs.existsSync(path.join(SRC, 'query', folder, file))).toBe(true);
      }
    }
  });

  it('no query type imports another, except the correlated view', () => {
    const crossing = edges.filter((e) => {
      const from = queryTypeOf(e.from);
      const to = queryTypeOf(e.to);
      return from !== undefined && to !== undefined && from !== to && from !== 'correlate';
    });
    expect(crossing).toEqual([]);
    expect(edges).toContainEqual({ from: 'query/correlate/run.ts', to: 'query/traces/frames' });
  });
});
