import { useState } from 'react';
import { plainMessage } from '../api/client';
import { useAlertRecord, useMe, useSilenceActions, useSilences } from '../api/hooks';
import type { Silence } from '../api/types';
import { formatDateTime } from '../format';

type Scope = 'alert' | 'key' | 'rule';

function scopeWords(s: Silence): string {
  if (s.alertId) return `this alert${s.kind === 'ack' ? ' (acknowledged)' : ''}`;
  if (s.rule && s.key) return `${s.key} under ${s.rule}`;
  if (s.rule) return `every alert of ${s.rule}`;
  return `every alert of key ${s.key ?? ''}`;
}

/** The silences and acks that apply to this alert: its own, its rule's, its key's. */
function applies(s: Silence, id: string, rule: string, key: string): boolean {
  if (s.alertId) return s.alertId === id;
  return (s.rule === undefined || s.rule === rule) && (s.key === undefined || s.key === key);
}

/**
 * Acknowledge (someone is on it: no escalation messages, the resolve still goes out) or
 * silence this alert, its key or its whole rule for a while; the ones in force are listed
 * with who set them and an End button. Needs the notifier's store (dev, or api --mongodb).
 */
export function AlertActions({ id, rule, alertKey }: { id: string; rule: string; alertKey: string }) {
  const record = useAlertRecord(id);
  const silences = useSilences();
  const me = useMe();
  const { add, end } = useSilenceActions();
  const [scope, setScope] = useState<Scope>('alert');
  const [duration, setDuration] = useState('1h');
  if (silences.isError) return <p className="muted">Acknowledging and silencing need the notifier's store (herdwatch dev, or herdwatch api --mongodb).</p>;
  const by = me.data?.user;
  const a = record.data?.alert;
  // The API lists only the silences still in force.
  const mine = (silences.data?.silences ?? []).filter((s) => applies(s, id, rule, alertKey));
  const error = add.error ?? end.error;
  return (
    <div className="alert-actions">
      {a?.ackedUntil !== undefined && (
        <p className="badge ok" data-testid="acked">Acknowledged{a.ackedBy ? ` by ${a.ackedBy}` : ''} until {formatDateTime(a.ackedUntil)}</p>
      )}
      {a?.silencedUntil !== undefined && <p className="badge warn" data-testid="silenced">Silenced until {formatDateTime(a.silencedUntil)}</p>}
      <div className="actions">
        {a?.ackedUntil === undefined && (
          <button type="button" disabled={add.isPending || record.isError} title={record.isError ? 'This alert is not stored by the notifier yet' : undefined}
            onClick={() => add.mutate({ kind: 'ack', alertId: id, for: '4h', ...(by ? { by } : {}) })}>Acknowledge for 4 h</button>
        )}
        <label className="inline">Silence{' '}
          <select aria-label="Silence what" value={scope} onChange={(e) => setScope(e.target.value as Scope)}>
            <option value="alert">this alert</option>
            <option value="key">{alertKey} under this rule</option>
            <option value="rule">every alert of {rule}</option>
          </select>
        </label>
        <label className="inline">for{' '}
          <select aria-label="Silence for" value={duration} onChange={(e) => setDuration(e.target.value)}>
            {['1h', '4h', '24h'].map((d) => <option key={d} value={d}>{d.replace('h', ' h')}</option>)}
          </select>
        </label>
        <button type="button" disabled={add.isPending} onClick={() => add.mutate({
          kind: 'silence', for: duration, ...(by ? { by } : {}),
          ...(scope === 'alert' ? { alertId: id } : scope === 'key' ? { rule, key: alertKey } : { rule }),
        })}>Silence</button>
      </div>
      {error && <p role="alert" className="error">{plainMessage(error)}</p>}
      <h3>Silences in force</h3>
      {mine.length === 0 ? <p className="muted">None.</p> : (
        <ul className="silences" aria-label="Silences in force">
          {mine.map((s) => (
            <li key={s.id} data-kind={s.kind}>
              <span className={`badge ${s.kind === 'ack' ? 'ok' : 'warn'}`}>{s.kind === 'ack' ? 'ack' : 'silence'}</span>{' '}
              {scopeWords(s)} until {formatDateTime(s.until)}{s.by ? ` · by ${s.by}` : ''}{' '}
              <button type="button" className="link" onClick={() => end.mutate(s.id)} disabled={end.isPending}>End</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
