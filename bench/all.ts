// npm run bench: runs every benchmark (submit at 16, 64 and 256 clients beside the node:http floor,
// the pipeline at 100,000 and 1,000,000 responses, the dashboard) and rewrites BENCHMARKS.md with
// their figures, the machine and the commands.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

interface Bench {
	title: string;
	command: string;
	args: string[];
	about: string;
}

const BENCHES: Bench[] = [
	{
		title: 'Submit',
		command: 'npm run bench:submit -- --clients 16,64,256 --seconds 10',
		args: ['bench/submit.ts', '--clients', '16,64,256', '--seconds', '10'],
		about:
			'Starts the built server with a fresh DuckDB file; N keep-alive HTTP clients submit complete responses for 10 s after a 2 s warm-up. The floor is `bench/floor-server.ts`, a bare `node:http` handler doing the same zod validation and the same durable group-commit insert. Every acknowledged submission is committed to the WAL before its receipt. Target: at least 1,500 acknowledged submits/s with p99 under 150 ms at 64 clients.'
	},
	{
		title: 'Form posts (no JavaScript)',
		command: 'npm run bench:forms -- --clients 16,64 --surveys 4',
		args: ['bench/forms.ts', '--clients', '16,64', '--surveys', '4'],
		about:
			'Completed surveys per second through the path a browser without JavaScript takes: each client GETs every step, POSTs its form (SvelteKit form actions calling the survey procedures through the tRPC server-side caller, answers kept in the server draft), follows the 303s, GETs the check page, POSTs "Send my answers" and GETs the confirmation: 17 requests and 8 database writes per survey. Each client completes one survey to warm up, then 4 timed. Every completed survey is counted in the database afterwards. Compare with the tRPC submit figure above, which is one request per survey.'
	},
	{
		title: 'Pipeline, 100,000 responses',
		command: 'npm run bench:pipeline -- --responses 100000',
		args: ['bench/pipeline.ts', '--responses', '100000'],
		about:
			'Generates the responses (not counted), then times one full batch run stage by stage with peak RSS (DuckDB native memory included). Target: under 5 s, peak under 2 GB.'
	},
	{
		title: 'Pipeline, 1,000,000 responses',
		command: 'npm run bench:pipeline -- --responses 1000000',
		args: ['bench/pipeline.ts', '--responses', '1000000'],
		about: 'As above. Target: under 30 s end to end, peak under 2 GB.'
	},
	{
		title: 'Dashboard',
		command: 'npm run bench:dashboard',
		args: ['bench/dashboard.ts'],
		about:
			"Loads 1,000,000 synthetic responses and times the dashboard's queries over a spread of filter combinations. Target: p95 under 200 ms per filter change."
	},
	{
		title: 'Several instances on PostgreSQL',
		command: 'npm run bench:postgres',
		args: ['bench/postgres.ts'],
		about:
			'Acknowledged submits per second at 64 clients on one embedded instance, then on one and on three instances over one durable PostgreSQL cluster (fsync on), the clients taken in turn over the instances; then the snapshot copy from PostgreSQL into the analytics mirror at 1,000,000 responses, first and after 1,000 more. Target: three instances over PostgreSQL at least as many submits per second as one embedded instance.'
	}
];

const machine = [
	`- CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
	`- Memory: ${Math.round(totalmem() / 2 ** 30)} GiB`,
	`- Node ${process.version}, ${process.platform} ${process.arch}`,
	`- Commit: ${execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim()}`,
	'- The load generators run on the same cores as the server they measure.'
].join('\n');

execFileSync('npx', ['vite', 'build'], { stdio: 'ignore' });
const sections: string[] = [];
for (const bench of BENCHES) {
	if (!existsSync(bench.args[0])) {
		sections.push(`## ${bench.title}\n\nCommand: \`${bench.command}\`\n\nNot run: ${bench.args[0]} is missing.`);
		continue;
	}
	console.log(`Running ${bench.command} …`);
	const started = Date.now();
	const result = spawnSync(process.execPath, ['--import', 'tsx', ...bench.args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
	const output =
		`${result.stdout}${result.status === 0 ? '' : `\n(exited with ${result.status}: ${result.stderr.trim().split('\n').slice(-3).join(' ')})`}`.trim();
	console.log(output);
	sections.push(
		`## ${bench.title}\n\nCommand: \`${bench.command}\` (took ${Math.round((Date.now() - started) / 1000)} s)\n\n${bench.about}\n\n\`\`\`\n${output}\n\`\`\``
	);
}

writeFileSync(
	'BENCHMARKS.md',
	`# Benchmarks\n\nWritten by \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Each section gives its command; run one alone with that command.\n\n${machine}\n\n${sections.join('\n\n')}\n`
);
console.log('\nRewrote BENCHMARKS.md');
