// Benchmark: `npm run bench:server-start` starts the built server five times on one database file
// (the first start creates it) and prints, for each, the time until it listens and the CPU its process
// spent to start and serve the first page. Every test that starts a server, and every deployment's
// restart, pays this.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, tempDir } from './kit/server';

const { values } = parseArgs({ options: { starts: { type: 'string', default: '5' } } });
const starts = Number(values.starts);
if (!Number.isInteger(starts) || starts < 1) throw new Error(`--starts must be a whole number from 1, not "${values.starts}"`);

/** User plus system CPU seconds of a live process (/proc/<pid>/stat, fields 14 and 15, in clock ticks). */
const cpuSeconds = (pid: number) => {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
};

const dir = tempDir('pgwn-bench-start-');
try {
	const databasePath = join(dir.path, 'survey.duckdb');
	console.log('start  listening ms  CPU s to the first page');
	for (let i = 1; i <= starts; i++) {
		const started = performance.now();
		const server = await startServer({ databasePath, env: { SETTINGS_DIR: join(dir.path, 'settings') } });
		const listening = performance.now() - started;
		try {
			const response = await fetch(`${server.url}/`);
			await response.text();
			if (!response.ok) throw new Error(`/ answered ${response.status}`);
			console.log(
				`${String(i).padStart(5)}  ${Math.round(listening).toString().padStart(12)}  ${cpuSeconds(server.process.pid!).toFixed(2).padStart(23)}`
			);
		} finally {
			await server.stop();
		}
	}
} finally {
	dir.remove();
}
