import type { Chart } from '$pipelines/charts';
import { SUPPRESSED_MARK } from '$pipelines/core/figures';
import { csvOf } from '$lib/csv';

/** A chart's table as CSV (formula cells neutralised), headed as on screen, hidden figures marked as on screen. */
export function chartCsv(table: Chart['table']): string {
	const headings = table.columns.map((c) => c.heading);
	const cell = (r: Chart['table']['rows'][number], key: string) => (r[key] === null && r.suppressed ? SUPPRESSED_MARK : r[key]);
	return csvOf(
		headings,
		table.rows.map((r) => Object.fromEntries(table.columns.map((c) => [c.heading, cell(r, c.key)])))
	);
}
