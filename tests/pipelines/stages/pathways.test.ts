// Clinical pathways: the reference file checked on load with clear errors, readiness combined from the
// published per-competency figures (hand-worked), and against a second implementation over the
// responses with an exact rule. Golden for seed 7.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPathways, parsePathways, pathwayCompetencies, pathwayReadinessTable, type Pathway } from '../../../pipelines/stages/pathways';
import { needs } from '../../../pipelines/stages/needs';
import { ratingColumns } from '../../../pipelines/core/reference';
import { rows } from '../../../pipelines/core/sql';
import { EXACT } from '../fixtures';
import { expectGolden, syntheticStages, type SyntheticStages } from '../fixtures';
import type { PublishedTable } from '../../../pipelines/core/context';

const shipped = () => JSON.parse(JSON.stringify({ pathways: loadPathways() })) as { pathways: Pathway[] };

describe('the pathways file', () => {
	it('ships the five pathways, each with sources and steps mapped to known competencies', () => {
		const pathways = loadPathways();
		expect(pathways.map((p) => p.id)).toEqual([
			'dpyd_fluoropyrimidines',
			'cyp2c19_clopidogrel',
			'fh_inclisiran',
			'hla_b5701_abacavir',
			'mtrnr1_aminoglycosides'
		]);
		for (const p of pathways) {
			expect(p.sources.length).toBeGreaterThan(0);
			expect(p.steps.length).toBeGreaterThanOrEqual(3);
		}
		expect(pathways[0].steps[0].step).toBe('Recognise that the patient requires fluoropyrimidine-based chemotherapy');
	});

	it('names the pathway, step and code when a competency code is unknown', () => {
		const bad = shipped();
		bad.pathways[1].steps[2].competencies.push('pgx_reslts');
		expect(() => parsePathways(bad)).toThrow(
			/^Pathway cyp2c19_clopidogrel, step 3 \("Act on the CYP2C19 result: continue clopidogrel or recommend an alternative"\): "pgx_reslts" is not a competency code\. Use one of: pgx_principles, /
		);
	});

	it('says what is wrong with a malformed file, an unknown specialty or a repeated pathway', () => {
		const noSource = shipped();
		noSource.pathways[0].sources = [];
		expect(() => parsePathways(noSource)).toThrow(
			'The pathways file is not valid at pathways.0.sources: Every pathway needs at least one source'
		);
		const noCompetency = shipped();
		noCompetency.pathways[2].steps[0].competencies = [];
		expect(() => parsePathways(noCompetency)).toThrow(
			'The pathways file is not valid at pathways.2.steps.0.competencies: Every step maps to at least one competency'
		);
		expect(() => parsePathways({ pathway: [] })).toThrow(/^The pathways file is not valid at pathways:/);
		const specialty = shipped();
		specialty.pathways[0].specialty = 'oncology';
		expect(() => parsePathways(specialty)).toThrow(
			/^Pathway dpyd_fluoropyrimidines: "oncology" is not a clinical specialty code\. Use one of: oncology_haematology/
		);
		const twice = shipped();
		twice.pathways.push(twice.pathways[0]);
		expect(() => parsePathways(twice)).toThrow('Pathway dpyd_fluoropyrimidines is listed twice');
	});

	it('says when the file is not JSON', () => {
		const folder = mkdtempSync(join(tmpdir(), 'pgw-pathways-'));
		try {
			const file = join(folder, 'pathways.json');
			writeFileSync(file, '{ "pathways": [');
			expect(() => loadPathways(file)).toThrow(/^The pathways file .*pathways\.json could not be read as JSON: /);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});
});

describe('pathway readiness, worked by hand', () => {
	// Published per-competency figures for one region (A and C of docs/needs-assessment.md).
	const needsTable = (rowsOf: Array<Record<string, unknown>>): PublishedTable => ({
		name: 'needs_by_competency_region',
		title: '',
		columns: {},
		rows: rowsOf
	});
	const pathway: Pathway = {
		id: 'example',
		name: 'Example',
		specialty: 'general',
		sources: [{ body: 'b', citation: 'c', says: 's' }],
		steps: [
			{ step: 'one', competencies: ['pgx_principles'] },
			{ step: 'two', competencies: ['ethics', 'pgx_principles'] }
		]
	};

	it('averages the distinct competencies’ published figures, each once', () => {
		const table = pathwayReadinessTable(
			[
				needsTable([
					{ wave: '2026-27', region_code: 'E40000003', competency: 'pgx_principles', mean_confidence: 2.5, mwds: 9, suppressed: false },
					{ wave: '2026-27', region_code: 'E40000003', competency: 'ethics', mean_confidence: 1.5, mwds: 2.5, suppressed: false }
				])
			],
			[pathway]
		);
		expect(pathwayCompetencies(pathway)).toEqual(['pgx_principles', 'ethics']);
		expect(table.rows).toEqual([
			{
				wave: '2026-27',
				pathway_id: 'example',
				pathway: 'Example',
				region_code: 'E40000003',
				competencies: 2,
				mean_confidence: 2,
				needs_score: 5.75,
				suppressed: false
			}
		]);
	});

	it('suppresses a pathway where any of its competencies is suppressed', () => {
		const table = pathwayReadinessTable(
			[
				needsTable([
					{ wave: '2026-27', region_code: 'E40000003', competency: 'pgx_principles', mean_confidence: 2.5, mwds: 9, suppressed: false },
					{ wave: '2026-27', region_code: 'E40000003', competency: 'ethics', mean_confidence: null, mwds: null, suppressed: true }
				])
			],
			[pathway]
		);
		expect(table.rows[0]).toMatchObject({ mean_confidence: null, needs_score: null, suppressed: true });
	});
});

describe('pathway readiness against the responses (600 a wave)', () => {
	let s: SyntheticStages;
	beforeAll(async () => (s = await syntheticStages()), 120_000);
	afterAll(async () => s?.close());

	it('equals the mean over its competencies of each competency’s mean confidence and MWDS, per region and England', async () => {
		const table = pathwayReadinessTable(await needs(s.c, s.ctx(EXACT)), loadPathways());
		const columns = new Map(ratingColumns().map((r) => [r.competency, r]));
		for (const p of loadPathways()) {
			const stats = await Promise.all(
				pathwayCompetencies(p).map((code) => {
					const { importance: i, confidence: c } = columns.get(code)!;
					return rows<{ region_code: string; imp: number; conf: number }>(
						s.c,
						`SELECT coalesce(region, 'E92000001') AS region_code, avg("${i}") AS imp, avg("${c}") AS conf FROM responses
						 WHERE wave_id = '2026-27' AND "${i}" IS NOT NULL AND "${c}" IS NOT NULL GROUP BY GROUPING SETS ((region), ())`
					);
				})
			);
			for (const region of stats[0].map((r) => r.region_code)) {
				const each = stats.map((list) => list.find((r) => r.region_code === region)!);
				const published = table.rows.find((r) => r.pathway_id === p.id && r.region_code === region)!;
				expect(published.suppressed).toBe(false);
				// Published to 2 decimal places: within half a unit of the last place.
				expect(Math.abs(Number(published.mean_confidence) - each.reduce((a, r) => a + r.conf, 0) / each.length)).toBeLessThanOrEqual(
					0.005 + 1e-9
				);
				expect(
					Math.abs(Number(published.needs_score) - each.reduce((a, r) => a + (r.imp - r.conf) * r.imp, 0) / each.length)
				).toBeLessThanOrEqual(0.005 + 1e-9);
			}
		}
		expect(table.rows).toHaveLength(5 * 8);
	});

	it('matches the golden table for seed 7', async () => {
		expectGolden(pathwayReadinessTable(await needs(s.c, s.ctx()), loadPathways()));
	});
});
