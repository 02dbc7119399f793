import { type FormEvent, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { paths } from '../../app/paths.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useAcceptInvite } from '../../features/users/api/users.ts';

/** Where an invite link lands: the invited user chooses a password, then signs in. */
export function InvitePage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const accept = useAcceptInvite();
  const [password, setPassword] = useState('');
  const apiError = accept.error instanceof ApiError ? accept.error : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    accept.mutate(
      { token: params.get('token') ?? '', password },
      { onSuccess: () => navigate(paths.signIn(), { replace: true }) },
    );
  };
  return (
    <main className="sign-in">
      <form className="card sign-in-card" onSubmit={submit} aria-label="Choose a password">
        <div className="brand brand-large">
          <img src="/favicon.svg" alt="" width={32} height={32} />
          Slipway
        </div>
        <p className="muted">You were invited. Choose a password to finish setting up your account.</p>
        <ErrorNotice error={accept.error} />
        <TextField
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          error={apiError?.fieldError('body.password')}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="button button-primary" disabled={accept.isPending}>
          Set password
        </button>
      </form>
    </main>
  );
}
