/**
 * The release zip (`npm run package` → scripts/package.py) checked the way Grafana's plugin
 * validator checks it, analyzer by analyzer, for every analyzer that can run without a network,
 * Grafana.com or a signing key (docs/install.md, "The zip and Grafana's plugin validator", lists
 * the others). Each
 * block names the validator's analyzer it stands in for.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { execFileSync } from 'child_process';

const REPO = path.resolve(__dirname, '../..');
const rootPlugin = JSON.parse(fs.readFileSync(path.join(REPO, 'dist/plugin.json'), 'utf8'));
const ID: string = rootPlugin.id;
const VERSION: string = rootPlugin.info.version;
/** The platforms the README promises executables for. */
const PLATFORMS = ['linux_amd64', 'linux_arm64'];

let zipPath: string;
let dir: string;
let modes: Record<string, number>;
const inZip = (...parts: string[]) => path.join(dir, ID, ...parts);
const read = (...parts: string[]) => fs.readFileSync(inZip(...parts), 'utf8');
const walk = (d: string): string[] =>
  fs
    .readdirSync(d, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
let files: string[];
let pluginJsons: Array<{ rel: string; json: any }>;

beforeAll(() => {
  execFileSync('python3', [path.join(REPO, 'scripts/package.py')], { cwd: REPO });
  zipPath = path.join(REPO, `${ID}-${VERSION}.zip`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-zip-'));
  execFileSync('unzip', ['-q', zipPath, '-d', dir]);
  const listing = execFileSync('python3', [
    '-c',
    'import json, sys, zipfile\nprint(json.dumps({i.filename: i.external_attr >> 16 & 0o777 for i in zipfile.ZipFile(sys.argv[1]).infolist()}))',
    zipPath,
  ]).toString();
  modes = JSON.parse(listing);
  files = walk(path.join(dir, ID)).map((f) => path.relative(path.join(dir, ID), f));
  pluginJsons = files
    .filter((f) => path.basename(f) === 'plugin.json')
    .map((rel) => ({ rel, json: JSON.parse(read(rel)) }));
}, 120_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('archive, archivename', () => {
  it('is named <id>-<version>.zip and holds exactly one folder named by the plugin id', () => {
    expect(path.basename(zipPath)).toBe(`${ID}-${VERSION}.zip`);
    expect(fs.readdirSync(dir)).toEqual([ID]);
    expect(files).not.toContain('dist');
    expect(files.length).toBeGreaterThan(10);
  });
});

describe('metadata, nestedmetadata, metadatavalid (the documented fields), includesnested', () => {
  it('has the app and its three nested plugins, each with valid metadata and no build placeholder left', () => {
    expect(pluginJsons.map((p) => p.rel).sort()).toEqual(
      [
        'plugin.json',
        'datasource/plugin.json',
        'panels/breaker-timeline/plugin.json',
        'panels/relevance-heatmap/plugin.json',
      ].sort()
    );
    for (const { rel, json } of pluginJsons) {
      expect([rel, typeof json.id, typeof json.name, json.type]).toEqual([
        rel,
        'string',
        'string',
        expect.stringMatching(/^(app|datasource|panel)$/),
      ]);
      expect(json.info.version).toBe(VERSION);
      expect(json.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    for (const rel of files.filter((f) => /\.(json|js|md|html|css|svg)$/.test(f))) {
      expect([rel, /%(VERSION|TODAY|PLUGIN_ID)%/.test(read(rel))]).toEqual([rel, false]);
    }
  });

  it('declares every nested plugin in the app’s includes with its type and path', () => {
    for (const { rel, json } of pluginJsons.filter((p) => p.rel !== 'plugin.json')) {
      const include = rootPlugin.includes.find((i: { path?: string }) => i.path === rel);
      expect([rel, include?.type]).toEqual([rel, json.type]);
    }
  });
});

describe('pluginname, typesuffix, discoverability, circulardependencies, grafanadependency, restrictivedep', () => {
  it.each([
    'plugin.json',
    'datasource/plugin.json',
    'panels/breaker-timeline/plugin.json',
    'panels/relevance-heatmap/plugin.json',
  ])('%s: org-name-type id ending in its type, a name that is not the id', (rel) => {
    const json = pluginJsons.find((p) => p.rel === rel)!.json;
    expect(json.id).toMatch(/^[a-z0-9]+-[a-z0-9]+-(app|panel|datasource)$/);
    expect(json.id.endsWith(json.type)).toBe(true);
    expect(json.name).not.toBe(json.id);
  });

  it('has a description and keywords for the catalog, no dependency on itself, an open Grafana range', () => {
    expect(rootPlugin.info.description.length).toBeGreaterThan(20);
    expect(rootPlugin.info.keywords.length).toBeGreaterThan(2);
    expect(rootPlugin.dependencies.plugins.map((p: { id: string }) => p.id)).not.toContain(ID);
    expect(rootPlugin.dependencies.grafanaDependency).toMatch(/^>=\d+\.\d+\.\d+$/);
  });
});

describe('modulejs, jsMap, buildtools, legacyplatform, trackingscripts', () => {
  const modules = () => files.filter((f) => path.basename(f) === 'module.js');

  it('has a module.js built by create-plugin, with its source map, in every plugin folder', () => {
    expect(modules().sort()).toEqual(pluginJsons.map((p) => path.join(path.dirname(p.rel), 'module.js')).sort());
    for (const m of modules()) {
      expect(files).toContain(`${m}.map`);
      expect(read(m).slice(0, 200)).toMatch(/\[create-plugin\] version: \d+\.\d+\.\d+/);
    }
  });

  it('uses no Angular and loads no tracking script', () => {
    const scripts = files.filter((f) => f.endsWith('.js'));
    const tracking =
      /google-analytics\.com|googletagmanager\.com|cdn\.segment\.com|api\.segment\.io|static\.hotjar\.com|cdn\.mxpnl\.com|api\.mixpanel\.com|js-agent\.newrelic\.com|connect\.facebook\.net|fullstory\.com\/s\/fs\.js/;
    for (const s of scripts) {
      const code = read(s);
      expect([s, tracking.exec(code)?.[0]]).toEqual([s, undefined]);
      expect([
        s,
        /app\/plugins\/sdk|\b(MetricsPanelCtrl|PanelCtrl|QueryCtrl)\b|define\(\[[^\]]*"angular"/.exec(code)?.[0],
      ]).toEqual([s, undefined]);
    }
  });
});

describe('readme, changelog, license, templatereadme, jargon, packagejson', () => {
  it('ships a README of its own, a CHANGELOG naming this version, and an allowed licence', () => {
    const readme = read('README.md');
    expect(readme).not.toMatch(/Grafana (Panel|Data Source|Datasource|App|Data Source Backend) Plugin Template/i);
    expect(readme).not.toMatch(/yarn|nodejs/);
    expect(read('CHANGELOG.md')).toContain(VERSION);
    expect(read('LICENSE')).toMatch(/Apache License\s+Version 2\.0/);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(pkg.license).toBe('Apache-2.0');
    expect(pkg.version).toBe(VERSION);
  });
});

describe('logos, screenshots, metadatapaths, unsafesvg', () => {
  const kind = (rel: string) => {
    const head = fs.readFileSync(inZip(rel)).subarray(0, 8);
    if (head.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) {
      return 'png';
    }
    if (head[0] === 0xff && head[1] === 0xd8) {
      return 'jpeg';
    }
    return /<svg[\s>]/.test(fs.readFileSync(inZip(rel), 'utf8').slice(0, 2000)) ? 'svg' : 'unknown';
  };

  it('has the logos and screenshots plugin.json names, relative, of an image type', () => {
    for (const { rel, json } of pluginJsons) {
      const base = path.dirname(rel);
      const images = [
        json.info.logos.small,
        json.info.logos.large,
        ...(json.info.screenshots ?? []).map((s: { path: string }) => s.path),
      ];
      for (const image of images) {
        expect([rel, image]).toEqual([rel, expect.stringMatching(/^(?!\/|\.\.)[\w./-]+$/)]);
        expect([image, kind(path.join(base, image))]).toEqual([image, expect.stringMatching(/^(png|jpeg|svg)$/)]);
      }
    }
    expect(rootPlugin.info.screenshots.length).toBeGreaterThanOrEqual(4);
    for (const s of rootPlugin.info.screenshots) {
      expect(s.name.length).toBeGreaterThan(0);
    }
  });

  it('has SVGs without scripts, event handlers, foreign objects or outside links', () => {
    for (const svg of files.filter((f) => f.endsWith('.svg'))) {
      const text = read(svg);
      expect([svg, /<script|\son\w+\s*=|<foreignObject|(xlink:)?href\s*=\s*["'](?!#)/i.exec(text)?.[0]]).toEqual([
        svg,
        undefined,
      ]);
    }
  });
});

describe('backendbinary, binarypermissions, backenddebug', () => {
  it('has the declared backend executable for every platform the README lists, mode 0755', () => {
    const ds = pluginJsons.find((p) => p.rel === 'datasource/plugin.json')!.json;
    expect(ds.backend).toBe(true);
    expect(ds.alerting ? ds.backend : true).toBe(true);
    for (const platform of PLATFORMS) {
      const entry = `${ID}/datasource/${ds.executable}_${platform}`;
      expect([entry, modes[entry]]).toEqual([entry, 0o755]);
    }
    expect(modes[`${ID}/plugin.json`]).toBe(0o644);
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    expect(readme).toContain('gpx_agentmemory_linux_{amd64,arm64}');
  });

  it('carries no standalone debug file', () => {
    expect(files.filter((f) => ['standalone.txt', 'pid.txt'].includes(path.basename(f)))).toEqual([]);
  });
});
