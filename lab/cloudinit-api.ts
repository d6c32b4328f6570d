/**
 * The lab's view of cloudinit/: the one renderer of user-data the stacks use too.
 */
export {
  LAB_DATA_DEVICE,
  LAB_ROUTER_NETNS,
  PLATFORM_FILE,
  renderNlbStandInUserData,
  renderUserData,
} from '../cloudinit';
