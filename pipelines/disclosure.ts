// Disclosure control: the one function every published figure passes through.
//
// Default: NHS Digital's rule for published statistics — a count of 0 stays 0, counts 1 to 7 are
// suppressed, every other count is rounded to the nearest 5, percentages are computed from the
// rounded figures, and a mean or median resting on 1 to 7 people is suppressed. `threshold` is the
// smallest count that may be published (8 for NHS Digital; 10 for bodies that suppress 1–9).
// Secondary suppression: where the cells of a line add up to a published total and exactly one
// non-zero cell is hidden, the next smallest cell is hidden too, so no hidden cell is the difference
// of published figures. Applied repeatedly, since hiding a cell can expose another line.
import { wilson } from './wilson';

export interface DisclosureRule {
	threshold: number;
	rounding: number;
}

export const NHS_DIGITAL_RULE: DisclosureRule = { threshold: 8, rounding: 5 };

export const ruleWithThreshold = (threshold?: number): DisclosureRule =>
	threshold === undefined ? NHS_DIGITAL_RULE : { ...NHS_DIGITAL_RULE, threshold };

type Raw = Record<string, unknown>;

export interface FigureSpec<R extends Raw> {
	/** Counts of people. The first is the count the row's means and shares rest on. */
	counts: Array<keyof R & string>;
	/** Means, medians or scores resting on the first count: published only when it is. */
	means?: Array<keyof R & string>;
	/** Percentages computed from the (rounded) numerator and denominator, with 95% Wilson limits. */
	shares?: Array<{ column: string; numerator: keyof R & string; denominator: keyof R & string; low?: string; high?: string }>;
	/** Rows sharing these columns' values form a line whose first counts add up to a published total. */
	lines?: Array<{ by: Array<keyof R & string>; where?: (row: R) => boolean }>;
}

export type Protected<R extends Raw> = { [K in keyof R]: R[K] | null } & { suppressed: boolean } & Raw;

export const isHidden = (count: number, rule: DisclosureRule) => count > 0 && count < rule.threshold;

export const roundCount = (count: number, rule: DisclosureRule) => Math.round(count / rule.rounding) * rule.rounding;

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

function secondarySuppression<R extends Raw>(data: R[], hidden: boolean[], spec: FigureSpec<R>): void {
	const primary = spec.counts[0];
	const count = (i: number) => Number(data[i][primary] ?? 0);
	let changed = true;
	while (changed) {
		changed = false;
		for (const line of spec.lines ?? []) {
			const groups = new Map<string, number[]>();
			data.forEach((row, i) => {
				if (line.where && !line.where(row)) return;
				const key = JSON.stringify(line.by.map((c) => row[c]));
				(groups.get(key) ?? groups.set(key, []).get(key)!).push(i);
			});
			for (const members of groups.values()) {
				if (members.filter((i) => hidden[i] && count(i) > 0).length !== 1) continue;
				const candidates = members.filter((i) => !hidden[i] && count(i) > 0).sort((a, b) => count(a) - count(b));
				if (candidates.length === 0) continue;
				hidden[candidates[0]] = true;
				changed = true;
			}
		}
	}
}

/** Applies the rule to a table of raw aggregates; returns the publishable rows with a `suppressed` flag. */
export function protect<R extends Raw>(data: R[], spec: FigureSpec<R>, rule: DisclosureRule = NHS_DIGITAL_RULE): Protected<R>[] {
	const hidden = data.map((row) => spec.counts.some((c) => isHidden(Number(row[c] ?? 0), rule)));
	secondarySuppression(data, hidden, spec);
	return data.map((row, i) => {
		const out: Raw = { ...row, suppressed: hidden[i] };
		const rounded: Raw = {};
		for (const c of spec.counts) {
			rounded[c] = row[c] === null || row[c] === undefined ? null : roundCount(Number(row[c]), rule);
			out[c] = hidden[i] ? null : rounded[c];
		}
		const people = Number(row[spec.counts[0]] ?? 0);
		for (const m of spec.means ?? []) {
			const v = row[m];
			out[m] = hidden[i] || people === 0 || v === null || v === undefined ? null : round(Number(v), 3);
		}
		for (const s of spec.shares ?? []) {
			const x = Number(rounded[s.numerator] ?? row[s.numerator]);
			const n = Number(rounded[s.denominator] ?? row[s.denominator]);
			const published = !hidden[i] && n > 0;
			const interval = published ? wilson(Math.min(x, n), n) : null;
			out[s.column] = published ? round((100 * x) / n, 1) : null;
			if (s.low) out[s.low] = interval ? round(100 * interval.low, 1) : null;
			if (s.high) out[s.high] = interval ? round(100 * interval.high, 1) : null;
		}
		return out as Protected<R>;
	});
}
