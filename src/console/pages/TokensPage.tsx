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
  /** A change, and the token as the server answers it (from the token's stream, not a read model that may lag). */
  const act = async (work: () => Promise<Token>) => {
    try {
      const changed = await work();
      setError(undefined);
      setTokens((current) => {
        const others = current.filter((token) => token.idTag !== changed.idTag);
        return [...others, changed].sort((a, b) => a.idTag.localeCompare(b.idTag));
      });
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
              const issued = await api<Token>('/api/tokens', {
                method: 'POST',
                body: {
                  idTag,
                  ...(expiry ? { expiryDate: new Date(expiry).toISOString() } : {}),
                  ...(parent ? { parentIdTag: parent } : {}),
                },
              });
              setIdTag('');
              return issued;
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
                        api<Token>(
                          `/api/tokens/${encodeURIComponent(token.idTag)}/${token.status === 'Blocked' ? 'unblock' : 'block'}`,
                          {
                            method: 'POST',
                          },
                        ),
                      )
                    }
                  >
                    {token.status === 'Blocked' ? `Unblock ${token.idTag}` : `Block ${token.idTag}`}
                  </button>{' '}
                  <ExpiryEditor
                    idTag={token.idTag}
                    onSet={(expiryDate) =>
                      act(() =>
                        api<Token>(`/api/tokens/${encodeURIComponent(token.idTag)}/expiry`, {
                          method: 'POST',
                          body: { expiryDate },
                        }),
                      )
                    }
                  />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A new expiry for one token: a date and time, or none (never expires). */
function ExpiryEditor({
  idTag,
  onSet,
}: {
  idTag: string;
  onSet: (expiryDate: string | null) => Promise<void>;
}) {
  const [value, setValue] = useState('');
  const id = `expiry-${idTag}`;
  return (
    <form
      class="inline"
      onSubmit={(event) => {
        event.preventDefault();
        void onSet(value ? new Date(value).toISOString() : null).then(() => setValue(''));
      }}
    >
      <label for={id}>New expiry of {idTag}</label>{' '}
      <input
        id={id}
        type="datetime-local"
        value={value}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
      />{' '}
      <button type="submit" class="small">
        {value ? 'Set expiry' : 'Never expires'}
      </button>
    </form>
  );
}
