// Moved to server/common (modules use it too); this path keeps older imports working.
export { systemClock, type Clock } from '../common/clock';
