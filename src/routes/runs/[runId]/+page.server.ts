import { error } from '@sveltejs/kit';
import { signedIn } from '$lib/server/auth/guard';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { survey } from '$lib/server/survey';
import { ENGLAND, regionName, waveLabel } from '$pipelines/core/reference';
import { mayOpenRunFile } from '$pipelines/disclosure/planner-view';
import { filesByReport } from './files-by-report';
import type { PageServerLoad } from './$types';

interface Manifest {
	runId: string;
	wave: { id: string; label: string } | string;
	startedAt?: string;
	respondents: number | null;
	threshold: number;
	files: string[];
	pdf?: { made: boolean; reason?: string };
}

/** Which place a file is about, named: "London (E40000003)", from its folder or chart prefix. */
function placeOf(file: string): string | null {
	const code =
		/^regions\/(E\d{8})\//.exec(file)?.[1] ?? /^charts\/(E\d{8})-/.exec(file)?.[1] ?? (file.startsWith('national/') ? ENGLAND.code : null);
	return code ? `${regionName(code)} (${code})` : null;
}

/** A run's published files, as far as the planner's role allows (the same rule as the file route). */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const user = signedIn(locals, url);
	const { role } = user;
	if (!/^[0-9TZ]+-[0-9a-f]+$/.test(params.runId)) error(404, 'No such run');
	let manifest: Manifest;
	try {
		manifest = JSON.parse(await readFile(join((await survey()).config.PIPELINE_OUT, params.runId, 'manifest.json'), 'utf8'));
	} catch {
		error(404, 'No such run, or it did not finish');
	}
	const files = manifest.files.filter((file) => mayOpenRunFile(user, file)).sort();
	const reports = files
		.filter((f) => f.endsWith('/index.html'))
		.map((html) => ({
			html,
			place: placeOf(html)!,
			pdf: files.includes(html.replace(/index\.html$/, 'report.pdf')) ? html.replace(/index\.html$/, 'report.pdf') : null
		}))
		// England first, then the regions by name.
		.sort((a, b) => (a.html.startsWith('national/') ? -1 : b.html.startsWith('national/') ? 1 : a.place.localeCompare(b.place)));
	return {
		runId: params.runId,
		// One spelling of a wave in what people read: 2025/26, whatever the manifest holds.
		wave: waveLabel(typeof manifest.wave === 'string' ? manifest.wave : manifest.wave.id),
		publishedAt: manifest.startedAt ?? startOf(params.runId),
		respondents: role === 'regional' ? null : manifest.respondents,
		threshold: manifest.threshold,
		reports,
		// Runs from before PDFs were offered say nothing about them.
		pdfProblem: manifest.pdf && !manifest.pdf.made ? (manifest.pdf.reason ?? 'PDFs were not made in this run.') : null,
		groups: filesByReport(files.filter((f) => !f.endsWith('/index.html') && !f.endsWith('/report.pdf')))
	};
};

/** A run id starts with the time it started (20260812T0930Z…): the date for runs whose manifest has none. */
function startOf(runId: string): string | null {
	const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})/.exec(runId);
	return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00Z` : null;
}
