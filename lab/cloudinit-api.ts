/**
 * The lab's view of cloudinit/: the one renderer of user-data the stacks use too.
 */
export { LAB_DATA_DEVICE, PLATFORM_FILE, renderNlbStandInUserData, renderUserData } from '../cloudinit';
