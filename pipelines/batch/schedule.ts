// The schedule: croner on a cron expression (default nightly 02:00 Europe/London). `protect` makes
// croner skip a tick while the previous run is still going, so runs never overlap.
import { Cron } from 'croner';

export function schedulePipeline(
	expression: string,
	timezone: string,
	run: () => Promise<unknown>,
	log: (line: string) => void = console.log
): Cron {
	return new Cron(
		expression,
		{
			name: 'pipeline',
			timezone,
			protect: () => log(`Pipeline: a run is still in progress at ${new Date().toISOString()}; this scheduled run is skipped.`),
			catch: (error) => log(`Pipeline: scheduled run failed: ${(error as Error).message}`)
		},
		async () => {
			await run();
		}
	);
}
