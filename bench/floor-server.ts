// The floor for the submit benchmark: a bare node:http handler doing the same validation (the
// instrument's zod schema) and the same durable insert (ResponseStore's group commit), nothing else.
import { createServer } from 'node:http';
import { instrument } from '../src/lib/instrument/survey';
import { canonicalAnswers } from '../src/lib/instrument/questions';
import { submitInput } from '../src/lib/server/trpc/routers/survey';
import { loadConfig } from '../src/lib/server/env';
import { startSurvey } from '../src/lib/server/survey';

const services = await startSurvey(loadConfig({ ...process.env, DATABASE_PATH: process.env.DATABASE_PATH }));

createServer((req, res) => {
	const chunks: Buffer[] = [];
	req.on('data', (c: Buffer) => chunks.push(c));
	req.on('end', async () => {
		try {
			const parsed = submitInput.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
			if (!parsed.success) {
				res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: parsed.error.issues }));
				return;
			}
			const receipt = await services.responses.submit(parsed.data.submissionId, canonicalAnswers(instrument, parsed.data.answers));
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: { data: receipt } }));
		} catch (error) {
			res.writeHead(500).end(String(error));
		}
	});
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`Listening on http://127.0.0.1:${process.env.PORT}`));
