/**
 * `npm run sim`: the BitMart Futures V2 simulator on loopback, for trying Perch by hand.
 * Options: --port <n> (or SIM_PORT; default 8765), --seed <n>, --no-cors, --binary.
 * `--venue bitget` runs the Bitget simulator instead (see scripts/sim-bitget.ts).
 */
import { randomBytes } from 'node:crypto';
import { startSimServer } from '../src/sim/node/server';
import { runBitgetSim } from './sim-bitget';

function flag(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

const venue = flag('venue') ?? 'bitmart';
if (venue === 'bitget') {
	await runBitgetSim(flag);
	// What follows starts the BitMart simulator: stay here (serving Bitget) until Ctrl+C.
	await new Promise<never>(() => undefined);
} else if (venue !== 'bitmart') {
	console.error(`unknown --venue ${venue} (bitmart, bitget)`);
	process.exit(2);
}

const port = Number(flag('port') ?? process.env.SIM_PORT ?? 8765);
const seed = Number(flag('seed') ?? 1);
const server = await startSimServer({
	port,
	host: '127.0.0.1',
	seed,
	cors: !process.argv.includes('--no-cors'),
	binaryFrames: process.argv.includes('--binary')
});

// Fake credentials that only this simulator process accepts.
const apiKey = randomBytes(20).toString('hex');
const secret = randomBytes(32).toString('hex');
const memo = `sim-${randomBytes(3).toString('hex')}`;
server.sim.addAccount({ apiKey, secret, memo, positionMode: 'hedge' });

console.log(`BitMart Futures V2 simulator (seed ${seed})`);
console.log(`  REST        ${server.endpoints.rest}`);
console.log(`  public WS   ${server.endpoints.publicWs}`);
console.log(`  private WS  ${server.endpoints.privateWs}`);
console.log('Simulator-only demo account (fake keys, valid only against this process):');
console.log(`  API key  ${apiKey}`);
console.log(`  secret   ${secret}`);
console.log(`  memo     ${memo}`);
console.log('Ctrl+C to stop.');

process.once('SIGINT', () => {
	void server.close().then(() => process.exit(0));
});
