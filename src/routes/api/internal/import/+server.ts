// Internal, loopback only: the pipeline CLI's import stores rows through the server (the single
// writer). Rows are validated again here; submission ids are deterministic, so a repeat stores nothing.
import { error, json, type RequestHandler } from '@sveltejs/kit';
import { survey } from '$lib/server/survey';
import { authoriseInternal } from '$lib/server/pipeline';
import { importRequestSchema, storeImported } from '../../../../../pipelines/import';

export const POST: RequestHandler = async ({ request, getClientAddress }) => {
	if (!authoriseInternal(request, getClientAddress())) error(403, 'Forbidden');
	const parsed = importRequestSchema.safeParse(await request.json().catch(() => null));
	if (!parsed.success) error(400, parsed.error.issues.map((i) => i.message).join('; ').slice(0, 500));
	const { db, responses } = await survey();
	return json(await storeImported(db, responses, parsed.data.rows));
};
