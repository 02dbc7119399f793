import { useState } from 'react';
import { slugify } from '../slug.ts';
import { type Bound, TextInput } from './fields.tsx';

/** The part of a `useForm` form NameSlugFields needs: its `name` and `slug` values. */
interface NameSlugForm {
  field: (key: 'name' | 'slug') => Bound<string>;
  update: (patch: { name?: string; slug?: string }) => void;
}

/**
 * Name plus slug: while creating, the slug follows the name until the user edits it;
 * when editing, the slug is fixed and not shown.
 */
export function NameSlugFields(props: { mode: 'create' | 'edit'; form: NameSlugForm; slugHint: string }) {
  const [slugTouched, setSlugTouched] = useState(props.mode === 'edit');
  const name = props.form.field('name');
  const slug = props.mode === 'create' ? props.form.field('slug') : undefined;
  return (
    <>
      <TextInput
        label="Name"
        required
        autoFocus
        field={{
          ...name,
          onChange: (next) =>
            props.form.update(slug && !slugTouched ? { name: next, slug: slugify(next) } : { name: next }),
        }}
      />
      {slug ? (
        <TextInput
          label="Slug"
          required
          hint={props.slugHint}
          field={{
            ...slug,
            onChange: (next) => {
              setSlugTouched(true);
              props.form.update({ slug: next });
            },
          }}
        />
      ) : null}
    </>
  );
}
