// Disclosure control: the one function every published figure passes through (batch tables, charts,
// reports, manifests, downloads and the planner dashboard). Method and threat model: docs/disclosure.md.
//
// Counts: NHS Digital's rule applied to cell-key-perturbed counts. A count of 0 stays 0; a cell
// resting on 1 to 7 people (`threshold` − 1; 10 for bodies that suppress 1–9) is suppressed; every
// other count gets its cell key perturbation (pipelines/disclosure/perturbation.ts; never below the threshold)
// and is rounded to the nearest 5. Percentages are computed from the published figures.
// Means: from sums given Gaussian noise sized by the most one person can move the sum (4 for a 1–5
// rating), keyed on the whole group, over the exact number of people, published to `meanDecimals`;
// suppressed with their base. Shares of a group (a rating level, an option, a yes) are means of a
// yes/no answer: a noisy count of the answer over the exact base, between 0 and 100%, suppressed with
// the base only — suppressing small numerators would itself give one person's answer away over time.
// No secondary suppression: as in the cell key method's use by ONS and the ABS, the noise is what
// stands against differencing. A figure is hidden only because of its own group, so whether it is
// shown never depends on another group's small cells (which a regional planner may not see) and the
// reports and the dashboard hide the same figures.
import { z } from 'zod';
import { wilson } from '../stats/wilson';
import { shareDecimals } from '../core/figures';
import {
	ANSWER_SENSITIVITY,
	loadPerturbationTable,
	NOISE_TRUNCATION,
	perturbationOf,
	RATING_SENSITIVITY,
	sumNoise,
	type PerturbationTable
} from './perturbation';

export interface DisclosureRule {
	/** The smallest count published: 8 under NHS Digital's rule. */
	threshold: number;
	rounding: number;
	/** The cell key perturbation table; null only where the protection is deliberately switched off
	 *  (DISCLOSURE_CELL_KEY=off), which the attack suite uses to prove its attacks work. */
	perturbation: PerturbationTable | null;
	/** Decimal places of published means and scores. */
	meanDecimals: number;
	/** The noise on a published sum has standard deviation noiseScale × the most one person can move
	 *  the sum (docs/disclosure.md, "The trade-off"). No noise where `perturbation` is null. */
	noiseScale: number;
	/** The same for the count of an answer behind a share: its noise has standard deviation
	 *  answerNoiseScale × 2 (ANSWER_SENSITIVITY). Larger than for sums, because a count of 1–7 behind a
	 *  share must not come back from it, nor one person's yes or no from a difference over time. */
	answerNoiseScale: number;
}

export const NHS_DIGITAL_RULE: DisclosureRule = {
	threshold: 8,
	rounding: 5,
	perturbation: loadPerturbationTable(),
	meanDecimals: 2,
	noiseScale: 1,
	answerNoiseScale: 1.5
};

/** NHS Digital's rule alone, as the project published before the cell key method: exact sums behind
 *  means to 3 decimals. Not safe against differencing; kept to prove the attack suite can fail. */
export const ROUNDING_ONLY: DisclosureRule = { ...NHS_DIGITAL_RULE, perturbation: null, meanDecimals: 3 };

/** The rule in force: NHS Digital's with the cell key method, unless DISCLOSURE_CELL_KEY=off. */
/** The one range for the smallest count published, for every way of setting it (admin page, settings
 *  file, PIPELINE_THRESHOLD, --threshold): below 3 a count is close to naming someone; above 100 too
 *  little of a region is left to publish. */
export const THRESHOLD_RANGE = { min: 3, max: 100 } as const;

export const thresholdSchema = z
	.number({ error: 'Enter a whole number' })
	.int({ error: 'Enter a whole number' })
	.min(THRESHOLD_RANGE.min, { error: `The threshold must be at least ${THRESHOLD_RANGE.min}` })
	.max(THRESHOLD_RANGE.max, { error: `The threshold must be ${THRESHOLD_RANGE.max} or less` });

/** A threshold written as text (an environment variable, a command-line flag): digits only, then the range. */
export const thresholdText = z.string().trim().regex(/^\d+$/, { error: 'Enter a whole number' }).transform(Number).pipe(thresholdSchema);

export function ruleWithThreshold(threshold?: number, cellKey = process.env.DISCLOSURE_CELL_KEY ?? 'on'): DisclosureRule {
	const rule = cellKey === 'off' ? ROUNDING_ONLY : NHS_DIGITAL_RULE;
	return threshold === undefined ? rule : { ...rule, threshold };
}

// The error bounds docs/disclosure.md states ("Accuracy kept"), held by property tests.

