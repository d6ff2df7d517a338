/**
 * Aligned text tables for people: a header row, columns padded to their widest cell, two spaces
 * between columns, no trailing spaces. Numeric columns are right-aligned.
 */

/** One column: its header and whether it holds numbers (right-aligned). */
export interface Column {
  readonly header: string;
  readonly numeric?: boolean;
}

/** Formats `rows` under `columns`; every line ends with a newline. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) =>
    Math.max([...column.header].length, ...rows.map((row) => [...(row[i] ?? "")].length)),
  );
  const line = (cells: readonly string[]): string =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? "";
        const pad = " ".repeat((widths[i] ?? 0) - [...cell].length);
        return column.numeric === true ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd();
  return `${[line(columns.map((c) => c.header)), ...rows.map(line)].join("\n")}\n`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `2026-11-26 17:00Z`: a UTC time to the minute, as the status tables print deadlines. */
export function formatUtcMinute(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}Z`;
}

/** A duration for people: `45s`, `12m`, `3h05m`, `2d04h`. Negative durations get a leading `-`. */
export function formatDuration(seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  const s = Math.round(Math.abs(seconds));
  if (s < 60) return `${sign}${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${sign}${h}h${two(m % 60)}m`;
  return `${sign}${Math.floor(h / 24)}d${two(h % 24)}h`;
}
