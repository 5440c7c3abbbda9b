// Weights to the workforce, the estimation alone (docs/weighting.md): post-stratification within each
// region by staff group, a cell under MIN_WEIGHTING_CELL respondents pooled with others of its region
// (its staff-group family first), weights trimmed to WEIGHT_CAP_RATIO × the region's mean weight
// (Potter 1990), and Kish's effective sample size. Pure functions over cells whose counts are already
// protected: the weighting stage (stages/weighting.ts) queries, protects and words.

/** Cells with fewer respondents than this are pooled with others of their region before weighting:
 *  a weight from a handful of people lets them carry a large part of the figure (docs/weighting.md). */
export const MIN_WEIGHTING_CELL = 20;

/** No weight above this many times its region's mean weight; the excess is trimmed (docs/weighting.md). */
export const WEIGHT_CAP_RATIO = 3.5;

/** Staff groups close enough in role to stand in for each other when a cell is small: a trainee with
 *  the qualified group, technical and support staff together. A group in none stands alone. */
export const STAFF_GROUP_FAMILIES: readonly (readonly string[])[] = [
	['pharmacist', 'foundation_trainee_pharmacist'],
	['pharmacy_technician', 'trainee_pharmacy_technician', 'assistant_technical_officer', 'support_worker']
];

const familyOf = (staffGroup: string) => STAFF_GROUP_FAMILIES.find((f) => f.includes(staffGroup))?.[0] ?? staffGroup;

export interface Cell {
	region_code: string;
	staff_group: string;
	/** Workforce denominator; null when the reference data has none for this cell. */
	workforce: number | null;
	/** Respondents as published (null when suppressed). */
	respondents: number | null;
}

/** One or more region × staff group cells of one region, weighted as one. */
export interface WeightingCell<C extends Cell = Cell> {
	region_code: string;
	members: C[];
	workforce: number;
	/** Respondents as a published count of the weighting cell would be. */
	respondents: number;
	weight: number;
	/** Whether the weight was trimmed to its region's cap. */
	capped: boolean;
}

export interface RegionWeights<C extends Cell = Cell> {
	cells: WeightingCell<C>[];
	/** WEIGHT_CAP_RATIO × the region's mean weight; null when the region has no weighting cell. */
	cap: number | null;
	/** Cells with a workforce and too few respondents even pooled: their workforce is left out. */
	unrepresented: C[];
	/** Cells with respondents and no workforce figure: their respondents are left out. */
	withoutWorkforce: C[];
}

/** A pool's respondents as published: in the stage, its people's count perturbed by their own cell key
 *  and rounded, like any published count (null when 1 to 7). */
export type PoolCount<C extends Cell> = (members: C[]) => number | null;

export const cellKey = (region: string, staffGroup: string) => `${region}|${staffGroup}`;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
export const tooFew = (respondents: number | null) => (respondents ?? 0) < MIN_WEIGHTING_CELL;

/** Weights made within each region from its own cells only, so that a region's weighted figures do not
 *  depend on another region's cells (a regional planner must learn nothing of other regions' small
 *  cells, docs/disclosure.md). England's weights are every region's together. */
export function weightsWithinRegions<C extends Cell>(cells: C[], poolCount: PoolCount<C>): Map<string, RegionWeights<C>> {
	const regions = [...new Set(cells.map((c) => c.region_code))];
	return new Map(
		regions.map((r) => [
			r,
			regionWeights(
				cells.filter((c) => c.region_code === r),
				poolCount
			)
		])
	);
}

function regionWeights<C extends Cell>(cells: C[], poolCount: PoolCount<C>): RegionWeights<C> {
	const hasWorkforce = (c: C) => c.workforce !== null && c.workforce > 0;
	const withoutWorkforce = cells.filter((c) => !hasWorkforce(c) && c.respondents !== 0);
	const respondentsOf = (members: C[]) => (members.length === 1 ? members[0].respondents : poolCount(members));
	const { pools, unrepresented } = poolsOf(cells.filter(hasWorkforce), respondentsOf);
	const sized = pools.map((members) => ({
		members,
		workforce: sum(members.map((m) => m.workforce!)),
		respondents: respondentsOf(members)!
	}));
	if (sized.length === 0) return { cells: [], cap: null, unrepresented, withoutWorkforce };
	const cap = (WEIGHT_CAP_RATIO * sum(sized.map((s) => s.workforce))) / sum(sized.map((s) => s.respondents));
	const weights = trimmed(sized, cap);
	return {
		cells: sized.map((s, i) => ({ region_code: s.members[0].region_code, ...s, ...weights[i] })),
		cap,
		unrepresented,
		withoutWorkforce
	};
}

