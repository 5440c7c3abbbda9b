// Stage-by-stage progress: a progress bar on a terminal, plain log lines otherwise (CI, cron, files).
import cliProgress from 'cli-progress';
import type { Progress } from './run';

export function terminalProgress(stream: NodeJS.WriteStream = process.stdout): Progress & { stop(): void } {
	if (!stream.isTTY) {
		return {
			stage: (name, index, total) => console.log(`[${index + 1}/${total}] ${name}…`),
			done: (name, ms) => console.log(`        ${name} done in ${Math.round(ms)} ms`),
			stop: () => undefined
		};
	}
	const bar = new cliProgress.SingleBar(
		{ format: 'Pipeline [{bar}] {value}/{total} stages | {stage}', stream, hideCursor: true, clearOnComplete: false },
		cliProgress.Presets.shades_classic
	);
	let started = false;
	return {
		stage: (name, index, total) => {
			if (!started) bar.start(total, index, { stage: name });
			else bar.update(index, { stage: name });
			started = true;
		},
		done: (name) => bar.increment(1, { stage: `${name} done` }),
		stop: () => bar.stop()
	};
}
