// The survey's server side, wired once per process: the database, its stores and the open wave.
import { instrument } from '../instrument/survey';
import type { Instrument } from '../instrument/types';
import { Database } from './db/database';
import { PostgresStore } from './db/postgres';
import type { Store } from './db/store';
import { pullSettings } from './db/shared-settings';
import { checkSharedOutput } from './db/shared-output';
import { limitsFor } from './rate-limits';
import { DraftStore } from './db/drafts';
import { dashboardEngine } from './analytics/engine-client';
import { ResponseStore } from './db/responses';
import { ensureDefaultWave, financialYear } from './db/waves';
import { loadConfig, type Config } from './env';

export interface SurveyServices {
	config: Config;
	instrument: Instrument;
	db: Store;
	responses: ResponseStore;
	drafts: DraftStore;
	close(): Promise<void>;
}

export async function startSurvey(config: Config = loadConfig()): Promise<SurveyServices> {
	if (config.DISCLOSURE_CELL_KEY === 'off')
		console.warn(
			'WARNING: DISCLOSURE_CELL_KEY=off: published figures are only rounded, which differencing defeats. Use it only to test the attack suite.'
		);
	const db = await openStore(config, instrument);
	try {
		await pullSettings(db, { force: true });
		await checkSharedOutput(db, config.PIPELINE_OUT);
	} catch (error) {
		await db.close();
		throw error;
	}
	// Made now, not at the first request: on PostgreSQL they learn the other instances' counts at once.
	limitsFor(config, db);
	const fallback = financialYear(new Date());
	await ensureDefaultWave(db, { id: config.DEFAULT_WAVE_ID ?? fallback.id, label: config.DEFAULT_WAVE_LABEL ?? fallback.label });
	const drafts = new DraftStore(db, instrument, config.DRAFT_TTL_SECONDS, config.DRAFTS_MAX);
	await drafts.purgeExpired();
	const purge = setInterval(() => void drafts.purgeExpired().catch(() => undefined), 3600_000);
	purge.unref();
	return {
		config,
		instrument,
		db,
		responses: new ResponseStore(db, instrument),
		drafts,
		async close() {
			clearInterval(purge);
			await dashboardEngine().close();
			await db.close();
		}
	};
}

let services: Promise<SurveyServices> | undefined;

/** The process-wide services, started on first use (the server's init hook calls this at start). */
export const survey = (): Promise<SurveyServices> => (services ??= startSurvey());

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded DuckDB file. */
export const openStore = (
	config: Pick<Config, 'DATABASE_URL' | 'DATABASE_PATH'> & Partial<Pick<Config, 'DATABASE_CHECKPOINT_MB'>>,
	forInstrument: Instrument = instrument
): Promise<Store> =>
	config.DATABASE_URL
		? PostgresStore.open(config.DATABASE_URL, forInstrument)
		: Database.open(config.DATABASE_PATH, forInstrument, { checkpointMb: config.DATABASE_CHECKPOINT_MB });
