import { useState } from 'react';
import type { ApiError } from '../api/client.ts';
import { slugify } from './slug.ts';
import { TextField } from './TextField.tsx';

/**
 * Name plus slug: while creating, the slug follows the name until the user edits it;
 * when editing, the slug is fixed and not shown.
 */
export function NameSlugFields(props: {
  mode: 'create' | 'edit';
  name: string;
  slug: string;
  slugHint: string;
  apiError: ApiError | undefined;
  onChange: (next: { name: string; slug: string }) => void;
}) {
  const [slugTouched, setSlugTouched] = useState(props.mode === 'edit');
  return (
    <>
      <TextField
        label="Name"
        name="name"
        required
        autoFocus
        value={props.name}
        error={props.apiError?.fieldError('body.name')}
        onChange={(event) => {
          const name = event.target.value;
          props.onChange({ name, slug: slugTouched ? props.slug : slugify(name) });
        }}
      />
      {props.mode === 'create' ? (
        <TextField
          label="Slug"
          name="slug"
          required
          value={props.slug}
          hint={props.slugHint}
          error={props.apiError?.fieldError('body.slug')}
          onChange={(event) => {
            setSlugTouched(true);
            props.onChange({ name: props.name, slug: event.target.value });
          }}
        />
      ) : null}
    </>
  );
}
