import { describe, expect, it } from 'vitest';
import { csvOf, csvText, neutralise } from '../../src/lib/csv';
import { csvField } from '../../pipelines/batch/publish';
import { HOSTILE } from '../fixtures/hostile-strings';

describe('csv', () => {
	it('neutralises every cell a spreadsheet would run as a formula', () => {
		for (const value of [HOSTILE.formula, HOSTILE.plus, HOSTILE.minus, HOSTILE.at, HOSTILE.tab, HOSTILE.carriageReturn]) {
			expect(neutralise(value)).toBe(`'${value}`);
		}
		expect(neutralise('Pharmacist')).toBe('Pharmacist');
	});

	it('quotes commas, quotes and line breaks, and leaves numbers as numbers', () => {
		const csv = csvOf(
			['wave', 'comments', 'n'],
			[
				{ wave: '2026-27', comments: 'a, "b"\nc', n: -3 },
				{ wave: '2026-27', comments: HOSTILE.formula, n: 0 }
			]
		);
		expect(csv).toBe(`wave,comments,n\r\n2026-27,"a, ""b""\nc",-3\r\n2026-27,"'=HYPERLINK(""http://example.org/x"",""click"")",0\r\n`);
	});

	it('neutralises a formula behind spaces, line breaks, NUL or invisible characters, which spreadsheets skip', () => {
		for (const lead of [' ', '  ', '\n', '\r\n', '\u0000', '\u00A0', '\u200B', '\u202E', '\u2066', '\uFEFF', '\u0007', ' \u200B\n']) {
			for (const formula of ['=1+1', '+1', '-1+cmd', '@SUM(A1)']) {
				const value = `${lead}${formula}`;
				expect(neutralise(value), JSON.stringify(value)).toMatch(/^'/);
				expect(csvText(value), JSON.stringify(value)).toMatch(/^'/);
			}
		}
		expect(neutralise(' plain words')).toBe(' plain words');
	});

	it('guards every export the same way: invisible controls removed, formulas neutralised', () => {
		const hostile = 'a\u0000b\u202Ec\u0007 \n=cmd';
		// The dashboard's chart downloads and the free-text comments export (csvOf) and the published tables (csvField).
		expect(csvOf(['comments'], [{ comments: `\u0000=1+1` }, { comments: hostile }])).toBe(`comments\r\n'=1+1\r\n"abc \n=cmd"\r\n`);
		expect(csvField('\u0000=1+1', 'VARCHAR')).toBe(`'=1+1`);
		expect(csvField(hostile, 'VARCHAR')).toBe('"abc \n=cmd"');
		for (const value of ['\u200B=1', ' @x', '\n-1'])
			expect(csvField(value, 'VARCHAR').replace(/^"/, '')).toBe(
				csvOf(['x'], [{ x: value }])
					.split('\r\n')[1]
					.replace(/^"/, '')
			);
	});
});
