// One dashboard chart's table as a CSV download: a plain link, so it works without JavaScript. The
// figures come from the same procedure as the page (same queue, same disclosure control), for the
// same filters, headed as on screen with hidden figures marked as on screen.
import { error } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { refusalStatus } from '$lib/server/trpc/status';
import { signedIn } from '$lib/server/auth/guard';
import { callerFor } from '$lib/server/trpc/caller';
import { chartCsv } from '$lib/components/charts/chart-csv';
import { dashboardQuery } from '../dashboard-query';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	signedIn(event.locals, event.url);
	const { filters, input } = dashboardQuery(event.url);
	const { caller } = await callerFor(event);
	let dashboard;
	try {
		dashboard = await caller.reports.dashboard(input);
	} catch (problem) {
		const status = refusalStatus(problem);
		if (status) error(status, (problem as TRPCError).message);
		throw problem;
	}
	const chart = dashboard.charts.find((c) => c.id === event.url.searchParams.get('chart'));
	if (!chart) error(404, 'There is no chart of that name for these filters');
	const file = [dashboard.region.code, dashboard.wave.id, filters.sector, filters.staffGroup, filters.specialty, chart.id]
		.filter(Boolean)
		.join('-');
	return new Response(chartCsv(chart.table), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${file}.csv"`,
			'cache-control': 'no-store'
		}
	});
};
