/** How `npm run bench` prints: one figure a line, its target beside it, and whether it is met (never a failure). */

export function heading(title: string): void {
  process.stdout.write(`\n== ${title}\n`);
}

/**
 * `label ........ value   target: …  [ok|MISSED]`. `met` undefined prints no verdict (a
 * figure without a target, or one that could not be measured).
 */
export function line(label: string, value: string, target?: string, met?: boolean): void {
  const verdict = met === undefined ? '' : met ? '  ok' : '  MISSED';
  const targetText = target ? `target ${target}` : '';
  process.stdout.write(`${label.padEnd(84)} ${value.padStart(12)}   ${targetText}${verdict}\n`.replace(/ +\n$/, '\n'));
}

export const ms = (n: number): string => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(0)} ms` : 'n/a');
export const seconds = (n: number): string => (Number.isFinite(n) ? `${(n / 1000).toFixed(1)} s` : 'n/a');
export const mebibytes = (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : 'n/a');
export const count = (n: number): string => n.toLocaleString('en-US').replace(/,/g, ' ');
