// A determined planner's attacks on the dashboard (docs/disclosure.md, "Threat model"), using only what
// reports.dashboard returns. Pure functions over its results, so the suite can play them against a
// protected server and an unprotected one and compare what each gives away.
import { competencies } from '../../src/lib/instrument/reference';

export const ALL = '';

/** One dashboard query: England or a region, and a sector, staff group and specialty or ALL. */
export interface Query {
	scope: string;
	sector: string;
	staffGroup: string;
	specialty: string;
}

export const keyOf = (q: Query) => [q.scope, q.sector, q.staffGroup, q.specialty].join('|');

/** What the attacker reads from one answer: the published count and the scope's needs means. */
export interface Observation {
	count: number | null;
	means: Record<string, { importance: number | null; confidence: number | null }>;
}

interface DashboardLike {
	respondents: number | null;
	charts: Array<{ id: string; table: { rows: Array<Record<string, unknown>> } }>;
}

export function observe(d: DashboardLike): Observation {
	const ranking = d.charts.find((c) => c.id.endsWith('needs-ranking'))!;
	const means: Observation['means'] = {};
	for (const r of ranking.table.rows)
		means[String(r.competency)] = { importance: r.mean_importance as number | null, confidence: r.mean_confidence as number | null };
	return { count: d.respondents, means };
}

/** Exact figures of a group: its size and each competency's rating totals. */
export interface Exact {
	n: number;
	sums: Record<string, { importance: number; confidence: number }>;
}

const decimalsOf = (x: number) => (String(x).split('.')[1] ?? '').length;

/** Attack 1, reconstruction from means: the group sizes near the published count for which every
 *  published mean × size is (within rounding) a whole number. Exact when only one size fits. */
export function reconstruct(o: Observation): Exact | null {
	if (o.count === null) return null;
	if (o.count === 0) return { n: 0, sums: Object.fromEntries(competencies.map((c) => [c.code, { importance: 0, confidence: 0 }])) };
	const values = Object.values(o.means)
		.flatMap((m) => [m.importance, m.confidence])
		.filter((v): v is number => v !== null);
	if (values.length === 0) return null;
	// Published decimals: the most any mean shows (3 under rounding alone, 2 with the cell key method).
	const half = 0.5 * 10 ** -Math.max(2, ...values.map(decimalsOf)) + 1e-9;
	const fits: Exact[] = [];
	for (let n = Math.max(1, o.count - 7); n <= o.count + 7; n++) {
		const sums: Exact['sums'] = {};
		let ok = true;
		for (const [competency, m] of Object.entries(o.means)) {
			const whole = (mean: number | null) => {
				if (mean === null) return null;
				const low = Math.max(n, Math.ceil(n * (mean - half)));
				const high = Math.min(5 * n, Math.floor(n * (mean + half)));
				return low === high ? low : low < high ? NaN : null;
			};
			const importance = whole(m.importance);
			const confidence = whole(m.confidence);
			if (importance === null || confidence === null) {
				ok = false;
				break;
			}
			sums[competency] = { importance, confidence };
		}
		if (ok) fits.push({ n, sums });
	}
	const [only] = fits;
	return fits.length === 1 && Object.values(only.sums).every((s) => Number.isInteger(s.importance) && Number.isInteger(s.confidence))
		? only
		: null;
}

/** Whether two groups' figures agree: the same size and every competency's totals. */
export const same = (a: Exact, b: Exact) =>
	a.n === b.n &&
	Object.keys(b.sums).every((c) => a.sums[c]?.importance === b.sums[c].importance && a.sums[c]?.confidence === b.sums[c].confidence);

const zero = (): Exact => ({ n: 0, sums: Object.fromEntries(competencies.map((c) => [c.code, { importance: 0, confidence: 0 }])) });
const combine = (a: Exact, b: Exact, sign: 1 | -1): Exact => ({
	n: a.n + sign * b.n,
	sums: Object.fromEntries(
		Object.entries(a.sums).map(([c, s]) => [
			c,
			{ importance: s.importance + sign * b.sums[c].importance, confidence: s.confidence + sign * b.sums[c].confidence }
		])
	)
});
const plus = (parts: Exact[]) => parts.reduce((t, p) => combine(t, p, 1), zero());
const minus = (total: Exact, parts: Exact[]) => parts.reduce((t, p) => combine(t, p, -1), total);

/** The lines a planner can difference: staff groups partition a sector (and England or a region),
 *  sectors partition a staff group, in every specialty filter. */
export function linesOf(scopes: string[], sectors: string[], staffGroups: string[], specialties: string[]) {
	const lines: Array<{ total: string; parts: string[] }> = [];
	for (const scope of scopes)
		for (const specialty of [ALL, ...specialties]) {
			const k = (sector: string, staffGroup: string) => keyOf({ scope, sector, staffGroup, specialty });
			for (const s of [ALL, ...sectors]) lines.push({ total: k(s, ALL), parts: staffGroups.map((g) => k(s, g)) });
			for (const g of staffGroups) lines.push({ total: k(ALL, g), parts: sectors.map((s) => k(s, g)) });
		}
	return lines;
}

/** Attack 2, differencing across filters: a line with one unknown cell gives it as the total minus
 *  the rest. Peeled until nothing moves. */
export function difference(known: Map<string, Exact>, lines: ReturnType<typeof linesOf>): Map<string, Exact> {
	const out = new Map(known);
	let moved = true;
	while (moved) {
		moved = false;
		for (const line of lines) {
			const unknown = [line.total, ...line.parts].filter((x) => !out.has(x));
			if (unknown.length !== 1) continue;
			const [x] = unknown;
			const parts = line.parts.filter((p) => p !== x).map((p) => out.get(p)!);
			out.set(x, x === line.total ? plus(parts) : minus(out.get(line.total)!, parts));
			moved = true;
		}
	}
	return out;
}

