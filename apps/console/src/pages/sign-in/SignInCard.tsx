import type { ReactNode } from 'react';
import { Form } from '../../components/form/Form.tsx';
import type { FormState } from '../../components/form/use-form.ts';

/** The card of the pages shown signed out (sign-in, invite): the brand, one line of intro, the form. */
export function SignInCard(props: {
  form: Pick<FormState<unknown>, 'onSubmit' | 'formError' | 'failures'>;
  label: string;
  intro: string;
  children: ReactNode;
}) {
  return (
    <main className="sign-in">
      <Form
        form={props.form}
        label={props.label}
        className="card sign-in-card"
        header={
          <>
            {/* The page's one heading, so screen-reader users land on it (WCAG 2.4.6). */}
            <h1 className="brand brand-large">
              <img src="/favicon.svg" alt="" width={32} height={32} />
              Slipway
            </h1>
            <p className="muted">{props.intro}</p>
          </>
        }
      >
        {props.children}
      </Form>
    </main>
  );
}
