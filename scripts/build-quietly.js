// `npm start`'s build: `vite build` with its output held back, so the first thing a newcomer reads is
// the server's "Listening on …". The output is printed only if the build fails.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// vite's package exports do not list its bin file: find it beside its package.json.
const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'error'], { stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
child.stdout.on('data', (d) => (output += d));
child.stderr.on('data', (d) => (output += d));
child.on('close', (code, signal) => {
	if (code === 0) return;
	process.stderr.write(output);
	console.error(`The build failed (${signal ?? `exit code ${code}`}); nothing was started.`);
	process.exit(code || 1);
});
