/**
 * The lab's view of cloudinit/: the one renderer of user-data the stacks use too.
 */
export { PLATFORM_FILE, renderNlbStandInUserData, renderUserData } from '../cloudinit';
