import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_KINDS } from './builtin-kinds.ts';
import { BUILT_IN_SCHEMA_FILE } from './kubernetes-schema.service.ts';
import type { KubernetesJsonSchema } from './openapi-to-json-schema.ts';

const schema = JSON.parse(readFileSync(BUILT_IN_SCHEMA_FILE, 'utf8')) as KubernetesJsonSchema;

function refsIn(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, into);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') into.push(value);
      else refsIn(value, into);
    }
  }
  return into;
}

describe('the committed built-in Kubernetes schema', () => {
  it('has a branch for each core kind, and no other', () => {
    const kinds = schema.anyOf.map((branch) => {
      const properties = branch.properties as Record<string, { enum: string[] }>;
      return { apiVersion: properties.apiVersion?.enum[0], kind: properties.kind?.enum[0] };
    });
    expect(kinds).toEqual(
      expect.arrayContaining(BUILT_IN_KINDS.map((k) => ({ apiVersion: k.apiVersion, kind: k.kind }))),
    );
    expect(kinds).toHaveLength(BUILT_IN_KINDS.length);
  });

  it('resolves every $ref to one of its definitions', () => {
    const refs = refsIn(schema);
    expect(refs.length).toBeGreaterThan(100);
    const unresolved = refs.filter(
      (ref) => !ref.startsWith('#/definitions/') || !schema.definitions[ref.slice('#/definitions/'.length)],
    );
    expect(unresolved).toEqual([]);
  });

  it('is a draft-07 schema a validator accepts, and it checks a Deployment', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const validate = new Ajv({ strict: false }).compile(schema);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'registry.example.com/web:1',
                ports: [{ containerPort: 8080 }],
                resources: { limits: { cpu: '500m', memory: 1 } },
                volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
              },
            ],
            volumes: [{ name: 'config', configMap: { name: 'app-config-v1' } }],
          },
        },
      },
    };
    expect(validate(deployment), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(validate({ ...deployment, spec: { ...deployment.spec, replicas: 'two' } })).toBe(false);
    expect(validate({ ...deployment, spec: { ...deployment.spec, replicaz: 2 } })).toBe(false);
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
    };
    expect(validate(service), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(validate({ ...service, spec: { ports: [{ port: 80, targetPort: 8080 }] } })).toBe(true);
  });
});
