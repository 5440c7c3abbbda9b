// The cell key method (ONS for Census 2021 custom datasets; ABS TableBuilder): every response gets a
// random record key (0–255) when stored; a cell's key is the sum of its records' keys modulo 256, so
// the same set of people always has the same key however a query reaches it, and sets that differ
// by one person have unrelated keys. The perturbation table (data/reference/perturbation-table.csv)
// turns (count, cell key) into a small, zero-mean noise. Sums behind means get a uniform noise of
// width 1 from the same key, which leaves no whole-number trace for a published mean to betray.
// Method, parameters and a worked example: docs/disclosure.md.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseCsv } from './import';
import { REFERENCE_DIR } from './reference';

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

const rowSchema = z.object({ count: z.number().int().min(0), perturbation: z.number().int(), keyFrom: z.number().int().min(0).max(KEY_RANGE - 1), keyTo: z.number().int().min(0).max(KEY_RANGE - 1) });

/** Reads and checks a perturbation table: every listed count must map every key to exactly one row. */
export function parsePerturbationTable(csv: string): PerturbationTable {
	const [header, ...body] = parseCsv(csv, { comments: true });
	if (header?.fields.join(',') !== 'count,perturbation,key_from,key_to') throw new Error('A perturbation table starts with the header count,perturbation,key_from,key_to');
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
			if (r.keyFrom !== next || r.keyTo < r.keyFrom) throw new Error(`Perturbation table: the keys for count ${count} must run from 0 to ${KEY_RANGE - 1} without gaps or overlaps`);
			next = r.keyTo + 1;
		}
		if (next !== KEY_RANGE) throw new Error(`Perturbation table: the keys for count ${count} must run from 0 to ${KEY_RANGE - 1}`);
	}
	const byCount = new Map<number, Int8Array>();
	for (const r of rows) {
		const keys = byCount.get(r.count) ?? byCount.set(r.count, new Int8Array(KEY_RANGE)).get(r.count)!;
		keys.fill(r.perturbation, r.keyFrom, r.keyTo + 1);
	}
	return { rows, maxPerturbation: Math.max(...rows.map((r) => Math.abs(r.perturbation))), byCount, largestCount: Math.max(...byCount.keys()) };
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

/** Noise in [−0.5, 0.5) for the sum of `variable` over a set of records: fixed by the variable and
 *  the set's full key sum, so the same sum is always published the same way. Width 1 is what makes
 *  (sum + noise) as likely to lie anywhere between two whole numbers as anywhere else. */
export function sumNoise(variable: string, keySum: number, count: number): number {
	const digest = createHash('sha256').update(`${variable}|${keySum}|${count}`).digest();
	return digest.readUInt32BE(0) / 2 ** 32 - 0.5;
}
