import { emitDataset } from '../../dashboard-data/load-dataset.ts';

await emitDataset('weekly-health');
