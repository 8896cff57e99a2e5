/** How the notifier logs: the command passes a pino child (`component: notifier`); tests pass nothing. */
export type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export const silentLog: Log = () => undefined;

/** The process's pino logger as a Log: one child per component. */
export function pinoLog(logger: { child(b: Record<string, unknown>): Record<'debug' | 'info' | 'warn' | 'error', (o: Record<string, unknown>, msg: string) => void> }, component = 'notifier'): Log {
  const child = logger.child({ component });
  return (level, msg, fields = {}) => child[level](fields, msg);
}
