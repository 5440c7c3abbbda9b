// Internal, loopback only: a consistent Parquet snapshot of the responses for the pipeline CLI.
import { error, type RequestHandler } from '@sveltejs/kit';
import { survey } from '$lib/server/survey';
import { authoriseInternal } from '$lib/server/pipeline';
import { parquetSnapshot } from '../../../../../pipelines/server-snapshot';

export const GET: RequestHandler = async ({ request, getClientAddress }) => {
	if (!authoriseInternal(request, getClientAddress())) error(403, 'Forbidden');
	const { db } = await survey();
	const snapshot = await parquetSnapshot(db.instance);
	return new Response(new Uint8Array(snapshot.parquet), {
		headers: { 'content-type': 'application/vnd.apache.parquet', 'x-pipeline-waves': encodeURIComponent(JSON.stringify(snapshot.waves)) }
	});
};
