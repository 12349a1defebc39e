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
