/**
 * scripts/preview-comment.mjs, the workflow's steps, against a tiny local
 * server that answers the documented GitHub REST endpoints for issue
 * comments (list with pagination, create, update, delete). Never the real
 * GitHub. The trees are built by hand, so no synthesis runs.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { ROOT, tmpDir } from './helpers';

const MARKER = '<!-- iotkit-preview-diff -->';
const REPO = 'acme/iot';
const PR = 7;

interface Comment {
  id: number;
  body: string;
}

interface FakeGitHub {
  comments: Comment[];
  requests: string[];
  failWith?: number;
  url: string;
  close: () => Promise<void>;
}

async function fakeGitHub(initial: Comment[]): Promise<FakeGitHub> {
  const state: FakeGitHub = { comments: [...initial], requests: [], url: '', close: async () => {} };
  let next = 1000;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      state.requests.push(`${req.method} ${url.pathname}${url.search}`);
      const send = (status: number, body?: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (req.headers.authorization !== 'Bearer test-token') return send(401, { message: 'Bad credentials' });
      if (state.failWith !== undefined) return send(state.failWith, { message: 'Server Error' });
      const list = url.pathname === `/repos/${REPO}/issues/${PR}/comments`;
      const one = url.pathname.match(new RegExp(`^/repos/${REPO}/issues/comments/(\\d+)$`));
      if (list && req.method === 'GET') {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        return send(200, state.comments.slice((page - 1) * perPage, page * perPage));
      }
      if (list && req.method === 'POST') {
        const c = { id: next++, body: JSON.parse(raw).body as string };
        state.comments.push(c);
        return send(201, c);
      }
      if (one !== null) {
        const c = state.comments.find((x) => x.id === Number(one[1]));
        if (c === undefined) return send(404, { message: 'Not Found' });
        if (req.method === 'PATCH') {
          c.body = JSON.parse(raw).body as string;
          return send(200, c);
        }
        if (req.method === 'DELETE') {
          state.comments = state.comments.filter((x) => x !== c);
          return send(204);
        }
      }
      return send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}

const plan = (fleetPublish: string[]) =>
  JSON.stringify({
    version: 1,
    name: 'x',
    clouds: [],
    targets: {},
    topics: [
      {
        name: 't',
        pattern: 'a/{deviceId}/t',
        mqttFilter: 'a/+/t',
        direction: 'device-to-cloud',
        qos: 1,
        retain: false,
        format: 'json',
        attributes: [],
        effectiveQos: {},
      },
    ],
    sinks: [],
    routes: [],
    fleets: [{ name: 'f', certificateAuthority: 'ca', publish: fleetPublish, subscribe: [], devices: [] }],
    authorities: [],
    omissions: [],
  });

function tree(planText: string): string {
  const dir = tmpDir('iotkit-preview-');
  fs.writeFileSync(path.join(dir, 'plan.json'), planText);
  return dir;
}

const BASE = tree(plan([]));
const WIDER = tree(plan(['t']));

function runScript(gh: FakeGitHub, env: Record<string, string>, labels: string[] = []): Promise<{ code: number | null; err: string }> {
  const eventFile = path.join(tmpDir(), 'event.json');
  fs.writeFileSync(eventFile, JSON.stringify({ pull_request: { number: PR, base: { ref: 'main' }, labels: labels.map((name) => ({ name })) } }));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'preview-comment.mjs')], {
      env: {
        ...process.env,
        GITHUB_TOKEN: 'test-token',
        GITHUB_REPOSITORY: REPO,
        GITHUB_EVENT_PATH: eventFile,
        GITHUB_API_URL: gh.url,
        IOTKIT_BASE_DIR: BASE,
        ...env,
      },
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => resolve({ code, err }));
  });
}

let gh: FakeGitHub;
afterEach(async () => gh.close());

test('first run creates the comment; the next run replaces it (no second comment)', async () => {
  gh = await fakeGitHub([{ id: 1, body: 'a human comment' }]);
  expect((await runScript(gh, { IOTKIT_HEAD_DIR: WIDER })).code).toBe(0);
  expect(gh.comments).toHaveLength(2);
  expect(gh.comments[1].body).toContain(MARKER);
  expect(gh.comments[1].body).toContain('fleet f may publish t');
  // The spec is reverted: the same comment now says there is no change.
  expect((await runScript(gh, { IOTKIT_HEAD_DIR: BASE })).code).toBe(0);
  expect(gh.comments).toHaveLength(2);
  expect(gh.comments[1].body).toContain('**No change**');
  expect(gh.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
  expect(gh.requests.filter((r) => r.startsWith('PATCH'))).toEqual([`PATCH /repos/${REPO}/issues/comments/1000`]);
}, 120_000);

test('the marker comment on page 2 is found; duplicates left by a race are deleted', async () => {
  const humans = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, body: `comment ${i}` }));
  gh = await fakeGitHub([...humans, { id: 500, body: `${MARKER}\nold` }, { id: 501, body: `${MARKER}\nolder race` }]);
  const { code, err } = await runScript(gh, { IOTKIT_HEAD_DIR: WIDER });
  expect(code).toBe(0);
  expect(err).toContain('updated comment 500, deleted duplicates 501');
  expect(gh.comments.filter((c) => c.body.includes(MARKER)).map((c) => c.id)).toEqual([500]);
  expect(gh.requests).toContain(`GET /repos/${REPO}/issues/${PR}/comments?per_page=100&page=2`);
}, 120_000);

test('a tripped gate fails the job after posting; the acknowledgement label lets it pass', async () => {
  gh = await fakeGitHub([]);
  const failed = await runScript(gh, { IOTKIT_HEAD_DIR: WIDER, IOTKIT_FAIL_ON: 'security' });
  expect(failed.code).toBe(1);
  expect(gh.comments[0].body).toContain('**Gate failed**: --fail-on security tripped');
  const acked = await runScript(gh, { IOTKIT_HEAD_DIR: WIDER, IOTKIT_FAIL_ON: 'security' }, ['iotkit-diff-acknowledged']);
  expect(acked.code).toBe(0);
  expect(gh.comments).toHaveLength(1);
  expect(gh.comments[0].body).toContain('**Gate acknowledged**');
}, 120_000);

test('a failing diff is reported in the comment (not a stale preview) and fails the job; an API error is a clear message', async () => {
  gh = await fakeGitHub([]);
  const broken = tree('{ not json');
  const r = await runScript(gh, { IOTKIT_HEAD_DIR: broken });
  expect(r.code).toBe(2);
  expect(gh.comments[0].body).toContain('**The diff could not be computed**');
  expect(gh.comments[0].body).toContain('is not valid JSON');
  gh.failWith = 500;
  const api = await runScript(gh, { IOTKIT_HEAD_DIR: WIDER });
  expect(api.code).toBe(2);
  expect(api.err).toMatch(/GET \/repos\/acme\/iot\/issues\/7\/comments\?per_page=100&page=1: HTTP 500/);
}, 120_000);
