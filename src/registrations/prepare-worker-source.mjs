// Entry of the upload worker threads when the service runs from its TypeScript sources (tests, tools):
// registers tsx's loader in this thread, then loads the worker. The bundle (npm start) uses dist/prepare-worker.mjs.
import { register } from 'tsx/esm/api';

register();
await import('./prepare-worker.ts');