/** The most the noise can move a mean of 1–5 ratings over n people (4 standard deviations). */
export const meanNoiseBound = (n: number, rule: DisclosureRule) => (NOISE_TRUNCATION * rule.noiseScale * RATING_SENSITIVITY) / n;

/** A published mean is within this of the truth: the noise bound plus rounding. */
export const meanErrorBound = (n: number, rule: DisclosureRule) => meanNoiseBound(n, rule) + 0.5 * 10 ** -rule.meanDecimals;

/** A published MWDS, (I − C) × I from noisy means, is within this of the truth: with the means' noise
 *  a and b each at most E, the error a(2I − C) − bI + a(a − b) is at most E(|2I − C| + I) + 2E². */
export function mwdsErrorBound(n: number, importance: number, confidence: number, rule: DisclosureRule): number {
	const e = meanNoiseBound(n, rule);
	return e * (Math.abs(2 * importance - confidence) + importance) + 2 * e * e + 0.5 * 10 ** -rule.meanDecimals;
}

/** The standard deviation of the noise on an MWDS over n people (first order): the typical error. */
export const mwdsNoiseSd = (n: number, importance: number, confidence: number, rule: DisclosureRule) =>
	(rule.noiseScale * RATING_SENSITIVITY * Math.hypot(2 * importance - confidence, importance)) / n;

type Raw = Record<string, unknown>;

/** A mean published from a sum: `sum` over the `n` people whose key sum is in column `${n}_key`. */
export interface MeanSpec<R extends Raw> {
	column: string;
	sum: keyof R & string;
	n: keyof R & string;
	/** What is summed (a question id, say): with the key, it fixes the noise, so the same sum over the
	 *  same people is published the same way by every route, and different sums independently. */
	variable: string | ((row: R) => string);
	/** The most one person can move the sum (4 for a 1–5 rating): the noise is sized by it. */
	sensitivity: number | ((row: R) => number);
}

/** A percentage of the denominator's people. */
export interface ShareSpec<R extends Raw> {
	column: string;
	numerator: keyof R & string;
	denominator: keyof R & string;
	low?: string;
	high?: string;
	/** The answer the numerator counts, when it counts some of the denominator's people: the share is
	 *  then the mean of a yes/no answer, its numerator noisy like a mean's sum and never published as a
	 *  count. Null on rows where the numerator is not part of the denominator (coverage: respondents
	 *  over the workforce), whose shares come from the published counts. */
	answer?: string | ((row: R) => string | null);
}

export interface FigureSpec<R extends Raw> {
	/** Counts of people, each with its key sum in `${count}_key`. The first is the count the row's
	 *  means and shares rest on. */
	counts: Array<keyof R & string>;
	/** Means computed here from sums, so that only noisy sums ever reach a published mean. */
	means?: MeanSpec<R>[];
	/** Figures computed from the row's protected means (a difference, a product): never from raw sums. */
	derived?: Array<{ column: string; from: (means: Record<string, number | null>, row: R) => number | null }>;
	/** Percentages with 95% Wilson limits: of an answer (see ShareSpec.answer), or from published counts. */
	shares?: ShareSpec<R>[];
	/** Also return each mean, derived figure and share before rounding, as `${column}:unrounded`, for
	 *  judgements a rounded figure would get wrong (a RAG status at its target). Never published. */
	keepUnrounded?: boolean;
}

export type Protected<R extends Raw> = { [K in keyof R]: R[K] | null } & { suppressed: boolean } & Raw;

export const isHidden = (count: number, rule: DisclosureRule) => count > 0 && count < rule.threshold;

export const roundCount = (count: number, rule: DisclosureRule) => Math.round(count / rule.rounding) * rule.rounding;

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

