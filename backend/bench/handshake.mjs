// Benchmark: backend start to handshake line, as Grafana launches it, against the baseline named
// by the hardening issue: the smallest data source grafana-plugin-sdk-go builds
// (tests/conformance/cmd/minimaldatasource), started the same way in the same run. The bare Node
// runtime printing one line is shown too, as the floor of any Node executable.
//   node backend/bench/handshake.mjs [runs]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const plugin = join(repo, 'dist/datasource/gpx_agentmemory_linux_amd64');
const cacheRoot =
  process.env.MEMSTACK_CACHE ??
  (process.getuid?.() === 0 ? '/var/cache/memstack' : join(homedir(), '.cache', 'memstack'));
const nodeVersion = process.env.AGENTMEMORY_NODE_VERSION ?? '24.21.0';
const bareNode = join(cacheRoot, 'node', nodeVersion, 'linux_amd64', 'node');
const runs = Number(process.argv[2] ?? 20);

const goBaseline = join(repo, 'backend/build/minimaldatasource');
execFileSync('go', ['build', '-o', goBaseline, './cmd/minimaldatasource'], {
  cwd: join(repo, 'tests/conformance'),
  stdio: 'inherit',
});

for (const file of [plugin, bareNode]) {
  if (!existsSync(file)) {
    console.error(`missing ${file}: run npm run build first`);
    process.exit(1);
  }
}

/** Milliseconds from spawn to the first complete stdout line, then the process is stopped. */
function timeToFirstLine(command, args, env) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        child.kill('SIGTERM');
        child.on('exit', () => resolvePromise({ ms, line: out.split('\n')[0] }));
      }
    });
    child.on('error', reject);
    setTimeout(() => reject(new Error(`${command}: no line within 10 s`)), 10_000).unref();
  });
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] };
};

const grafanaEnv = { grafana_plugin_type: 'datasource', PLUGIN_PROTOCOL_VERSIONS: '2', GF_VERSION: '12.3.0' };
const ours = [];
const go = [];
const baseline = [];
for (let i = 0; i < runs; i++) {
  // Interleaved, so that machine noise hits all alike.
  const a = await timeToFirstLine(plugin, [], grafanaEnv);
  if (!/^1\|2\|unix\|.+\|grpc$/.test(a.line)) {
    throw new Error(`unexpected handshake line: ${a.line}`);
  }
  ours.push(a.ms);
  const g = await timeToFirstLine(goBaseline, [], { ...grafanaEnv, PATH: process.env.PATH });
  if (!/^1\|2\|unix\|.+\|grpc/.test(g.line)) {
    throw new Error(`unexpected handshake line from the Go baseline: ${g.line}`);
  }
  go.push(g.ms);
  baseline.push(
    (await timeToFirstLine(bareNode, ['-e', 'process.stdout.write("ready\\n"); setInterval(() => {}, 1000)'], {})).ms
  );
}
const o = stats(ours);
const g = stats(go);
const b = stats(baseline);
console.log(`backend start to handshake over ${runs} runs, interleaved`);
console.log(
  `  gpx_agentmemory_linux_amd64 (${(statSync(plugin).size / 1e6).toFixed(1)} MB): median ${o.median.toFixed(1)} ms, p95 ${o.p95.toFixed(1)} ms`
);
console.log(
  `  minimal grafana-plugin-sdk-go data source:   median ${g.median.toFixed(1)} ms, p95 ${g.p95.toFixed(1)} ms`
);
console.log(
  `  bare node ${nodeVersion} printing one line:     median ${b.median.toFixed(1)} ms, p95 ${b.p95.toFixed(1)} ms`
);
console.log(`  ratio to the Go SDK data source (median): ${(o.median / g.median).toFixed(2)}x (goal <= 5x)`);
console.log(`  ratio to the bare Node start (median):    ${(o.median / b.median).toFixed(2)}x`);
