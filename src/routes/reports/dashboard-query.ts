// What the dashboard's address asks for, read the same way by the page and its CSV downloads, so a
// download holds exactly the figures on screen.
import type { BreakdownDimension } from '$pipelines/stages/breakdowns';

export const FILTERS = ['wave', 'region', 'sector', 'staffGroup', 'specialty'] as const;
export type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** The charts a two-way breakdown adds: shown beside the question that asked for them. */
export const BREAKDOWN_CHARTS = ['needs-two-way', 'success-measures-two-way'];

export function dashboardQuery(url: URL) {
	// Only the filters, and only those chosen: a form sent without script carries empty "All …" values.
	const filters = Object.fromEntries(FILTERS.map((f) => [f, url.searchParams.get(f) ?? '']).filter(([, v]) => v)) as Filters;
	// Typed as asked for; the procedure checks the words and says what is wrong.
	const breakdown = ['breakdown1', 'breakdown2'].map((k) => url.searchParams.get(k) ?? '') as BreakdownDimension[];
	// One of the pair without the other is not ignored: the picker says which is missing.
	const missing = breakdown[0] && !breakdown[1] ? 'breakdown2' : !breakdown[0] && breakdown[1] ? 'breakdown1' : null;
	const breakdownProblem = missing && {
		field: missing,
		message:
			missing === 'breakdown2'
				? 'Choose what the columns show, or choose “No breakdown” for the rows too'
				: 'Choose what the rows show, or choose “No breakdown” for the columns too'
	};
	const input = breakdown.every(Boolean) ? { ...filters, breakdown } : filters;
	return { filters, breakdown, breakdownProblem, input };
}
