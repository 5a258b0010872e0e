#!/usr/bin/env node
/**
 * The steps of .github/workflows/preview.yml, as one script the tests run
 * too: `iotkit diff` against the pull request's base, then one sticky PR
 * comment, found by its marker and replaced (never a second one; stray
 * duplicates from a race are deleted), and the --fail-on gate, which a PR
 * label can acknowledge.
 *
 * Environment (GitHub Actions sets the GITHUB_* ones):
 *   GITHUB_TOKEN        token with pull-requests: write (issues comments API)
 *   GITHUB_REPOSITORY   owner/repo
 *   GITHUB_EVENT_PATH   the pull_request event payload (number, base ref, labels)
 *   GITHUB_API_URL      REST API root [default: https://api.github.com]
 *   IOTKIT_SPEC         spec path [default: the CLI's default]
 *   IOTKIT_BASE_REF     git ref of the base [default: origin/<base branch of the PR>]
 *   IOTKIT_FAIL_ON      destructive, security or both (comma-separated) [default: none]
 *   IOTKIT_ACK_LABEL    label that acknowledges a tripped gate [default: iotkit-diff-acknowledged]
 *   IOTKIT_BASE_DIR, IOTKIT_HEAD_DIR  compare these synthesized trees instead of --base-ref
 *                       (tests, or a workflow that synthesizes both sides itself)
 *
 * Exit: 0 posted (gate passed or acknowledged), 1 gate tripped, 2 diff or API failure.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MARKER = '<!-- iotkit-preview-diff -->';
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

class ApiError extends Error {}

/** One GitHub REST call (documented endpoints only); throws ApiError with the status and message. */
async function api(env, method, route, body) {
  const url = `${env.GITHUB_API_URL ?? 'https://api.github.com'}${route}`;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${env.GITHUB_TOKEN}`,
        'X-GitHub-Api-Version': '2022-11-28',
        'User-Agent': 'iotkit-preview-diff',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(`${method} ${route}: cannot reach ${url} (${e.cause?.code ?? e.message})`);
  }
  const text = await response.text();
  if (!response.ok) throw new ApiError(`${method} ${route}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** Every comment of an issue or PR (GET /repos/{owner}/{repo}/issues/{n}/comments, 100 a page). */
async function listComments(env, repo, issue) {
  const all = [];
  for (let page = 1; ; page++) {
    const batch = await api(env, 'GET', `/repos/${repo}/issues/${issue}/comments?per_page=100&page=${page}`);
    all.push(...batch);
    if (batch.length < 100) return all;
  }
}

/**
 * Creates or replaces the one comment carrying MARKER. When an earlier race
 * left several, the oldest is updated and the others deleted.
 * Returns { action: 'created' | 'updated', id, deleted }.
 */
export async function upsertComment(env, repo, issue, body) {
  const mine = (await listComments(env, repo, issue)).filter((c) => typeof c.body === 'string' && c.body.includes(MARKER)).sort((a, b) => a.id - b.id);
  if (mine.length === 0) {
    const created = await api(env, 'POST', `/repos/${repo}/issues/${issue}/comments`, { body });
    return { action: 'created', id: created.id, deleted: [] };
  }
  await api(env, 'PATCH', `/repos/${repo}/issues/comments/${mine[0].id}`, { body });
  const extra = mine.slice(1).map((c) => c.id);
  for (const id of extra) await api(env, 'DELETE', `/repos/${repo}/issues/comments/${id}`);
  return { action: 'updated', id: mine[0].id, deleted: extra };
}

/** The tripped gates, from the JSON report's verdicts. */
export function trippedGates(report, failOn) {
  const gates = [];
  if (failOn.includes('destructive') && report.destructive) gates.push('destructive');
  if (failOn.includes('security') && report.securityRisks > 0) gates.push('security');
  return gates;
}

function runDiff(env, work) {
  const args = [
    path.join(ROOT, 'bin', 'iotkit.js'),
    'diff',
    '--format',
    'markdown',
    '--output',
    path.join(work, 'comment.md'),
    '--report',
    path.join(work, 'report.json'),
  ];
  if (env.IOTKIT_BASE_DIR !== undefined) args.push('--base', env.IOTKIT_BASE_DIR, '--head', env.IOTKIT_HEAD_DIR ?? 'out');
  else args.push('--base-ref', env.IOTKIT_BASE_REF, ...(env.IOTKIT_SPEC ? ['--spec', env.IOTKIT_SPEC] : []));
  return spawnSync(process.execPath, args, { encoding: 'utf8', cwd: env.IOTKIT_CWD ?? process.cwd(), env: { ...process.env, ...env } });
}

export async function run(env, log = (line) => process.stderr.write(`${line}\n`)) {
  for (const name of ['GITHUB_TOKEN', 'GITHUB_REPOSITORY', 'GITHUB_EVENT_PATH']) {
    if (!env[name]) {
      log(`preview-comment: ${name} is not set`);
      return 2;
    }
  }
  const event = JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
  const pr = event.pull_request;
  if (pr === undefined) {
    log('preview-comment: the event is not a pull_request event');
    return 2;
  }
  env = { ...env, IOTKIT_BASE_REF: env.IOTKIT_BASE_REF ?? `origin/${pr.base.ref}` };
  const failOn = (env.IOTKIT_FAIL_ON ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '');
  const ackLabel = env.IOTKIT_ACK_LABEL ?? 'iotkit-diff-acknowledged';
  const acknowledged = (pr.labels ?? []).some((l) => l.name === ackLabel);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'iotkit-preview-'));
  try {
    const result = runDiff(env, work);
    let body;
    let gates = [];
    if (result.status !== 0) {
      // The comment says the diff failed rather than leaving a stale preview.
      const detail = `${result.stderr}`.trim().split('\n').slice(-15).join('\n');
      body = `${MARKER}\n### iotkit preview diff\n\n**The diff could not be computed** (exit ${result.status}):\n\n\`\`\`\n${detail}\n\`\`\`\n`;
    } else {
      body = fs.readFileSync(path.join(work, 'comment.md'), 'utf8');
      const report = JSON.parse(fs.readFileSync(path.join(work, 'report.json'), 'utf8'));
      gates = trippedGates(report, failOn);
      if (gates.length > 0) {
        body += acknowledged
          ? `\n**Gate acknowledged**: --fail-on ${gates.join(', ')} tripped; the label \`${ackLabel}\` accepts it.\n`
          : `\n**Gate failed**: --fail-on ${gates.join(', ')} tripped. Review the sections above; add the label \`${ackLabel}\` to accept.\n`;
      }
    }
    const outcome = await upsertComment(env, env.GITHUB_REPOSITORY, pr.number, body);
    log(`preview-comment: ${outcome.action} comment ${outcome.id}${outcome.deleted.length > 0 ? `, deleted duplicates ${outcome.deleted.join(', ')}` : ''}`);
    if (result.status !== 0) {
      log(`preview-comment: iotkit diff failed:\n${result.stderr}`);
      return 2;
    }
    if (gates.length > 0 && !acknowledged) {
      log(`preview-comment: --fail-on ${gates.join(', ')} tripped (add the label ${ackLabel} to accept)`);
      return 1;
    }
    return 0;
  } catch (e) {
    log(`preview-comment: ${e instanceof ApiError ? e.message : e && e.stack ? e.stack : String(e)}`);
    return 2;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run(process.env).then((code) => {
    process.exitCode = code;
  });
}
