/**
 * `npm run sim -- --venue bitget`: the Bitget V2 USDT-M futures simulator on loopback.
 * Options: --port <n> (or SIM_PORT; default 8766), --demo-port <n> (the demo WS host; default any
 * free port), --seed <n>, --no-cors, --one-way (one-way position mode), --demo (a demo-trading key:
 * REST needs `paptrading: 1`, WS goes to the demo host).
 */
import { randomBytes } from 'node:crypto';
import { startBitgetSimServer } from '../src/sim/node/bitget-server';

export async function runBitgetSim(flag: (name: string) => string | undefined): Promise<void> {
	const port = Number(flag('port') ?? process.env.SIM_PORT ?? 8766);
	const seed = Number(flag('seed') ?? 1);
	const demo = process.argv.includes('--demo');
	const oneWay = process.argv.includes('--one-way');
	const demoPort = flag('demo-port');
	const server = await startBitgetSimServer({
		port,
		demoPort: demoPort === undefined ? undefined : Number(demoPort),
		host: '127.0.0.1',
		seed,
		cors: !process.argv.includes('--no-cors')
	});

	// Fake credentials that only this simulator process accepts.
	const apiKey = `bg_${randomBytes(16).toString('hex')}`;
	const secret = randomBytes(32).toString('hex');
	const passphrase = `sim${randomBytes(4).toString('hex')}`;
	server.sim.addAccount({
		apiKey,
		secret,
		passphrase,
		posMode: oneWay ? 'one_way_mode' : 'hedge_mode',
		demo
	});

	console.log(`Bitget V2 USDT-M futures simulator (seed ${seed})`);
	console.log(`  REST        ${server.endpoints.rest}`);
	console.log(`  public WS   ${server.endpoints.publicWs}`);
	console.log(`  private WS  ${server.endpoints.privateWs}`);
	console.log(`  demo public WS   ${server.endpoints.demoPublicWs}`);
	console.log(`  demo private WS  ${server.endpoints.demoPrivateWs}`);
	console.log(
		`Simulator-only ${demo ? 'demo-trading' : 'live'} account, ${oneWay ? 'one-way' : 'hedge'} mode (fake keys, valid only against this process):`
	);
	console.log(`  API key     ${apiKey}`);
	console.log(`  secret      ${secret}`);
	console.log(`  passphrase  ${passphrase}`);
	console.log('Ctrl+C to stop.');

	process.once('SIGINT', () => {
		void server.close().then(() => process.exit(0));
	});
}