/** Attack 2 with counts alone: each published count bounds the truth within the method's documented
 *  error; a suppressed cell is 1 to threshold − 1. Intersecting every line's bounds on each hidden
 *  cell, repeatedly, gives the interval the attacker can be sure of. */
export function differenceBounds(
	counts: Map<string, number | null>,
	lines: ReturnType<typeof linesOf>,
	maxError: number,
	threshold: number
): Map<string, [number, number]> {
	const range = new Map<string, [number, number]>();
	for (const [k, v] of counts)
		range.set(
			k,
			v === null ? [1, threshold - 1] : v === 0 ? [0, 0] : [Math.max(threshold, Math.ceil(v - maxError)), Math.floor(v + maxError)]
		);
	let moved = true;
	for (let round = 0; moved && round < 20; round++) {
		moved = false;
		for (const line of lines) {
			if (![line.total, ...line.parts].every((x) => range.has(x))) continue;
			const tighten = (x: string, low: number, high: number) => {
				const [a, b] = range.get(x)!;
				const next: [number, number] = [Math.max(a, low), Math.min(b, high)];
				if (next[0] !== a || next[1] !== b) {
					range.set(x, next);
					moved = true;
				}
			};
			const [tl, th] = range.get(line.total)!;
			const sumLow = line.parts.reduce((t, p) => t + range.get(p)![0], 0);
			const sumHigh = line.parts.reduce((t, p) => t + range.get(p)![1], 0);
			tighten(line.total, sumLow, sumHigh);
			for (const p of line.parts) {
				const [pl, ph] = range.get(p)!;
				tighten(p, tl - (sumHigh - ph), th - (sumLow - pl));
			}
		}
	}
	return range;
}

// ——— Differencing over time (issue 17): a group read before and after one known person joins it. ———

/** A seeded generator, so the data (and what an unprotected server gives away) is the same each run. */
export function prng(seed: number) {
	let s = seed >>> 0;
	return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

/** How people really rate (1..5): mostly in the middle, so guessing the group's mean is a fair
 *  baseline and clamping a noisy estimate to 1 or 5 is not a free win. */
export const REALISTIC_RATINGS = [0.1, 0.2, 0.35, 0.25, 0.1];

/** A rating drawn from `weights` over 1..5. */
export function ratingFrom(random: () => number, weights = REALISTIC_RATINGS): number {
	let u = random();
	for (let level = 1; level <= weights.length; level++) if ((u -= weights[level - 1]) < 0) return level;
	return weights.length;
}

export type Ratings = Record<string, { importance: number; confidence: number }>;
export const RATING_KINDS = ['importance', 'confidence'] as const;

/** Every competency's importance and confidence drawn from the realistic distribution. */
export const realisticRatings = (random: () => number): Ratings =>
	Object.fromEntries(competencies.map((c) => [c.code, { importance: ratingFrom(random), confidence: ratingFrom(random) }]));

/** What the attacker reads of a group: its needs means and, per competency × rating × level, the
 *  published percentage of raters (the ratings distribution). */
export interface GroupFigures {
	means: Record<string, { importance: number | null; confidence: number | null }>;
	/** `${competency}|${rating}|${level}` → percent (null when hidden). */
	percents: Map<string, number | null>;
}

export const levelKey = (competency: string, rating: string, level: number) => `${competency}|${rating}|${level}`;

/** The one-rating estimate from two means over n and n + 1 people: the difference of their sums. */
export const fromMeans = (before: number, after: number, n: number) => Math.min(5, Math.max(1, Math.round(after * (n + 1) - before * n)));

/** The level whose estimated count (percent × size) rose most between the two readings. */
export function fromLevels(before: GroupFigures, after: GroupFigures, competency: string, rating: string, n: number): number {
	let best = 0;
	let rise = -Infinity;
	for (let level = 1; level <= 5; level++) {
		const k = levelKey(competency, rating, level);
		const a = after.percents.get(k);
		const b = before.percents.get(k);
		if (a === null || a === undefined || b === null || b === undefined) continue;
		const r = (a / 100) * (n + 1) - (b / 100) * n;
		if (r > rise) {
			rise = r;
			best = level;
		}
	}
	return best;
}

/** Per-rating accuracy of the attack and of the baseline (each rating guessed as the group's mean
 *  before), over every rating of every victim. */
export interface Score {
	fromMeans: number;
	fromLevels: number;
	baseline: number;
	ratings: number;
}

export function scoreDifferencing(trials: Array<{ before: GroupFigures; after: GroupFigures; n: number; victim: Ratings }>): Score {
	let means = 0;
	let levels = 0;
	let baseline = 0;
	let ratings = 0;
	for (const { before, after, n, victim } of trials)
		for (const [competency, truth] of Object.entries(victim))
			for (const rating of RATING_KINDS) {
				const b = before.means[competency]?.[rating];
				const a = after.means[competency]?.[rating];
				ratings++;
				if (b !== null && b !== undefined && a !== null && a !== undefined) {
					if (fromMeans(b, a, n) === truth[rating]) means++;
					if (Math.round(b) === truth[rating]) baseline++;
				}
				if (fromLevels(before, after, competency, rating, n) === truth[rating]) levels++;
			}
	const pct = (x: number) => Math.round((1000 * x) / ratings) / 10;
	return { fromMeans: pct(means), fromLevels: pct(levels), baseline: pct(baseline), ratings };
}
