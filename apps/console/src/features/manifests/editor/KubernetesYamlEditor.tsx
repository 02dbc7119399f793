import { useEffect } from 'react';
import YamlEditor from '../../pipelines/editor/yaml/YamlEditor.tsx';
import { type KubernetesYamlEditorProps, kubernetesModelPath } from './kubernetes-model.ts';
import { applyKubernetesSchema } from './monaco-kubernetes.ts';

/** The shared Monaco YAML editor, checking a manifest file against the chosen Kubernetes schema. */
export default function KubernetesYamlEditor(props: KubernetesYamlEditorProps) {
  const { schemaKey, kubernetesSchema, document, ...editor } = props;
  useEffect(() => {
    if (kubernetesSchema) applyKubernetesSchema(schemaKey, kubernetesSchema);
  }, [schemaKey, kubernetesSchema]);
  return <YamlEditor {...editor} modelPath={kubernetesModelPath(schemaKey, document)} />;
}
