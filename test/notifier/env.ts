/** Service addresses from scripts/services/with-services.sh (make test-notifier sets them). */
function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests with \`make test-notifier\``);
  return v;
}

export const mongoUri = (): string => need('MONGODB_URI');
export const smtpUrl = (): string => need('SMTP_URL');
export const mailpitUrl = (): string => need('MAILPIT_URL');
export const alertmanagerUrl = (): string => need('ALERTMANAGER_URL');
export const alertmanagerReceiverPort = (): number => Number(need('ALERTMANAGER_RECEIVER_PORT'));

/** A fresh database name per test file, so reruns and files never see each other's documents. */
export function freshDb(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
}
