/**
 * Unlock cost at the vault's iteration count: PBKDF2-HMAC-SHA256 via `deriveVaultKey`, then a
 * whole `Vault.unlock()` (verifier, every account decrypted, signing keys imported) with one and
 * with five accounts, in Node on fake-indexeddb. The same derivation is then timed in Debian
 * Chromium, where users actually unlock, if it can be started.
 *
 * Baseline: OWASP's minimum for PBKDF2-HMAC-SHA256 is 600,000 iterations, which is the count the
 * vault uses; the question is what that count costs, so the report gives the time per 100k too.
 */

// idb's wrap() checks against the IDB globals, which Node lacks: this installs fake-indexeddb's.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { createServer } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { openPerchDB } from '../src/lib/db/open';
import { DEFAULT_ITERATIONS, deriveVaultKey, newSalt } from '../src/lib/vault/kdf';
import { Vault } from '../src/lib/vault/vault';
import { table } from './timing';

const RUNS = 5;
/** Unlocks without the KDF are quick, so more of them. */
const WEAK_RUNS = 50;
const PASSPHRASE = 'correct horse battery staple';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run'
];

interface Summary {
	median: number;
	min: number;
	max: number;
}

function summarize(samplesMs: number[]): Summary {
	const sorted = [...samplesMs].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/**
 * Every body once per round, in turn, so a burst of load from elsewhere hits them alike; one
 * untimed round first.
 */
async function timeInterleaved<K extends string>(
	bodies: Record<K, () => Promise<unknown>>,
	rounds: number
): Promise<Record<K, number[]>> {
	const names = Object.keys(bodies) as K[];
	const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
	for (let round = -1; round < rounds; round++) {
		for (const name of names) {
			const start = performance.now();
			await bodies[name]();
			if (round >= 0) samples[name].push(performance.now() - start);
		}
	}
	return samples;
}

/**
 * A locked vault holding `accounts` BitMart accounts, at the default iteration count unless
 * `iterations` is given (the test-only weak setting, to time everything but the derivation).
 */
async function lockedVault(name: string, accounts: number, iterations?: number): Promise<Vault> {
	const db = await openPerchDB(name, new IDBFactory());
	const vault = new Vault(db, iterations ? { iterations, allowWeakKdf: true } : {});
	await vault.create(PASSPHRASE);
	for (let i = 0; i < accounts; i++) {
		await vault.addAccount({
			label: `Bench ${i}`,
			venue: 'bitmart',
			endpoints: {
				rest: 'http://127.0.0.1:1',
				publicWs: 'ws://127.0.0.1:1/api',
				privateWs: 'ws://127.0.0.1:1/user'
			},
			apiKey: `bench-api-key-${i}`,
			secret: `bench-secret-${i}-0123456789abcdef0123456789abcdef`,
			fields: { memo: `bench-memo-${i}` }
		});
	}
	vault.lock();
	return vault;
}

function unlockAndLock(vault: Vault, accounts: number): () => Promise<void> {
	return async () => {
		const result = await vault.unlock(PASSPHRASE);
		if (result.accounts.length !== accounts || result.failures.length > 0) {
			throw new Error(`unlock opened ${result.accounts.length} of ${accounts} accounts`);
		}
		vault.lock();
	};
}

/**
 * deriveVaultKey's steps, as page source: a string, because the bundler tsx uses would wrap a
 * Node-side function with helpers (`__name`) the page does not have.
 */
const BROWSER_DERIVE = `async ({ iterations, runs, passphrase }) => {
	if (!globalThis.crypto?.subtle) return null;
	const derive = async (count) => {
		const material = await crypto.subtle.importKey(
			'raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']
		);
		const salt = crypto.getRandomValues(new Uint8Array(16));
		return crypto.subtle.deriveKey(
			{ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: count },
			material,
			{ name: 'AES-GCM', length: 256 },
			false,
			['encrypt', 'decrypt']
		);
	};
	await derive(1000);
	const times = [];
	for (let i = 0; i < runs; i++) {
		const start = performance.now();
		await derive(iterations);
		times.push(performance.now() - start);
	}
	return times;
}`;

/** The same derivation as deriveVaultKey, in Chromium's Web Crypto, or why it could not run. */
async function timeChromium(
	iterations: number
): Promise<{ samples: number[] } | { skipped: string }> {
	let browser;
	try {
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: CHROMIUM_ARGS,
			headless: true,
			timeout: 30_000
		});
	} catch (error) {
		return { skipped: `could not start ${CHROMIUM}: ${String(error).split('\n')[0]}` };
	}
	// Web Crypto needs a secure context, which about:blank is not; a loopback origin is one.
	const server = createServer((_req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/html' });
		res.end('<!doctype html><title>perch unlock bench</title>');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const page = await browser.newPage();
		await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
		const args = JSON.stringify({ iterations, runs: RUNS, passphrase: PASSPHRASE });
		const samples = await page.evaluate<number[] | null>(`(${BROWSER_DERIVE})(${args})`);
		if (!samples) return { skipped: 'crypto.subtle is not available in the page' };
		return { samples };
	} finally {
		await browser.close();
		await new Promise((resolve) => server.close(resolve));
	}
}

