/**
 * `@memstack/telemetry/signals` as a user of the published SDK gets it: resolved through the
 * package's `exports` from the built dist/, and bundled for the browser without Node built-ins or
 * prom-client (the CHANGELOG calls it browser-safe).
 */
import { execFileSync } from 'child_process';
import path from 'path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');

/** Resolved and imported by a plain Node process, outside jest's module mapping. */
function importInNode(): { file: string; names: string[] } {
  const script = `
    const file = import.meta.resolve('@memstack/telemetry/signals');
    const m = await import(file);
    console.log(JSON.stringify({ file, names: Object.keys(m) }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out);
}

describe('@memstack/telemetry/signals', () => {
  it("resolves through the SDK's exports to its built module, with the states, thresholds and catalog", () => {
    const { file, names } = importInNode();
    expect(file).toMatch(/telemetry\/dist\/signals\/index\.js$/);
    expect(names).toEqual(
      expect.arrayContaining(['BREAKER_STATES', 'DEGRADATION_LEVELS', 'THRESHOLDS', 'CATALOG', 'stateOf'])
    );
  });

  it('bundles for the browser: no Node built-in, no prom-client', async () => {
    const { file } = importInNode();
    const result = await build({
      entryPoints: [new URL(file).pathname],
      bundle: true,
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.length).toBeGreaterThan(1);
    expect(inputs.filter((i) => i.includes('node_modules'))).toEqual([]);
  });
});
