import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './errors.ts';
import { Prisma } from './generated/prisma/client.ts';

const known = (code: string, cause?: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError('failed', {
    code,
    clientVersion: 'test',
    meta: cause ? { driverAdapterError: { name: 'DriverAdapterError', cause } } : undefined,
  });

describe('isDatabaseUnavailable', () => {
  it('knows a server that is down, restarting or gone (answered 503 by the API)', () => {
    expect(isDatabaseUnavailable(known('P1001', { kind: 'DatabaseNotReachable' }))).toBe(true);
    expect(isDatabaseUnavailable(known('P2010', { kind: 'ConnectionClosed' }))).toBe(true);
    expect(isDatabaseUnavailable(known('P2010', { kind: 'postgres', code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(known('P2010', { kind: 'postgres', code: '08006' }))).toBe(true);
    expect(isDatabaseUnavailable(known('P2024'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(new Error('query failed', { cause: refused }))).toBe(true);
  });

  it('leaves query faults and everything else alone (still a 4xx/500)', () => {
    expect(isDatabaseUnavailable(known('P2002', { kind: 'UniqueConstraintViolation' }))).toBe(false);
    expect(isDatabaseUnavailable(known('P2010', { kind: 'postgres', code: '22P02' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable('P1001')).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
