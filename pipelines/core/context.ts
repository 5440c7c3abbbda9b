// What every stage is given, and the shape of what stages publish.
import type { DisclosureRule } from '../disclosure/protect';
import type { SuccessMeasure } from './reference';
import type { Area, CubeRelation } from './cube';
import { literal } from './sql';

export interface Wave {
	id: string;
	label: string;
}

export interface PipelineContext {
	/** The wave being reported. */
	wave: Wave;
	/** Every wave up to and including `wave`, oldest first: success measures trend over them. */
	waves: Wave[];
	rule: DisclosureRule;
	measures: SuccessMeasure[];
	workforceCsv: string;
	/** The cube rows the stages aggregate (see cube.ts): the run's snapshot, or the dashboard's filtered live cube. */
	cube: CubeRelation;
	/** The same rows with their specialties, where `cube` is summed over them (the dashboard's, when no
	 *  specialty is chosen): what a query that reads specialties reads (specialtiesOf). */
	cubeWithSpecialties?: CubeRelation;
	/** Whose workforce the cube's respondents are drawn from, for coverage denominators; absent means the
	 *  whole workforce (the batch run). The dashboard narrows it to its staff group filter, and marks coverage
	 *  unavailable when a sector or specialty is chosen: there are no workforce figures by sector or specialty. */
	workforce?: WorkforceScope;
	/** The one area the cube holds, when only its rows are shown (the dashboard: England, or
	 *  the planner's region; see regionGroups). Absent in a batch run: England and every region. */
	area?: Area;
	/** SQL a stage's query compares a cube row's wave_id with to pick the reported wave's rows: absent,
	 *  the wave's literal id. The dashboard's cube rows carry whether they are of the chosen wave, and
	 *  this is their wave_id where they are and NULL elsewhere: one kept statement then serves every wave
	 *  (core/sql.ts), and picks the rows without reading the row of chosen filters a second time. */
	waveSql?: string;
}

/** What a stage compares wave_id with to pick the reported wave's rows (PipelineContext.waveSql). */
export const waveSqlOf = (ctx: PipelineContext): string => ctx.waveSql ?? literal(ctx.wave.id);

/** Where a stage's query reads the cube's specialties. */
export const specialtiesOf = (ctx: PipelineContext): CubeRelation => ctx.cubeWithSpecialties ?? ctx.cube;

/** Keeps what `compute` gives under `key`, so it runs once per key (see StageContext.memo). */
export type Memo = <T>(key: string, compute: () => Promise<T>) => Promise<T>;

export interface WorkforceScope {
	staffGroup?: string;
	unavailable?: boolean;
	/** A relation holding the workforce file's rows for this scope, read instead of the file: the
	 *  dashboard's, loaded once per snapshot and settings (reading the file took 45 ms a view). */
	relation?: string;
}

export type ColumnType = 'VARCHAR' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN';

/** A table as published: already through disclosure control, with typed columns for CSV and Parquet. */
export interface PublishedTable {
	name: string;
	title: string;
	columns: Record<string, ColumnType>;
	rows: Record<string, unknown>[];
}

/** A row with exactly these columns, in this order, null where the row has none. */
export function withColumns<T extends Record<string, unknown>>(row: T, names: string[]): T {
	const out: Record<string, unknown> = {};
	for (const n of names) out[n] = row[n] ?? null;
	return out as T;
}

/** Keeps only the declared columns, in their declared order. */
export function published(
	name: string,
	title: string,
	columns: Record<string, ColumnType>,
	data: Record<string, unknown>[]
): PublishedTable {
	const names = Object.keys(columns);
	return { name, title, columns, rows: data.map((r) => withColumns(r, names)) };
}

/** The rows of a published table, by name. Every stage always publishes its tables (empty when nobody
 *  answered), so a missing one is a mistake in the code, said at once. */
export function rowsOf(tables: PublishedTable[], name: string): PublishedTable['rows'] {
	const table = tables.find((t) => t.name === name);
	if (!table) throw new Error(`No published table ${name}`);
	return table.rows;
}
