// The cdktf app (cdktf.json runs `npx tsx main.ts`): one stack `warren-<env>` per environment in
// environments/, and cdktf.out/review/<env>.md beside them. See docs/stacks.md.
import { synthesizeApp } from './stacks/app';

synthesizeApp();
