// Import of responses exported from other survey tools. Either a CSV whose header row holds question
// ids and whose cells hold option codes (multi answers joined with ';'), or, with a mapping file, an
// export whose headers and answers are question and option labels (Microsoft Forms, SmartSurvey).
// Every row is checked with the instrument's own schema; bad rows are reported with their line
// number and reason and none of them is stored. Submission ids are a hash of the row's normalised
// answers and how many identical rows came before it, so importing a file twice stores nothing twice.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { answersSchema, fieldErrorsOf } from '../../src/lib/instrument/schema';
import { canonicalAnswers, questionsOf } from '../../src/lib/instrument/questions';
import type { Answers, Question } from '../../src/lib/instrument/types';
import { instrument } from '../core/reference';
import { parseCsv } from '../core/csv';

export const mappingSchema = z.object({
	/** Header label in the export → question id. Columns not listed (ID, Start time, Email…) are ignored. */
	columns: z.record(z.string(), z.string()),
	/** Per question: answer label → option code. Without one, the instrument's own option labels are used. */
	options: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number()]))).default({}),
	/** How the export joins several answers in one cell (Microsoft Forms: ';'). */
	separator: z.string().min(1).default(';')
});
export type Mapping = z.infer<typeof mappingSchema>;

export interface RowResult {
	line: number;
	answers?: Answers;
	submissionId?: string;
	errors?: string[];
}

const normalise = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** An answer cell as the instrument wants it: option codes, numbers for ratings, lists for multi. */
function cellValue(q: Question, raw: string, mapping: Mapping | undefined): string | number | string[] {
	const separator = mapping?.separator ?? ';';
	const code = (text: string): string | number => {
		const t = text.trim();
		if (mapping) {
			const mapped = mapping.options[q.id]?.[t];
			if (mapped !== undefined) return mapped;
			const byLabel = q.options?.find((o) => normalise(o.label) === normalise(t));
			if (byLabel) return byLabel.code;
		}
		return q.type === 'scale' && /^-?\d+$/.test(t) ? Number(t) : t;
	};
	if (q.type === 'multi')
		return raw
			.split(separator)
			.map((p) => p.trim())
			.filter((p) => p !== '')
			.map((p) => String(code(p)));
	if (q.type === 'text') return raw;
	return code(raw);
}

/** Stable UUID (version 8, "custom") from the normalised answers and their occurrence in the file. */
export function importSubmissionId(answers: Answers, occurrence: number): string {
	const sorted = Object.fromEntries(Object.entries(answers).sort(([a], [b]) => (a < b ? -1 : 1)));
	const hex = createHash('sha256')
		.update(`pgw-import:${JSON.stringify(sorted)}:${occurrence}`)
		.digest('hex')
		.slice(0, 32)
		.split('');
	hex[12] = '8';
	hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	const h = hex.join('');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Reads and checks every row; nothing is stored here. Throws when the file as a whole is unusable. */
export function readImport(text: string, mapping?: Mapping): RowResult[] {
	const records = parseCsv(text);
	if (records.length === 0) throw new Error('The CSV file is empty');
	const [header, ...body] = records;
	const questions = new Map(questionsOf(instrument).map((q) => [q.id, q]));
	const columns = header.fields.map((h) => {
		const name = h.trim();
		const id = mapping ? mapping.columns[name] : name;
		if (mapping && id !== undefined && !questions.has(id))
			throw new Error(`The mapping sends column "${name}" to "${id}", which is not a question in this survey`);
		return id === undefined ? null : (questions.get(id) ?? id);
	});
	if (!mapping) {
		const unknown = columns.filter((c): c is string => typeof c === 'string');
		if (unknown.length)
			throw new Error(
				`Line 1: ${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length === 1 ? 'is not a question id' : 'are not question ids'} in this survey. Use --mapping for an export with question labels.`
			);
	}
	const schema = answersSchema(instrument, { complete: true });
	const seen = new Map<string, number>();
	return body.map(({ line, fields }): RowResult => {
		if (fields.length !== header.fields.length)
			return { line, errors: [`has ${fields.length} fields but the header has ${header.fields.length}`] };
		const answers: Answers = {};
		columns.forEach((q, i) => {
			if (!q || typeof q === 'string' || fields[i].trim() === '') return;
			answers[q.id] = cellValue(q, fields[i], mapping);
		});
		const parsed = schema.safeParse(answers);
		if (!parsed.success) return { line, errors: Object.values(fieldErrorsOf(parsed.error)).flat() };
		const canonical = canonicalAnswers(instrument, parsed.data);
		const key = JSON.stringify(Object.entries(canonical).sort(([a], [b]) => (a < b ? -1 : 1)));
		const occurrence = seen.get(key) ?? 0;
		seen.set(key, occurrence + 1);
		return { line, answers: canonical, submissionId: importSubmissionId(canonical, occurrence) };
	});
}

export const importRequestSchema = z.object({
	rows: z
		.array(z.object({ submissionId: z.uuid(), answers: z.record(z.string(), z.unknown()) }))
		.max(100_000)
		.superRefine((rows, ctx) => {
			const schema = answersSchema(instrument, { complete: true });
			rows.forEach((r, i) => {
				if (!schema.safeParse(r.answers).success) ctx.addIssue({ code: 'custom', message: `Row ${i + 1} is not a valid set of answers` });
			});
		})
});
