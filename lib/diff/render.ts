/**
 * Renders a DiffReport as a PR comment (markdown), plain text (terminal) or
 * JSON (tools). Reviewers read warnings first (security, data loss), then
 * the spec's intent, then resources, folded per stack. Same report, same
 * bytes: every list is already sorted by the differs.
 */
import {
  CHANGE_KINDS,
  RISKY_SECURITY_CHANGES,
  hasDestructive,
  isDestructive,
  riskyFindings,
  type ChangeKind,
  type CloudDiff,
  type DataLossFinding,
  type DiffReport,
  type PlanChange,
  type ResourceChange,
  type SecurityFinding,
} from './types';

export type DiffFormat = 'markdown' | 'json' | 'text';
export const DIFF_FORMATS: readonly DiffFormat[] = ['markdown', 'json', 'text'];

/** GitHub rejects comments over 65,536 characters; stay clear of it. */
export const MARKDOWN_LIMIT = 64_000;

/** Hidden first line of the PR comment, so a workflow finds and replaces its own comment. */
export const COMMENT_MARKER = '<!-- iotkit-preview-diff -->';

export interface RenderOptions {
  /** Markdown: the character budget. @default MARKDOWN_LIMIT */
  readonly limit?: number;
}

const KIND_LABEL: Record<ChangeKind, string> = {
  added: 'added',
  updated: 'updated',
  'may-replace': 'may be replaced',
  replaced: 'replaced',
  removed: 'removed',
};

