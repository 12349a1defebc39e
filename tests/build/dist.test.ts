/** The build output Grafana loads: dist/ holds a module.js and plugin.json per plugin and the backend executables. */
import fs from 'fs';
import path from 'path';
import { TITLES } from '../../src/dashboards/titles';

const DIST = path.resolve(__dirname, '../../dist');
const PLUGINS = ['', 'datasource', 'panels/breaker-timeline', 'panels/relevance-heatmap'];

describe('dist/', () => {
  it.each(PLUGINS)('has module.js and a plugin.json with placeholders replaced for "%s"', (dir) => {
    expect(fs.existsSync(path.join(DIST, dir, 'module.js'))).toBe(true);
    const json = JSON.parse(fs.readFileSync(path.join(DIST, dir, 'plugin.json'), 'utf8'));
    expect(json.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(json.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const logo of [json.info.logos.small, json.info.logos.large]) {
      expect(fs.existsSync(path.join(DIST, dir, logo))).toBe(true);
    }
  });

  it('has every dashboard and screenshot plugin.json names, dashboards with their stable uids', () => {
    const json = JSON.parse(fs.readFileSync(path.join(DIST, 'plugin.json'), 'utf8'));
    const dashboards = json.includes.filter((i: { type: string }) => i.type === 'dashboard');
    // Every bundled dashboard (src/dashboards/titles.ts names each once), under its own title.
    expect(Object.fromEntries(dashboards.map((d: { uid: string; name: string }) => [d.uid, d.name]))).toEqual(TITLES);
    for (const d of dashboards) {
      const model = JSON.parse(fs.readFileSync(path.join(DIST, d.path), 'utf8'));
      expect(model.uid).toBe(path.basename(d.path, '.json'));
      expect(model.title).toBe(d.name);
    }
    expect(json.info.screenshots.length).toBeGreaterThanOrEqual(4);
    for (const shot of json.info.screenshots) {
      // PNG signature: the file is the picture, not the symlink's target path.
      expect(fs.readFileSync(path.join(DIST, shot.path)).subarray(1, 4).toString('latin1')).toBe('PNG');
    }
  });

  it.each(['linux_amd64', 'linux_arm64'])('has the backend executable for %s, mode 0755', (target) => {
    const file = path.join(DIST, 'datasource', `gpx_agentmemory_${target}`);
    const stat = fs.statSync(file);
    expect((stat.mode & 0o777).toString(8)).toBe('755');
    // ELF magic, and the machine type Grafana's os/arch lookup expects.
    const header = Buffer.alloc(20);
    const fd = fs.openSync(file, 'r');
    fs.readSync(fd, header, 0, 20, 0);
    fs.closeSync(fd);
    expect(header.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(header.readUInt16LE(18)).toBe(target === 'linux_amd64' ? 0x3e : 0xb7);
  });
});
