// The cell key method (ONS for Census 2021 custom datasets; ABS TableBuilder): every response gets a
// random record key (0–255) when stored; a cell's key is the sum of its records' keys modulo 256, so
// the same set of people always has the same key however a query reaches it, and sets that differ
// by one person have unrelated keys. The perturbation table (data/reference/perturbation-table.csv)
// turns (count, cell key) into a small, zero-mean noise. Sums behind means and shares get Gaussian
// noise sized by the most one person can move them (the Gaussian mechanism of differential privacy),
// keyed on the whole group, so that a group with one more person looks much like one without them.
// Method, parameters and a worked example: docs/disclosure.md.
import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseCsv } from '../core/csv';
import { REFERENCE_DIR } from '../core/reference';

/** Record keys run from 0 to KEY_RANGE − 1; cell keys are sums modulo KEY_RANGE. */
export const KEY_RANGE = 256;

export interface PerturbationRow {
	count: number;
	perturbation: number;
	keyFrom: number;
	keyTo: number;
}

export interface PerturbationTable {
	rows: PerturbationRow[];
	/** The largest perturbation either way: published counts are within this of the truth before rounding. */
	maxPerturbation: number;
	/** The perturbation of each listed count, by cell key (the rows unrolled, for lookups per figure). */
	byCount: Map<number, Int8Array>;
	largestCount: number;
}

const rowSchema = z.object({
	count: z.number().int().min(0),
	perturbation: z.number().int(),
	keyFrom: z
		.number()
		.int()
		.min(0)
		.max(KEY_RANGE - 1),
	keyTo: z
		.number()
		.int()
		.min(0)
		.max(KEY_RANGE - 1)
});

/** Reads and checks a perturbation table: every listed count must map every key to exactly one row. */
export function parsePerturbationTable(csv: string): PerturbationTable {
	const [header, ...body] = parseCsv(csv, { comments: true });
	if (header?.fields.join(',') !== 'count,perturbation,key_from,key_to')
		throw new Error('A perturbation table starts with the header count,perturbation,key_from,key_to');
	const rows = body.map(({ line, fields }) => {
		const [count, perturbation, keyFrom, keyTo] = fields.map(Number);
		const parsed = rowSchema.safeParse({ count, perturbation, keyFrom, keyTo });
		if (!parsed.success) throw new Error(`Perturbation table line ${line}: expected whole numbers, keys from 0 to ${KEY_RANGE - 1}`);
		return parsed.data;
	});
	for (const count of new Set(rows.map((r) => r.count))) {
		const covered = rows.filter((r) => r.count === count).sort((a, b) => a.keyFrom - b.keyFrom);
		let next = 0;
		for (const r of covered) {
			if (r.keyFrom !== next || r.keyTo < r.keyFrom)
				throw new Error(`Perturbation table: the keys for count ${count} must run from 0 to ${KEY_RANGE - 1} without gaps or overlaps`);
			next = r.keyTo + 1;
		}
		if (next !== KEY_RANGE) throw new Error(`Perturbation table: the keys for count ${count} must run from 0 to ${KEY_RANGE - 1}`);
	}
	const byCount = new Map<number, Int8Array>();
	for (const r of rows) {
		const keys = byCount.get(r.count) ?? byCount.set(r.count, new Int8Array(KEY_RANGE)).get(r.count)!;
		keys.fill(r.perturbation, r.keyFrom, r.keyTo + 1);
	}
	return {
		rows,
		maxPerturbation: Math.max(...rows.map((r) => Math.abs(r.perturbation))),
		byCount,
		largestCount: Math.max(...byCount.keys())
	};
}

export const PERTURBATION_TABLE_CSV = `${REFERENCE_DIR}perturbation-table.csv`;

export const loadPerturbationTable = (path = PERTURBATION_TABLE_CSV) => parsePerturbationTable(readFileSync(path, 'utf8'));

/** A cell's key from the sum of its records' keys. */
export const cellKey = (keySum: number) => ((keySum % KEY_RANGE) + KEY_RANGE) % KEY_RANGE;

