import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  applicableKinds,
  isGroupVersionPath,
  type JsonSchema,
  type OpenApiV3Document,
  toKubernetesJsonSchema,
} from './openapi-to-json-schema.ts';

const gvk = (group: string, version: string, kind: string) => ({ group, version, kind });
const patchPath = (kind: ReturnType<typeof gvk>) => ({
  patch: { 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': kind },
  get: { 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': kind },
});
const ref = (name: string) => ({ allOf: [{ $ref: `#/components/schemas/${name}` }], default: {} });
const typeMeta = {
  apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema.' },
  kind: { type: 'string', description: 'Kind is a string value representing the REST resource.' },
};

/** A trimmed `apps/v1` document: what /openapi/v3/apis/apps/v1 looks like, with the odd cases. */
const apps: OpenApiV3Document = {
  paths: {
    '/apis/apps/v1/namespaces/{namespace}/widgets/{name}': patchPath(gvk('apps', 'v1', 'Widget')),
    // A subresource and a list: not kinds one applies.
    '/apis/apps/v1/namespaces/{namespace}/widgets/{name}/scale': patchPath(gvk('autoscaling', 'v1', 'Scale')),
    '/apis/apps/v1/namespaces/{namespace}/widgets': {
      get: { 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': gvk('apps', 'v1', 'Widget') },
    },
  },
  components: {
    schemas: {
      'io.k8s.api.apps.v1.Widget': {
        description: 'Widget makes things.',
        type: 'object',
        properties: {
          ...typeMeta,
          metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'),
          spec: ref('io.k8s.api.apps.v1.WidgetSpec'),
        },
        'x-kubernetes-group-version-kind': [gvk('apps', 'v1', 'Widget')],
      },
      'io.k8s.api.apps.v1.WidgetList': {
        type: 'object',
        properties: { ...typeMeta, items: { type: 'array', items: ref('io.k8s.api.apps.v1.Widget') } },
        'x-kubernetes-group-version-kind': [gvk('apps', 'v1', 'WidgetList')],
      },
      'io.k8s.api.apps.v1.WidgetSpec': {
        type: 'object',
        required: ['size'],
        properties: {
          size: { type: 'integer', format: 'int32', description: 'How big.' },
          port: ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString'),
          note: { type: 'string', nullable: true },
          extra: {
            type: 'object',
            'x-kubernetes-preserve-unknown-fields': true,
            properties: { a: { type: 'string' } },
          },
          legacy: { 'x-kubernetes-int-or-string': true },
          startedAt: { type: 'string', format: 'date-time' },
        },
        'x-kubernetes-map-type': 'atomic',
      },
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
        type: 'object',
        properties: {
          name: { type: 'string' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
        format: 'int-or-string',
        oneOf: [{ type: 'integer' }, { type: 'string' }],
      },
      'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': {
        type: 'object',
        properties: { ...typeMeta },
        'x-kubernetes-group-version-kind': [gvk('apps', 'v1', 'DeleteOptions')],
      },
      'io.k8s.api.autoscaling.v1.Scale': {
        type: 'object',
        properties: { ...typeMeta },
        'x-kubernetes-group-version-kind': [gvk('autoscaling', 'v1', 'Scale')],
      },
    },
  },
};

/** A CRD's group: kinds installed in the cluster come in their own document. */
const crd: OpenApiV3Document = {
  paths: {
    '/apis/example.com/v1alpha1/namespaces/{namespace}/gadgets/{name}': patchPath(
      gvk('example.com', 'v1alpha1', 'Gadget'),
    ),
  },
  components: {
    schemas: {
      'com.example.v1alpha1.Gadget': {
        type: 'object',
        properties: {
          ...typeMeta,
          metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'),
          color: { type: 'string' },
        },
        'x-kubernetes-group-version-kind': [gvk('example.com', 'v1alpha1', 'Gadget')],
      },
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
        type: 'object',
        properties: {
          name: { type: 'string' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  },
};

function kindsOf(schema: { anyOf: JsonSchema[] }) {
  return schema.anyOf.map((branch) => {
    const properties = branch.properties as Record<string, { enum?: string[] }>;
    return `${properties.apiVersion?.enum?.join()} ${properties.kind?.enum?.join()}`;
  });
}

describe('toKubernetesJsonSchema', () => {
  const schema = toKubernetesJsonSchema([crd, apps], { title: 'test' });

  it('has one branch per kind that can be applied, sorted, with apiVersion and kind as enums', () => {
    expect(kindsOf(schema)).toEqual(['apps/v1 Widget', 'example.com/v1alpha1 Gadget']);
    const widget = schema.anyOf[0] as JsonSchema & {
      properties: Record<string, JsonSchema>;
      required: string[];
    };
    expect(widget.properties.apiVersion).toEqual({
      type: 'string',
      description: 'APIVersion defines the versioned schema.',
      enum: ['apps/v1'],
    });
    expect(widget.properties.kind?.enum).toEqual(['Widget']);
    expect(widget.required).toEqual(['apiVersion', 'kind']);
    expect(widget.description).toBe('Widget makes things.');
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('rewrites references to definitions and keeps only the definitions the kinds reach', () => {
    // The kinds themselves are inlined in their branches; lists, DeleteOptions and Scale are unreachable.
    expect(Object.keys(schema.definitions)).toEqual([
      'io.k8s.api.apps.v1.WidgetSpec',
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    ]);
    expect(JSON.stringify(schema)).not.toContain('#/components/schemas/');
    expect(JSON.stringify(schema)).not.toContain('x-kubernetes-');
  });

  it('turns OpenAPI-only keywords into JSON Schema and drops formats JSON Schema does not know', () => {
    const spec = schema.definitions['io.k8s.api.apps.v1.WidgetSpec'] as {
      properties: Record<string, JsonSchema>;
    };
    expect(spec.properties.size).toEqual({ type: 'integer', description: 'How big.' });
    expect(spec.properties.note).toEqual({ type: ['string', 'null'] });
    expect(spec.properties.legacy).toEqual({ anyOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(spec.properties.startedAt).toEqual({ type: 'string', format: 'date-time' });
    expect(spec.properties.extra?.additionalProperties).toBeUndefined();
    expect((schema.definitions['io.k8s.api.apps.v1.WidgetSpec'] as JsonSchema).additionalProperties).toBe(
      false,
    );
  });

  it('validates objects like the API server: types, required fields, unknown fields, the kind', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    const widget = {
      apiVersion: 'apps/v1',
      kind: 'Widget',
      metadata: { name: 'w', labels: { app: 'w' } },
      spec: { size: 2, port: 'http', note: null, extra: { anything: true } },
    };
    expect(validate(widget), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...widget, spec: { ...widget.spec, port: 8080 } })).toBe(true);
    expect(validate({ ...widget, spec: { ...widget.spec, size: 'two' } })).toBe(false);
    expect(validate({ ...widget, spec: { port: 80 } })).toBe(false);
    expect(validate({ ...widget, spec: { ...widget.spec, sise: 3 } })).toBe(false);
    expect(validate({ ...widget, kind: 'Gizmo' })).toBe(false);
    expect(
      validate({ apiVersion: 'example.com/v1alpha1', kind: 'Gadget', metadata: { name: 'g' }, color: 'red' }),
    ).toBe(true);
  });

  it('keeps only the kinds asked for', () => {
    const only = toKubernetesJsonSchema([crd, apps], { title: 't', keep: (k) => k.kind === 'Gadget' });
    expect(kindsOf(only)).toEqual(['example.com/v1alpha1 Gadget']);
    expect(Object.keys(only.definitions)).toEqual(['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  });
});

describe('applicableKinds and isGroupVersionPath', () => {
  it('reads kinds from object paths with a patch operation only', () => {
    expect(applicableKinds(apps)).toEqual([gvk('apps', 'v1', 'Widget')]);
  });

  it('tells group-version documents from the rest of the index', () => {
    expect(['api/v1', 'apis/apps/v1', 'apis/example.com/v1alpha1'].every(isGroupVersionPath)).toBe(true);
    expect(
      ['api', 'apis', 'apis/apps', '.well-known/openid-configuration', 'version'].some(isGroupVersionPath),
    ).toBe(false);
  });
});
