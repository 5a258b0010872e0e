/**
 * The docs stay true to the repository: the README stays short, every
 * relative link (and heading anchor) in the README, docs/ and the backend
 * READMEs resolves, the commands the docs show name real commands and real
 * files, transcripts (`$ npx iotkit ...` followed by output) print what they
 * show, and every spec example in TypeScript validates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../cli/main';
import { capture, ROOT, tmpDir } from '../helpers/fixtures';

/**
 * Pages other engineers are writing in parallel, linked from the README as
 * "(coming)". The lead empties this list at merge: from then on a link to a
 * missing page fails.
 */
const PENDING_PAGES: readonly string[] = [];

/**
 * New docs pages whose README link the lead adds at merge (engineers do not
 * edit the README while it is being restructured). The lead empties this list.
 */
const PAGES_LINKED_AT_MERGE: readonly string[] = [];

const README_MAX_LINES = 250;

/** Markdown files whose links are checked, relative to the repository root. */
function markdownFiles(): string[] {
  const files = ['README.md'];
  const docs = path.join(ROOT, 'docs');
  if (fs.existsSync(docs)) for (const f of fs.readdirSync(docs).sort()) if (f.endsWith('.md')) files.push(`docs/${f}`);
  for (const candidate of ['cdk/README.md', 'bridge/README.md']) if (fs.existsSync(path.join(ROOT, candidate))) files.push(candidate);
  for (const d of fs.readdirSync(path.join(ROOT, 'pulumi')).sort()) {
    const candidate = `pulumi/${d}/README.md`;
    if (fs.existsSync(path.join(ROOT, candidate))) files.push(candidate);
  }
  return files;
}

function read(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8');
}

interface CodeBlock {
  readonly lang: string;
  readonly lines: readonly string[];
}

