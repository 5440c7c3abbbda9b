// Stage: publish — writes a run's files into a temporary folder, renames it to <out>/<runId> in one
// step, then repoints <out>/latest (a relative symlink, replaced by rename so readers never see it
// missing). A run that fails before the rename leaves nothing behind but its temporary folder, which
// is removed; the previous run and `latest` stay as they were.
import { csvText } from '../../src/lib/csv';
import {
	mkdirSync,
	readdirSync,
	renameSync,
	rmSync,
	symlinkSync,
	writeFileSync,
	openSync,
	closeSync,
	readFileSync,
	unlinkSync,
	writeSync
} from 'node:fs';
import { join, relative } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnType, PublishedTable } from '../core/context';
import { literal } from '../core/sql';
import { competencyName, groupName, regionName, sectorName, specialtyName, staffGroupName } from '../core/reference';

/** A CSV field: text that a spreadsheet would read as a formula gets a leading apostrophe; numbers stay numbers. */
export function csvField(value: unknown, type: ColumnType): string {
	if (value === null || value === undefined) return '';
	if (type !== 'VARCHAR') return String(value);
	const text = csvText(String(value));
	return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Code columns that people read by name: the CSV carries the name beside the code. */
const NAMED_CODES: Record<string, [string, (code: string, row: Record<string, unknown>) => string]> = {
	region_code: ['region_name', regionName],
	competency: ['competency_name', competencyName],
	staff_group: ['staff_group_name', staffGroupName],
	sector: ['sector_name', sectorName],
	specialty: ['specialty_name', specialtyName],
	// A two-way breakdown's groups are of the characteristics its dimension columns name.
	group_1: ['group_1_name', (code, row) => groupName(String(row.dimension_1), code)],
	group_2: ['group_2_name', (code, row) => groupName(String(row.dimension_2), code)]
};

export function toCsv(table: PublishedTable): string {
	const columns = Object.keys(table.columns).flatMap((n) => {
		const named = NAMED_CODES[n];
		return named
			? [
					{ name: n, value: (r: Record<string, unknown>) => csvField(r[n], table.columns[n]) },
					{ name: named[0], value: (r: Record<string, unknown>) => (r[n] == null ? '' : csvField(named[1](String(r[n]), r), 'VARCHAR')) }
				]
			: [{ name: n, value: (r: Record<string, unknown>) => csvField(r[n], table.columns[n]) }];
	});
	const lines = [columns.map((c) => c.name).join(','), ...table.rows.map((r) => columns.map((c) => c.value(r)).join(','))];
	return `${lines.join('\r\n')}\r\n`;
}

/** Parquet through DuckDB's COPY, from newline-delimited JSON read with the declared column types. */
async function writeParquet(c: DuckDBConnection, table: PublishedTable, dir: string): Promise<void> {
	const ndjson = join(dir, `.${table.name}.ndjson`);
	writeFileSync(ndjson, table.rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
	const columns = Object.entries(table.columns)
		.map(([n, t]) => `${literal(n)}: ${literal(t)}`)
		.join(', ');
	await c.run(
		`COPY (SELECT * FROM read_json(${literal(ndjson)}, format = 'newline_delimited', columns = {${columns}})) TO ${literal(join(dir, `${table.name}.parquet`))} (FORMAT parquet)`
	);
	unlinkSync(ndjson);
}

export interface RunFiles {
	tables: PublishedTable[];
	charts: Array<{ id: string; spec: unknown; svg: string }>;
	/** Path under the run folder (national/index.html, regions/E40000003/index.html) → HTML. */
	reports: Record<string, string>;
	/** Path under the run folder (national/report.pdf, …) → PDF, when the run made them. */
	pdfs?: Record<string, Uint8Array>;
	manifest: Record<string, unknown>;
}

const listFiles = (dir: string, base = dir): string[] =>
	readdirSync(dir, { withFileTypes: true })
		.flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name), base) : [relative(base, join(dir, e.name))]))
		.sort();

/** Writes everything to `<out>/.tmp-<runId>` and renames it into place; returns the run folder. */
export async function publish(c: DuckDBConnection, out: string, runId: string, files: RunFiles): Promise<{ dir: string; files: string[] }> {
	mkdirSync(out, { recursive: true });
	const tmp = join(out, `.tmp-${runId}`);
	const final = join(out, runId);
	rmSync(tmp, { recursive: true, force: true });
	try {
		for (const sub of ['tables', 'charts', 'national', 'regions']) mkdirSync(join(tmp, sub), { recursive: true });
		for (const t of files.tables) {
			writeFileSync(join(tmp, 'tables', `${t.name}.csv`), toCsv(t));
			await writeParquet(c, t, join(tmp, 'tables'));
		}
		for (const chart of files.charts) {
			writeFileSync(join(tmp, 'charts', `${chart.id}.vl.json`), JSON.stringify(chart.spec, null, 1));
			writeFileSync(join(tmp, 'charts', `${chart.id}.svg`), chart.svg);
		}
		for (const [path, html] of Object.entries(files.reports)) {
			mkdirSync(join(tmp, path, '..'), { recursive: true });
			writeFileSync(join(tmp, path), html);
		}
		for (const [path, pdf] of Object.entries(files.pdfs ?? {})) writeFileSync(join(tmp, path), pdf);
		const written = listFiles(tmp);
		writeFileSync(join(tmp, 'manifest.json'), JSON.stringify({ ...files.manifest, files: written }, null, 2));
		renameSync(tmp, final);
		pointLatestAt(out, runId);
		return { dir: final, files: ['manifest.json', ...written] };
	} catch (error) {
		rmSync(tmp, { recursive: true, force: true });
		throw error;
	}
}

/** `latest` → runId, swapped in by rename so it always points at a complete run. */
function pointLatestAt(out: string, runId: string): void {
	const staged = join(out, `.latest-${runId}`);
	rmSync(staged, { force: true });
	symlinkSync(runId, staged, 'dir');
	renameSync(staged, join(out, 'latest'));
}

/** One run at a time per output folder, across processes: an exclusive lock file holding the pid.
 *  A lock left by a process that no longer exists is taken over. */
export function lockOutput(out: string): () => void {
	mkdirSync(out, { recursive: true });
	const path = join(out, '.pipeline.lock');
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = openSync(path, 'wx');
			writeSync(fd, String(process.pid));
			closeSync(fd);
			return () => rmSync(path, { force: true });
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const pid = Number(readFileSync(path, 'utf8'));
			if (!pid || (pid !== process.pid && isAlive(pid)))
				throw new Error(`Another pipeline run (process ${pid}) is writing to ${out}; try again when it has finished.`, { cause: error });
			if (pid === process.pid) throw new Error(`A pipeline run in this process is already writing to ${out}.`, { cause: error });
			rmSync(path, { force: true });
		}
	}
	throw new Error(`Could not lock ${out} for the pipeline run`);
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
