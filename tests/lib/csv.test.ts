import { describe, expect, it } from 'vitest';
import { csvOf, neutralise } from '../../src/lib/csv';
import { HOSTILE } from '../fixtures/hostile-strings';

describe('csv', () => {
	it('neutralises every cell a spreadsheet would run as a formula', () => {
		for (const value of [HOSTILE.formula, HOSTILE.plus, HOSTILE.minus, HOSTILE.at, HOSTILE.tab, HOSTILE.carriageReturn]) {
			expect(neutralise(value)).toBe(`'${value}`);
		}
		expect(neutralise('Pharmacist')).toBe('Pharmacist');
	});

	it('quotes commas, quotes and line breaks, and leaves numbers as numbers', () => {
		const csv = csvOf(['wave', 'comments', 'n'], [{ wave: '2026-27', comments: 'a, "b"\nc', n: -3 }, { wave: '2026-27', comments: HOSTILE.formula, n: 0 }]);
		expect(csv).toBe(`wave,comments,n\r\n2026-27,"a, ""b""\nc",-3\r\n2026-27,"'=HYPERLINK(""http://example.org/x"",""click"")",0\r\n`);
	});
});
