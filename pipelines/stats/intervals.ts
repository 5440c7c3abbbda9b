// Intervals for a difference between two independent groups (docs/intervals.md): Newcombe's hybrid
// score interval for proportions and Welch's interval for means, with the Student t quantile Welch
// needs (written here and tested against tables rather than adding a dependency for one function);
// and the delta-method interval for a needs score (MWDS, docs/needs-assessment.md).
import { wilson } from './wilson';

export interface Interval {
	difference: number;
	low: number;
	high: number;
}

const Z95 = 1.959963984540054;

/** Newcombe (1998) method 10: 95% interval for p1 − p2 from the two Wilson score intervals.
 *  Null when either group has no one in it. */
export function newcombe(x1: number, n1: number, x2: number, n2: number, z = Z95): Interval | null {
	const w1 = wilson(x1, n1, z);
	const w2 = wilson(x2, n2, z);
	if (!w1 || !w2) return null;
	const p1 = x1 / n1;
	const p2 = x2 / n2;
	const difference = p1 - p2;
	return {
		difference,
		low: difference - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2),
		high: difference + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2)
	};
}

/** ln Γ(x) for x > 0: Lanczos approximation (g = 7, 9 terms), accurate to about 15 digits. */
function logGamma(x: number): number {
	const c = [
		0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
		-0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
	];
	if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
	x -= 1;
	let a = c[0];
	const t = x + 7.5;
	for (let i = 1; i < 9; i++) a += c[i] / (x + i);
	return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz; Press et al., Numerical Recipes, 6.4). */
function betaFraction(a: number, b: number, x: number): number {
	const tiny = 1e-300;
	let c = 1;
	let d = 1 - ((a + b) * x) / (a + 1);
	if (Math.abs(d) < tiny) d = tiny;
	d = 1 / d;
	let h = d;
	for (let m = 1; m <= 300; m++) {
		const m2 = 2 * m;
		let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		const step = d * c;
		h *= step;
		if (Math.abs(step - 1) < 1e-15) break;
	}
	return h;
}

/** Regularised incomplete beta I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
	if (x <= 0) return 0;
	if (x >= 1) return 1;
	const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
	// The fraction converges quickly on this side of the mean; use the symmetry relation on the other.
	return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** Student t distribution function with `df` degrees of freedom (df may be fractional, as Welch's is). */
export function studentTCdf(t: number, df: number): number {
	const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
	return t >= 0 ? 1 - tail : tail;
}

/** Student t density with `df` degrees of freedom. */
const studentTDensity = (t: number, df: number) =>
	Math.exp(logGamma((df + 1) / 2) - logGamma(df / 2) - ((df + 1) / 2) * Math.log1p((t * t) / df)) / Math.sqrt(df * Math.PI);

/** Student t quantile: the t with P(T ≤ t) = p. Newton's method on the distribution function, kept
 *  inside a bracket that only narrows, with a halving whenever a step would leave it: as sure as
 *  bisection, and about ten times fewer evaluations of the distribution function (a dashboard view
 *  asks for a hundred quantiles). */
export function studentTQuantile(p: number, df: number): number {
	if (!(p > 0 && p < 1) || !(df > 0)) throw new Error(`Student t quantile needs 0 < p < 1 and df > 0 (got p = ${p}, df = ${df})`);
	if (p === 0.5) return 0;
	if (p < 0.5) return -studentTQuantile(1 - p, df);
	let low = 0;
	let high = 1;
	while (studentTCdf(high, df) < p) high *= 2;
	let t = (low + high) / 2;
	for (let i = 0; i < 200; i++) {
		const error = studentTCdf(t, df) - p;
		if (error === 0) return t;
		if (error < 0) low = t;
		else high = t;
		const newton = t - error / studentTDensity(t, df);
		const next = newton > low && newton < high ? newton : (low + high) / 2;
		if (Math.abs(next - t) <= 1e-14 * Math.max(1, t)) return next;
		t = next;
	}
	return t;
}

export interface WelchInterval extends Interval {
	/** Welch–Satterthwaite degrees of freedom. */
	df: number;
	standardError: number;
}

