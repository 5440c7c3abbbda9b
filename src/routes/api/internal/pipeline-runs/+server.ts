// Internal, loopback only: the pipeline CLI records its runs in pipeline_runs through the server,
// which holds the database.
import { error, json, type RequestHandler } from '@sveltejs/kit';
import { survey } from '$lib/server/survey';
import { authoriseInternal } from '$lib/server/pipeline';
import { databaseRecorder, runRecordSchema } from '../../../../../pipelines/runs';

export const POST: RequestHandler = async ({ request, getClientAddress }) => {
	if (!authoriseInternal(request, getClientAddress())) error(403, 'Forbidden');
	const parsed = runRecordSchema.safeParse(await request.json().catch(() => null));
	if (!parsed.success) error(400, 'Not a pipeline run record');
	const { db } = await survey();
	await databaseRecorder(db).record(parsed.data);
	return json({ ok: true });
};