function counts(changes: readonly ResourceChange[]): string {
  const parts = CHANGE_KINDS.map((k) => [k, changes.filter((c) => c.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${KIND_LABEL[k]}`);
  return parts.length === 0 ? 'no resource change' : parts.join(', ');
}

function groups(diff: CloudDiff): string[] {
  return [...new Set(diff.changes.map((c) => c.group))];
}

/** Risky findings first (stable: spec, then clouds in order), then what only narrows or strengthens. */
function allSecurity(report: DiffReport): SecurityFinding[] {
  const all = [...report.planSecurity, ...report.clouds.flatMap((c) => c.security)];
  return [...all.filter((f) => RISKY_SECURITY_CHANGES.has(f.change)), ...all.filter((f) => !RISKY_SECURITY_CHANGES.has(f.change))];
}

function allDataLoss(report: DiffReport): DataLossFinding[] {
  return report.clouds.flatMap((c) => c.dataLoss);
}

export function isUnchanged(report: DiffReport): boolean {
  return report.plan.length === 0 && report.clouds.length === 0 && report.planSecurity.length === 0;
}

function cloudSummary(diff: CloudDiff): string {
  const risky = diff.security.filter((f) => RISKY_SECURITY_CHANGES.has(f.change)).length;
  const loss = diff.dataLoss.filter(isDestructive).length;
  const presence = diff.presence === 'both' ? '' : diff.presence === 'added' ? ' (newly enabled)' : ' (no longer synthesized)';
  const warn = [risky > 0 ? `${risky} security` : '', loss > 0 ? `${loss} data loss` : ''].filter((x) => x !== '');
  return `${counts(diff.changes)}${presence}${warn.length > 0 ? `; ${warn.join(', ')}` : ''}`;
}

function planLine(c: PlanChange): string {
  return `${c.area} ${c.name} ${c.kind}${c.details.length > 0 ? `: ${c.details.join('; ')}` : ''}`;
}

function changeDetail(c: ResourceChange): string {
  const parts: string[] = [];
  if (c.replacedBy !== undefined && c.replacedBy.length > 0) parts.push(`replaced by ${c.replacedBy.join(', ')}`);
  const others = (c.paths ?? []).filter((p) => !(c.replacedBy ?? []).includes(p));
  if (others.length > 0) parts.push(others.join(', '));
  if (c.retained === true && c.kind === 'removed') parts.push('retained on delete');
  return parts.join('; ');
}

function dataLossLine(f: DataLossFinding): string {
  return `${f.scope} ${f.group}: ${f.address} (${f.type}) ${KIND_LABEL[f.kind]}${f.retained ? ' (retained on delete)' : ''}: ${f.message}`;
}

function securityLine(f: SecurityFinding): string {
  return `[${f.change}] ${f.scope}: ${f.subject}: ${f.message}`;
}

/** Markdown escaping for table cells and inline text: keeps `|`, `<`, `*`, `_` literal. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]<|]/g, (c) => `\\${c}`);
}

function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text.replace(/\|/g, '\\|')}${fence}`;
}

export function renderText(report: DiffReport): string {
  const lines = [`iotkit diff: ${report.base} -> ${report.head}`];
  const notes = report.notes.map((n) => `note: ${n}`);
  if (isUnchanged(report)) return [...lines, 'No change: the spec and every synthesized cloud are the same.', ...notes, ''].join('\n');
  for (const c of report.clouds) lines.push(`${c.cloud}: ${cloudSummary(c)}`);
  const security = allSecurity(report);
  if (security.length > 0) lines.push('', 'Security:', ...security.map((f) => `  ${securityLine(f)}`));
  const loss = allDataLoss(report);
  if (loss.length > 0) lines.push('', 'Data loss:', ...loss.map((f) => `  ${dataLossLine(f)}`));
  if (report.plan.length > 0) lines.push('', 'Spec:', ...report.plan.map((c) => `  ${planLine(c)}`));
  for (const c of report.clouds) {
    lines.push('', `${c.cloud}:`);
    for (const ch of c.changes) {
      const detail = changeDetail(ch);
      lines.push(`  ${KIND_LABEL[ch.kind].padEnd(15)} ${ch.group}: ${ch.address} (${ch.type})${detail === '' ? '' : `: ${detail}`}`);
    }
    for (const n of c.notes) lines.push(`  note: ${n}`);
  }
  if (notes.length > 0) lines.push('', ...notes);
  return lines.join('\n') + '\n';
}

/** JSON for tools: the report plus the verdicts scripts gate on, so they need not re-derive them. */
export function renderJson(report: DiffReport): string {
  const summary = { unchanged: isUnchanged(report), destructive: hasDestructive(report), securityRisks: riskyFindings(report).length };
  return JSON.stringify({ ...summary, ...report }, null, 2) + '\n';
}

function cloudDetails(c: CloudDiff): string {
  const blocks: string[] = [];
  for (const group of groups(c)) {
    const rows = c.changes.filter((ch) => ch.group === group);
    blocks.push(
      `<details><summary><b>${c.cloud}</b> ${md(group)}: ${counts(rows)}</summary>`,
      '',
      '| change | resource | type | details |',
      '|---|---|---|---|',
      ...rows.map((ch) => `| ${KIND_LABEL[ch.kind]} | ${code(ch.address)} | ${code(ch.type)} | ${md(changeDetail(ch))} |`),
      '',
      '</details>',
      '',
    );
  }
  if (c.notes.length > 0) blocks.push(...c.notes.map((n) => `- _${c.cloud}_: ${md(n)}`), '');
  return blocks.join('\n');
}

export function renderMarkdown(report: DiffReport, options: RenderOptions = {}): string {
  const limit = options.limit ?? MARKDOWN_LIMIT;
  const head: string[] = [COMMENT_MARKER, `### iotkit preview diff`, '', `Comparing ${code(report.base)} with ${code(report.head)}.`, ''];
  const notes = report.notes.map((n) => `- _note_: ${md(n)}`);
  if (isUnchanged(report)) {
    return [...head, '**No change**: the spec and every synthesized cloud are the same.', '', ...(notes.length > 0 ? [...notes, ''] : [])].join('\n');
  }
  const security = allSecurity(report);
  const risky = security.filter((f) => RISKY_SECURITY_CHANGES.has(f.change));
  const loss = allDataLoss(report);
  const destructive = loss.filter(isDestructive);
  if (risky.length > 0 || destructive.length > 0) {
    const parts = [
      risky.length > 0 ? `${risky.length} security finding${risky.length === 1 ? '' : 's'}` : '',
      destructive.length > 0 ? `${destructive.length} data loss` : '',
    ];
    head.push(`> [!WARNING]`, `> ${parts.filter((p) => p !== '').join(' and ')}: read the sections below before merging.`, '');
  }
  if (report.clouds.length > 0) {
    head.push('| cloud | resources | security | data loss |', '|---|---|---|---|');
    for (const c of report.clouds) {
      const presence = c.presence === 'both' ? '' : c.presence === 'added' ? ' (newly enabled)' : ' (removed)';
      head.push(`| **${c.cloud}**${presence} | ${counts(c.changes)} | ${c.security.length} | ${c.dataLoss.length} |`);
    }
    head.push('');
  } else {
    head.push('No synthesized resource changes.', '');
  }
  const sections: string[] = [];
  if (security.length > 0) {
    sections.push('#### Security', '', ...security.map((f) => `- **${f.change}** (${f.scope}) ${md(f.subject)}: ${md(f.message)}`), '');
  }
  if (loss.length > 0) {
    sections.push(
      '#### Data loss',
      '',
      ...loss.map(
        (f) =>
          `- **${KIND_LABEL[f.kind]}**${f.retained ? ' (retained on delete)' : ''} (${f.scope}) ${code(`${f.group}/${f.address}`)} ${code(f.type)}: ${md(f.message)}`,
      ),
      '',
    );
  }
  if (report.plan.length > 0) {
    sections.push(
      '#### Spec changes',
      '',
      ...report.plan.map((c) => `- **${c.area} ${md(c.name)}** ${c.kind}${c.details.length > 0 ? `: ${md(c.details.join('; '))}` : ''}`),
      '',
    );
  }
  if (notes.length > 0) sections.push(...notes, '');
  const details = report.clouds.map(cloudDetails);
  const footer = '<sub>Generated offline by `iotkit diff` from synthesized templates; no cloud was contacted.</sub>\n';
  return fit([...head, ...sections].join('\n'), details, footer, limit);
}

/**
 * Keeps the summary and warning sections whole and adds folded detail
 * blocks while they fit; anything cut is named in a closing note. If even
 * the summary is too long, it is cut at a line boundary.
 */
function fit(main: string, details: readonly string[], footer: string, limit: number): string {
  const cutNote = (n: number) =>
    `\n_${n} detail section${n === 1 ? '' : 's'} cut to stay under ${limit} characters: run \`iotkit diff\` locally for the full diff._\n`;
  let text = main;
  if (text.length + footer.length > limit) {
    const room = limit - footer.length - 200;
    const lines = text.split('\n');
    let kept = '';
    for (const line of lines) {
      if (kept.length + line.length + 1 > room) break;
      kept += line + '\n';
    }
    return `${kept}\n_The summary was cut at ${limit} characters: run \`iotkit diff\` locally for the full diff._\n\n${footer}`;
  }
  let cut = 0;
  for (let i = 0; i < details.length; i++) {
    const reserve = footer.length + cutNote(details.length).length;
    if (cut === 0 && text.length + details[i].length + reserve <= limit) text += '\n' + details[i];
    else cut++;
  }
  if (cut > 0) text += cutNote(cut);
  return `${text}\n${footer}`;
}

export function renderReport(report: DiffReport, format: DiffFormat, options: RenderOptions = {}): string {
  return format === 'json' ? renderJson(report) : format === 'text' ? renderText(report) : renderMarkdown(report, options);
}
