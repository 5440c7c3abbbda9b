// Charts drawn to SVG on worker threads. Vega's layout and drawing are CPU work: about 20 ms a chart,
// seconds for a batch run's hundred. On workers they use every core, and a server running the batch
// keeps answering requests meanwhile (respondents first). The workers run drawSvg's own source text,
// with vega and vega-lite resolved from this module, so the built server (one bundle) and tsx run
// them alike.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { withoutControls } from '../../src/lib/text';
import { drawSvg } from './chart';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const draw = ${drawSvg.toString()};
const modules = Promise.all([import(workerData.vegaLite), import(workerData.vega)]);
const runtimes = new Map();
parentPort.on('message', async ({ id, spec }) => {
	try {
		const [vegaLite, vega] = await modules;
		parentPort.postMessage({ id, svg: await draw(vegaLite, vega, spec, runtimes) });
	} catch (error) {
		parentPort.postMessage({ id, error: String((error && error.message) || error) });
	}
});`;

/** Every spec drawn to SVG, in order, on up to `threads` worker threads: by default one core fewer than
 *  the machine has (at least one), leaving a core to the thread that serves requests. */
export async function renderSvgs(specs: TopLevelSpec[], threads = Math.max(1, availableParallelism() - 1)): Promise<string[]> {
	if (specs.length === 0) return [];
	const require = createRequire(import.meta.url);
	const workerData = { vegaLite: pathToFileURL(require.resolve('vega-lite')).href, vega: pathToFileURL(require.resolve('vega')).href };
	const workers = Array.from(
		{ length: Math.max(1, Math.min(threads, specs.length)) },
		() => new Worker(WORKER, { eval: true, workerData })
	);
	const svgs: string[] = new Array(specs.length);
	let next = 0;
	try {
		await Promise.all(
			workers.map(
				(worker) =>
					new Promise<void>((done, fail) => {
						const send = () => (next < specs.length ? worker.postMessage({ id: next, spec: specs[next++] }) : done());
						worker.on('message', ({ id, svg, error }: { id: number; svg?: string; error?: string }) => {
							if (error !== undefined) return fail(new Error(`Could not draw chart ${id + 1} of ${specs.length}: ${error}`));
							svgs[id] = withoutControls(svg!);
							send();
						});
						worker.on('error', fail);
						worker.on('exit', (code) => code !== 0 && fail(new Error(`A chart-drawing thread stopped (exit code ${code})`)));
						send();
					})
			)
		);
	} finally {
		await Promise.all(workers.map((worker) => worker.terminate()));
	}
	return svgs;
}
