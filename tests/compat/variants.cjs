// The harness variants (tests/compat/README.md): each directory here with a package.json pins the
// Grafana packages and the React that the Chromium harness is also bundled against, besides the
// repository's own. Read by tests/browser/build.mjs (what to bundle, where) and
// tests/browser/playwright.config.ts (one project per variant). CommonJS so that both can load it.
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/** @returns {import("./variants.d.cts").HarnessVariant[]} */
function harnessVariants() {
  return readdirSync(__dirname, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(__dirname, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(__dirname, entry.name);
      const { dependencies } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return {
        name: entry.name,
        dir,
        packages: Object.keys(dependencies),
        grafanaVersion: dependencies['@grafana/ui'],
        reactVersion: dependencies.react,
      };
    });
}

module.exports = { harnessVariants };
