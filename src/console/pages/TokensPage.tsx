import { useEffect, useState } from 'preact/hooks';
import { allPages, api, explain, type Me, may } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { dateTime } from '../format.js';

interface Token {
  idTag: string;
  tenant: string;
  status: 'Accepted' | 'Blocked' | 'Expired';
  expiryDate?: string;
  parentIdTag?: string;
  activeTransaction?: { chargerId: string; transactionKey: string };
}

/** The idTags chargers present: issue, block, unblock, expiry. */
export function TokensPage({ me }: { me: Me }) {
  const [tokens, setTokens] = useState<Token[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [idTag, setIdTag] = useState('');
  const [expiry, setExpiry] = useState('');
  const [parent, setParent] = useState('');
  const canWrite = may(me, 'tokens:write');
  const load = () =>
    allPages<Token>('/api/tokens')
      .then(setTokens)
      .catch((failure) => setError(explain(failure)));
  useEffect(() => void load(), []);
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setError(undefined);
      await load();
    } catch (failure) {
      setError(explain(failure));
    }
  };
  return (
    <section>
      <h1>Tokens</h1>
      {canWrite && (
        <form
          class="filters"
          onSubmit={(event) => {
            event.preventDefault();
            void act(async () => {
              await api('/api/tokens', {
                method: 'POST',
                body: {
                  idTag,
                  ...(expiry ? { expiryDate: new Date(expiry).toISOString() } : {}),
                  ...(parent ? { parentIdTag: parent } : {}),
                },
              });
              setIdTag('');
            });
          }}
        >
          <label>
            New idTag{' '}
            <input required value={idTag} onInput={(e) => setIdTag((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            Expires{' '}
            <input
              type="datetime-local"
              value={expiry}
              onInput={(e) => setExpiry((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            Parent <input value={parent} onInput={(e) => setParent((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit">Issue token</button>
        </form>
      )}
      <ErrorMessage error={error} />
      <table aria-label="Tokens">
        <thead>
          <tr>
            <th scope="col">idTag</th>
            <th scope="col">Status</th>
            <th scope="col">Expires</th>
            <th scope="col">Parent</th>
            <th scope="col">In a transaction</th>
            {canWrite && <th scope="col">Change</th>}
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.idTag}>
              <td>{token.idTag}</td>
              <td>{token.status}</td>
              <td>{dateTime(token.expiryDate)}</td>
              <td>{token.parentIdTag ?? '—'}</td>
              <td>
                {token.activeTransaction
                  ? `${token.activeTransaction.chargerId} #${token.activeTransaction.transactionKey}`
                  : '—'}
              </td>
              {canWrite && (
                <td>
                  <button
                    type="button"
                    class="small"
                    onClick={() =>
                      void act(() =>
                        api(
                          `/api/tokens/${encodeURIComponent(token.idTag)}/${token.status === 'Blocked' ? 'unblock' : 'block'}`,
                          {
                            method: 'POST',
                          },
                        ),
                      )
                    }
                  >
                    {token.status === 'Blocked' ? `Unblock ${token.idTag}` : `Block ${token.idTag}`}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
