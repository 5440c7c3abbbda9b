// Disclosure control: the one function every published figure passes through (batch tables, charts,
// reports, manifests, downloads and the planner dashboard). Method and threat model: docs/disclosure.md.
//
// Counts: NHS Digital's rule applied to cell-key-perturbed counts. A count of 0 stays 0; a cell
// resting on 1 to 7 people (`threshold` − 1; 10 for bodies that suppress 1–9) is suppressed; every
// other count gets its cell key perturbation (pipelines/perturbation.ts; never below the threshold)
// and is rounded to the nearest 5. Percentages are computed from the published figures.
// Means: from sums given a uniform noise of width 1 keyed like the count, over the exact number of
// people, published to `meanDecimals`; suppressed with their base. No combination of published
// means and counts then pins down a whole-number count or total.
// Secondary suppression: where the cells of a line add up to a published total and exactly one
// non-zero cell is hidden, the next smallest cell is hidden too. Applied repeatedly, since hiding a
// cell can expose another line.
import { wilson } from './wilson';
import { loadPerturbationTable, perturbationOf, sumNoise, type PerturbationTable } from './perturbation';

export interface DisclosureRule {
	/** The smallest count published: 8 under NHS Digital's rule. */
	threshold: number;
	rounding: number;
	/** The cell key perturbation table; null only where the protection is deliberately switched off
	 *  (DISCLOSURE_CELL_KEY=off), which the attack suite uses to prove its attacks work. */
	perturbation: PerturbationTable | null;
	/** Decimal places of published means and scores. */
	meanDecimals: number;
}

export const NHS_DIGITAL_RULE: DisclosureRule = { threshold: 8, rounding: 5, perturbation: loadPerturbationTable(), meanDecimals: 2 };

/** NHS Digital's rule alone, as the project published before the cell key method: exact sums behind
 *  means to 3 decimals. Not safe against differencing; kept to prove the attack suite can fail. */
export const ROUNDING_ONLY: DisclosureRule = { ...NHS_DIGITAL_RULE, perturbation: null, meanDecimals: 3 };

/** The rule in force: NHS Digital's with the cell key method, unless DISCLOSURE_CELL_KEY=off. */
export function ruleWithThreshold(threshold?: number, cellKey = process.env.DISCLOSURE_CELL_KEY ?? 'on'): DisclosureRule {
	const rule = cellKey === 'off' ? ROUNDING_ONLY : NHS_DIGITAL_RULE;
	return threshold === undefined ? rule : { ...rule, threshold };
}

type Raw = Record<string, unknown>;

/** A mean published from a sum: `sum` over the `n` people whose key sum is in column `${n}_key`. */
export interface MeanSpec<R extends Raw> {
	column: string;
	sum: keyof R & string;
	n: keyof R & string;
	/** What is summed (a question id, say): with the key, it fixes the noise, so the same sum over the
	 *  same people is published the same way by every route, and different sums independently. */
	variable: string | ((row: R) => string);
}

export interface FigureSpec<R extends Raw> {
	/** Counts of people, each with its key sum in `${count}_key`. The first is the count the row's
	 *  means and shares rest on. */
	counts: Array<keyof R & string>;
	/** Means computed here from sums, so that only noisy sums ever reach a published mean. */
	means?: MeanSpec<R>[];
	/** Figures computed from the row's protected means (a difference, a product): never from raw sums. */
	derived?: Array<{ column: string; from: (means: Record<string, number | null>, row: R) => number | null }>;
	/** Percentages computed from the (rounded) numerator and denominator, with 95% Wilson limits. */
	shares?: Array<{ column: string; numerator: keyof R & string; denominator: keyof R & string; low?: string; high?: string }>;
	/** Rows sharing these columns' values form a line whose first counts add up to a published total. */
	lines?: Array<{ by: Array<keyof R & string>; where?: (row: R) => boolean }>;
}

export type Protected<R extends Raw> = { [K in keyof R]: R[K] | null } & { suppressed: boolean } & Raw;

export const isHidden = (count: number, rule: DisclosureRule) => count > 0 && count < rule.threshold;

