/** A short, printable test title for a string that may be 64 KiB long or hold control characters. */
export function title(value: string): string {
  const shown = JSON.stringify(value);
  return shown.length > 70 ? `${shown.slice(0, 60)}..." (${value.length} chars)` : shown;
}
