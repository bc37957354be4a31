import { useState } from 'preact/hooks';
import { api, explain, type Me } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';

/** Sign in with an API token; the server keeps the sign-in in an HttpOnly cookie. */
export function LoginPage({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api<Me>('/api/login', { method: 'POST', body: { token } }));
    } catch (failure) {
      setError(explain(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <h1>Ampledger console</h1>
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          required
          value={token}
          onInput={(event) => setToken((event.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <ErrorMessage error={error} />
      </form>
      <p class="hint">
        The first start without ADMIN_TOKEN prints an admin token. Admins make more under “API tokens”.
      </p>
    </main>
  );
}