export const roundCount = (count: number, rule: DisclosureRule) => Math.round(count / rule.rounding) * rule.rounding;

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

const keyOf = (row: Raw, count: string, rule: DisclosureRule): number => {
	if (!rule.perturbation) return 0;
	const key = row[`${count}_key`];
	if (key === null || key === undefined) throw new Error(`The count ${count} has no cell key (${count}_key): every published count needs one`);
	return Number(key);
};

/** The count as published before rounding: the true count plus its cell key perturbation, held at
 *  the threshold or above (a count that may be published is never shown as one that may not). */
export function perturbedCount(count: number, keySum: number, rule: DisclosureRule): number {
	if (count === 0 || !rule.perturbation) return count;
	return Math.max(rule.threshold, count + perturbationOf(rule.perturbation, count, keySum));
}

/** A count as published: 0 stays 0, 1 to threshold − 1 is null (suppressed), others perturbed and rounded. */
export function publishedCount(count: number, keySum: number, rule: DisclosureRule): number | null {
	if (isHidden(count, rule)) return null;
	return roundCount(perturbedCount(count, keySum, rule), rule);
}

/** A mean before rounding: (sum + noise) / n, or null when n is 0 or too small to publish. */
export function perturbedMean(sum: number | null, n: number, keySum: number, variable: string, rule: DisclosureRule): number | null {
	if (sum === null || n === 0 || isHidden(n, rule)) return null;
	return (sum + (rule.perturbation ? sumNoise(variable, keySum, n) : 0)) / n;
}

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

/** Applies the rule to a table of raw aggregates; returns the publishable rows with a `suppressed`
 *  flag. Key sums and raw sums are dropped from what it returns. */
export function protect<R extends Raw>(data: R[], spec: FigureSpec<R>, rule: DisclosureRule = NHS_DIGITAL_RULE): Protected<R>[] {
	const hidden = data.map((row) => spec.counts.some((c) => isHidden(Number(row[c] ?? 0), rule)));
	secondarySuppression(data, hidden, spec);
	const raw = new Set<string>([...spec.counts.map((c) => `${c}_key`), ...(spec.means ?? []).flatMap((m) => [m.sum, `${m.n}_key`])]);
	return data.map((row, i) => {
		const out: Raw = { suppressed: hidden[i] };
		for (const [k, v] of Object.entries(row)) if (!raw.has(k)) out[k] = v;
		const published: Raw = {};
		for (const c of spec.counts) {
			const v = row[c];
			published[c] = v === null || v === undefined ? null : Number(v) === 0 ? 0 : roundCount(perturbedCount(Number(v), keyOf(row, c, rule), rule), rule);
			out[c] = hidden[i] ? null : published[c];
		}
		const means: Record<string, number | null> = {};
		for (const m of spec.means ?? []) {
			const sum = row[m.sum];
			const n = Number(row[m.n] ?? 0);
			const variable = typeof m.variable === 'string' ? m.variable : m.variable(row);
			means[m.column] = hidden[i] || sum === null || sum === undefined || n === 0 ? null : perturbedMean(Number(sum), n, keyOf(row, m.n, rule), variable, rule);
			out[m.column] = means[m.column] === null ? null : round(means[m.column]!, rule.meanDecimals);
		}
		for (const d of spec.derived ?? []) {
			const v = hidden[i] ? null : d.from(means, row);
			out[d.column] = v === null || !Number.isFinite(v) ? null : round(v, rule.meanDecimals);
		}
		for (const s of spec.shares ?? []) {
			const x = Number(published[s.numerator] ?? row[s.numerator]);
			const n = Number(published[s.denominator] ?? row[s.denominator]);
			const shown = !hidden[i] && n > 0;
			const interval = shown ? wilson(Math.min(x, n), n) : null;
			out[s.column] = shown ? round((100 * x) / n, 1) : null;
			if (s.low) out[s.low] = interval ? round(100 * interval.low, 1) : null;
			if (s.high) out[s.high] = interval ? round(100 * interval.high, 1) : null;
		}
		return out as Protected<R>;
	});
}
