import { Form, SaveActions } from '../../../components/form/Form.tsx';
import { TextAreaInput, TextInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';

interface Values extends Record<string, unknown> {
  name: string;
  description: string;
}

/** Name (a slug: it names the ConfigMaps, `<name>-v<version>`) and an optional description. */
export function CreateConfigSetForm(props: {
  submit: (body: { name: string; description?: string }) => Promise<{ name: string }>;
  onCancel: () => void;
  onSuccess: (name: string) => void;
}) {
  const form = useForm<Values, { name: string }>({
    initial: { name: '', description: '' },
    submit: (values) =>
      props.submit({
        name: values.name.trim(),
        ...(values.description.trim() ? { description: values.description.trim() } : {}),
      }),
    onSuccess: (created) => props.onSuccess(created.name),
  });
  return (
    <Form form={form} label="Create config set">
      <TextInput
        label="Name"
        field={form.field('name')}
        required
        hint="Lower-case letters, digits and dashes; deploys create the ConfigMaps <name>-v1, <name>-v2…"
      />
      <TextAreaInput label="Description" field={form.field('description')} />
      <SaveActions form={form} mode="create" noun="config set" onCancel={props.onCancel} />
    </Form>
  );
}