/** The perturbation the table gives a cell of `count` people with key sum `keySum`. */
export function perturbationOf(table: PerturbationTable, count: number, keySum: number): number {
	// The row of the count itself, else of the largest listed count below it (the last applies to all above).
	let row = Math.min(count, table.largestCount);
	while (row > 0 && !table.byCount.has(row)) row--;
	return table.byCount.get(row)?.[cellKey(keySum)] ?? 0;
}

/** A standard normal draw, truncated at ±NOISE_TRUNCATION, fixed by what is summed (`variable`) and
 *  the set of people summed over (its full key sum and size): the same sum over the same people is
 *  always published the same way, and any change of people draws afresh. Continuous, so a published
 *  mean carries no trace of its sum being a whole number. Box–Muller over a SHA-256 digest; a draw
 *  beyond the truncation is drawn again from the next digest, which keeps the hard error bounds
 *  of docs/disclosure.md. */
export function standardNoise(variable: string, keySum: number, count: number): number {
	const key = `${variable}|${keySum}|${count}`;
	drawn ??= new LRUCache<string, number>({ max: 200_000 });
	let z = drawn.get(key);
	if (z === undefined) drawn.set(key, (z = draw(key)));
	return z;
}

/** Draws already made: the same group's figures come again from view to view and table to table (a
 *  region's figures in the national planner's view and in the regional planner's, England's in the
 *  success measures and in the region comparison): three draws in four of the dashboard benchmark's.
 *  Made with the first draw, as it sets aside room for all its entries (30 ms), and the server and
 *  the CLI load this module to start. */
let drawn: LRUCache<string, number> | undefined;

function draw(key: string): number {
	for (let attempt = 0; ; attempt++) {
		// crypto.hash: the same digest as createHash's, in one call (a dashboard view draws thousands).
		const digest = hash('sha256', `${key}|${attempt}`, 'buffer');
		const u1 = (digest.readUInt32BE(0) + 0.5) / 2 ** 32;
		const u2 = digest.readUInt32BE(4) / 2 ** 32;
		const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
		if (Math.abs(z) <= NOISE_TRUNCATION) return z;
	}
}

/** Noise draws beyond this many standard deviations are drawn again: every published sum is within
 *  NOISE_TRUNCATION × its noise's standard deviation of the truth. */
export const NOISE_TRUNCATION = 4;

/** The most one person can move a sum of 1–5 ratings (a rating of 1 against one of 5). */
export const RATING_SENSITIVITY = 4;

/** The middle of the 1–5 scale. Squares and products of ratings are summed about it, which keeps
 *  what one person adds small: (x − 3)² lies in 0–4, (i − 3)(c − 3) in −4 to 4. */
export const RATING_MIDPOINT = 3;

/** The most one person can move a sum of squares about the middle, Σ(x − 3)²: 4 (0 against 4). */
export const SQUARE_SENSITIVITY = 4;

/** The most one person can move a sum of products about the middle, Σ(i − 3)(c − 3): 8 (−4 against 4). */
export const PRODUCT_SENSITIVITY = 8;

/** Moments that only size an MWDS interval (importance squared, importance × confidence) take twice
 *  the noise: each then costs a quarter of a mean's privacy (ρ = 1/8 against 1/2), and the interval's
 *  coverage barely moves, since their noise enters its width only (docs/needs-assessment.md). */
export const MOMENT_NOISE_MULTIPLIER = 2;

/** The most one person can move the counts of a group's answers: changing their answer takes one
 *  from one count and adds one to another (the L1 sensitivity of a distribution). A share's
 *  numerator, a rating level's count and an option's count all carry noise sized by it. */
export const ANSWER_SENSITIVITY = 2;

/** Noise for the sum of `variable` over a set of people: a Gaussian of standard deviation
 *  `scale` × `sensitivity` (the most one person can move the sum), keyed as standardNoise. */
export const sumNoise = (variable: string, keySum: number, count: number, sensitivity: number, scale: number) =>
	scale * sensitivity * standardNoise(variable, keySum, count);
