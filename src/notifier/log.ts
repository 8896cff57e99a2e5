/** How the notifier logs: the command passes a pino child (`component: notifier`); tests pass nothing. */
export type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export const silentLog: Log = () => undefined;
