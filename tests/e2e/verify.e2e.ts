import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStaticServer } from '../../scripts/serve.js';
import { verify } from '../../scripts/verify.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
	for (const cleanup of cleanups) await cleanup();
});

async function serve(dir: string): Promise<string> {
	const { server, url } = await startStaticServer({ dir, listenPort: 0 });
	cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
	return url;
}

describe('npm run verify', () => {
	it('finds a deployment of this build identical, file by file and header by header', async () => {
		const url = await serve('build');
		const lines: string[] = [];
		const result = await verify(url, 'build', (l) => lines.push(l));
		expect(result).toEqual({ ok: true, mismatched: [] });
		expect(lines.filter((l) => l.startsWith('same')).length).toBeGreaterThan(10);
		expect(lines.some((l) => l.includes('header content-security-policy'))).toBe(true);
	});

	it('names the file a tampered deployment changed', async () => {
		const copy = mkdtempSync(join(tmpdir(), 'perch-tampered-'));
		cleanups.push(() => rmSync(copy, { recursive: true, force: true }));
		cpSync('build', copy, { recursive: true });
		const chunks = join(copy, '_app', 'immutable', 'chunks');
		const victim = readdirSync(chunks).find((f) => f.endsWith('.js'));
		if (!victim) throw new Error('no chunk to tamper with');
		const path = join(chunks, victim);
		writeFileSync(path, `${readFileSync(path, 'utf8')}\n;fetch("https://evil.invalid/")`);
		const url = await serve(copy);
		const result = await verify(url, 'build', () => undefined);
		expect(result).toEqual({ ok: false, mismatched: [`_app/immutable/chunks/${victim}`] });
	});
});
