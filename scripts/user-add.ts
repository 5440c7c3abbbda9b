// npm run user:add -- --email E --role national|regional|admin [--region ONS_CODE] [--password P] [--db FILE]
// Creates a planner or admin account. Without --password the password is asked for, unechoed.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { instrument } from '../src/lib/instrument/survey';
import { createUser, accountProblem, type Role } from '../src/lib/server/auth/users';
import { audit } from '../src/lib/server/auth/audit';
import type { Store } from '../src/lib/server/db/store';
import { loadConfig } from '../src/lib/server/env';
import { openStore } from '../src/lib/server/survey';

const USAGE = 'Usage: npm run user:add -- --email E --role national|regional|admin [--region ONS_CODE] [--password P] [--db FILE]';

function fail(message: string): never {
	console.error(`${message}\n${USAGE}`);
	process.exit(2);
}

function askPassword(prompt: string): Promise<string> {
	if (!process.stdin.isTTY) fail('No --password given and no terminal to ask for one.');
	return new Promise((resolve) => {
		const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
		// Echo nothing while the password is typed.
		(rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s) => s.startsWith(prompt) && process.stdout.write(prompt);
		rl.question(prompt, (answer) => {
			rl.close();
			process.stdout.write('\n');
			resolve(answer);
		});
	});
}

let values;
try {
	({ values } = parseArgs({
		options: {
			email: { type: 'string' },
			role: { type: 'string' },
			region: { type: 'string' },
			password: { type: 'string' },
			db: { type: 'string' }
		}
	}));
} catch (error) {
	fail((error as Error).message);
}
if (!values.email) fail('Give the account’s --email.');
if (!values.role) fail('Give the account’s --role.');
const password = values.password ?? (await askPassword('Password (at least 12 characters): '));
const problem = accountProblem(values.email, values.role, values.region, password);
if (problem) fail(problem);

const config = loadConfig();
// --db names a file; otherwise DATABASE_URL's PostgreSQL (any time: it takes several writers) or DATABASE_PATH.
const path = values.db ?? config.DATABASE_PATH;
let db: Store;
try {
	db = await openStore({ DATABASE_URL: values.db ? undefined : config.DATABASE_URL, DATABASE_PATH: path }, instrument);
} catch (error) {
	const locked = /lock/i.test((error as Error).message);
	fail(
		locked
			? `The database ${path} is in use by the running server. Stop the server, add the account, then start it again.`
			: (error as Error).message
	);
}
try {
	const user = await createUser(db, values.email, values.role as Role, values.region ?? null, password);
	await audit(db, 'user:add', 'user_created', { email: user.email, role: user.role, region: user.region });
	console.log(`Created ${user.role} account ${user.email}${user.region ? ` for region ${user.region}` : ''}.`);
} catch (error) {
	console.error((error as Error).message);
	process.exitCode = 1;
} finally {
	await db.close();
}
