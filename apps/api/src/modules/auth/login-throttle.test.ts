import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from './login-throttle.ts';

describe('login throttle', () => {
  it('blocks a key after N failures in the window, and frees it when the window passes', () => {
    let clock = 0;
    const throttle = createLoginThrottle({ maxFailures: 3, windowMs: 60_000, now: () => clock });
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterSeconds(['user:ann'])).toBe(0);
      throttle.recordFailure(['user:ann', 'ip:1']);
      clock += 1_000;
    }
    expect(throttle.retryAfterSeconds(['user:ann'])).toBe(57);
    expect(throttle.retryAfterSeconds(['user:bob', 'ip:1'])).toBe(57);
    expect(throttle.retryAfterSeconds(['user:bob', 'ip:2'])).toBe(0);
    clock = 60_001;
    expect(throttle.retryAfterSeconds(['user:ann'])).toBe(0);
  });

  it('forgets failures after a successful sign-in', () => {
    const throttle = createLoginThrottle({ maxFailures: 1, windowMs: 60_000 });
    throttle.recordFailure(['user:ann']);
    throttle.reset(['user:ann']);
    expect(throttle.retryAfterSeconds(['user:ann'])).toBe(0);
  });
});
