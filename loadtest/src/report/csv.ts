/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(v: unknown): string {
  const s = v === undefined || v === null ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const csv = (rows: unknown[][]): string =>
  `${rows.map((r) => r.map(csvField).join(",")).join("\n")}\n`;
