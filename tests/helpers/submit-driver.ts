// A separate process that submits complete responses to a server as fast as `clients` loops can,
// printing one JSON line per outcome: {"ack": id, "seed", "receipt"} or {"fail": id, "seed"}.
// Run: node --import tsx tests/helpers/submit-driver.ts URL CLIENTS FIRST_SEED
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { completeAnswers } from '../../bench/kit/answers';

const [url, clients = '16', firstSeed = '0'] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: Number(clients) });
let seed = Number(firstSeed);
let failures = 0;

function submit(id: string, s: number): Promise<string | null> {
	return new Promise((resolve) => {
		const body = JSON.stringify({ submissionId: id, answers: completeAnswers(s) });
		const req = request(
			{
				agent,
				hostname,
				port,
				path: '/api/trpc/survey.submit',
				method: 'POST',
				headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
			},
			(res) => {
				let text = '';
				res.on('data', (d) => (text += d));
				res.on('end', () => resolve(res.statusCode === 200 ? (JSON.parse(text).result.data.receipt as string) : null));
				res.on('error', () => resolve(null));
			}
		);
		req.on('error', () => resolve(null));
		req.end(body);
	});
}

// Stops by itself once the server has gone away for good (bounded: at most 200 failures).
await Promise.all(
	Array.from({ length: Number(clients) }, async () => {
		while (failures < 200) {
			const id = randomUUID();
			const s = seed++;
			const receipt = await submit(id, s);
			if (receipt) process.stdout.write(`${JSON.stringify({ ack: id, seed: s, receipt })}\n`);
			else {
				failures++;
				process.stdout.write(`${JSON.stringify({ fail: id, seed: s })}\n`);
			}
		}
	})
);
agent.destroy();
