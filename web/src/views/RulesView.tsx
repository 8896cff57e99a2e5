import { useState } from 'react';
import { ApiError, plainMessage } from '../api/client';
import { useAudit, useDeleteRule, useRules, useSaveRule } from '../api/hooks';
import type { RuleDoc } from '../api/types';
import { formatDateTime, formatSince } from '../format';
import { Link, rulePath } from '../router';

function statusOf(r: RuleDoc): { label: string; cls: string } {
  if (r.spec.paused === true) return { label: 'Paused', cls: 'muted' };
  if (r.status?.ready === false) return { label: 'Degraded', cls: 'danger' };
  return { label: 'Ready', cls: 'ok' };
}

function explain(err: unknown): string {
  if (err instanceof ApiError && err.status === 403) return `Not allowed: ${plainMessage(err)}`;
  return plainMessage(err);
}

function RuleRow({ r, onError }: { r: RuleDoc; onError: (m: string) => void }) {
  const save = useSaveRule();
  const remove = useDeleteRule();
  const [confirming, setConfirming] = useState(false);
  const status = statusOf(r);
  const paused = r.spec.paused === true;
  const toggle = () => save.mutate({ namespace: r.namespace, name: r.name, create: false, spec: { ...r.spec, paused: !paused }, ...(r.resourceVersion ? { resourceVersion: r.resourceVersion } : {}) }, { onError: (e) => onError(explain(e)) });
  const detector = (r.spec.detector as { type?: string } | undefined)?.type ?? '?';
  return (
    <tr>
      <th scope="row"><Link to={rulePath(r.namespace, r.name)}>{r.namespace}/{r.name}</Link>
        {typeof r.spec.description === 'string' && <div className="muted small">{r.spec.description}</div>}</th>
      <td>{detector}</td>
      <td><span className={`badge ${status.cls}`} title={r.status?.message}>{status.label}</span></td>
      <td className="num">{r.status?.replicas === undefined ? '–' : `${r.status.readyReplicas ?? 0}/${r.status.replicas}`}</td>
      <td>{r.status?.lastAlertTime ? formatSince(Date.parse(r.status.lastAlertTime)) : '–'}</td>
      <td className="row-actions">
        <button type="button" onClick={toggle} disabled={save.isPending} aria-label={`${paused ? 'Resume' : 'Pause'} ${r.name}`}>{paused ? 'Resume' : 'Pause'}</button>
        {confirming ? (
          <span role="group" aria-label={`Confirm deleting ${r.name}`}>
            <button type="button" className="danger" onClick={() => remove.mutate({ namespace: r.namespace, name: r.name }, { onError: (e) => { onError(explain(e)); setConfirming(false); } })}>Delete {r.name}</button>
            <button type="button" onClick={() => setConfirming(false)}>Keep</button>
          </span>
        ) : <button type="button" onClick={() => setConfirming(true)} aria-label={`Delete ${r.name}`}>Delete…</button>}
      </td>
    </tr>
  );
}

/** Every rule with its status, pause/resume and delete, and who changed what. */
export function RulesView() {
  const rules = useRules();
  const audit = useAudit();
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <div className="title-row">
        <h1>Rules</h1>
        <Link to="/rules/new" className="button primary">New rule</Link>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {rules.isError && <p role="alert" className="error">{rules.error.message}</p>}
      <section className="card">
        <div className="table-scroll">
          <table className="data">
            <thead><tr><th scope="col">Rule</th><th scope="col">Detector</th><th scope="col">Status</th><th scope="col" className="num">Replicas</th><th scope="col">Last alert</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>{rules.data?.rules.map((r) => <RuleRow key={`${r.namespace}/${r.name}`} r={r} onError={setError} />)}</tbody>
          </table>
        </div>
      </section>
      <section className="card">
        <h2>Audit trail</h2>
        {audit.data?.entries.length ? (
          <ol className="feed">
            {audit.data.entries.map((e, i) => (
              <li key={i} className="feed-item"><strong>{e.actor}</strong> {e.action} {e.rule} <span className="muted">{e.summary}</span><time dateTime={new Date(e.at).toISOString()}>{formatDateTime(e.at)}</time></li>
            ))}
          </ol>
        ) : <p className="muted">No changes recorded yet.</p>}
      </section>
    </div>
  );
}
