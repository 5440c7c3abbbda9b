// Settings an admin changes without code: the disclosure threshold, success measures (targets and
// thresholds per wave) and workforce denominators. Kept as files in SETTINGS_DIR (default
// data/settings) that override data/reference, so the server and the pipeline CLI (a separate
// process, which cannot open the server's DuckDB file) read the same values. Writes are atomic.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadSuccessMeasures, parseSuccessMeasures, REFERENCE_DIR, type SuccessMeasure } from './core/reference';
import type { PipelineContext } from './core/context';
import { NHS_DIGITAL_RULE, ruleWithThreshold, thresholdSchema, thresholdText } from './disclosure/protect';
import { regions, staffGroups } from '../src/lib/instrument/reference';
import { parseCsv } from './core/csv';

export const settingsDir = () => process.env.SETTINGS_DIR ?? 'data/settings';
const file = (name: string) => join(settingsDir(), name);

function writeAtomically(name: string, content: string) {
	mkdirSync(settingsDir(), { recursive: true });
	const tmp = `${file(name)}.${process.pid}.tmp`;
	writeFileSync(tmp, content);
	renameSync(tmp, file(name));
}

/** The admin's smallest count published: 8 under NHS Digital's rule unless an admin set another. */
export function disclosureThreshold(): number {
	if (!existsSync(file('disclosure.json'))) return NHS_DIGITAL_RULE.threshold;
	const saved = z.object({ threshold: thresholdSchema }).safeParse(JSON.parse(readFileSync(file('disclosure.json'), 'utf8')));
	if (!saved.success) throw new Error(`${file('disclosure.json')} is not valid: ${saved.error.issues.map((i) => i.message).join('; ')}`);
	return saved.data.threshold;
}

/** PIPELINE_THRESHOLD, when set: it fixes the threshold for this server and its batch runs alike. */
export function environmentThreshold(env: Record<string, string | undefined> = process.env): number | undefined {
	const raw = env.PIPELINE_THRESHOLD;
	if (raw === undefined) return undefined;
	const parsed = thresholdText.safeParse(raw);
	if (!parsed.success) throw new Error(`PIPELINE_THRESHOLD: ${parsed.error.issues[0].message}, not "${raw}"`);
	return parsed.data;
}

/** The threshold in force, the same for the dashboard and every batch run: PIPELINE_THRESHOLD if set,
 *  else the admin's, else NHS Digital's 8. */
export const thresholdInForce = (): number => environmentThreshold() ?? disclosureThreshold();

export function setDisclosureThreshold(threshold: number) {
	writeAtomically('disclosure.json', JSON.stringify({ threshold }, null, 2));
}

export const measuresPath = () =>
	existsSync(file('success-measures.json')) ? file('success-measures.json') : join(REFERENCE_DIR, 'success-measures.json');
export const workforcePath = () => (existsSync(file('workforce.csv')) ? file('workforce.csv') : join(REFERENCE_DIR, 'workforce.csv'));

export const successMeasures = (): SuccessMeasure[] => loadSuccessMeasures(measuresPath());

/** Saves the measures after checking them against the schema and the instrument; throws in words. */
export function saveSuccessMeasures(measures: SuccessMeasure[]) {
	const ids = new Set<string>();
	for (const m of measures) {
		if (ids.has(m.id)) throw new Error(`Two measures are called ${m.id}`);
		ids.add(m.id);
	}
	const content = { source: 'Project definitions aligned to the framework aims, edited by an administrator.', measures };
	parseSuccessMeasures(content);
	writeAtomically('success-measures.json', JSON.stringify(content, null, 2));
}

/** What every publication applies: the rule (a threshold given for one CLI run, else the one in
 *  force), the success measures and the workforce denominators. Read afresh each time, so the server
 *  and the pipeline CLI always agree with the settings files and the environment. */
export function publicationSettings(threshold?: number): Pick<PipelineContext, 'rule' | 'measures' | 'workforceCsv'> {
	return { rule: ruleWithThreshold(threshold ?? thresholdInForce()), measures: successMeasures(), workforceCsv: workforcePath() };
}

export interface RowProblem {
	line: number;
	problem: string;
}

/** Checks an uploaded workforce CSV (region_code, staff_group, workforce): every bad row by line. */
export function checkWorkforceCsv(csv: string): { rows: number; problems: RowProblem[] } {
	let records: ReturnType<typeof parseCsv>;
	try {
		records = parseCsv(csv, { comments: true });
	} catch (error) {
		return { rows: 0, problems: [{ line: 1, problem: (error as Error).message }] };
	}
	const [header, ...body] = records;
	if (header?.line !== 1 || header.fields.map((f) => f.trim().toLowerCase()).join(',') !== 'region_code,staff_group,workforce') {
		return { rows: 0, problems: [{ line: 1, problem: 'The first line must be the header region_code,staff_group,workforce' }] };
	}
	const regionCodes = new Set(regions.map((r) => r.code));
	const groups = new Set(staffGroups.map((g) => g.code));
	const seen = new Set<string>();
	const problems: RowProblem[] = [];
	for (const { line, fields } of body) {
		const cells = fields.map((c) => c.trim());
		if (cells.length !== 3) {
			problems.push({ line, problem: `Expected 3 values, found ${cells.length}` });
			continue;
		}
		const [region, group, count] = cells;
		if (!regionCodes.has(region)) problems.push({ line, problem: `"${region.slice(0, 40)}" is not an NHS England region code` });
		if (!groups.has(group)) problems.push({ line, problem: `"${group.slice(0, 40)}" is not a staff group code` });
		if (!/^\d{1,7}$/.test(count) || Number(count) < 1)
			problems.push({ line, problem: `The workforce "${count.slice(0, 40)}" must be a whole number of people, at least 1` });
		if (seen.has(`${region},${group}`)) problems.push({ line, problem: `${region} ${group} appears twice` });
		seen.add(`${region},${group}`);
	}
	if (body.length === 0 && problems.length === 0) problems.push({ line: 2, problem: 'The file has no rows of denominators' });
	return { rows: body.length, problems };
}

export function saveWorkforceCsv(csv: string) {
	writeAtomically('workforce.csv', `# Workforce denominators uploaded by an administrator.\n${csv.replace(/^\uFEFF/, '').trim()}\n`);
}
