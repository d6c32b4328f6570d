// The cdktf app (cdktf.json runs `npx tsx main.ts`): one stack `warren-<env>` per selected
// environment, and cdktf.out/review/<env>.md beside them. WARREN_ENV=NAME[,NAME…] or
// WARREN_TOPOLOGY=FILE[,FILE…] selects; neither means every environment in environments/, and then
// one refused file refuses the whole synth (naming it) before anything is written. See docs/stacks.md.
import { synthesizeApp } from './aws';
import { WarrenError } from './topology';

try {
  synthesizeApp();
} catch (e) {
  // A refused environment or construct is the user's to fix: the message says where and how.
  if (e instanceof WarrenError) {
    console.error(`warren: ${e.message}`);
    process.exit(1);
  }
  throw e;
}
