import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeCodebook } from '../../scripts/codebook';
import { instrument } from '../../src/lib/instrument/survey';
import { questionsOf } from '../../src/lib/instrument/questions';
import { ROOT, tempDir } from '../../bench/kit/server';

const dir = tempDir();
afterAll(() => dir.remove());

describe('npm run codebook', () => {
	it('writes a CSV with a row per option of every question, and Markdown with every question', async () => {
		await writeCodebook(dir.path);
		const csv = readFileSync(join(dir.path, 'codebook.csv'), 'utf8').trim().split('\n');
		expect(csv[0]).toBe('section,question_id,type,storage_type,required,shown_when,competency,rating,aim,label,code,code_label');
		const optionRows = questionsOf(instrument).reduce((n, q) => n + Math.max(1, q.options?.length ?? 0), 0);
		expect(csv).toHaveLength(optionRows + 1);
		expect(csv).toContain('about_you,region,single,VARCHAR,yes,,,,,Which NHS England region do you mainly work in?,E40000003,London');
		const md = readFileSync(join(dir.path, 'codebook.md'), 'utf8');
		for (const q of questionsOf(instrument)) expect(md).toContain(`\`${q.id}\``);
	});

	it('is up to date in data/codebook (run npm run codebook after changing the instrument)', () => {
		for (const file of ['codebook.csv', 'codebook.md']) {
			expect(readFileSync(join(ROOT, 'data/codebook', file), 'utf8'), file).toBe(readFileSync(join(dir.path, file), 'utf8'));
		}
	});
});
