// Browser tests drive Debian's Chromium through playwright-core. Install it when it is missing.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (existsSync(CHROMIUM)) process.exit(0);

console.log(`Chromium not found at ${CHROMIUM}; installing Debian's chromium package…`);
const sudo = process.getuid && process.getuid() === 0 ? '' : 'sudo ';
try {
	execSync(`${sudo}apt-get update -qq`, { stdio: 'inherit' });
	execSync(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`, {
		stdio: 'inherit'
	});
} catch {
	console.error(
		[
			'Could not install Chromium automatically.',
			"Install Debian's package by hand:  sudo apt-get update && sudo apt-get install -y chromium",
			'or point CHROMIUM_PATH at an existing Chromium/Chrome binary, then run the tests again.',
			'(Playwright browser downloads are not used: `npx playwright install` is not needed.)'
		].join('\n')
	);
	process.exit(1);
}
if (!existsSync(CHROMIUM)) {
	console.error(`apt-get finished but ${CHROMIUM} is still missing; set CHROMIUM_PATH.`);
	process.exit(1);
}
console.log('Chromium installed.');
