// npm run demo [-- --responses N]: everything a newcomer needs to see the dashboard and reports at once.
// Creates the database if missing (with the current wave open), loads synthetic responses over two
// waves (pipelines/sources/synthetic.ts: last year's, closed, and this year's), adds a national planner account
// and prints its password, and publishes a batch run. Run it with the server stopped: DuckDB lets one
// process write the database file at a time.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { instrument } from '../src/lib/instrument/survey';
import { createUser, findUserByEmail } from '../src/lib/server/auth/users';
import { hashPassword } from '../src/lib/server/auth/passwords';
import { audit } from '../src/lib/server/auth/audit';
import { Database } from '../src/lib/server/db/database';
import { ensureDefaultWave, financialYear } from '../src/lib/server/db/waves';
import { loadConfig } from '../src/lib/server/env';
import { publicationSettings } from '../pipelines/settings';
import { generateResponses } from '../pipelines/sources/synthetic';
import { runPipeline } from '../pipelines/batch/run';
import { databaseRecorder } from '../pipelines/batch/runs';

const USAGE = 'Usage: npm run demo [-- --responses N]   (N synthetic responses over two waves; default 20000)';
const DEMO_EMAIL = 'demo.planner@example.org';

function fail(message: string): never {
	console.error(message);
	process.exit(2);
}

let values;
try {
	({ values } = parseArgs({ options: { responses: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
} catch (error) {
	fail(`${(error as Error).message}\n${USAGE}`);
}
if (values.help) {
	console.log(USAGE);
	process.exit(0);
}
const total = Number(values.responses ?? 20_000);
if (!/^\d+$/.test(values.responses ?? '20000') || total < 2 || total > 2_000_000)
	fail(`--responses must be a whole number from 2 to 2000000, not "${values.responses}"\n${USAGE}`);

const config = loadConfig();
let db: Database;
try {
	db = await Database.open(config.DATABASE_PATH, instrument);
} catch (error) {
	fail(
		/lock/i.test((error as Error).message)
			? `The database ${config.DATABASE_PATH} is in use by the running server. Stop the server (Ctrl+C), run npm run demo, then start it again.`
			: (error as Error).message
	);
}

try {
	const current = {
		id: config.DEFAULT_WAVE_ID ?? financialYear(new Date()).id,
		label: config.DEFAULT_WAVE_LABEL ?? financialYear(new Date()).label
	};
	await ensureDefaultWave(db, current);
	const year = Number(current.id.slice(0, 4));
	const previous = `${year - 1}-${String(year % 100).padStart(2, '0')}`;
	const existing = Number((await db.query('SELECT count(*)::INTEGER AS n FROM responses'))[0].n);
	if (existing > 0) console.log(`The database already holds ${existing.toLocaleString('en-GB')} responses: no demo responses added.`);
	else {
		const half = Math.floor(total / 2);
		await db.write(async (c) => {
			// Last year's wave (closed) as the baseline; this year's a little further along.
			await generateResponses(c, { n: half, seed: 2024, waveId: previous });
			await generateResponses(c, { n: total - half, seed: 2025, waveId: current.id, progress: 1 });
		});
		console.log(
			`Loaded ${total.toLocaleString('en-GB')} synthetic responses: waves ${previous.replace('-', '/')} and ${current.id.replace('-', '/')}.`
		);
	}

	// A fresh password every time, so the printed one always works.
	const password = randomBytes(12).toString('base64url');
	if (await findUserByEmail(db, DEMO_EMAIL)) {
		const hash = await hashPassword(password);
		await db.write((c) => c.run('UPDATE users SET password_hash = $1 WHERE email = $2', [hash, DEMO_EMAIL]));
		await audit(db, 'npm run demo', 'password_reset', { email: DEMO_EMAIL });
	} else {
		await createUser(db, DEMO_EMAIL, 'national', null, password);
		await audit(db, 'npm run demo', 'user_created', { email: DEMO_EMAIL, role: 'national', region: null });
	}

	const connection = await db.instance.connect();
	try {
		const run = await runPipeline(connection, {
			out: config.PIPELINE_OUT,
			...publicationSettings(),
			trigger: 'cli',
			recorder: databaseRecorder(db),
			pdf: config.PIPELINE_PDF === 'on'
		});
		console.log(`Published run ${run.runId} for wave ${run.wave.label} to ${run.dir}.`);
	} finally {
		connection.closeSync();
	}
	console.log(
		`\nDemo planner account (national):\n  email:    ${DEMO_EMAIL}\n  password: ${password}\n\nStart the server with npm start, open http://localhost:${process.env.PORT ?? 3000}/login and sign in: the dashboard is at /reports, published reports at /runs.`
	);
} finally {
	await db.close();
}
