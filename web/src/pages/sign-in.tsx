import { useState } from 'preact/hooks';
import { type Session, signIn } from '../api';
import { ErrorLines } from '../ui/errors';

/** The key is sent once, to be turned into a session cookie; the page keeps no copy. */
export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem('key') as HTMLInputElement;
    setBusy(true);
    setError(undefined);
    try {
      const session = await signIn(input.value.trim());
      input.value = '';
      onSignedIn(session);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>Sign in to Stevedore</h1>
      <form onSubmit={submit}>
        <label for="key">API key</label>
        <input id="key" name="key" type="password" autocomplete="off" spellcheck={false} required autofocus />
        <p class="hint">
          A project key (stv_…) or a key from API_KEYS. It becomes a session cookie; the page does not keep it.
        </p>
        <ErrorLines error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
