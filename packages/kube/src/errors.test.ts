import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { toKubeError } from './errors.ts';

function status(
  code: number,
  message: string,
  causes?: Array<{ field?: string; message?: string; reason?: string }>,
) {
  return new ApiException(
    code,
    'Unsuccessful HTTP Request',
    JSON.stringify({
      kind: 'Status',
      status: 'Failure',
      code,
      message,
      ...(causes ? { details: { causes } } : {}),
    }),
    {},
  );
}

describe('toKubeError', () => {
  it('fills causes from a 4xx Status', () => {
    const error = toKubeError(
      status(422, 'Deployment.apps "web" is invalid', [
        {
          field: 'spec.template.spec.containers[0].image',
          message: 'Required value',
          reason: 'FieldValueRequired',
        },
      ]),
      'apply Deployment ns/web',
      'https://k',
    );
    expect(error.statusCode).toBe(400);
    expect(error.causes).toEqual([
      { field: 'spec.template.spec.containers[0].image', message: 'Required value' },
    ]);
    const forbidden = toKubeError(status(403, 'forbidden', [{ message: 'no' }]), 'apply', 'https://k');
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.causes).toEqual([{ message: 'no' }]);
    expect(toKubeError(status(403, 'forbidden'), 'apply', 'https://k').causes).toBeUndefined();
  });

  it("turns server-side apply's 500 for an undeclared field into a 400 naming the field (kubernetes#139253)", () => {
    const error = toKubeError(
      status(
        500,
        'failed to create typed patch object (ns/web; apps/v1, Kind=Deployment): .spec.replicaz: field not declared in schema',
      ),
      'apply Deployment ns/web',
      'https://k',
    );
    expect(error.statusCode).toBe(400);
    expect(error.causes).toEqual([{ field: 'spec.replicaz', message: 'field not declared in schema' }]);

    const several = toKubeError(
      status(
        500,
        'failed to create typed patch object (ns/web; apps/v1, Kind=Deployment): errors:\n  .spec.a: field not declared in schema\n  .spec.template.spec.containers[name="web"].b: field not declared in schema',
      ),
      'apply',
      'https://k',
    );
    expect(several.causes?.map((c) => c.field)).toEqual([
      'spec.a',
      'spec.template.spec.containers[name="web"].b',
    ]);
  });

  it('leaves any other 500 a 502 without causes', () => {
    const error = toKubeError(status(500, 'etcdserver: request timed out'), 'apply', 'https://k');
    expect(error.statusCode).toBe(502);
    expect(error.causes).toBeUndefined();
  });
});
