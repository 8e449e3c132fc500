import { ensureBackend } from '@tfkit/backend';

const [command = 'help'] = process.argv.slice(2);

async function main(): Promise<number> {
  switch (command) {
    case 'backend':
    case 'demo': {
      const info = await ensureBackend({ log: false });
      console.log(info.reason);
      return 0;
    }
    default:
      console.log('usage: tfkit <backend|demo>');
      return command === 'help' || command === '--help' ? 0 : 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
