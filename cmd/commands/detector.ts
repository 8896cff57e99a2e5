import { placeholder } from './placeholder.js';

export default placeholder('detector', 'Consume a rule\'s topic from Kafka, run the engine, emit alerts and trends');
