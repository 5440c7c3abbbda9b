// The import rules (.dependency-cruiser.cjs), which `npm run lint` runs in CI: the code keeps them,
// and a wrong arrow breaks them. A small tree in a temporary folder holds three wrong imports.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../bench/kit/server';

const run = promisify(execFile);
const dir = tempDir();
afterAll(() => dir.remove());

/** The rules each import breaks, by running dependency-cruiser as `npm run lint:imports` does. */
async function violations(cwd: string, paths: string[]): Promise<Array<{ rule: string; from: string; to: string }>> {
	const { stdout } = await run(
		process.execPath,
		[
			join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
			...paths,
			'--config',
			'.dependency-cruiser.cjs',
			'--output-type',
			'json'
		],
		{ cwd, maxBuffer: 64 * 2 ** 20 }
	).catch((error) => error as { stdout: string });
	const report = JSON.parse(stdout) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> } };
	return report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

function write(path: string, text: string) {
	mkdirSync(dirname(join(dir.path, path)), { recursive: true });
	writeFileSync(join(dir.path, path), text);
}

describe('the import rules', () => {
	it('hold for the code as it is', async () => {
		expect(await violations(ROOT, ['src', 'pipelines', 'bench', 'scripts'])).toEqual([]);
	});

	it('fail on the core importing the server, a room importing one above it, and bench importing tests', async () => {
		copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir.path, '.dependency-cruiser.cjs'));
		write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } }));
		write('src/lib/server/db/database.ts', 'export class Database {}\n');
		write('pipelines/stages/needs.ts', "import { Database } from '../../src/lib/server/db/database';\nexport const store = Database;\n");
		write('pipelines/charts/index.ts', 'export const charts = [];\n');
		write('pipelines/core/cube.ts', "import { charts } from '../charts/index';\nexport const cube = charts;\n");
		write('tests/helpers/server.ts', 'export const startServer = () => undefined;\n');
		write('bench/submit.ts', "import { startServer } from '../tests/helpers/server';\nstartServer();\n");
		expect(await violations(dir.path, ['src', 'pipelines', 'bench'])).toEqual(
			expect.arrayContaining([
				{ rule: 'core-not-to-server', from: 'pipelines/stages/needs.ts', to: 'src/lib/server/db/database.ts' },
				{ rule: 'core-imports-down', from: 'pipelines/core/cube.ts', to: 'pipelines/charts/index.ts' },
				{ rule: 'nothing-imports-tests', from: 'bench/submit.ts', to: 'tests/helpers/server.ts' }
			])
		);
	});
});
