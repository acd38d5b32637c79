import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer } from '../../scripts/serve.js';

/** A built page as SvelteKit writes it: the policy sits in a meta tag, with the script's hash. */
const META_POLICY =
	"default-src 'self'; connect-src 'self' https://api-cloud-v2.bitmart.com; " +
	"script-src 'self' 'sha256-PNCQ3HPSfDQx1NEi93UX5eDowr+yK24a9PS/Y3G6Nuo='; base-uri 'self'";
const INDEX = `<!doctype html><html><head>
<meta http-equiv="content-security-policy" content="${META_POLICY}">
</head><body>Perch</body></html>`;

let dir: string;
let server: Server;
let url: string;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'perch-serve-'));
	await writeFile(join(dir, 'index.html'), INDEX);
	await mkdir(join(dir, '_app', 'immutable'), { recursive: true });
	await writeFile(join(dir, '_app', 'immutable', 'a.js'), 'export {}');
	({ server, url } = await startStaticServer({ dir, listenPort: 0 }));
});

afterAll(async () => {
	await new Promise<void>((r) => server.close(() => r()));
	await rm(dir, { recursive: true, force: true });
});

describe('scripts/serve.js (npm start, browser tests)', () => {
	it('sends the built page CSP as a header, with frame-ancestors and the other lock-down headers', async () => {
		for (const path of ['', 'accounts', '_app/immutable/a.js']) {
			const res = await fetch(url + path);
			expect(res.status, path).toBe(200);
			expect(res.headers.get('content-security-policy'), path).toBe(
				`${META_POLICY}; frame-ancestors 'none'`
			);
			expect(res.headers.get('x-frame-options'), path).toBe('DENY');
			expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
			expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
		}
	});

	it('follows a rebuilt page: the header carries the new script hash', async () => {
		const rebuilt = INDEX.replace('PNCQ3HPS', 'QQQQ3HPS');
		await writeFile(join(dir, 'index.html'), rebuilt);
		const res = await fetch(url);
		expect(res.headers.get('content-security-policy')).toContain("'sha256-QQQQ3HPS");
		await writeFile(join(dir, 'index.html'), INDEX);
	});
});

describe('the _headers file for static hosts', () => {
	it('holds the same headers for every path, in the Netlify / Cloudflare Pages format', async () => {
		const { writeHeadersFile } = await import('../../scripts/headers.js');
		await writeHeadersFile(dir);
		const text = await readFile(join(dir, '_headers'), 'utf8');
		const lines = text.split('\n');
		expect(lines[0]).toBe('/*');
		expect(lines).toContain(`  Content-Security-Policy: ${META_POLICY}; frame-ancestors 'none'`);
		expect(lines).toContain('  X-Frame-Options: DENY');
		expect(lines).toContain('  X-Content-Type-Options: nosniff');
		expect(lines).toContain('  Referrer-Policy: no-referrer');
	});

	it('refuses to write headers for a page without a CSP meta tag', async () => {
		const { writeHeadersFile } = await import('../../scripts/headers.js');
		const bare = await mkdtemp(join(tmpdir(), 'perch-bare-'));
		await writeFile(join(bare, 'index.html'), '<!doctype html><title>x</title>');
		await expect(writeHeadersFile(bare)).rejects.toThrow(/Content-Security-Policy/);
		await rm(bare, { recursive: true, force: true });
	});
});
