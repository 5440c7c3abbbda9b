import { error } from '@sveltejs/kit';
import { signedIn } from '$lib/server/auth/guard';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { survey } from '$lib/server/survey';
import type { PageServerLoad } from './$types';

/** A run's published files, as far as the planner's role allows (the same rule as the file route). */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { role, region } = signedIn(locals, url);
	if (!/^[0-9TZ]+-[0-9a-f]+$/.test(params.runId)) error(404, 'No such run');
	let manifest: { runId: string; wave: { id: string; label: string } | string; respondents: number; threshold: number; files: string[] };
	try {
		manifest = JSON.parse(await readFile(join((await survey()).config.PIPELINE_OUT, params.runId, 'manifest.json'), 'utf8'));
	} catch {
		error(404, 'No such run, or it did not finish');
	}
	const allowed = (file: string) => role !== 'regional' || file.startsWith(`regions/${region}/`) || file.startsWith(`charts/${region}-`);
	return {
		runId: params.runId,
		wave: typeof manifest.wave === 'string' ? manifest.wave : manifest.wave.label,
		respondents: role === 'regional' ? null : manifest.respondents,
		threshold: manifest.threshold,
		files: manifest.files.filter(allowed).sort()
	};
};
