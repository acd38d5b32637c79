import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];

afterAll(() => {
	for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh clone of the committed HEAD in its own directory, built with `npm run build`. */
function cloneAndBuild(commit: string): string {
	const dir = mkdtempSync(join(tmpdir(), 'perch-repro-'));
	dirs.push(dir);
	const run = (cmd: string, args: string[], cwd = dir) =>
		execFileSync(cmd, args, { cwd, stdio: 'pipe', encoding: 'utf8' });
	run('git', ['clone', '--quiet', '--shared', '--no-checkout', resolve('.'), dir]);
	run('git', ['checkout', '--quiet', '--detach', commit]);
	// The same installed packages (package-lock.json pins them): a second `npm install` would
	// test the registry, not the build.
	symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
	run('npx', ['svelte-kit', 'sync']);
	run('npm', ['run', 'build']);
	return dir;
}

describe('reproducible build', () => {
	it('two fresh clones of the same commit build byte-identical files', { timeout: 600_000 }, () => {
		const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
		const a = cloneAndBuild(commit);
		const b = cloneAndBuild(commit);
		const sumsA = readFileSync(join(a, 'build', 'SHA256SUMS'), 'utf8');
		const sumsB = readFileSync(join(b, 'build', 'SHA256SUMS'), 'utf8');
		const paths = sumsA.split('\n').map((line) => line.slice(66));
		// The list covers the whole site: the page, the service worker and its precache, the
		// manifest, the headers file and the version.
		for (const path of ['index.html', 'sw.js', 'manifest.webmanifest', '_headers'])
			expect(paths).toContain(path);
		expect(paths).toContain('_app/version.json');
		expect(sumsB).toBe(sumsA);
		// The version is the commit, not the build time.
		expect(JSON.parse(readFileSync(join(a, 'build', '_app', 'version.json'), 'utf8'))).toEqual({
			version: commit
		});
		// And `sha256sum -c` accepts the list.
		expect(
			execFileSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], {
				cwd: join(b, 'build')
			}).toString()
		).toBe('');
	});
});