/** Splits a markdown text into its fenced code blocks and the prose outside them (code replaced by blank lines). */
function splitMarkdown(text: string): { prose: string; blocks: CodeBlock[] } {
  const prose: string[] = [];
  const blocks: CodeBlock[] = [];
  let open: { lang: string; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    const fence = /^\s*```(\S*)\s*$/.exec(line);
    if (fence !== null) {
      if (open === undefined) open = { lang: fence[1], lines: [] };
      else {
        blocks.push(open);
        open = undefined;
      }
      prose.push('');
    } else if (open !== undefined) {
      open.lines.push(line);
      prose.push('');
    } else prose.push(line);
  }
  if (open !== undefined) throw new Error(`unclosed code fence (\`\`\`${open.lang})`);
  return { prose: prose.join('\n'), blocks };
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of splitMarkdown(read(file)).prose.split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m === null) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

/** Relative links outside code: `[text](target)`, images included, inline code removed first. */
function linksOf(file: string): Link[] {
  const links: Link[] = [];
  splitMarkdown(read(file))
    .prose.split('\n')
    .forEach((raw, i) => {
      const line = raw.replace(/`[^`]*`/g, '``');
      for (const m of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        links.push({ file, line: i + 1, target });
      }
    });
  return links;
}

/** What is wrong with a link, or undefined when it resolves. */
function brokenReason(link: Link): string | undefined {
  const [target, anchor] = link.target.split('#', 2) as [string, string | undefined];
  const resolved = target === '' ? link.file : path.posix.normalize(path.posix.join(path.posix.dirname(link.file), decodeURI(target)));
  if (resolved.startsWith('..')) return 'points outside the repository';
  const pending = PENDING_PAGES.includes(resolved);
  if (!fs.existsSync(path.join(ROOT, resolved))) return pending ? undefined : `${resolved} does not exist`;
  if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) return `${resolved} has no heading #${anchor}`;
  return undefined;
}

describe('README', () => {
  const readme = read('README.md');

  test(`is under ${README_MAX_LINES} lines`, () => {
    expect(readme.split('\n').length).toBeLessThan(README_MAX_LINES);
  });

  test('links every docs/ page, shows the data-flow diagram and keeps the capability table markers', () => {
    const linked = new Set(linksOf('README.md').map((l) => l.target.split('#')[0]));
    const pages = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
    expect(pages.filter((p) => !linked.has(`docs/${p}`) && !PAGES_LINKED_AT_MERGE.includes(p))).toEqual([]);
    expect(splitMarkdown(readme).blocks.filter((b) => b.lang === 'mermaid')).toHaveLength(1);
    const start = readme.indexOf('<!-- capabilities:start -->');
    const end = readme.indexOf('<!-- capabilities:end -->');
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    expect(readme.indexOf('<!-- capabilities:start -->', start + 1)).toBe(-1);
  });

  test('the allow-list of pages being written names only pages the README links', () => {
    const linked = new Set(linksOf('README.md').map((l) => l.target.split('#')[0]));
    expect(PENDING_PAGES.filter((p) => !linked.has(p))).toEqual([]);
  });
});

describe('links', () => {
  test.each(markdownFiles())('every relative link and anchor in %s resolves', (file) => {
    const broken = linksOf(file)
      .map((l) => ({ l, why: brokenReason(l) }))
      .filter((b) => b.why !== undefined)
      .map((b) => `${b.l.file}:${b.l.line}: (${b.l.target}) ${b.why}`);
    expect(broken).toEqual([]);
  });

  test('the checker itself: a missing file, a missing anchor and an escaping path are caught; existing pages, anchors and URLs pass', () => {
    const at = (target: string): string | undefined => brokenReason({ file: 'docs/x.md', line: 1, target });
    expect(at('nope.md')).toMatch(/does not exist/);
    expect(at('architecture.md#no-such-heading')).toMatch(/no heading/);
    expect(at('../../etc/passwd')).toMatch(/outside/);
    expect(at('../README.md#what-is-not-built-yet')).toBeUndefined();
    expect(at('gcp.md#not-verifiable-here')).toBeUndefined();
    expect(linksOf('README.md').some((l) => l.target.startsWith('http'))).toBe(false);
    expect(slug('Checks (run by `validate`, `synth` and `certs check`)')).toBe('checks-run-by-validate-synth-and-certs-check');
    expect(slug('Node.js versions')).toBe('nodejs-versions');
  });
});

/** Every fenced block of the given languages in the checked files, with where it is. */
function blocksOf(langs: readonly string[]): { file: string; block: CodeBlock }[] {
  return markdownFiles().flatMap((file) =>
    splitMarkdown(read(file))
      .blocks.filter((b) => langs.includes(b.lang))
      .map((block) => ({ file, block })),
  );
}

async function knownCommands(): Promise<Set<string>> {
  const io = capture();
  expect(await main(['--help'], io)).toBe(0);
  const text = io.stdout.join('\n');
  const list = text.slice(text.indexOf('Commands:'));
  return new Set([...list.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]));
}

describe('commands in the docs', () => {
  test('every `iotkit <command>` is a real command, every spec path exists', async () => {
    const commands = await knownCommands();
    expect(commands.has('validate')).toBe(true);
    const problems: string[] = [];
    for (const { file, block } of blocksOf(['sh', 'bash', ''])) {
      let cwd = '.';
      for (const line of block.lines) {
        const cd = /^\s*cd\s+(\S+)\s*$/.exec(line);
        if (cd !== null) cwd = path.posix.join(cwd, cd[1]);
        for (const m of line.matchAll(/(?:npx iotkit|node bin\/iotkit\.js|^\$? ?iotkit)\s+([a-z-]+)/g)) {
          if (!commands.has(m[1])) problems.push(`${file}: unknown command "iotkit ${m[1]}" in: ${line.trim()}`);
        }
        for (const m of line.matchAll(/(?:--spec\s+|-c spec=|iotkit:spec\s+)([^\s'"]+)/g)) {
          const spec = path.join(ROOT, cwd, m[1]);
          if (!fs.existsSync(spec)) problems.push(`${file}: spec ${m[1]} (from ${cwd}) does not exist, in: ${line.trim()}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('transcripts print what they show', async () => {
    // A transcript: a block whose first line is `$ npx iotkit ...`. Blocks that run other programs (whose output may
    // depend on the machine) are not transcripts, and neither are blocks with quoted arguments.
    const transcripts = blocksOf(['', 'console', 'text']).filter(({ block }) => {
      const commands = block.lines.filter((l) => l.startsWith('$ '));
      return block.lines[0]?.startsWith('$ ') === true && commands.every((l) => l.startsWith('$ npx iotkit ') && !/['"]/.test(l));
    });
    expect(transcripts.length).toBeGreaterThan(0);
    for (const { file, block } of transcripts) {
      let i = 0;
      while (i < block.lines.length) {
        const command = block.lines[i];
        const expected: string[] = [];
        for (i += 1; i < block.lines.length && !block.lines[i].startsWith('$ '); i += 1) expected.push(block.lines[i]);
        while (expected.length > 0 && expected[expected.length - 1] === '') expected.pop();
        const io = capture();
        await main(command.slice('$ npx iotkit '.length).trim().split(/\s+/), io);
        expect({ file, command, output: [...io.stdout, ...io.stderr] }).toEqual({ file, command, output: expected });
      }
    }
  });

  test('every TypeScript spec example validates (next to the smart-home CA certificates)', async () => {
    const examples = blocksOf(['ts']).filter(({ block }) => block.lines.some((l) => l.includes('defineSpec(')));
    expect(examples.map((e) => e.file)).toEqual(expect.arrayContaining(['README.md', 'docs/spec.md']));
    for (const { file, block } of examples) {
      const dir = tmpDir('iotkit-docs-');
      fs.mkdirSync(path.join(dir, 'ca'));
      for (const pem of ['intermediate.cert.pem', 'root.cert.pem'])
        fs.copyFileSync(path.join(ROOT, 'examples', 'smart-home', 'ca', pem), path.join(dir, 'ca', pem));
      const source = block.lines.join('\n').replace(/from '\.\/lib'/g, `from ${JSON.stringify(path.join(ROOT, 'lib'))}`);
      const spec = path.join(dir, 'iotkit.spec.ts');
      fs.writeFileSync(spec, source);
      const io = capture(dir);
      const code = await main(['validate', '--spec', spec], io);
      expect({ file, code, errors: io.stderr.filter((l) => !l.startsWith('warning:')) }).toEqual({ file, code: 0, errors: [] });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
