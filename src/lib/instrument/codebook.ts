import type { Instrument } from './types';
import { columnType } from './storage';

export interface CodebookRow {
	section: string;
	question_id: string;
	type: string;
	storage_type: string;
	required: string;
	shown_when: string;
	competency: string;
	rating: string;
	aim: string;
	label: string;
	code: string;
	code_label: string;
}

/** The data dictionary: one row per question option (or one per question without options). */
export function codebookRows(instrument: Instrument): CodebookRow[] {
	const rows: CodebookRow[] = [];
	for (const section of instrument.sections) {
		for (const q of section.questions) {
			const base = {
				section: section.id,
				question_id: q.id,
				type: q.type,
				storage_type: columnType(q),
				required: q.required ? 'yes' : 'no',
				shown_when: q.showIf ? `${q.showIf.question} in (${q.showIf.in.join(', ')})` : '',
				competency: q.competency ?? '',
				rating: q.rating ?? '',
				aim: q.aim ? String(q.aim) : '',
				label: q.label
			};
			const options = q.options ?? [];
			if (options.length === 0)
				rows.push({ ...base, code: '', code_label: q.type === 'text' ? `free text, up to ${q.maxLength ?? 2000} characters` : '' });
			for (const o of options)
				rows.push({ ...base, code: String(o.code), code_label: o.label + (o.exclusive ? ' (only on its own)' : '') });
		}
	}
	return rows;
}
