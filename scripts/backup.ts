// npm run db:backup -- --to FILE [--db FILE]     a consistent copy of the embedded database, server running or not
// npm run db:restore -- --from FILE [--db FILE]  puts a backup in place (server stopped); keeps the file it replaces
// On PostgreSQL (DATABASE_URL), pg_dump and pg_restore do both: see README, Deployment.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { instrument } from '../src/lib/instrument/survey';
import { Database } from '../src/lib/server/db/database';
import { backUp, restore } from '../src/lib/server/db/backup';
import { loadConfig } from '../src/lib/server/env';
import { ServerClient, ServerRefusal } from '../pipelines/batch/internal';

const USAGE = `Usage:
  npm run db:backup -- --to FILE [--db FILE]
  npm run db:restore -- --from FILE [--db FILE]`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<string> {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			allowPositionals: true,
			options: { to: { type: 'string' }, from: { type: 'string' }, db: { type: 'string' } }
		});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
	const { values, positionals } = parsed;
	const command = positionals[0];
	if (positionals.length !== 1 || !['backup', 'restore'].includes(command)) throw new UsageError('Say backup or restore');
	const config = loadConfig();
	if (config.DATABASE_URL && !values.db)
		throw new UsageError(
			'DATABASE_URL is set: the data is in PostgreSQL. Back it up with pg_dump and restore it with pg_restore (README, Deployment).'
		);
	const path = values.db ?? config.DATABASE_PATH;
	if (command === 'backup') {
		if (!values.to) throw new UsageError('backup needs --to FILE');
		const to = resolve(values.to);
		let db: Database;
		try {
			db = await Database.open(path, instrument);
		} catch (error) {
			if (!/lock/i.test((error as Error).message)) throw error;
			// The running server holds the file: it makes the copy itself, without stopping.
			const server = ServerClient.forDatabase(path);
			if (!server)
				throw new Error(`${path} is held by another process, and no survey server token was found next to it.`, { cause: error });
			const outcome = await server.backup(to).catch((error: Error) => {
				throw error instanceof ServerRefusal ? new Error(error.words) : error;
			});
			return `Backed up ${outcome.responses.toLocaleString('en-GB')} responses to ${outcome.file} (the running server made the copy).`;
		}
		try {
			const outcome = await backUp(db, to);
			return `Backed up ${outcome.responses.toLocaleString('en-GB')} responses to ${outcome.file}.`;
		} finally {
			await db.close();
		}
	}
	if (!values.from) throw new UsageError('restore needs --from FILE');
	const outcome = await restore(values.from, path);
	return `Restored ${outcome.responses.toLocaleString('en-GB')} responses into ${outcome.file}${outcome.previous ? `; the file it replaced is kept as ${outcome.previous}` : ''}.`;
}

main(process.argv.slice(2)).then(
	(line) => console.log(line),
	(error: Error) => {
		console.error(error instanceof UsageError ? `${error.message}\n\n${USAGE}` : error.message);
		process.exitCode = error instanceof UsageError ? 2 : 1;
	}
);
