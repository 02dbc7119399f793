import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { TextInput } from '../../components/form/fields.tsx';
import { useForm } from '../../components/form/use-form.ts';
import { useSignIn } from '../../features/auth/api/mutations.ts';
import { useSession, useSignInProviders } from '../../features/auth/api/queries.ts';
import { SignInCard } from './SignInCard.tsx';

/** Only same-origin paths are followed after sign-in (no open redirect). */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : paths.workspaces();
}

export function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const signIn = useSignIn();
  const providers = useSignInProviders();
  const next = safeNext(params.get('next'));
  const form = useForm({
    initial: { username: '', password: '' },
    submit: signIn.mutateAsync,
    onSuccess: () => navigate(next, { replace: true }),
  });

  if (session.data) return <Navigate to={next} replace />;

  return (
    <SignInCard form={form} label="Sign in" intro="Sign in to your developer platform.">
      <TextInput label="Username" autoComplete="username" autoFocus required field={form.field('username')} />
      <TextInput
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        field={form.field('password')}
      />
      <button type="submit" className="button button-primary" disabled={form.submitting}>
        {form.submitting ? 'Signing in…' : 'Sign in'}
      </button>
      {providers.data?.oidc ? (
        <a className="button" href={`/api/v1/auth/oidc/login?next=${encodeURIComponent(next)}`}>
          Sign in with {providers.data.oidc.name}
        </a>
      ) : null}
    </SignInCard>
  );
}
