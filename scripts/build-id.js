// The build's version name, from the source it is built from, so that two builds of the same
// commit are byte-identical (SvelteKit's default is the build time, which lands in every build's
// version.json and start chunk). Outside a git checkout (a source tarball) it is a hash of the
// tracked inputs instead: still the same for the same source.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const INPUTS = [
	'src',
	'static',
	'package.json',
	'package-lock.json',
	'svelte.config.js',
	'vite.config.ts'
];

/** @param {string} path @param {string[]} out */
function walk(path, out) {
	const s = statSync(path, { throwIfNoEntry: false });
	if (!s) return;
	if (s.isFile()) out.push(path);
	else if (s.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name), out);
}

/** @param {string} root */
export function sourceHash(root) {
	/** @type {string[]} */
	const files = [];
	for (const input of INPUTS) walk(join(root, input), files);
	const hash = createHash('sha256');
	for (const file of files.map((f) => relative(root, f)).sort()) {
		hash.update(`${file}\0`);
		hash.update(readFileSync(join(root, file)));
		hash.update('\0');
	}
	return `src-${hash.digest('hex').slice(0, 16)}`;
}

/** @param {string} [root] */
export function buildVersion(root = process.cwd()) {
	if (process.env.PERCH_BUILD_VERSION) return process.env.PERCH_BUILD_VERSION;
	try {
		return execFileSync('git', ['rev-parse', 'HEAD'], {
			cwd: root,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore']
		}).trim();
	} catch {
		return sourceHash(root);
	}
}
