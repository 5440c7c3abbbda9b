// What a planner of one scope may see of the published tables: one rule for the dashboard, the batch
// reports with their chart files, and the runs list (docs/disclosure.md, "What a regional planner sees").
// England's planners see every row. A regional planner sees their own region's rows and, of England,
// only whether their region is above, below or not different from the rest of England, in words, and
// only for the region as a whole: under a filter the rest of England may be a handful of people in
// other regions, and even the presence of a verdict would say so.
import { ENGLAND } from '../core/reference';
import type { PublishedTable } from '../core/context';

/** Tables whose point is to set the regions side by side: England's planners see every region's rows. */
const EVERY_REGION_FOR_ENGLAND = new Set(['region_against_england', 'weights_by_region_staff_group', 'coverage_by_region_staff_group']);

/** region_against_england's figures of England and the rest of England, withheld from regional planners. */
export const ENGLAND_SIDE = [
	'england_value',
	'rest_of_england_value',
	'rest_of_england_base',
	'difference_from_rest',
	'ci_low',
	'ci_high'
] as const;

export interface View {
	/** England (E92000001) or one region's ONS code. */
	scope: string;
	/** Whether a sector, staff group or specialty narrows the figures. */
	filtered: boolean;
}

/** One table as a planner of `view.scope` may see it. */
export function tableForPlanner(table: PublishedTable, { scope, filtered }: View): PublishedTable {
	if (!('region_code' in table.columns)) return table;
	if (scope === ENGLAND.code)
		return EVERY_REGION_FOR_ENGLAND.has(table.name) ? table : { ...table, rows: table.rows.filter((r) => r.region_code === scope) };
	const rows = table.rows.filter((r) => r.region_code === scope);
	if (table.name !== 'region_against_england') return { ...table, rows };
	const withheld = Object.fromEntries(ENGLAND_SIDE.map((k) => [k, null]));
	return { ...table, rows: rows.map((r) => ({ ...r, ...withheld, ...(filtered && { against_england: null }) })) };
}

export const tablesForPlanner = (tables: PublishedTable[], view: View) => tables.map((t) => tableForPlanner(t, view));

/** Whether a planner may open a file of a batch run: a regional planner, their own region's report
 *  and chart files only; everyone else, every file. */
export const mayOpenRunFile = ({ role, region }: { role: string; region: string | null }, file: string) =>
	role !== 'regional' || file.startsWith(`regions/${region}/`) || file.startsWith(`charts/${region}-`);

/** The note a regional planner's region-against-England table carries under a filter. */
export const NO_VERDICT_UNDER_FILTERS =
	'Against England is shown for the region as a whole only: with a filter, the rest of England can be a few people in other regions.';
