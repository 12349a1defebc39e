/**
 * The documentation a newcomer reads stays whole: the README is short, and every relative link
 * or image in the README, CONTRIBUTING, CHANGELOG, docs/ and the SDK's README points at a file of
 * this repository (and an #anchor at a heading of that file). A clone has nothing outside its
 * root, so a link that climbs above it is dead for everyone but us.
 *
 * The scanner is linear (indexOf over each line, no regex with backtracking): the docs are text
 * we write, but a scanner of that shape cannot stall whatever a doc holds. marked is installed
 * only as an ESM dependency of @grafana/data, which this CommonJS jest config cannot load.
 */
import fs from 'fs';
import path from 'path';

const REPO = path.resolve(__dirname, '../..');
const README_MAX_LINES = 150;

function docsToCheck(): string[] {
  const docs = fs
    .readdirSync(path.join(REPO, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'telemetry/README.md', ...docs];
}

/** A link as written: the file it is in, its line, and its target. */
interface Link {
  file: string;
  line: number;
  target: string;
}

/** Lines outside fenced code blocks, numbered from 1. */
function proseLines(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let fenced = false;
  text.split('\n').forEach((line, index) => {
    if (line.trimStart().startsWith('```')) {
      fenced = !fenced;
      return;
    }
    if (!fenced) {
      out.push({ line: index + 1, text: line });
    }
  });
  return out;
}

/** The line with inline code spans cut out, and the spans themselves. */
function splitCode(line: string): { prose: string; spans: string[] } {
  let prose = '';
  const spans: string[] = [];
  let at = 0;
  while (at < line.length) {
    const open = line.indexOf('`', at);
    if (open < 0) {
      prose += line.slice(at);
      break;
    }
    let ticks = 1;
    while (line[open + ticks] === '`') {
      ticks++;
    }
    const fence = '`'.repeat(ticks);
    const close = line.indexOf(fence, open + ticks);
    if (close < 0) {
      prose += line.slice(at);
      break;
    }
    prose += line.slice(at, open) + ' ';
    spans.push(line.slice(open + ticks, close).trim());
    at = close + ticks;
  }
  return { prose, spans };
}

/** Inline links and images `[text](target)` / `![alt](target "title")` and `[label]: target`. */
function targetsIn(prose: string): string[] {
  const targets: string[] = [];
  let at = 0;
  for (;;) {
    const start = prose.indexOf('](', at);
    if (start < 0) {
      break;
    }
    const end = prose.indexOf(')', start + 2);
    if (end < 0) {
      break;
    }
    const inside = prose.slice(start + 2, end).trim();
    const space = inside.indexOf(' ');
    targets.push(space < 0 ? inside : inside.slice(0, space));
    at = end + 1;
  }
  const trimmed = prose.trimStart();
  const labelEnd = trimmed.indexOf(']: ');
  if (trimmed.startsWith('[') && labelEnd > 0) {
    targets.push(
      trimmed
        .slice(labelEnd + 3)
        .trim()
        .split(' ')[0]
    );
  }
  return targets;
}

/** A code span naming a Markdown file by a relative path reads as a reference to follow. */
function isPathToMarkdown(span: string): boolean {
  return (span.startsWith('../') || span.startsWith('./')) && span.endsWith('.md') && !span.includes(' ');
}

function linksOf(file: string): Link[] {
  const links: Link[] = [];
  for (const { line, text } of proseLines(fs.readFileSync(path.join(REPO, file), 'utf8'))) {
    const { prose, spans } = splitCode(text);
    for (const target of targetsIn(prose)) {
      links.push({ file, line, target });
    }
    for (const span of spans.filter(isPathToMarkdown)) {
      links.push({ file, line, target: span });
    }
  }
  return links;
}

function isExternal(target: string): boolean {
  const colon = target.indexOf(':');
  const slash = target.indexOf('/');
  return colon > 0 && (slash < 0 || colon < slash);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(fs.readFileSync(file, 'utf8'))) {
    const hashes = text.length - text.replace(/^#+/, '').length;
    if (hashes < 1 || hashes > 6 || text[hashes] !== ' ') {
      continue;
    }
    const slug = text
      .slice(hashes + 1)
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

/** Why a relative link does not resolve inside the repository, or undefined when it does. */
function problemWith(link: Link): string | undefined {
  const hash = link.target.indexOf('#');
  const pathPart = decodeURIComponent(hash < 0 ? link.target : link.target.slice(0, hash));
  const anchor = hash < 0 ? '' : decodeURIComponent(link.target.slice(hash + 1));
  const resolved = pathPart === '' ? path.join(REPO, link.file) : path.resolve(REPO, path.dirname(link.file), pathPart);
  const inside = path.relative(REPO, resolved);
  if (inside.startsWith('..') || path.isAbsolute(inside)) {
    return 'leaves the repository';
  }
  if (!fs.existsSync(resolved)) {
    return 'names a file that does not exist';
  }
  if (anchor !== '' && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) {
    return `has no heading #${anchor} in ${inside}`;
  }
  return undefined;
}

describe('the documentation', () => {
  it(`keeps the README at ${README_MAX_LINES} lines or fewer`, () => {
    const lines = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8').trimEnd().split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('has every document it links from', () => {
    const missing = docsToCheck().filter((file) => !fs.existsSync(path.join(REPO, file)));
    expect(missing).toEqual([]);
  });

  it('links only to files and headings inside the repository', () => {
    const links = docsToCheck().flatMap(linksOf);
    expect(links.length).toBeGreaterThan(0);
    const broken = links
      .filter((link) => !isExternal(link.target))
      .map((link) => ({ link, problem: problemWith(link) }))
      .filter(({ problem }) => problem !== undefined)
      .map(({ link, problem }) => `${link.file}:${link.line} ${link.target} ${problem}`);
    expect(broken).toEqual([]);
  });
});

describe('the link checker itself', () => {
  it('reads inline links, images and code-span paths, and skips fenced code', () => {
    const { prose, spans } = splitCode('see [a](docs/a.md#x) and ![b](img/b.png "t") and `../shared/DESIGN.md`');
    expect(targetsIn(prose)).toEqual(['docs/a.md#x', 'img/b.png']);
    expect(spans.filter(isPathToMarkdown)).toEqual(['../shared/DESIGN.md']);
    expect(proseLines('a\n```\n[x](y)\n```\nb').map((l) => l.text)).toEqual(['a', 'b']);
  });

  it('refuses a link above the root, a missing file and a missing heading', () => {
    expect(problemWith({ file: 'README.md', line: 1, target: '../shared/DESIGN.md' })).toBe('leaves the repository');
    expect(problemWith({ file: 'README.md', line: 1, target: 'docs/nothing-here.md' })).toBe(
      'names a file that does not exist'
    );
    expect(problemWith({ file: 'README.md', line: 1, target: 'docs/install.md#no-such-heading' })).toMatch(
      /no heading/
    );
    expect(
      problemWith({ file: 'README.md', line: 1, target: 'docs/install.md#the-zip-and-grafanas-plugin-validator' })
    ).toBe(undefined);
  });

  it('treats scheme links as external and paths as relative', () => {
    expect(isExternal('https://grafana.com')).toBe(true);
    expect(isExternal('mailto:x@y')).toBe(true);
    expect(isExternal('docs/a.md')).toBe(false);
    expect(isExternal('#local')).toBe(false);
  });
});
