import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { ApiError, getToken, setToken } from './api/client';
import { useMe, useRules } from './api/hooks';
import { useLiveStream } from './api/stream';
import { Link, useRoute, type Route } from './router';
import { SignIn } from './SignIn';
import { useTheme } from './theme';
import { AlertView } from './views/AlertView';
import { LiveView } from './views/LiveView';
import { RulesView } from './views/RulesView';
import { TransactionsView } from './views/TransactionsView';

// The rule editor brings the form library and its validator: loaded only when someone edits.
const RuleEditor = lazy(() => import('./views/RuleEditor').then((m) => ({ default: m.RuleEditor })));

function Page({ route }: { route: Route }) {
  switch (route.view) {
    case 'live': return <LiveView />;
    case 'alert': return <AlertView id={route.id} />;
    case 'transactions': return <TransactionsView />;
    case 'rules': return <RulesView />;
    case 'rule': return <Suspense fallback={<p className="muted">Loading the editor…</p>}><RuleEditor namespace={route.namespace} name={route.name} /></Suspense>;
    case 'new-rule': return <Suspense fallback={<p className="muted">Loading the editor…</p>}><RuleEditor /></Suspense>;
  }
}

function Live({ route }: { route: Route }) {
  const status = useLiveStream();
  const [theme, toggleTheme] = useTheme();
  const me = useMe();
  const client = useQueryClient();
  const section = route.view === 'alert' ? 'live' : route.view === 'rule' || route.view === 'new-rule' ? 'rules' : route.view;
  const signOut = () => {
    setToken(null);
    client.clear();
    location.assign('/');
  };
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="app-header">
        <span className="brand" aria-hidden="true">●</span>
        <span className="brand-name">HerdWatch</span>
        <nav aria-label="Main">
          <Link to="/" aria-current={section === 'live' ? 'page' : undefined}>Live</Link>
          <Link to="/transactions" aria-current={section === 'transactions' ? 'page' : undefined}>Transactions</Link>
          <Link to="/rules" aria-current={section === 'rules' ? 'page' : undefined}>Rules</Link>
        </nav>
        <span className={`stream-status stream-${status}`} role="status" aria-live="polite">
          {status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </span>
        <button type="button" className="ghost" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        {me.data?.tokensRequired && getToken() && <button type="button" className="ghost" onClick={signOut}>Sign out</button>}
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

/** The shell: asks for a token when the API wants one, then the live app. */
export function App() {
  const route = useRoute();
  const probe = useRules();
  const client = useQueryClient();
  const [attempted, setAttempted] = useState(false);
  const unauthorized = probe.error instanceof ApiError && probe.error.status === 401;
  if (unauthorized) {
    return <SignIn rejected={attempted && getToken() !== null} onSignedIn={() => { setAttempted(true); void client.resetQueries(); }} />;
  }
  return <Live route={route} />;
}
