import { useState, type FormEvent } from 'react';
import { setToken } from './api/client';

/** Shown when the API asks for a token (401). The token stays in this tab's session storage. */
export function SignIn({ onSignedIn, rejected }: { onSignedIn: () => void; rejected: boolean }) {
  const [token, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setToken(token.trim());
    onSignedIn();
  };
  return (
    <main className="sign-in">
      <h1>Sign in to HerdWatch</h1>
      <p>This HerdWatch API needs a token. Ask the people who run it for one with the <code>read</code> role
        (and <code>edit</code> to change rules).</p>
      <form onSubmit={submit}>
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="current-password" value={token} onChange={(e) => setValue(e.target.value)} required autoFocus />
        {rejected && <p role="alert" className="error">That token was not accepted. Check it and try again.</p>}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
