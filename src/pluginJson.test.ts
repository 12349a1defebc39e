/**
 * Checks every plugin.json of the app against the rules documented for plugin.json
 * (grafana.com/developers/plugin-tools/reference/plugin-json) and the nested-plugin rules that
 * Grafana's plugin validator enforces (includesnested): Grafana itself and the validator cannot
 * run here, so these rules are checked by us.
 */
import fs from 'fs';
import path from 'path';

const SRC = __dirname;
const ID_PATTERN = /^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/;
const TYPES = ['app', 'datasource', 'panel', 'renderer'];
const TOP_LEVEL_KEYS = new Set([
  '$schema',
  'alerting',
  'annotations',
  'autoEnabled',
  'backend',
  'builtIn',
  'category',
  'dependencies',
  'enterpriseFeatures',
  'executable',
  'explore',
  'hideFromList',
  'id',
  'includes',
  'info',
  'logs',
  'metrics',
  'mixed',
  'name',
  'preload',
  'queryOptions',
  'roles',
  'routes',
  'skipDataQuery',
  'state',
  'streaming',
  'tracing',
  'type',
  'iam',
  'extensions',
  'languages',
]);
const INFO_KEYS = new Set([
  'author',
  'build',
  'description',
  'keywords',
  'links',
  'logos',
  'screenshots',
  'updated',
  'version',
]);

type PluginJson = Record<string, any>;

function findPluginJsons(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return findPluginJsons(full);
    }
    return entry.name === 'plugin.json' ? [full] : [];
  });
}

const files = findPluginJsons(SRC);
const read = (file: string): PluginJson => JSON.parse(fs.readFileSync(file, 'utf8'));
const root = read(path.join(SRC, 'plugin.json'));

describe('plugin.json files', () => {
  it('are the app and its three nested plugins', () => {
    expect(files.map((f) => path.relative(SRC, f)).sort()).toEqual([
      'datasource/plugin.json',
      'panels/breaker-timeline/plugin.json',
      'panels/relevance-heatmap/plugin.json',
      'plugin.json',
    ]);
  });

  describe.each(files.map((f) => [path.relative(SRC, f), f]))('%s', (_name, file) => {
    const json = read(file);
    const dir = path.dirname(file);

    it('has the required fields and no unknown ones', () => {
      for (const key of ['id', 'name', 'type', 'info', 'dependencies']) {
        expect(json).toHaveProperty(key);
      }
      for (const key of ['logos', 'version', 'updated', 'keywords']) {
        expect(json.info).toHaveProperty(key);
      }
      expect(Object.keys(json).filter((k) => !TOP_LEVEL_KEYS.has(k))).toEqual([]);
      expect(Object.keys(json.info).filter((k) => !INFO_KEYS.has(k))).toEqual([]);
      expect(typeof json.dependencies.grafanaDependency).toBe('string');
      expect(json.dependencies.grafanaDependency).toMatch(/^>=\d+\.\d+\.\d+$/);
    });

    it('has an id of the documented pattern that ends with its type, written in full', () => {
      expect(json.id).toMatch(ID_PATTERN);
      expect(TYPES).toContain(json.type);
      expect(json.id.endsWith(json.type)).toBe(true);
      // %PLUGIN_ID% is replaced with the root app id at build time, so nested ids must be literal.
      expect(json.id).not.toContain('%');
    });

    it('declares logos that exist beside it', () => {
      for (const logo of [json.info.logos.small, json.info.logos.large]) {
        expect(fs.existsSync(path.join(dir, logo))).toBe(true);
      }
    });

    it('sets alerting only together with a backend and an executable', () => {
      if (json.alerting) {
        expect(json.backend).toBe(true);
      }
      if (json.backend) {
        expect(json.executable).toMatch(/^gpx_[a-z0-9_]+$/);
      }
    });
  });
});

describe('the app includes', () => {
  const includes: PluginJson[] = root.includes;

  it('declare every nested plugin with its type and path, and each resolves', () => {
    const nested = files.filter((f) => f !== path.join(SRC, 'plugin.json'));
    for (const file of nested) {
      const json = read(file);
      const rel = path.relative(SRC, file);
      const include = includes.find((i) => i.path === rel);
      expect({ rel, include: include && { type: include.type } }).toEqual({ rel, include: { type: json.type } });
    }
    for (const include of includes.filter((i) => i.type === 'datasource' || i.type === 'panel')) {
      expect(fs.existsSync(path.join(SRC, include.path))).toBe(true);
    }
  });

  it('route pages into the app and the config page to the plugin page', () => {
    for (const page of includes.filter((i) => i.type === 'page')) {
      expect(page.path).toMatch(/^(\/a\/%PLUGIN_ID%\/[a-z-]+|\/plugins\/%PLUGIN_ID%)$/);
      expect(page.name).toBeTruthy();
    }
    expect(includes.filter((i) => i.defaultNav)).toHaveLength(1);
  });

  it('put dashboards in the app navigation only by uid, the uid of the dashboard file', () => {
    // Grafana links an addToNav dashboard include as /d/<uid> and drops it without a uid
    // (Includes.DashboardURLPath). Grafana: APP-NAV-UID (docs/grafana-behaviour.md)
    const inNav = includes.filter((i) => i.type === 'dashboard' && i.addToNav);
    expect(inNav.length).toBeGreaterThan(0);
    for (const include of inNav) {
      const dashboard = read(path.join(SRC, include.path));
      expect({ path: include.path, uid: include.uid }).toEqual({ path: include.path, uid: dashboard.uid });
    }
  });

  it('name the products expected ids', () => {
    const ids = files.map((f) => read(f).id).sort();
    expect(ids).toEqual([
      'memstack-agentmemory-app',
      'memstack-agentmemory-datasource',
      'memstack-breakertimeline-panel',
      'memstack-relevanceheatmap-panel',
    ]);
    const ds = read(path.join(SRC, 'datasource/plugin.json'));
    expect(ds).toMatchObject({ backend: true, alerting: true, executable: 'gpx_agentmemory' });
  });
});
