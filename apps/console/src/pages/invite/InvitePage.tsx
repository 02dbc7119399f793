import { useNavigate, useSearchParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { TextInput } from '../../components/form/fields.tsx';
import { useForm } from '../../components/form/use-form.ts';
import { useAcceptInvite } from '../../features/users/api/users.ts';
import { SignInCard } from '../sign-in/SignInCard.tsx';

/** Where an invite link lands: the invited user chooses a password, then signs in. */
export function InvitePage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const accept = useAcceptInvite();
  // The token comes from the link, not from a field: its errors are the form's.
  const form = useForm({
    initial: { password: '' },
    submit: ({ password }) => accept.mutateAsync({ token: params.get('token') ?? '', password }),
    onSuccess: () => navigate(paths.signIn(), { replace: true }),
  });
  return (
    <SignInCard
      form={form}
      label="Choose a password"
      intro="You were invited. Choose a password to finish setting up your account."
    >
      <TextInput
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        field={form.field('password')}
      />
      <button type="submit" className="button button-primary" disabled={form.submitting}>
        Set password
      </button>
    </SignInCard>
  );
}
