/**
 * keepalived.conf: one VRRP instance holding the VIP on the healthy HAProxy host with the highest
 * priority among those that start together; no preemption afterwards (both start BACKUP with
 * `nopreempt`), so a recovered host leaves the VIP where it is. Unicast peers (AWS carries no
 * multicast); the health check connects to the local HAProxy's TCP port instead of `pidof` (which
 * lies when hosts share a PID namespace); on entering MASTER a notify hook moves the VIP at the
 * platform level and confirms it (AWS: reassign the secondary private IP; the lab: its stand-in),
 * and a reconcile timer re-asserts it while MASTER.
 *
 * The interface name and the VRRP password are only known at boot (`ens5` vs `eth0` vs the lab's
 * veth; the password is a secret), so warren-haproxy-boot writes them to a root-only file that this
 * configuration includes.
 */
import { keepalivedDialect, FRONT_DOOR_PACKAGES, PORTS, type Topology } from '../topology';
import { markerComment } from './marker';
import { KEEPALIVED_RUNTIME_FILE, INSTANCE_SCRIPTS_DIR } from './paths';
import type { RenderedFile } from './rendered-file';

export const KEEPALIVED_CONF_PATH = '/etc/keepalived/keepalived.conf';

export function renderKeepalivedConf(t: Topology, hostName: string): RenderedFile {
  const fd = t.frontDoor;
  if (fd.kind !== 'keepalived') throw new Error(`environment ${t.name} has no keepalived front door`);
  const me = fd.haproxy.find((h) => h.name === hostName);
  if (!me) throw new Error(`${hostName} is not a HAProxy host of ${t.name}`);
  const peers = fd.haproxy.filter((h) => h !== me);
  const d = keepalivedDialect(FRONT_DOOR_PACKAGES[t.image.ubuntu].keepalived);
  if (!d.unicast) throw new Error(`keepalived ${d.version} has no unicast VRRP, which AWS needs (1.2.8+)`);
  const prefix = t.network.subnets.find((s) => s.name === me.subnet)?.cidr.split('/')[1] ?? '32';
  // An overlay VIP is routed to the master's interface, not resolved by ARP: it lives on lo, where
  // keepalived sends no gratuitous ARP, and warren-vip-notify keeps the host from answering ARP for it.
  const vipLine = fd.vipMode === 'overlay' ? `${fd.vip}/32 dev lo` : `${fd.vip}/${prefix}`;
  const globalDefs = [`    router_id ${me.name}`];
  // Scripts run as root from root-owned /usr/local/sbin. keepalived 1.3+ wants this said explicitly
  // (else "SECURITY VIOLATION" and a failed config test); 1.2 skips keywords it does not know, so the
  // lab's keepalived 2.2 can run the 1.2-dialect file as it is.
  if (!d.scriptSecurity)
    globalDefs.push('    # Unknown to keepalived 1.2 (skipped there); required by 1.3 and later.');
  globalDefs.push('    script_user root', '    enable_script_security');
  const content = `${markerComment(t, '#', [`keepalived ${d.version} dialect. VIP ${fd.vip} for the HAProxy pair.`])}
global_defs {
${globalDefs.join('\n')}
}

# Healthy = the local HAProxy accepts TCP connections on its stats port (not pidof).
# fall 1: one failed check gives up the VIP, so a dead HAProxy (its port refuses at once) costs at
# most ~1 s of detection against a 2 s failover target. The price, a failover on one missed check, is
# kept small by timeout 2: a slow but live HAProxy on a starved CPU still passes. rise 2 keeps a
# recovering host from flapping back.
vrrp_script chk_haproxy {
    script "${INSTANCE_SCRIPTS_DIR}/warren-check-haproxy ${PORTS.haproxyStats}"
    interval 1
    timeout 2
    fall 1
    rise 2
}

vrrp_instance warren_${t.name.replace(/-/g, '_')} {
    # Both hosts start BACKUP with nopreempt: a host that recovers (HAProxy back, a reboot, a
    # replacement) stays BACKUP instead of taking the VIP back, which would be a second interruption
    # for every client. When both start together the higher priority's master-down timer ends first
    # (its skew is shorter), so it wins; after that, whoever holds the VIP keeps it until it fails.
    state BACKUP
    nopreempt
    # interface and authentication (the VRRP password) are written at boot by warren-haproxy-boot.
    include ${KEEPALIVED_RUNTIME_FILE}
    virtual_router_id ${fd.virtualRouterId}
    priority ${me.priority}
    advert_int 1
    # Unicast VRRP: AWS does not carry multicast.
    unicast_src_ip ${me.ip}
    unicast_peer {
${peers.map((p) => `        ${p.ip}`).join('\n')}
    }
    virtual_ipaddress {
        ${vipLine}
    }
    track_script {
        chk_haproxy
    }
    # On MASTER the hook moves the VIP at the platform level (AWS: the secondary private IP; the lab:
    # its stand-in) with bounded retries, confirms it took, and starts the reconcile timer that
    # re-asserts it while MASTER; BACKUP and FAULT stop that timer.
    notify_master "${INSTANCE_SCRIPTS_DIR}/warren-vip-notify master ${fd.vip}"
    notify_backup "${INSTANCE_SCRIPTS_DIR}/warren-vip-notify backup ${fd.vip}"
    notify_fault "${INSTANCE_SCRIPTS_DIR}/warren-vip-notify fault ${fd.vip}"
}
`;
  return { path: KEEPALIVED_CONF_PATH, owner: 'root:root', permissions: '0644', content };
}
