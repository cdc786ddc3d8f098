import { emitDataset } from '../../dashboard-data/load-dataset.ts';

await emitDataset('hour-of-week');
