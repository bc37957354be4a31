import { useEffect, useState } from 'preact/hooks';
import { api, explain, type Me, may } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { dateTime } from '../format.js';

interface ApiToken {
  id: string;
  name: string;
  role: string;
  tenant: string | null;
  createdAt: string;
  revokedAt: string | null;
}

const ROLES = ['operator', 'support', 'billing', 'auditor', 'admin'];

/** Admins make API tokens (the secret shown once) and revoke them. */
export function ApiTokensPage({ me }: { me: Me }) {
  const [tokens, setTokens] = useState<ApiToken[]>([]);
  const [name, setName] = useState('');
  const [role, setRole] = useState('operator');
  const [tenant, setTenant] = useState('');
  const [secret, setSecret] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = () =>
    api<ApiToken[]>('/api/api-tokens')
      .then(setTokens)
      .catch((failure) => setError(explain(failure)));
  useEffect(() => void (may(me, 'api-tokens:manage') && load()), []);
  if (!may(me, 'api-tokens:manage')) return <p>Only admins manage API tokens.</p>;
  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const created = await api<{ token: string }>('/api/api-tokens', {
        method: 'POST',
        body: { name, role, ...(tenant ? { tenant } : {}) },
      });
      setSecret(created.token);
      setName('');
      setError(undefined);
      await load();
    } catch (failure) {
      setError(explain(failure));
    }
  };
  return (
    <section>
      <h1>API tokens</h1>
      <form class="filters" onSubmit={create}>
        <label>
          Name <input required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>
            {ROLES.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
        </label>
        <label>
          Tenant{' '}
          <input
            placeholder="default"
            value={tenant}
            onInput={(e) => setTenant((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Create API token</button>
      </form>
      {secret && (
        <p role="status" class="secret">
          The new token, shown this once: <code>{secret}</code>
        </p>
      )}
      <ErrorMessage error={error} />
      <table aria-label="API tokens">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Tenant</th>
            <th scope="col">Created</th>
            <th scope="col">Revoked</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.id}>
              <td>{token.name}</td>
              <td>{token.role}</td>
              <td>{token.tenant ?? 'every tenant'}</td>
              <td>{dateTime(token.createdAt)}</td>
              <td>{dateTime(token.revokedAt)}</td>
              <td>
                {!token.revokedAt && (
                  <button
                    type="button"
                    class="small"
                    onClick={async () => {
                      await api(`/api/api-tokens/${token.id}`, { method: 'DELETE' }).catch((failure) =>
                        setError(explain(failure)),
                      );
                      await load();
                    }}
                  >
                    Revoke {token.name}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
