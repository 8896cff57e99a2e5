import Form from '@rjsf/core';
import type { IChangeEvent } from '@rjsf/core';
import validator from '@rjsf/validator-ajv8';
import { useMemo, useState } from 'react';
import { ApiError, plainMessage } from '../api/client';
import { useMe, useRules, useSaveRule } from '../api/hooks';
import type { FieldError } from '../api/types';
import { diffLines } from '../rules/diff';
import { fieldErrors, toErrorSchema } from '../rules/errors';
import { newRuleSpec, ruleSchema, uiSchemaFor } from '../rules/form-schema';
import { herdRuleYaml } from '../rules/yaml';
import { Link, navigate, rulePath } from '../router';
import { BacktestPanel } from './BacktestPanel';

type Tab = 'form' | 'yaml' | 'diff';

function refusal(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  if (err.status === 403) return `You are not allowed to change this rule: ${plainMessage(err)}`;
  if (err.status === 401) return 'Sign in with a token that has the edit role to change rules.';
  if (err.status === 409) return `Someone else changed this rule meanwhile; reload it and apply your change again. (${plainMessage(err)})`;
  if (err.body.issues && err.body.issues.length > 0) return `The rule was not saved: ${err.body.issues.length} problem(s), shown beside the fields.`;
  return plainMessage(err);
}

/** Create or edit a rule through the form generated from the HerdRule schema. */
export function RuleEditor({ namespace, name }: { namespace?: string; name?: string }) {
  const creating = name === undefined;
  const rules = useRules();
  const me = useMe();
  const current = rules.data?.rules.find((r) => r.namespace === namespace && r.name === name);
  // New rules go to the API's default namespace, so wait until it has said which.
  if (creating && me.isLoading) return <p className="muted">Loading…</p>;
  if (!creating && !current) {
    if (rules.isError) return <p role="alert" className="error">{rules.error.message}</p>;
    return rules.isLoading ? <p className="muted">Loading…</p> : <p role="alert" className="error">No rule {namespace}/{name}.</p>;
  }
  return <Editor key={current?.uid ?? 'new'} creating={creating} initialNs={namespace ?? me.data?.defaultNamespace ?? 'default'} initialName={name ?? ''}
    saved={current?.spec} resourceVersion={current?.resourceVersion} />;
}

function Editor({ creating, initialNs, initialName, saved, resourceVersion }: {
  creating: boolean; initialNs: string; initialName: string; saved: Record<string, unknown> | undefined; resourceVersion: string | undefined;
}) {
  const [ns, setNs] = useState(initialNs);
  const [ruleName, setRuleName] = useState(initialName);
  const [spec, setSpec] = useState<Record<string, unknown>>(() => structuredClone(saved ?? newRuleSpec()));
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [tab, setTab] = useState<Tab>('form');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const save = useSaveRule();
  const detectorType = (spec.detector as { type?: string } | undefined)?.type;
  const uiSchema = useMemo(() => uiSchemaFor(detectorType), [detectorType]);
  const extraErrors = useMemo(() => toErrorSchema(serverErrors), [serverErrors]);
  const yaml = herdRuleYaml(ns, ruleName || 'new-rule', spec);
  const savedYaml = saved ? herdRuleYaml(ns, ruleName, saved) : '';

  const onChange = (e: IChangeEvent) => {
    setSpec(e.formData as Record<string, unknown>);
    if (serverErrors.length > 0) setServerErrors([]);
  };

  const submit = async () => {
    setMessage(null);
    setServerErrors([]);
    const input = { namespace: ns, name: ruleName, spec, create: creating, ...(resourceVersion ? { resourceVersion } : {}) };
    try {
      // The server dry-runs every save itself; this first call only lets us show problems without changing anything.
      await save.mutateAsync({ ...input, dryRun: true });
      await save.mutateAsync(input);
      setMessage({ kind: 'ok', text: `Saved ${ns}/${ruleName}.` });
      if (creating) navigate(rulePath(ns, ruleName));
    } catch (err) {
      if (err instanceof ApiError) setServerErrors(fieldErrors(err.body));
      setMessage({ kind: 'error', text: refusal(err) });
    }
  };

  const nameErrors = serverErrors.filter((e) => /^\/?metadata[./]name$/.test(e.field));
  return (
    <div className="editor">
      <p><Link to="/rules">← Rules</Link></p>
      <h1>{creating ? 'New rule' : `Edit ${ns}/${ruleName}`}</h1>
      <div className="editor-ident">
        <label>Namespace <input value={ns} onChange={(e) => setNs(e.target.value)} disabled={!creating} required /></label>
        <label>Name <input value={ruleName} onChange={(e) => setRuleName(e.target.value)} disabled={!creating} required pattern="[a-z0-9]([-a-z0-9]*[a-z0-9])?"
          aria-invalid={nameErrors.length > 0} aria-describedby={nameErrors.length > 0 ? 'name-error' : undefined} /></label>
        {nameErrors.length > 0 && <p id="name-error" className="error">{nameErrors.map((e) => e.message).join('; ')}</p>}
      </div>
      <div role="tablist" aria-label="Rule views" className="tabs">
        {(['form', 'yaml', 'diff'] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} aria-controls={`panel-${t}`} id={`tab-${t}`} onClick={() => setTab(t)}>
            {t === 'form' ? 'Form' : t === 'yaml' ? 'YAML' : 'Changes'}
          </button>
        ))}
      </div>
      <div className="editor-body">
        <div id="panel-form" role="tabpanel" aria-labelledby="tab-form" hidden={tab !== 'form'} className="rule-form">
          <Form schema={ruleSchema} uiSchema={uiSchema} formData={spec} validator={validator} onChange={onChange}
            liveValidate="onChange" showErrorList={false} noHtml5Validate extraErrors={extraErrors}
            experimental_defaultFormStateBehavior={{ emptyObjectFields: 'skipEmptyDefaults' }} onSubmit={() => void submit()} />
        </div>
        <pre id="panel-yaml" role="tabpanel" aria-labelledby="tab-yaml" hidden={tab !== 'yaml'} className="yaml" tabIndex={0}>{yaml}</pre>
        <div id="panel-diff" role="tabpanel" aria-labelledby="tab-diff" hidden={tab !== 'diff'}>
          {creating ? <p className="muted">A new rule: everything is added.</p> : (
            <pre className="yaml diff" tabIndex={0}>
              {diffLines(savedYaml, yaml).map((l, i) => (
                <span key={i} className={`diff-${l.kind}`}>{l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}{l.text}{'\n'}</span>
              ))}
            </pre>
          )}
        </div>
      </div>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void submit()} disabled={save.isPending || ruleName === ''}>
          {save.isPending ? 'Saving…' : creating ? 'Create rule' : 'Save changes'}
        </button>
        {message && <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'error' : 'ok'}>{message.text}</p>}
      </div>
      <BacktestPanel spec={spec} {...(creating ? {} : { compareTo: { namespace: ns, name: ruleName } })} />
    </div>
  );
}
