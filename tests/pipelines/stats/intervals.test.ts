// Newcombe's and Welch's intervals against the worked examples of their sources (docs/intervals.md).
import { describe, expect, it } from 'vitest';
import { changeInWords, newcombe, populationSd, sampleSd, studentTCdf, studentTQuantile, welch } from '../../../pipelines/stats/intervals';

describe("Newcombe's hybrid score interval (method 10)", () => {
	// Newcombe (1998), Statistics in Medicine 17:873–890, Table II, method 10: the eight examples (a)–(h).
	const table: Array<[number, number, number, number, number, number]> = [
		[56, 70, 48, 80, 0.0524, 0.3339],
		[9, 10, 3, 10, 0.1705, 0.809],
		[6, 7, 2, 7, 0.0582, 0.8062],
		[5, 56, 0, 29, -0.0381, 0.1926],
		[0, 10, 0, 20, -0.1611, 0.2775],
		[0, 10, 0, 10, -0.2775, 0.2775],
		[10, 10, 0, 20, 0.6791, 1],
		[10, 10, 0, 10, 0.6075, 1]
	];
	it.each(table)('%i/%i − %i/%i: %f to %f', (x1, n1, x2, n2, low, high) => {
		const i = newcombe(x1, n1, x2, n2)!;
		expect(i.difference).toBeCloseTo(x1 / n1 - x2 / n2, 12);
		expect(i.low).toBeCloseTo(low, 4);
		expect(i.high).toBeCloseTo(high, 4);
	});

	it('has no interval for an empty group, and swapping the groups mirrors it', () => {
		expect(newcombe(0, 0, 3, 10)).toBeNull();
		const a = newcombe(56, 70, 48, 80)!;
		const b = newcombe(48, 80, 56, 70)!;
		expect(b.low).toBeCloseTo(-a.high, 12);
		expect(b.high).toBeCloseTo(-a.low, 12);
	});
});

describe('Student t quantile', () => {
	// Two-sided 5% points from any table of the t distribution (e.g. Fisher and Yates, Table III).
	it.each([
		[1, 12.706],
		[2, 4.303],
		[5, 2.571],
		[10, 2.228],
		[30, 2.042],
		[120, 1.98]
	])('df %i: %f', (df, t) => {
		expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
	});

	it('inverts the distribution function, is symmetric and tends to the normal', () => {
		for (const df of [1.5, 3, 17.776, 250])
			for (const p of [0.01, 0.3, 0.9, 0.999]) expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 10);
		expect(studentTQuantile(0.025, 7)).toBeCloseTo(-studentTQuantile(0.975, 7), 12);
		expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
		expect(() => studentTQuantile(1, 5)).toThrow(/0 < p < 1/);
	});
});

describe("Welch's interval", () => {
	// Student's (1908) sleep data, the worked example of R's t.test help page (Welch by default):
	// t = −1.8608, df = 17.776, 95% interval −3.3654832 to 0.2054832.
	const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
	const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
	const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
	const meanOfSquares = (a: number[]) => a.reduce((x, y) => x + y * y, 0) / a.length;
	const sd = (a: number[]) => sampleSd(populationSd(mean(a), meanOfSquares(a))!, a.length)!;

	it('reproduces the sleep data example', () => {
		const i = welch(mean(drug1), sd(drug1), 10, mean(drug2), sd(drug2), 10)!;
		expect(i.difference).toBeCloseTo(-1.58, 12);
		expect(i.df).toBeCloseTo(17.776, 3);
		expect(i.difference / i.standardError).toBeCloseTo(-1.8608, 4);
		expect(i.low).toBeCloseTo(-3.3654832, 6);
		expect(i.high).toBeCloseTo(0.2054832, 6);
		expect(changeInWords(i)).toBe('no clear change');
	});

	it('the standard deviation from a mean and a mean of squares is the usual one', () => {
		expect(sd(drug1)).toBeCloseTo(1.78901, 5);
		expect(populationSd(2, 3.9)).toBe(0); // noise made the variance negative: taken as 0
		expect(sampleSd(1, 1)).toBeNull();
	});

	it('says increase or decrease only when the interval excludes zero', () => {
		expect(changeInWords(welch(3.2, 1, 400, 3.0, 1, 400))).toBe('increase');
		expect(changeInWords(welch(3.0, 1, 400, 3.2, 1, 400))).toBe('decrease');
		expect(changeInWords(welch(3.2, 1, 10, 3.0, 1, 10))).toBe('no clear change');
		expect(welch(3, 1, 1, 3, 1, 10)).toBeNull();
		expect(changeInWords(null)).toBeNull();
	});
});
