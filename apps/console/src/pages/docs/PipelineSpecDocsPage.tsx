import { BUILT_IN_ENV, BUILT_IN_VARIABLES } from '@slipway/pipeline';
import { useEffect, useMemo } from 'react';
import { useLocation } from 'react-router';
import { DetailPage } from '../../components/page/DetailPage.tsx';
import { usePipelineJsonSchema } from '../../features/pipelines/api/pipeline-schema.ts';
import { constraintsOf, schemaFields, typeLabel } from '../../features/pipelines/schema/json-schema.ts';

/**
 * Every field of the pipeline spec, generated from the JSON Schema the server serves, each
 * with an anchor (`#stages.jobs.timeout`) that the YAML editor's hovers link to.
 */
export function PipelineSpecDocsPage() {
  const schema = usePipelineJsonSchema();
  const fields = useMemo(() => (schema.data ? schemaFields(schema.data) : []), [schema.data]);
  const { hash } = useLocation();

  // The rows exist only once the schema has loaded, after the browser looked for the anchor.
  useEffect(() => {
    if (fields.length === 0 || !hash) return;
    document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView({ block: 'center' });
  }, [fields, hash]);

  const target = decodeURIComponent(hash.slice(1));

  return (
    <DetailPage
      title="Pipeline spec reference"
      subtitle={
        schema.data ? (
          <p>
            {schema.data.description ?? 'A Slipway pipeline'}: stages run in order, the jobs of a stage run in
            parallel, the steps of a job run in order. <code>[]</code> marks a list item,{' '}
            <code>&lt;name&gt;</code> a key you choose.
          </p>
        ) : null
      }
      query={schema}
      errorTitle="Cannot load the pipeline schema"
    >
      <div className="spec-docs">
        <div className="table-scroll">
          <table className="table" aria-label="Fields">
            <thead>
              <tr>
                <th>Field</th>
                <th>Type</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {fields.map((field) => (
                <tr
                  key={field.anchor}
                  id={field.anchor}
                  className={field.anchor === target ? 'spec-docs-target' : undefined}
                  aria-current={field.anchor === target ? 'location' : undefined}
                >
                  <td>
                    <a
                      href={`#${field.anchor}`}
                      className="spec-docs-path"
                      style={{ paddingLeft: `${field.depth}rem` }}
                    >
                      <code>{field.path}</code>
                    </a>
                    {field.required ? <span className="badge">required</span> : null}
                  </td>
                  <td>{typeLabel(field.schema)}</td>
                  <td>
                    {field.schema.description ?? ''}
                    {constraintsOf(field.schema).length > 0 ? (
                      <div className="muted small">{constraintsOf(field.schema).join('; ')}</div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h2 id="variables">Variables</h2>
        <p className="muted">
          Usable as <code>{'${{ name }}'}</code> in any value; <code>{'${{ params.<name> }}'}</code> reads a
          declared parameter. An unknown variable is an error when the pipeline is saved. In a{' '}
          <code>run</code> script each one becomes a quoted reference to the environment variable below (a
          parameter&apos;s is <code>SLIPWAY_PARAM_&lt;NAME&gt;</code>, a secret&apos;s{' '}
          <code>SLIPWAY_SECRET_&lt;NAME&gt;</code>), so its value is data, printed exactly as given, never
          run.
        </p>
        <div className="table-scroll">
          <table className="table" aria-label="Variables">
            <tbody>
              {Object.entries(BUILT_IN_VARIABLES).map(([name, description]) => (
                <tr key={name} id={`variables.${name}`}>
                  <td>
                    <code>{`\${{ ${name} }}`}</code>
                  </td>
                  <td>
                    <code>{BUILT_IN_ENV[name as keyof typeof BUILT_IN_ENV]}</code>
                  </td>
                  <td>{description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </DetailPage>
  );
}
