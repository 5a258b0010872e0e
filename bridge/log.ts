/**
 * Structured logs: one JSON object per line on stdout (Cloud Logging parses
 * `severity` and `message`). Never a payload or a secret, only names, ids
 * and counts.
 */
export type Severity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

export type Logger = (severity: Severity, message: string, fields?: Record<string, unknown>) => void;

export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(line + '\n')): Logger {
  return (severity, message, fields = {}) => {
    write(JSON.stringify({ time: new Date().toISOString(), severity, message, ...fields }));
  };
}