/** A region's weighting cells. A cell with MIN_WEIGHTING_CELL or more respondents stands alone. The
 *  smaller ones of a staff-group family are pooled; a pool still too small joins the family's smallest
 *  cell that stands alone (so the small cells are as large a part of their pool as can be), or, when the
 *  family has none, the region's other leftovers. A leftover pool still too small is not represented. */
function poolsOf<C extends Cell>(cells: C[], respondentsOf: (members: C[]) => number | null): { pools: C[][]; unrepresented: C[] } {
	const pools = cells.filter((c) => !tooFew(c.respondents)).map((c) => [c]);
	const small = cells.filter((c) => tooFew(c.respondents));
	const leftover: C[] = [];
	for (const family of new Set(small.map((c) => familyOf(c.staff_group)))) {
		const members = small.filter((c) => familyOf(c.staff_group) === family);
		const hosts = pools.filter(([c]) => familyOf(c.staff_group) === family).sort(([a], [b]) => a.respondents! - b.respondents!);
		if (!tooFew(respondentsOf(members))) pools.push(members);
		else if (hosts.length) hosts[0].push(...members);
		else leftover.push(...members);
	}
	if (leftover.length && !tooFew(respondentsOf(leftover))) return { pools: [...pools, leftover], unrepresented: [] };
	return { pools, unrepresented: leftover };
}

/** Weights N / n trimmed to `cap`: a weight above it is set to it and the excess spread over the other
 *  cells in proportion to their weighted totals, repeated until none is above it (weight trimming,
 *  Potter 1990; Kish 1992), so the region's weighted total is still its workforce. */
function trimmed(cells: Array<{ workforce: number; respondents: number }>, cap: number): Array<{ weight: number; capped: boolean }> {
	const total = sum(cells.map((c) => c.workforce));
	const capped = new Set<number>();
	for (;;) {
		const free = cells.map((_, i) => i).filter((i) => !capped.has(i));
		// Not every cell can reach the cap: that would make the total WEIGHT_CAP_RATIO times the workforce.
		const scale = (total - cap * sum([...capped].map((i) => cells[i].respondents))) / sum(free.map((i) => cells[i].workforce));
		const weightOf = (i: number) => (scale * cells[i].workforce) / cells[i].respondents;
		const over = free.filter((i) => weightOf(i) > cap);
		if (over.length === 0)
			return cells.map((_, i) => (capped.has(i) ? { weight: cap, capped: true } : { weight: weightOf(i), capped: false }));
		for (const i of over) capped.add(i);
	}
}

/** Kish's effective sample size, (Σw)² / Σw², over people: `n` people in each cell of weight `w`. */
export function kish(cells: Array<{ n: number; w: number }>): number | null {
	const sw = sum(cells.map((c) => c.n * c.w));
	const sw2 = sum(cells.map((c) => c.n * c.w * c.w));
	return sw2 > 0 ? (sw * sw) / sw2 : null;
}

/** One weighting cell's figure for one question: its base as published (null when hidden) and its
 *  share (a proportion) or mean, protected as a published figure would be. */
export interface CellFigure {
	base: number | null;
	value: number | null;
	weight: number;
}

/** A figure weighted, and unweighted from the very same cell figures with every person counted once,
 *  so that their difference is the weighting's alone; Kish's effective sample size over the same. */
export function combined(cells: CellFigure[]): { weighted: number | null; unweighted: number | null; ess: number | null } {
	const used = cells.filter((c) => c.base && c.value !== null) as Array<{ base: number; value: number; weight: number }>;
	const people = sum(used.map((c) => c.base));
	const weightedPeople = sum(used.map((c) => c.weight * c.base));
	return {
		weighted: weightedPeople > 0 ? sum(used.map((c) => c.weight * c.base * c.value)) / weightedPeople : null,
		unweighted: people > 0 ? sum(used.map((c) => c.base * c.value)) / people : null,
		ess: kish(used.map((c) => ({ n: c.base, w: c.weight })))
	};
}