function ms(value: number): string {
	return value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`;
}

/** The per-100k column only makes sense for a bare derivation. */
function row(label: string, samples: number[], iterations?: number): string[] {
	const s = summarize(samples);
	const per100k = iterations ? ms((s.median * 100_000) / iterations) : '';
	return [label, ms(s.median), `${ms(s.min)} – ${ms(s.max)}`, String(samples.length), per100k];
}

export async function runUnlockBench(): Promise<void> {
	const iterations = DEFAULT_ITERATIONS;
	const salt = newSalt();
	const one = await lockedVault('perch-bench-unlock-1', 1);
	const five = await lockedVault('perch-bench-unlock-5', 5);
	const full = await timeInterleaved(
		{
			derive: () => deriveVaultKey(PASSPHRASE, salt, iterations),
			one: unlockAndLock(one, 1),
			five: unlockAndLock(five, 5)
		},
		RUNS
	);

	// At 1 iteration what is left is the rest of the unlock: verifier, IndexedDB, decryption, imports.
	const weakOne = await lockedVault('perch-bench-unlock-weak-1', 1, 1);
	const weakFive = await lockedVault('perch-bench-unlock-weak-5', 5, 1);
	const rest = await timeInterleaved(
		{ one: unlockAndLock(weakOne, 1), five: unlockAndLock(weakFive, 5) },
		WEAK_RUNS
	);

	const browser = await timeChromium(iterations);

	console.log(
		`PBKDF2-HMAC-SHA256 at ${iterations.toLocaleString('en')} iterations (DEFAULT_ITERATIONS).\n` +
			'Node rows are timed in interleaved rounds after one untimed round; Chromium (Debian,' +
			' headless) afterwards, in a page on a loopback origin.\n' +
			'Node uses its own Web Crypto (OpenSSL); the vault runs on fake-indexeddb, standing in for the browser IndexedDB.\n' +
			`Machine: ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)}.\n`
	);
	const rows = [
		['', 'median', 'range', 'runs', 'per 100k iter.'],
		row('Node: deriveVaultKey', full.derive, iterations),
		row('Node: Vault.unlock(), 1 account', full.one),
		row('Node: Vault.unlock(), 5 accounts', full.five)
	];
	if ('samples' in browser) {
		rows.push(row('Chromium: PBKDF2 deriveKey', browser.samples, iterations));
	}
	rows.push(
		['everything but the KDF (1 iteration, test-only):', '', '', '', ''],
		row('  Node: Vault.unlock(), 1 account', rest.one),
		row('  Node: Vault.unlock(), 5 accounts', rest.five)
	);
	console.log(table(rows));
	if ('skipped' in browser) console.log(`\nChromium: skipped (${browser.skipped}).`);

	const perAccount = (summarize(rest.five).median - summarize(rest.one).median) / 4;
	const browserNote =
		'samples' in browser
			? ` Chromium / Node derivation = ${(summarize(browser.samples).median / summarize(full.derive).median).toFixed(2)}.`
			: '';
	console.log(
		`\nThe derivation is the unlock: the rest costs ${ms(summarize(rest.one).median)} with 1 account` +
			` and ≈ ${ms(perAccount)} per further account.${browserNote}` +
			`\nBaseline: OWASP's minimum for PBKDF2-HMAC-SHA256 is 600,000 iterations, and that count is` +
			` the vault's own (${(iterations / 600_000).toFixed(2)}× the minimum); the table is its price.`
	);
}
