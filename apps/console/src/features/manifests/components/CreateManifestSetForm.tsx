import { Form, SaveActions } from '../../../components/form/Form.tsx';
import { TextInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';

/** The first version of a new set: a Deployment of the release's image and its Service, to edit from. */
export function starterManifest(name: string): string {
  const app = name || 'web';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  labels:
    app: ${app}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      containers:
        - name: ${app}
          image: \${{ release.image }}
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: ${app}
spec:
  selector:
    app: ${app}
  ports:
    - port: 80
      targetPort: 8080
`;
}

interface Values extends Record<string, unknown> {
  name: string;
  file: string;
}

/** Name (a slug) and the first file's path; the first version holds a starter Deployment and Service. */
export function CreateManifestSetForm(props: {
  submit: (body: {
    name: string;
    files: Record<string, string>;
    message?: string;
  }) => Promise<{ name: string }>;
  onCancel: () => void;
  onSuccess: (name: string) => void;
}) {
  const form = useForm<Values, { name: string }>({
    initial: { name: '', file: 'deploy.yaml' },
    submit: (values) =>
      props.submit({
        name: values.name.trim(),
        files: { [values.file.trim()]: starterManifest(values.name.trim()) },
        message: 'Starter Deployment and Service',
      }),
    onSuccess: (created) => props.onSuccess(created.name),
    // The file's path is reported inside `files` (its key).
    paths: { file: 'files' },
  });
  return (
    <Form form={form} label="Create manifest set">
      <TextInput
        label="Name"
        field={form.field('name')}
        required
        hint="Lower-case letters, digits and dashes; pipelines name it in deploy: { manifests: <name> }"
      />
      <TextInput
        label="First file"
        field={form.field('file')}
        required
        hint="Starts with a Deployment of the release image and its Service"
      />
      <SaveActions form={form} mode="create" noun="manifest set" onCancel={props.onCancel} />
    </Form>
  );
}
