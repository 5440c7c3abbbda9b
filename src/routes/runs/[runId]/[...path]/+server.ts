// A published run's files, for signed-in planners. Regional planners get only their region's report
// and charts: the national report and the tables hold every region's figures.
import { error } from '@sveltejs/kit';
import { signedIn } from '$lib/server/auth/guard';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { survey } from '$lib/server/survey';
import { audit } from '$lib/server/auth/audit';
import { ENGLAND, regionName } from '$pipelines/core/reference';
import { mayOpenRunFile } from '$pipelines/disclosure/planner-view';
import type { RequestHandler } from './$types';

const TYPES: Record<string, string> = {
	html: 'text/html; charset=utf-8',
	svg: 'image/svg+xml',
	json: 'application/json',
	csv: 'text/csv; charset=utf-8',
	parquet: 'application/vnd.apache.parquet',
	pdf: 'application/pdf'
};

/** A downloaded file's name: a report's PDF is named after its place (…-london.pdf), not "report.pdf". */
function downloadName(path: string): string {
	const scope = /^regions\/(E\d{8})\/report\.pdf$/.exec(path)?.[1] ?? (path === 'national/report.pdf' ? ENGLAND.code : null);
	return scope
		? `pharmacy-genomics-workforce-needs-${regionName(scope)
				.toLowerCase()
				.replace(/[^a-z0-9]+/g, '-')}.pdf`
		: path.split('/').pop()!;
}

export const GET: RequestHandler = async ({ locals, params, url }) => {
	const user = signedIn(locals, url);
	const path = normalize(params.path);
	if (!/^[0-9TZ]+-[0-9a-f]+$/.test(params.runId) || path.startsWith('..') || path.startsWith('/') || path.includes('\0'))
		error(404, 'No such file');
	if (!mayOpenRunFile(user, path)) error(403, 'Your account can open your own region’s report only');
	const type = TYPES[path.split('.').pop() ?? ''];
	if (!type) error(404, 'No such file');
	const services = await survey();
	let body: Buffer;
	try {
		body = await readFile(join(services.config.PIPELINE_OUT, params.runId, path));
	} catch {
		error(404, 'No such file in that run');
	}
	// Downloads of the tables behind the reports are exports: the audit log records each.
	if (path.startsWith('tables/')) await audit(services.db, user.email, 'table_exported', { runId: params.runId, file: path });
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': type,
			// Reports are self-contained: inline SVG and styles, no script at all.
			'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
			...(type === TYPES.html || type === TYPES.svg ? {} : { 'content-disposition': `attachment; filename="${downloadName(path)}"` })
		}
	});
};
