import { describe, expect, it } from 'vitest';
import { maskBytes, maskSecrets, secretPatterns, secretsOfRun } from './log-masking.ts';
import { createLogCutter } from './log-pump.ts';
import { logText } from './log-text.ts';
import { dockerConfigOf, type ResolvedCredential } from './run-credentials.ts';

const credential = (type: ResolvedCredential['type'], username: string | null, secret: string) => ({
  name: `${type}-cred`,
  type,
  username,
  server: type === 'registry' ? 'registry.example.com' : null,
  secret,
});

describe('what is masked', () => {
  it('masks each line of a secret on its own, trimmed, ignoring lines under 3 characters', () => {
    const pem = '-----BEGIN KEY-----\r\n  MIIEvQIBADANBgkq  \r\nab\n=\n-----END KEY-----\n';
    expect(secretPatterns([pem]).map(String)).toEqual([
      '-----BEGIN KEY-----',
      '-----END KEY-----',
      'MIIEvQIBADANBgkq',
    ]);
    expect(maskSecrets('key: MIIEvQIBADANBgkq; ab = ok', [pem])).toBe('key: ***; ab = ok');
  });

  it('masks the longer of two overlapping secrets whole', () => {
    expect(maskSecrets('xx abcdef yy abc', ['abc', 'abcdef'])).toBe('xx *** yy ***');
    expect(maskSecrets('abcdefgh', ['abcdef', 'defgh'])).toBe('***gh');
  });

  it('covers secret parameters, credential secrets and the base64 auth Slipway writes into a Docker config', () => {
    const registry = credential('registry', 'robot', 'reg-pass-123');
    const secrets = secretsOfRun({ token: 'param-secret', pin: 4242 }, [
      registry,
      credential('git', 'git', 'git-pass-456'),
      credential('token', null, 'tok-789'),
    ]);
    const config = dockerConfigOf(registry);
    const auth = (JSON.parse(config) as { auths: Record<string, { auth: string }> }).auths[
      'registry.example.com'
    ]?.auth;
    expect(secrets).toEqual(
      expect.arrayContaining(['param-secret', '4242', 'reg-pass-123', 'git-pass-456', 'tok-789', auth]),
    );
    expect(secrets).not.toContain('robot'); // usernames are shown in the console: not secrets
    expect(maskSecrets(`cat ~/.docker/config.json\n${config}`, secrets)).not.toContain(auth);
  });
});

describe('log text', () => {
  it('escapes NUL and every byte that is not well-formed UTF-8, keeps the rest', () => {
    const bytes = Buffer.concat([
      Buffer.from('a\0b '),
      Buffer.from([0xff, 0xfe, 0x20, 0xc0, 0xaf, 0x20, 0xed, 0xa0, 0x80, 0x20, 0xf4, 0x90, 0x80, 0x80, 0x20]),
      Buffer.from('ü€😀 \x1b[0m\r'),
    ]);
    expect(logText(bytes)).toBe(
      'a\\x00b \\xff\\xfe \\xc0\\xaf \\xed\\xa0\\x80 \\xf4\\x90\\x80\\x80 ü€😀 \x1b[0m\r',
    );
  });

  it('masks a secret that an escape spells next to other output', () => {
    const cutter = createLogCutter({ secrets: ['xffabc'] });
    cutter.push(Buffer.from([0x5c, 0xff, 0x61, 0x62, 0x63, 0x0a])); // "\" 0xff "abc"
    cutter.end();
    const [chunk] = cutter.take(0, 1);
    expect(chunk?.content).not.toContain('xffabc');
    expect(chunk?.raw?.equals(Buffer.from([0x5c, 0xff, 0x61, 0x62, 0x63, 0x0a]))).toBe(true);
    expect(maskBytes(Buffer.from('no secret'), secretPatterns(['xffabc'])).toString()).toBe('no secret');
  });
});
