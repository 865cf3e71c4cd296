// Regenerates the README's settings table from the zod config schema.
import { writeSection } from '../apps/extproc/src/config/readme-section.ts';
import { settingsTable } from '../apps/extproc/src/config/settings-table.ts';

writeSection('settings', settingsTable());
