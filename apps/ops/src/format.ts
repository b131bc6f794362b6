import type { AuditEntry, DeadLetter, Stats } from './admin-types';

/** Pads the cells of `rows` into aligned columns under `headers`. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Shortens `text` to `max` characters with an ellipsis, on one line. */
export function clip(text: string | undefined, max: number): string {
  const one = (text ?? '').replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/** `2026-05-03T10:00:00.123Z` → `2026-05-03 10:00:00`. */
export function time(iso: string | undefined): string {
  return iso
    ? iso
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
        .replace(/Z$/, '')
    : '';
}

/** The listing as a table. */
export function deadLetterTable(items: DeadLetter[]): string {
  if (items.length === 0) return 'no dead letters match';
  return table(
    ['ID', 'STATUS', 'TARGET', 'CODE', 'CLASS', 'ATTEMPTS', 'DEAD-LETTERED', 'MESSAGE'],
    items.map((d) => [
      d.messageId,
      d.status,
      d.address ?? d.actorType,
      d.errorCode,
      d.errorClass,
      String(d.attempts?.length ?? 0),
      time(d.createdAt),
      clip(d.errorMessage, 60),
    ]),
  );
}

/** The stats as a table with the total. */
export function statsTable(stats: Stats): string {
  if (stats.total === 0) return 'no dead letters match';
  const rows = stats.groups.map((g) => [
    String(g.count),
    g.errorCode,
    g.errorClass,
    g.actorType,
    g.handler ?? '',
    time(g.firstSeen),
    time(g.lastSeen),
  ]);
  return `${table(['COUNT', 'CODE', 'CLASS', 'ACTOR TYPE', 'HANDLER', 'FIRST SEEN', 'LAST SEEN'], rows)}\n\n${stats.total} dead letter(s)`;
}

/** One record, readable: summary, attempts, lineage, then the envelope and headers as JSON. */
export function deadLetterDetail(d: DeadLetter): string {
  const out = [
    `id:          ${d.messageId}`,
    `status:      ${d.status}${d.note ? ` (${d.note})` : ''}`,
    `target:      ${d.address ?? d.actorType}${d.origin ? `  via ${d.origin.exchange || '(default exchange)'} / ${d.origin.routingKey}` : ''}`,
    `task:        ${d.taskId ?? '-'}${d.tenant ? `  tenant ${d.tenant}` : ''}`,
    `sender:      ${d.sender ?? '-'}`,
    `error:       ${d.errorCode} ${d.errorClass}: ${d.errorMessage}`,
    `handler:     ${d.handler ?? '-'}${d.node ? `  on ${d.node}` : ''}`,
    `failures:    first ${time(d.firstFailureAt)}, last ${time(d.lastFailureAt)}; dead-lettered ${time(d.createdAt)}`,
    '',
    `attempts (${d.attempts.length}):`,
    ...d.attempts.map(
      (a, i) =>
        `  ${i + 1}. ${time(a.at)}  ${a.code} ${a.errorClass}: ${clip(a.message, 200)}` +
        `${a.handler ? `  [${a.handler}]` : ''}${a.node ? `  on ${a.node}` : ''}` +
        (a.stackHead ? `\n     ${a.stackHead.split('\n').slice(0, 3).join('\n     ')}` : ''),
    ),
    '',
    'lineage:',
    `  replay of:   ${d.replayOf ?? '-'}`,
    `  replayed as: ${
      d.replays && d.replays.length > 0
        ? d.replays.map((r) => `${r.id}${r.deadLettered ? ` (dead-lettered again, ${r.status})` : ''}`).join(', ')
        : d.replayedAs.length > 0
          ? d.replayedAs.join(', ')
          : '-'
    }`,
    '',
    'envelope:',
    indent(JSON.stringify(d.envelope, null, 2)),
    'headers:',
    indent(JSON.stringify(d.headers, null, 2)),
  ];
  return out.join('\n');
}

/** The audit log as a table. */
export function auditTable(items: AuditEntry[]): string {
  if (items.length === 0) return 'no audit entries';
  return table(
    ['AT', 'WHO', 'ACTION', 'COUNT', 'TARGET'],
    items.map((e) => [time(e.at), e.actor, e.action, String(e.count), clip(e.target, 80)]),
  );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