/** Welch's 95% interval for mean1 − mean2 from each group's mean, sample standard deviation (divisor
 *  n − 1) and size. Null when a group has fewer than 2 people (no variance to speak of). */
export function welch(mean1: number, sd1: number, n1: number, mean2: number, sd2: number, n2: number, level = 0.95): WelchInterval | null {
	if (!(n1 >= 2 && n2 >= 2) || !(sd1 >= 0 && sd2 >= 0)) return null;
	const v1 = (sd1 * sd1) / n1;
	const v2 = (sd2 * sd2) / n2;
	const difference = mean1 - mean2;
	const standardError = Math.sqrt(v1 + v2);
	// With no spread in either group the difference is known exactly; df is then n1 + n2 − 2 by convention.
	if (standardError === 0) return { difference, low: difference, high: difference, df: n1 + n2 - 2, standardError };
	const df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1));
	const t = studentTQuantile(1 - (1 - level) / 2, df);
	return { difference, low: difference - t * standardError, high: difference + t * standardError, df, standardError };
}

/** Standard deviation with divisor n (√(mean of squares − mean²), a negative difference from noise
 *  taken as 0), as disclosure control derives it from two noisy means. */
export const populationSd = (mean: number | null, meanOfSquares: number | null): number | null =>
	mean === null || meanOfSquares === null ? null : Math.sqrt(Math.max(0, meanOfSquares - mean * mean));

/** The sample standard deviation (divisor n − 1) Welch's interval takes, from one with divisor n. */
export const sampleSd = (populationSd: number, n: number): number | null => (n >= 2 ? populationSd * Math.sqrt(n / (n - 1)) : null);

/** Means, variances and covariance (divisor n − 1) of importance and confidence over the same n people. */
export interface RatingMoments {
	n: number;
	importance: number;
	confidence: number;
	importanceVariance: number;
	confidenceVariance: number;
	covariance: number;
}

/** What an MWDS can be with both ratings on 1–5: (I − C) × I runs from (2.5 − 5) × 2.5 = −6.25 to (5 − 1) × 5 = 20. */
export const MWDS_RANGE = { low: -6.25, high: 20 } as const;

export interface MwdsInterval {
	mwds: number;
	low: number;
	high: number;
	standardError: number;
}

/** 95% interval for MWDS = (I − C) × I by the delta method (Casella and Berger, Statistical Inference,
 *  2nd ed., 2002, §5.5.4): with the gradient (a, b) = (2I − C, −I), the sampling variance is
 *  (a²·var I + b²·var C + 2ab·cov) / n. The disclosure noise on each mean (sd `meanNoiseSd`, drawn
 *  independently for the two) adds (a² + b²)·meanNoiseSd². Centred on the published `mwds`; the
 *  limits are held to what an MWDS can be (MWDS_RANGE), never so as to leave out `mwds` itself.
 *  Null below 2 people (no variance to speak of). */
export function mwdsInterval(mwds: number, m: RatingMoments, meanNoiseSd = 0, z = Z95): MwdsInterval | null {
	if (!(m.n >= 2)) return null;
	const a = 2 * m.importance - m.confidence;
	const b = -m.importance;
	// Moments from noisy sums need not make a valid covariance matrix: a negative variance counts as none.
	const sampling = Math.max(0, a * a * m.importanceVariance + b * b * m.confidenceVariance + 2 * a * b * m.covariance) / m.n;
	const standardError = Math.sqrt(sampling + (a * a + b * b) * meanNoiseSd ** 2);
	const low = Math.min(mwds, Math.max(MWDS_RANGE.low, mwds - z * standardError));
	const high = Math.max(mwds, Math.min(MWDS_RANGE.high, mwds + z * standardError));
	return { mwds, low, high, standardError };
}

export type Direction = 'increase' | 'decrease' | 'no clear change';

/** The change in words: an interval wholly above 0 is an increase, wholly below a decrease. */
export const changeInWords = (i: Pick<Interval, 'low' | 'high'> | null): Direction | null =>
	i === null ? null : i.low > 0 ? 'increase' : i.high < 0 ? 'decrease' : 'no clear change';
