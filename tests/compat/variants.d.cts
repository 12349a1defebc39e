/** A harness variant (tests/compat/variants.cjs): a directory here that pins @grafana/* and React. */
export interface HarnessVariant {
  /** The directory's name, also the build directory's (tests/browser/build/<name>). */
  name: string;
  dir: string;
  /** The packages it pins, resolved from its node_modules in place of the repository's. */
  packages: string[];
  grafanaVersion: string;
  reactVersion: string;
}
export function harnessVariants(): HarnessVariant[];
