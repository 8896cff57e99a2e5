import { placeholder } from './placeholder.js';

export default placeholder('notifier', 'Consume alerts, store them and deliver them to channels');
