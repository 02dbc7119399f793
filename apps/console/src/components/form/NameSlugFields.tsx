import { useState } from 'react';
import { slugify } from '../slug.ts';
import { type Bound, TextInput } from './fields.tsx';

/**
 * Name plus slug: while creating, the slug follows the name until the user edits it;
 * when editing, the slug is fixed and not shown. `onChange` gets both (a `form.update`).
 */
export function NameSlugFields(props: {
  mode: 'create' | 'edit';
  name: Bound<string>;
  slug: Bound<string>;
  slugHint: string;
  onChange: (next: { name: string; slug: string }) => void;
}) {
  const [slugTouched, setSlugTouched] = useState(props.mode === 'edit');
  return (
    <>
      <TextInput
        label="Name"
        required
        autoFocus
        field={{
          ...props.name,
          onChange: (name) => props.onChange({ name, slug: slugTouched ? props.slug.value : slugify(name) }),
        }}
      />
      {props.mode === 'create' ? (
        <TextInput
          label="Slug"
          required
          hint={props.slugHint}
          field={{
            ...props.slug,
            onChange: (slug) => {
              setSlugTouched(true);
              props.onChange({ name: props.name.value, slug });
            },
          }}
        />
      ) : null}
    </>
  );
}
