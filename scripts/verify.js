// Checks a deployed Perch against a local build of the same commit: fetches every file listed in
// the local build's SHA256SUMS from the deployed site and compares the hashes, then checks that
// the site sends the security headers of the local `_headers` (a host applies that file instead
// of serving it).
// Usage: npm run verify -- https://perch.example.org/ [build-dir=build]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUMS_FILE, parseChecksums, sha256 } from './checksums.js';

/** @param {string} text @returns {Record<string, string>} the headers for `/*` */
export function parseHeadersFile(text) {
	/** @type {Record<string, string>} */
	const headers = {};
	let inAll = false;
	for (const line of text.split('\n')) {
		if (!line.startsWith(' ') && line.trim() !== '') inAll = line.trim() === '/*';
		else if (inAll && line.includes(':')) {
			const at = line.indexOf(':');
			headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
		}
	}
	return headers;
}

/**
 * @param {string} base the deployed site's URL
 * @param {string} dir the local build
 * @param {(line: string) => void} [log]
 * @returns {Promise<{ ok: boolean, mismatched: string[] }>}
 */
export async function verify(base, dir, log = console.log) {
	const root = new URL(base.endsWith('/') ? base : `${base}/`);
	const expected = parseChecksums(readFileSync(join(dir, SUMS_FILE), 'utf8'));
	/** @type {string[]} */
	const mismatched = [];
	for (const { path, sha256: want } of expected) {
		if (path === '_headers') continue;
		const url = new URL(path, root);
		let got;
		try {
			const res = await fetch(url, { cache: 'no-store' });
			got = res.ok ? sha256(new Uint8Array(await res.arrayBuffer())) : `HTTP ${res.status}`;
		} catch (e) {
			got = `unreachable (${e instanceof Error ? e.message : String(e)})`;
		}
		const same = got === want;
		if (!same) mismatched.push(path);
		log(
			`${same ? 'same     ' : 'DIFFERENT'}  ${path}${same ? '' : `  (local ${want}, deployed ${got})`}`
		);
	}
	if (expected.some((f) => f.path === '_headers')) {
		const want = parseHeadersFile(readFileSync(join(dir, '_headers'), 'utf8'));
		const res = await fetch(root, { cache: 'no-store' });
		await res.arrayBuffer();
		for (const [name, value] of Object.entries(want)) {
			const got = res.headers.get(name);
			const same = got === value;
			if (!same) mismatched.push(`header ${name}`);
			log(
				`${same ? 'same     ' : 'DIFFERENT'}  header ${name}${same ? '' : `: deployed ${got ?? '(none)'}`}`
			);
		}
	}
	const ok = mismatched.length === 0;
	log(
		ok
			? `\nThe site at ${root.href} serves exactly the ${expected.length} files of ${dir} (SHA256SUMS ${sha256(readFileSync(join(dir, SUMS_FILE)))}).`
			: `\n${mismatched.length} difference(s): the site at ${root.href} is NOT this build.`
	);
	return { ok, mismatched };
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const [base, dir = 'build'] = process.argv.slice(2);
	if (!base) {
		console.error('usage: npm run verify -- <deployed base URL> [build dir]');
		process.exit(2);
	}
	const { ok } = await verify(base, dir);
	process.exitCode = ok ? 0 : 1;
}
