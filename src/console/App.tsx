import { useEffect, useState } from 'preact/hooks';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter-preact';
import { ApiFailure, api, type Me, may } from './api.js';
import { ApiTokensPage } from './pages/ApiTokensPage.js';
import { CdrsPage } from './pages/CdrsPage.js';
import { ChargerPage } from './pages/ChargerPage.js';
import { FleetPage } from './pages/FleetPage.js';
import { JournalPage } from './pages/JournalPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { SessionPage } from './pages/SessionPage.js';
import { TokensPage } from './pages/TokensPage.js';

/** A path segment as the page needs it (links encode ids: `RDAM|1`, `CP-1:42`). */
const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** Who is signed in decides what is offered; the server still checks every request. */
export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    api<Me>('/api/me')
      .then(setMe)
      .catch((error) => setMe(error instanceof ApiFailure && error.status === 401 ? null : null));
  }, []);
  if (me === undefined) return <p class="loading">Loading…</p>;
  if (me === null) return <LoginPage onSignedIn={setMe} />;
  const signOut = async () => {
    await api('/api/logout', { method: 'POST' }).catch(() => undefined);
    setMe(null);
  };
  return (
    <>
      <Header me={me} onSignOut={signOut} />
      <main id="main">
        <Switch>
          <Route path="/">{may(me, 'chargers:read') ? <FleetPage me={me} /> : <Redirect to="/cdrs" />}</Route>
          <Route path="/chargers/:id/messages">
            {(params) => <JournalPage me={me} id={decoded(params.id)} />}
          </Route>
          <Route path="/chargers/:id">{(params) => <ChargerPage me={me} id={decoded(params.id)} />}</Route>
          <Route path="/sessions/:transactionId">
            {(params) => <SessionPage me={me} transactionId={decoded(params.transactionId)} />}
          </Route>
          <Route path="/cdrs">
            <CdrsPage me={me} />
          </Route>
          <Route path="/tokens">
            <TokensPage me={me} />
          </Route>
          <Route path="/api-tokens">
            <ApiTokensPage me={me} />
          </Route>
          <Route>
            <h1>Not found</h1>
            <p>
              There is no page here. <Link href="/">Back to the fleet</Link>.
            </p>
          </Route>
        </Switch>
      </main>
    </>
  );
}

function Header({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const [location] = useLocation();
  const item = (href: string, label: string, permission: string) =>
    may(me, permission) ? (
      <li>
        <Link href={href} aria-current={location === href ? 'page' : undefined}>
          {label}
        </Link>
      </li>
    ) : null;
  return (
    <header class="top">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <strong class="brand">Ampledger</strong>
      <nav aria-label="Main">
        <ul>
          {item('/', 'Fleet', 'chargers:read')}
          {item('/cdrs', 'CDRs', 'cdrs:read')}
          {item('/tokens', 'Tokens', 'tokens:read')}
          {item('/api-tokens', 'API tokens', 'api-tokens:manage')}
        </ul>
      </nav>
      <span class="who">
        {me.role}
        {me.tenant ? ` · tenant ${me.tenant}` : ' · every tenant'}
      </span>
      <button type="button" class="link" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