const keyOf = (row: Raw, count: string, rule: DisclosureRule): number => {
	if (!rule.perturbation) return 0;
	const key = row[`${count}_key`];
	if (key === null || key === undefined)
		throw new Error(`The count ${count} has no cell key (${count}_key): every published count needs one`);
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
export function perturbedMean(
	sum: number | null,
	n: number,
	keySum: number,
	variable: string,
	rule: DisclosureRule,
	sensitivity: number
): number | null {
	if (sum === null || n === 0 || isHidden(n, rule)) return null;
	return (sum + (rule.perturbation ? sumNoise(variable, keySum, n, sensitivity, rule.noiseScale) : 0)) / n;
}

/** A share of an answer before rounding, as a proportion: (count + noise) / n, held between 0 and 1. */
export function perturbedShare(count: number, n: number, keySum: number, answer: string, rule: DisclosureRule): number | null {
	if (n === 0 || isHidden(n, rule)) return null;
	const noise = rule.perturbation ? sumNoise(answer, keySum, n, ANSWER_SENSITIVITY, rule.answerNoiseScale) : 0;
	return Math.min(1, Math.max(0, (count + noise) / n));
}

const answerOf = <R extends Raw>(s: ShareSpec<R>, row: R) =>
	s.answer === undefined ? null : typeof s.answer === 'string' ? s.answer : s.answer(row);

/** Applies the rule to a table of raw aggregates; returns the publishable rows with a `suppressed`
 *  flag. Key sums and raw sums are dropped from what it returns. */
export function protect<R extends Raw>(data: R[], spec: FigureSpec<R>, rule: DisclosureRule = NHS_DIGITAL_RULE): Protected<R>[] {
	// A numerator counting an answer among the denominator's people is part of a mean, not a count:
	// it is neither published nor suppressed on its own.
	const answers = data.map(
		(row) =>
			new Map(
				(spec.shares ?? []).flatMap((s) => {
					const a = answerOf(s, row);
					return a === null ? [] : [[s.numerator as string, a] as const];
				})
			)
	);
	const hidden = data.map((row, i) => spec.counts.some((c) => !answers[i].has(c) && isHidden(Number(row[c] ?? 0), rule)));
	const raw = new Set<string>([...spec.counts.map((c) => `${c}_key`), ...(spec.means ?? []).flatMap((m) => [m.sum, `${m.n}_key`])]);
	for (const s of spec.shares ?? []) if (s.answer !== undefined) raw.add(`${s.numerator}_key`);
	return data.map((row, i) => {
		const out: Raw = { suppressed: hidden[i] };
		for (const [k, v] of Object.entries(row)) if (!raw.has(k) && !answers[i].has(k)) out[k] = v;
		const published: Raw = {};
		for (const c of spec.counts) {
			if (answers[i].has(c)) continue;
			const v = row[c];
			published[c] =
				v === null || v === undefined ? null : Number(v) === 0 ? 0 : roundCount(perturbedCount(Number(v), keyOf(row, c, rule), rule), rule);
			out[c] = hidden[i] ? null : published[c];
		}
		const means: Record<string, number | null> = {};
		for (const m of spec.means ?? []) {
			const sum = row[m.sum];
			const n = Number(row[m.n] ?? 0);
			const variable = typeof m.variable === 'string' ? m.variable : m.variable(row);
			const sensitivity = typeof m.sensitivity === 'number' ? m.sensitivity : m.sensitivity(row);
			means[m.column] =
				hidden[i] || sum === null || sum === undefined || n === 0
					? null
					: perturbedMean(Number(sum), n, keyOf(row, m.n, rule), variable, rule, sensitivity);
			out[m.column] = means[m.column] === null ? null : round(means[m.column]!, rule.meanDecimals);
			if (spec.keepUnrounded) out[`${m.column}:unrounded`] = means[m.column];
		}
		for (const d of spec.derived ?? []) {
			const v = hidden[i] ? null : d.from(means, row);
			out[d.column] = v === null || !Number.isFinite(v) ? null : round(v, rule.meanDecimals);
			if (spec.keepUnrounded) out[`${d.column}:unrounded`] = v === null || !Number.isFinite(v) ? null : v;
		}
		for (const s of spec.shares ?? []) {
			const answer = answers[i].get(s.numerator);
			const base = Number(published[s.denominator] ?? row[s.denominator]);
			let p: number | null = null;
			if (!hidden[i] && base > 0) {
				const n = Number(row[s.denominator] ?? 0);
				p =
					answer === undefined
						? Math.min(1, Number(published[s.numerator] ?? row[s.numerator]) / base)
						: perturbedShare(Number(row[s.numerator] ?? 0), n, keyOf(row, s.denominator, rule), answer, rule);
			}
			// Limits from the published base, so that they tell no more about the exact base than it does.
			const interval = p === null ? null : wilson(Math.min(p, 1) * base, base);
			// A share of an answer to the decimals its published base allows; a ratio of published counts
			// (coverage, a census ratio with no sampling error) to 1.
			const places = answer === undefined ? 1 : shareDecimals(base);
			out[s.column] = p === null ? null : round(100 * p, places);
			if (spec.keepUnrounded) out[`${s.column}:unrounded`] = p === null ? null : 100 * p;
			if (s.low) out[s.low] = interval ? round(100 * interval.low, places) : null;
			if (s.high) out[s.high] = interval ? round(100 * interval.high, places) : null;
		}
		return out as Protected<R>;
	});
}
