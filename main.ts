// The cdktf app (cdktf.json runs `npx tsx main.ts`): one stack `warren-<env>` per environment in
// environments/, and cdktf.out/review/<env>.md beside them. See docs/stacks.md.
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
