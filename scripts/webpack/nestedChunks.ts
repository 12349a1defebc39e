import type { Chunk, ChunkGroup, Compiler } from 'webpack';

/**
 * Grafana serves a nested plugin's files from its own directory, and create-plugin's runtime
 * public path is the directory of the module.js that loads a chunk; but webpack writes every
 * lazily loaded chunk at the root of dist/. A nested plugin's lazy chunk would then be a 404
 * (grafana/plugin-tools#2172). This copies each async chunk a nested entry loads (and its source
 * map) into that entry's directory, where its runtime looks for it, and drops the root copy of
 * a chunk that no root entry loads.
 * Grafana: NESTED-PLUGIN-CHUNKS (docs/grafana-behaviour.md)
 */
export class NestedPluginChunks {
  constructor(private readonly nestedDirs: readonly string[]) {}

  apply(compiler: Compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap(NestedPluginChunks.name, (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: NestedPluginChunks.name, stage: Compilation.PROCESS_ASSETS_STAGE_SUMMARIZE },
        () => {
          const nested = new Set<Chunk>();
          for (const dir of this.nestedDirs) {
            const entry = compilation.entrypoints.get(`${dir}/module`);
            for (const chunk of entry ? asyncChunks(entry) : []) {
              nested.add(chunk);
              for (const file of [...chunk.files, ...chunk.auxiliaryFiles]) {
                const asset = compilation.getAsset(file);
                if (asset && !compilation.getAsset(`${dir}/${file}`)) {
                  compilation.emitAsset(`${dir}/${file}`, new sources.RawSource(asset.source.buffer()), asset.info);
                }
              }
            }
          }
          const rootChunks = new Set(
            [...compilation.entrypoints]
              .filter(([name]) => !this.nestedDirs.some((dir) => name === `${dir}/module`))
              .flatMap(([, entry]) => asyncChunks(entry))
          );
          for (const chunk of nested) {
            if (!rootChunks.has(chunk)) {
              [...chunk.files, ...chunk.auxiliaryFiles].forEach((file) => compilation.deleteAsset(file));
            }
          }
        }
      );
    });
  }
}

/** Every chunk loaded on demand below an entry point (its child groups, transitively). */
function asyncChunks(entry: ChunkGroup): Chunk[] {
  const seen = new Set<ChunkGroup>();
  const found = new Set<Chunk>();
  const visit = (group: ChunkGroup) => {
    for (const child of group.getChildren()) {
      if (!seen.has(child)) {
        seen.add(child);
        child.chunks.forEach((c) => found.add(c));
        visit(child);
      }
    }
  };
  visit(entry);
  return [...found];
}
