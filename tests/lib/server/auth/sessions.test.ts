import { describe, expect, it } from 'vitest';
import { readCookie, sessionCookie } from '../../../../src/lib/server/auth/sessions';
import { RateLimit } from '../../../../src/lib/server/auth/rate-limit';

describe('session cookie', () => {
	it('is Secure when served over https, and can be read back from a Cookie header', () => {
		expect(sessionCookie('abc', 60, true)).toBe('pgwn_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure');
		expect(readCookie('theme=dark; pgwn_session=abc=; other=1', 'pgwn_session')).toBe('abc=');
		expect(readCookie(null, 'pgwn_session')).toBeUndefined();
	});
});

describe('rate limit', () => {
	it('allows `limit` hits per window per key, then says how long to wait', () => {
		const limit = new RateLimit(2, 60);
		expect([limit.hit('a', 0), limit.hit('a', 1000), limit.hit('b', 1000)]).toEqual([0, 0, 0]);
		expect(limit.hit('a', 2000)).toBe(58);
		expect(limit.hit('a', 60_000)).toBe(0);
		limit.reset('b');
		expect(limit.hit('b', 61_000)).toBe(0);
	});
});
