import { conformanceOn } from './sql-target.ts';

await conformanceOn('sqlite');
