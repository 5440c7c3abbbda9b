// Command line: parses and checks flags, then calls the stages. See `npm run pipeline -- --help`.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/lib/server/env';
import { ResponseStore } from '../../src/lib/server/db/responses';
import { instrument } from '../core/reference';
import { publicationSettings } from '../settings';
import { openSource, runInput } from './source';
import { terminalProgress } from './progress';
import { schedulePipeline } from './schedule';
import { mappingSchema, readImport } from '../sources/import';
import { storeImported } from '../../src/lib/server/db/imported';
import { THRESHOLD_RANGE, thresholdText } from '../disclosure/protect';

const USAGE = `Usage:
  npm run pipeline -- [--wave ID] [--db FILE] [--out DIR] [--threshold N]
  npm run pipeline -- import --file FILE.csv [--mapping MAPPING.json] [--db FILE]
  npm run pipeline:schedule            (cron from PIPELINE_CRON, default '0 2 * * *' Europe/London)

  --wave       survey wave id, for example 2026-27 (default: the latest wave)
  --db         survey database file (default: DATABASE_URL's PostgreSQL if set, else DATABASE_PATH or data/survey.duckdb)
  --out        folder for published runs (default: PIPELINE_OUT or data/reports)
  --threshold  smallest count published, 3 to 100 (default: PIPELINE_THRESHOLD, else the admin's setting, else 8: NHS Digital's rule suppresses 1 to 7)`;

class UsageError extends Error {}

function flags(args: string[]) {
	try {
		return parseArgs({
			args,
			allowPositionals: true,
			strict: true,
			options: {
				wave: { type: 'string' },
				db: { type: 'string' },
				out: { type: 'string' },
				threshold: { type: 'string' },
				file: { type: 'string' },
				mapping: { type: 'string' },
				help: { type: 'boolean', short: 'h' }
			}
		});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

function threshold(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const parsed = thresholdText.safeParse(value);
	if (!parsed.success)
		throw new UsageError(
			`--threshold must be a whole number from ${THRESHOLD_RANGE.min} to ${THRESHOLD_RANGE.max} (the smallest count published), not "${value}"`
		);
	return parsed.data;
}

function wave(value: string | undefined): string | undefined {
	if (value !== undefined && !/^[A-Za-z0-9_-]{1,40}$/.test(value))
		throw new UsageError(`--wave must be a wave id such as 2026-27, not "${value}"`);
	return value;
}

async function batch(options: { wave?: string; db: string; url?: string; out: string; threshold?: number; pdf: boolean }): Promise<void> {
	// Loaded when a run is asked for: flag errors, imports and the schedule answer without the charts' libraries.
	const { runPipeline } = await import('./run');
	const source = await openSource(options.db, options.url);
	const input = await runInput(source);
	const progress = terminalProgress();
	try {
		if (source.kind === 'server') console.log('The survey server holds the database: running on a snapshot it provided.');
		const run = () =>
			runPipeline(input.connection, {
				out: options.out,
				waveId: options.wave,
				...publicationSettings(options.threshold),
				trigger: 'cli',
				recorder: input.recorder,
				progress,
				pdf: options.pdf
			});
		// On PostgreSQL, one run at a time among the CLI and every server instance.
		const result = source.kind === 'file' ? await source.db.exclusively('pipeline-run', run) : await run();
		if (!result) throw new Error('A pipeline run is already in progress on another instance; wait for it to finish.');
		progress.stop();
		console.log(
			`Published run ${result.runId} for wave ${result.wave.label} (${result.respondents === null ? 'too few respondents to publish' : `about ${result.respondents.toLocaleString('en-GB')} respondents`}) to ${result.dir}`
		);
	} finally {
		progress.stop();
		await input.close();
	}
}

async function importFile(options: { file?: string; mapping?: string; db: string; url?: string }): Promise<number> {
	if (!options.file) throw new UsageError('import needs --file FILE.csv');
	if (!existsSync(options.file)) throw new UsageError(`--file: there is no file ${options.file}`);
	if (options.mapping && !existsSync(options.mapping)) throw new UsageError(`--mapping: there is no file ${options.mapping}`);
	const mapping = options.mapping ? mappingSchema.parse(JSON.parse(readFileSync(options.mapping, 'utf8'))) : undefined;
	const results = readImport(readFileSync(options.file, 'utf8'), mapping);
	const bad = results.filter((r) => r.errors);
	const good = results.filter((r) => r.answers).map((r) => ({ submissionId: r.submissionId!, answers: r.answers! }));
	for (const r of bad) console.log(`Line ${r.line}: not imported: ${r.errors!.join('; ')}`);
	const source = await openSource(options.db, options.url);
	let outcome;
	if (source.kind === 'server') outcome = await source.server.importRows(good);
	else {
		try {
			outcome = await storeImported(source.db, new ResponseStore(source.db, instrument), good);
		} finally {
			await source.db.close();
		}
	}
	console.log(
		`${results.length} rows read: ${good.length} valid (${outcome.stored} stored, ${outcome.alreadyStored} already stored), ${bad.length} rejected.`
	);
	return bad.length > 0 ? 1 : 0;
}

function schedule(
	config: ReturnType<typeof loadConfig>,
	options: { db: string; url?: string; out: string; threshold?: number; pdf: boolean }
): void {
	const job = schedulePipeline(config.PIPELINE_CRON, config.PIPELINE_TIMEZONE, () => batch(options));
	console.log(
		`Pipeline scheduled on "${config.PIPELINE_CRON}" (${config.PIPELINE_TIMEZONE}); next run ${job.nextRun()?.toISOString() ?? 'never'}.`
	);
	const stop = () => job.stop();
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

async function main(argv: string[]): Promise<number> {
	const { values, positionals } = flags(argv);
	if (values.help) return (console.log(USAGE), 0);
	const config = loadConfig();
	const command = positionals[0] ?? 'run';
	if (positionals.length > 1 || !['run', 'import', 'schedule'].includes(command))
		throw new UsageError(`Unknown command "${positionals.join(' ')}"`);
	if (command !== 'import' && (values.file || values.mapping)) throw new UsageError('--file and --mapping only go with the import command');
	const db = values.db ?? config.DATABASE_PATH;
	// --db names a file: it wins over DATABASE_URL, so a file can still be read on a PostgreSQL host.
	const url = values.db ? undefined : config.DATABASE_URL;
	const common = {
		db,
		url,
		out: values.out ?? config.PIPELINE_OUT,
		threshold: threshold(values.threshold),
		wave: wave(values.wave),
		pdf: config.PIPELINE_PDF === 'on'
	};
	if (command === 'import') return importFile({ file: values.file, mapping: values.mapping, db, url });
	if (command === 'schedule') return (schedule(config, common), 0);
	await batch(common);
	return 0;
}

main(process.argv.slice(2)).then(
	(code) => {
		if (code !== 0) process.exitCode = code;
	},
	(error) => {
		console.error(error instanceof UsageError ? `${error.message}\n\n${USAGE}` : `Pipeline failed: ${(error as Error).message}`);
		process.exitCode = error instanceof UsageError ? 2 : 1;
	}
);
